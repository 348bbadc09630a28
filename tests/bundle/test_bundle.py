"""The self-contained bundle, as a user gets it: unpack the archive, run install.sh, open Hearth from the menu.

The frozen app runs with an empty HOME, a PATH without the virtualenv and no PYTHONPATH, so nothing
of the build machine's Python can stand in for what the bundle lacks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from app_helpers import db_rows

from backend.wer import wer
from tests.bundle.conftest import REPO, need, user_env

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

SPEECH = REPO / "tests" / "data" / "speech"
# What a Linux desktop provides and a bundle must not carry: the C library, the GPU driver's GL, the
# display server's client libraries (they must match the running server) and ALSA (its plugins reach
# PulseAudio or PipeWire and must match the system's libasound).
SYSTEM_LIBRARY = re.compile(
    r"^(ld-linux-x86-64\.so\.2|lib(c|m|dl|rt|pthread|resolv|util)\.so\.[0-9]+"
    r"|lib(GL|GLX|GLdispatch|EGL|OpenGL)\.so\.[0-9]+|libxcb\.so\.1|libdrm\.so\.2|libgbm\.so\.1"
    r"|libwayland-(client|cursor|egl|server)\.so\.[0-9]+|libasound\.so\.2)$"
)
# The pieces the issue names, each of which PyInstaller misses or breaks without help.
MUST_CARRY = (
    r"llama_cpp/lib/libllama\.so",
    r"llama_cpp/lib/libggml-cpu\.so",
    r"libwhisper[^/]*\.so",
    r"libportaudio\.so\.2",
    r"PySide6/Qt/plugins/platforms/libqxcb\.so",
    r"PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal\.so",
    r"libxcb-cursor\.so\.0",
    r"libavcodec[^/]*\.so",
)


def shared_objects(root: Path) -> list[Path]:
    found = [root / "Hearth"]
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and (".so" in path.name):
            with open(path, "rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def test_every_shared_library_is_in_the_bundle_or_part_of_every_desktop(bundle):
    internal = bundle / "_internal"
    files = shared_objects(bundle)
    relative = [str(p.relative_to(internal)) for p in files if p.is_relative_to(internal)]
    for pattern in MUST_CARRY:
        assert any(re.fullmatch(rf".*{pattern}.*", name) for name in relative), f"the bundle lacks {pattern}"

    missing, from_system = [], {}
    for path in files:
        # The bootloader starts the app with LD_LIBRARY_PATH=<bundle>/_internal; ldd is asked the same way.
        out = subprocess.run(
            ["ldd", str(path)],
            env={"LD_LIBRARY_PATH": str(internal), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        ).stdout
        for line in out.splitlines():
            name, _, target = line.strip().partition(" => ")
            if "not found" in target:
                missing.append(f"{path.relative_to(bundle)} needs {name}")
            elif target.startswith("/") and not target.startswith(str(bundle)):
                from_system.setdefault(name, path.relative_to(bundle))
    assert not missing, "libraries not found:\n" + "\n".join(sorted(set(missing)))
    unexpected = {name: needed_by for name, needed_by in from_system.items() if not SYSTEM_LIBRARY.match(name)}
    assert not unexpected, f"taken from the build machine's system instead of the bundle: {unexpected}"


def test_desktop_entry_passes_validation_and_names_the_window_class(bundle):
    need(shutil.which("desktop-file-validate"), "desktop-file-validate (desktop-file-utils) is not installed")
    entry = bundle / "share" / "applications" / "hearth.desktop"
    result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    fields = dict(line.split("=", 1) for line in entry.read_text().splitlines() if "=" in line)
    assert fields["StartupWMClass"] == "Hearth" and fields["Icon"] == "hearth"
    assert "Keywords[zh_CN]" in fields and "Categories" in fields


def test_frozen_app_completes_text_and_transcribes_speech_headless(bundle, empty_home):
    env = user_env(empty_home)
    env.pop("DISPLAY", None)  # headless: no display at all
    done = subprocess.run(
        [str(bundle / "Hearth"), "complete", "-p", "The capital of France is", "-n", "12", "--temp", "0", "--json"],
        env=env,
        cwd=empty_home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert "Paris" in result["text"]
    assert result["stats"]["generated_tokens"] == 12
    # The model was prepared from the data inside the bundle, into the new user's data folder.
    assert Path(result["model"]).is_relative_to(empty_home / ".local" / "share" / "Hearth")

    heard = subprocess.run(
        [str(bundle / "Hearth"), "transcribe", str(SPEECH / "jfk_inaugural.wav"), "--json"],
        env=env,
        cwd=empty_home,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert heard.returncode == 0, heard.stderr[-2000:]
    text = " ".join(segment["text"] for segment in json.loads(heard.stdout)["segments"])
    assert wer((SPEECH / "jfk_inaugural.txt").read_text(), text) <= 0.15, text


def test_frozen_app_says_what_it_leaves_out(bundle, tmp_path):
    result = subprocess.run(
        [str(bundle / "Hearth"), "bench"], env=user_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "hearth: error: the benchmark is not in this build; run it from a source checkout"


# --- the desktop: install.sh, the menu entry, the window --------------------------------------


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _xprop(window: str, *names: str) -> str:
    return subprocess.run(["xprop", "-id", window, "-notype", *names], capture_output=True, text=True).stdout


def _icon_sizes_and_pixels(window: str) -> dict[int, list[int]]:
    """_NET_WM_ICON as the window manager reads it: width, height, then ARGB pixels, per size."""
    raw = subprocess.run(
        ["xprop", "-id", window, "-notype", "32c", "_NET_WM_ICON"], capture_output=True, text=True
    ).stdout
    numbers = [int(n) for n in re.findall(r"\d+", raw.partition("=")[2])]
    icons, i = {}, 0
    while i + 2 <= len(numbers):
        width, height = numbers[i], numbers[i + 1]
        icons[width] = numbers[i + 2 : i + 2 + width * height]
        i += 2 + width * height
    return icons


def _png_argb(path: Path) -> list[int]:
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
    return [image.pixel(x, y) for y in range(image.height()) for x in range(image.width())]


def _running(executable: Path) -> list[int]:
    """Processes of this executable: gio starts the app detached, so its id is found, not handed over."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "exe")) == executable:
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def _mapped_libraries(pid: int) -> set[str]:
    maps = Path(f"/proc/{pid}/maps").read_text()
    fields = [line.split(maxsplit=5) for line in maps.splitlines()]
    return {f[5] for f in fields if len(f) == 6 and ".so" in f[5]}  # the path may hold spaces


