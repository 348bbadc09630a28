"""The benchmark's start-up figure is taken on a real X server: its own Xvfb when there is no
$DISPLAY (never Qt's offscreen platform), stopped again afterwards."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench import startup

pytestmark = pytest.mark.skipif(not shutil.which("Xvfb"), reason="needs Xvfb (./hearth.sh test installs it)")


def test_start_up_is_timed_on_an_xvfb_of_its_own_when_there_is_no_display(monkeypatch):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env["QT_QPA_PLATFORM"] = "offscreen"  # what the test suite uses; the benchmark must not
    seen = []
    real = startup._one_start

    def spy(child_env):
        seen.append((child_env["DISPLAY"], child_env["QT_QPA_PLATFORM"]))
        assert Path(f"/tmp/.X11-unix/X{child_env['DISPLAY'].lstrip(':')}").exists(), "an X server is up"
        return real(child_env)

    monkeypatch.setattr(startup, "_one_start", spy)
    times = startup.time_to_window(1, env)
    assert len(times) == 1 and 0 < times[0] < 60, "the window came up on the X server"
    display, platform = seen[0]
    assert platform == "xcb"
    assert not Path(f"/tmp/.X11-unix/X{display.lstrip(':')}").exists(), "its Xvfb was stopped"
