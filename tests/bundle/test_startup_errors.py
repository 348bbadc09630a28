"""Hearth started from the menu has no terminal: what stops it at start must reach the user in a dialog.

Each case also leaves one line on stderr, and the log in the data folder where there is one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bundle.conftest import REPO, need, user_env


def _window_titled_hearth(wm_class: str, timeout: float = 60) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "^Hearth$"], capture_output=True, text=True
        ).stdout.split()
        for window in found:
            props = subprocess.run(["xprop", "-id", window, "WM_CLASS"], capture_output=True, text=True).stdout
            if f'"{wm_class}"' in props:
                return window
        time.sleep(0.25)
    raise AssertionError(f"no dialog titled Hearth ({wm_class}) appeared")


def _press_return(window: str) -> None:
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def _needs_display():
    need(bool(os.environ.get("DISPLAY")), "needs an X display: run the suite with ./hearth.sh test")
    for tool in ("xdotool", "xprop"):
        need(shutil.which(tool), f"{tool} is not installed")


@pytest.mark.slow
def test_no_display_is_said_on_stderr_and_in_the_log(bundle, tmp_path):
    env = user_env(tmp_path)
    env.pop("DISPLAY", None)
    result = subprocess.run([str(bundle / "Hearth")], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("hearth: error: there is no display")
    log = tmp_path / ".local" / "share" / "Hearth" / "logs" / "hearth.log"
    assert "there is no display" in log.read_text()


@pytest.mark.slow
@pytest.mark.e2e
def test_unusable_data_folder_is_shown_in_a_dialog(bundle, tmp_path):
    _needs_display()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where Hearth's data folder should be")
    app = subprocess.Popen(
        [str(bundle / "Hearth")],
        env=user_env(tmp_path, HEARTH_DATA_DIR=str(blocker)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        dialog = _window_titled_hearth("Hearth")
        assert app.poll() is None, "Hearth must wait for the user to read the dialog"
        _press_return(dialog)
        assert app.wait(timeout=30) == 1
    finally:
        if app.poll() is None:
            app.kill()
    stderr = app.stderr.read()
    assert "hearth: error: Hearth could not start" in stderr and str(blocker) in stderr
    assert blocker.read_text() == "a file where Hearth's data folder should be"


@pytest.mark.e2e
def test_missing_system_library_is_named_in_a_desktop_dialog(tmp_path):
    """Qt's X11 plugin cannot load (here: a broken libxcb-cursor first on the library path); Qt
    would abort with nothing on screen, so the dialog comes from xmessage and names the library."""
    _needs_display()
    need(shutil.which("xmessage"), "xmessage (x11-utils) is not installed")
    broken = tmp_path / "lib"
    broken.mkdir()
    (broken / "libxcb-cursor.so.0").write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(LD_LIBRARY_PATH=str(broken), HEARTH_DATA_DIR=str(tmp_path / "data"))
    app = subprocess.Popen([sys.executable, str(REPO / "main.py")], env=env, stderr=subprocess.PIPE, text=True)
    try:
        dialog = _window_titled_hearth("Xmessage")
        _press_return(dialog)
        assert app.wait(timeout=30) == 1
    finally:
        if app.poll() is None:
            app.kill()
    stderr = app.stderr.read()
    assert "hearth: error: Qt's X11 platform plugin cannot load" in stderr and "libxcb-cursor.so.0" in stderr
    assert "libxcb-cursor.so.0" in (tmp_path / "data" / "logs" / "hearth.log").read_text()


def test_log_rotates_instead_of_growing(tmp_path, monkeypatch):
    import logging
    import threading

    from gui import startup_errors

    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(startup_errors, "LOG_BYTES", 10_000)
    # start_logging installs process-wide hooks; the test process keeps its own.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(startup_errors.faulthandler, "enable", lambda **kwargs: None)
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        folder = startup_errors.start_logging()
        for i in range(2000):
            startup_errors.log.info("line %d of a long session", i)
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
        startup_errors._crash_file.close()
    logs = sorted(p.name for p in Path(folder).glob("hearth.log*"))
    assert logs == ["hearth.log", "hearth.log.1", "hearth.log.2", "hearth.log.3"]
    assert all(p.stat().st_size <= 10_000 for p in Path(folder).glob("hearth.log*"))
    assert "line 1999 of a long session" in (Path(folder) / "hearth.log").read_text()