def test_installed_menu_entry_opens_a_window_that_chats_and_shows_the_icon(bundle, empty_home, tmp_path):
    need(bool(os.environ.get("DISPLAY")), "needs an X display: run the suite with ./hearth.sh test")
    for tool in ("xdotool", "xprop", "gio", "desktop-file-validate"):
        need(shutil.which(tool), f"{tool} is not installed")

    installed = subprocess.run(
        ["sh", str(bundle / "install.sh")], env=user_env(empty_home), capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    share = empty_home / ".local" / "share"
    entry = share / "applications" / "hearth.desktop"
    for size in (16, 32, 48, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "hearth.png").exists()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "hearth.svg").exists()
    validated = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert validated.returncode == 0 and not validated.stdout.strip(), validated.stdout
    assert f'Exec="{bundle}/Hearth"' in entry.read_text()  # the folder's space and 应用 survive quoting

    data = share / "Hearth"
    data.mkdir(parents=True, exist_ok=True)
    (data / "settings.json").write_text(
        json.dumps({"default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 60}})
    )
    with open(tmp_path / "app.log", "w") as log:  # the app inherits gio's output: a file, never a pipe
        launched = subprocess.run(["gio", "launch", str(entry)], env=user_env(empty_home), stdout=log, stderr=log)
    assert launched.returncode == 0, (tmp_path / "app.log").read_text()
    try:
        pid = _wait(lambda: _running(bundle / "Hearth"), 30, "the Hearth process")[0]

        search = ["xdotool", "search", "--all", "--onlyvisible", "--pid", str(pid), "--name", "^Hearth$"]
        window = _wait(lambda: subprocess.run(search, capture_output=True, text=True).stdout.split(), 120, "window")[0]
        assert _xprop(window, "WM_CLASS").split("=")[1].strip() == '"Hearth", "Hearth"'
        icons = _icon_sizes_and_pixels(window)
        assert {16, 32, 48, 256} <= set(icons), f"_NET_WM_ICON sizes: {sorted(icons)}"
        ours = _png_argb(REPO / "resources" / "icons" / "hearth-32.png")
        differing = sum(
            1 for a, b in zip(icons[32], ours) if max(abs((a >> s & 255) - (b >> s & 255)) for s in (0, 8, 16, 24)) > 8
        )
        assert differing < len(ours) * 0.02, f"the window's icon is not Hearth's ({differing} pixels differ)"

        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        subprocess.run(["xdotool", "type", "--delay", "20", "What is the capital of France?"], check=True)
        db = data / "conversations.sqlite3"

        def sent():
            # Enter does nothing until the model is prepared and loaded; keep pressing it like a user would.
            if db_rows(db, "SELECT 1 FROM messages WHERE role = 'user'"):
                return True
            subprocess.run(["xdotool", "key", "--window", window, "Return"], check=True)
            return False

        _wait(sent, 240, "the message to be sent")
        reply = _wait(
            lambda: db_rows(db, "SELECT content FROM messages WHERE role = 'assistant' AND complete = 1"),
            180,
            "the reply",
        )[0][0]
        assert "Paris" in reply
        # The engines that answered are the bundle's own, not the build machine's.
        libraries = _mapped_libraries(pid)
        for name in ("libpython3.11.so", "libQt6Core.so", "libqxcb.so", "libllama.so", "libggml-cpu.so"):
            hits = [lib for lib in libraries if name in lib]
            assert hits and all(lib.startswith(str(bundle)) for lib in hits), f"{name} loaded from {hits}"
        # The only outsider allowed: the test suite's own network guard, preloaded into every child.
        from_repo = [lib for lib in libraries if str(REPO) in lib and Path(lib).name != "netguard.so"]
        assert not from_repo, f"the frozen app loaded files from the repository: {from_repo}"
        shot = os.environ.get("HEARTH_SCREENSHOT_DIR")
        if shot and shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(Path(shot) / "hearth-bundle.png")], check=False)

        subprocess.run(["xdotool", "key", "--window", window, "ctrl+q"], check=True)
        _wait(lambda: not Path(f"/proc/{pid}").exists(), 30, "Hearth to quit")
    finally:
        for left in _running(bundle / "Hearth"):
            os.kill(left, signal.SIGTERM)

    log = (data / "logs" / "hearth.log").read_text()
    assert "Hearth starting" in log

    removed = subprocess.run(["sh", str(bundle / "uninstall.sh")], env=user_env(empty_home), capture_output=True)
    assert removed.returncode == 0
    assert not entry.exists()
    assert not list((share / "icons" / "hicolor").rglob("hearth.*"))
    assert (data / "conversations.sqlite3").exists(), "uninstalling must not delete the user's conversations"
