"""`./hearth.sh test` and `bench` leave the user's audio and display as they found them: the virtual
microphone reaches the tests through PULSE_SOURCE, never as the system-wide default source, and the
null sink and the Xvfb it started are gone after a normal end and after Ctrl-C. Real PulseAudio,
real Xvfb, the script's own functions (sourced, so no setup or test run happens here)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.terminal import ctrl_c_works

SCRIPT = Path(__file__).resolve().parent.parent / "hearth.sh"

pytestmark = pytest.mark.skipif(
    not (shutil.which("pactl") and shutil.which("Xvfb")), reason="needs PulseAudio (pactl) and Xvfb"
)


def pactl(*args) -> str:
    return subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=10, check=True).stdout


def default_source() -> str:
    return next(
        line.split(":", 1)[1].strip() for line in pactl("info").splitlines() if line.startswith("Default Source")
    )


def hearth_sinks() -> list[str]:
    return [line.split()[1] for line in pactl("list", "short", "sinks").splitlines() if "hearth_mic_" in line]


def in_services(command: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PULSE_SOURCE", "HEARTH_TEST_SINK")}
    return subprocess.Popen(
        ["bash", "-c", f'source "{SCRIPT}" && with_test_services bash -c {command!r}'],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C would reach it
        preexec_fn=ctrl_c_works,
        **kwargs,
    )


def xvfb_running(display: str) -> bool:
    return Path(f"/tmp/.X11-unix/X{display.lstrip(':')}").exists()


@pytest.fixture
def pulse():
    subprocess.run(["pactl", "info"], check=True, capture_output=True, timeout=10)
    before = default_source(), hearth_sinks()
    yield before
    assert default_source() == before[0], "the user's default source was changed"


def test_services_use_pulse_source_and_leave_the_default_alone_and_clean_up(pulse):
    before_default, before_sinks = pulse
    run = in_services('echo "$DISPLAY|$PULSE_SOURCE|$HEARTH_TEST_SINK"; pactl info | grep "Default Source"')
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    display, source, sink = out.splitlines()[0].split("|")
    assert sink.startswith("hearth_mic_") and source == f"{sink}.monitor"
    assert out.splitlines()[1].endswith(before_default), "the default source changed while the tests ran"
    assert display and not xvfb_running(display), "the Xvfb it started is still running"
    assert hearth_sinks() == before_sinks, "the null sink it loaded is still there"


def test_ctrl_c_stops_what_was_started(pulse):
    _, before_sinks = pulse
    run = in_services('echo "$DISPLAY|$HEARTH_TEST_SINK"; sleep 60')
    line = run.stdout.readline().strip()
    display, sink = line.split("|")
    assert sink in hearth_sinks() and xvfb_running(display)
    os.killpg(run.pid, signal.SIGINT)
    run.wait(timeout=30)
    assert run.returncode == 130
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (xvfb_running(display) or sink in hearth_sinks()):
        time.sleep(0.1)
    assert hearth_sinks() == before_sinks and not xvfb_running(display)
