#!/usr/bin/env bash
# Sets Hearth up on a fresh machine and then launches it, or runs the whole test suite.
#   ./hearth.sh          set up, then open the app on the bundled models
#   ./hearth.sh test     set up, then run every test (starts Xvfb and PulseAudio itself)
#   ./hearth.sh bench    set up, then run the benchmark
#   ./hearth.sh bundle   set up, then build dist/Hearth/ and its .tar.gz (self-contained, PyInstaller)
# Every step is skipped when already done, so a second run starts in seconds.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-run}
[ $# -gt 0 ] && shift
VENV=${HEARTH_VENV:-.venv}
PY=${PYTHON:-python3}

say() { printf '\033[1mhearth:\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

system_packages() {
  case "$(uname -s)" in
    Linux)
      command -v apt-get >/dev/null || { say "not Debian/Ubuntu: install PortAudio, Qt's xcb libraries and a C++ toolchain yourself"; return; }
      local pkgs=(python3-venv python3-dev build-essential cmake git libportaudio2 libegl1 libgl1
        libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0
        libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
        libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core fonts-wqy-microhei espeak-ng)  # espeak-ng: the voice that is always there; wqy: CJK glyphs for the Chinese window
      [ "$mode" = test ] && pkgs+=(xvfb x11-utils xdotool imagemagick pulseaudio pulseaudio-utils libasound2-plugins espeak-ng)
      # The bundle and its tests: desktop-file-validate, gio, a private D-Bus for a stand-in desktop
      # portal, and what Qt's Wayland plugin links to.
      { [ "$mode" = test ] || [ "$mode" = bundle ]; } &&
        pkgs+=(desktop-file-utils libglib2.0-bin dbus-daemon libwayland-cursor0 libwayland-egl1)
      local missing=()
      for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
      done
      if [ ${#missing[@]} -gt 0 ]; then
        say "installing system packages: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
      fi
      ;;
    Darwin)
      command -v brew >/dev/null || { say "install Homebrew first (https://brew.sh)"; exit 1; }
      brew list portaudio >/dev/null 2>&1 || brew install portaudio
      brew list espeak-ng >/dev/null 2>&1 || brew install espeak-ng
      # llama.cpp's Metal backend: the from-source build picks it up with this flag.
      export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_METAL=on}"
      ;;
  esac
}

python_env() {
  [ -x "$VENV/bin/python" ] || { say "creating virtualenv $VENV"; "$PY" -m venv "$VENV"; }
  local want
  want=$(cat pyproject.toml | sha256sum | cut -c1-16)
  if [ "$(cat "$VENV/.hearth-installed" 2>/dev/null)" != "$want" ]; then
    say "installing Python packages (the first time this builds llama.cpp from source: ~12 min on 2 cores)"
    "$VENV/bin/python" -m pip install -q --upgrade pip wheel
    CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || sysctl -n hw.ncpu)} \
      "$VENV/bin/python" -m pip install -q -e ".[test]"
    echo "$want" > "$VENV/.hearth-installed"
  fi
}

# A virtual display and a virtual microphone for the tests and the benchmark, without touching the
# user's own audio setup: the null sink is private to this run and reaches Hearth through
# PULSE_SOURCE (libpulse's per-process default), never through the system-wide default source.
# Everything started here is stopped again on exit, error or Ctrl-C.
start_test_services() {
  if [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
    local n=99
    while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    # -noreset: an X server with no client left resets, and a window opening meanwhile is refused.
    Xvfb ":$n" -screen 0 1600x1000x24 -nolisten tcp -noreset >/dev/null 2>&1 &
    XVFB_PID=$!
    export DISPLAY=":$n"
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
  fi
  if command -v pulseaudio >/dev/null; then
    if ! pulseaudio --check 2>/dev/null; then
      pulseaudio -D --exit-idle-time=-1 >/dev/null 2>&1 && PULSE_STARTED=1 || true
    fi
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    local sink="hearth_mic_$$"
    SINK_MODULE=$(pactl load-module module-null-sink sink_name="$sink" 2>/dev/null) || SINK_MODULE=
    if [ -n "$SINK_MODULE" ]; then
      export HEARTH_TEST_SINK="$sink" PULSE_SOURCE="$sink.monitor"
    fi
  fi
}

stop_test_services() {
  [ -n "${SINK_MODULE:-}" ] && pactl unload-module "$SINK_MODULE" 2>/dev/null
  [ -n "${PULSE_STARTED:-}" ] && pulseaudio --kill 2>/dev/null
  [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null && wait "$XVFB_PID" 2>/dev/null
  SINK_MODULE= PULSE_STARTED= XVFB_PID=
  return 0
}

# Run a command inside the test services; they are stopped whatever way the command ends.
with_test_services() {
  start_test_services
  trap stop_test_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  "$@"
}

# Sourced (by the tests of this script) rather than run: define the functions above and stop here.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 0; fi

system_packages
python_env
"$VENV/bin/python" packaging/translations.py compile  # the .qm the window loads, from the .ts in the repo

case "$mode" in
  run)
    "$VENV/bin/python" main.py models prepare
    exec "$VENV/bin/python" main.py "$@"
    ;;
  test)
    # Tests keep their own copy of the bundled models, away from the user's data.
    HEARTH_MODELS_DIR="$PWD/.test-artifacts/models" "$VENV/bin/python" main.py models prepare
    with_test_services "$VENV/bin/python" -m pytest "$@"
    ;;
  bench)
    "$VENV/bin/python" main.py models prepare
    with_test_services "$VENV/bin/python" main.py bench "$@"
    ;;
  bundle)
    "$VENV/bin/python" packaging/build_bundle.py "$@"
    ;;
  *) say "unknown mode '$mode' (use: run, test, bench, bundle)"; exit 2 ;;
esac
