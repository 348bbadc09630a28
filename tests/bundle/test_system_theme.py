"""The window follows the desktop's light/dark preference, as the desktop portal publishes it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bundle.conftest import need, user_env

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

HERE = Path(__file__).resolve().parent


@pytest.fixture
def session_bus():
    need(shutil.which("dbus-daemon"), "dbus-daemon is not installed")
    daemon = subprocess.run(
        ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
        capture_output=True,
        text=True,
        check=True,
    )
    address, pid = daemon.stdout.split()
    yield address
    os.kill(int(pid), signal.SIGTERM)


def _window_lightness(window: str, shot: Path) -> float:
    from PySide6.QtGui import QImage

    subprocess.run(["import", "-window", window, str(shot)], check=True)
    image = QImage(str(shot))
    step = 7
    values = [
        image.pixelColor(x, y).lightness()
        for y in range(0, image.height(), step)
        for x in range(0, image.width(), step)
    ]
    return sum(values) / len(values)


@pytest.mark.parametrize(("scheme", "dark"), [(1, True), (2, False)], ids=["dark", "light"])
def test_window_is_dark_when_the_desktop_prefers_dark(bundle, empty_home, session_bus, tmp_path, scheme, dark):
    need(bool(os.environ.get("DISPLAY")), "needs an X display: run the suite with ./hearth.sh test")
    need(shutil.which("import") and shutil.which("xdotool"), "needs ImageMagick's import and xdotool")
    portal = subprocess.Popen(
        [sys.executable, str(HERE / "fake_portal.py"), str(scheme)],
        env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": session_bus},
        stdout=subprocess.PIPE,
        text=True,
    )
    app = None
    try:
        assert portal.stdout.readline().strip() == "ready"
        env = user_env(
            empty_home,
            DBUS_SESSION_BUS_ADDRESS=session_bus,
            XDG_CURRENT_DESKTOP="GNOME",
            HEARTH_DATA_DIR=str(tmp_path / "data"),
            HEARTH_MODELS_DIR=str(empty_home / "theme-models"),  # empty: the window needs none to paint
        )
        app = subprocess.Popen([str(bundle / "Hearth")], env=env, stderr=subprocess.DEVNULL)
        end = time.monotonic() + 90
        window = None
        while window is None and time.monotonic() < end:
            found = subprocess.run(
                ["xdotool", "search", "--all", "--onlyvisible", "--pid", str(app.pid), "--name", "^Hearth$"],
                capture_output=True,
                text=True,
            ).stdout.split()
            window = found[0] if found else None
            time.sleep(0.25)
        assert window, "the Hearth window did not appear"
        time.sleep(1.0)  # the first paint
        lightness = _window_lightness(window, tmp_path / "window.png")
        if dark:
            assert lightness < 110, f"the desktop prefers dark, the window's mean lightness is {lightness:.0f}"
        else:
            assert lightness > 180, f"the desktop prefers light, the window's mean lightness is {lightness:.0f}"
    finally:
        for proc in (app, portal):
            if proc and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)
