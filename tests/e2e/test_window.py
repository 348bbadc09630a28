"""The real app in a real X window (Xvfb): type a message as a user would, read the reply, take a screenshot."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from app_helpers import db_rows, wait_for

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display: run the suite with ./hearth.sh test"),
    pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool: run the suite with ./hearth.sh test"),
]


def test_user_chats_in_the_real_window(tmp_path, data_dir, chat_model_path):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", HEARTH_DATA_DIR=str(data_dir))
    (data_dir / "settings.json").write_text(
        json.dumps(
            {"chat_model": str(chat_model_path), "default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 60}}
        )
    )
    log = open(tmp_path / "app.log", "w")
    app = subprocess.Popen([sys.executable, str(REPO / "main.py")], env=env, stdout=log, stderr=subprocess.STDOUT)
    db = data_dir / "conversations.sqlite3"
    try:
        window = wait_for(
            lambda: subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "^Hearth$"], capture_output=True, text=True
            ).stdout.split(),
            60,
            "the Hearth window",
        )[0]
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        subprocess.run(["xdotool", "type", "--delay", "20", "What is the capital of France?"], check=True)

        def sent():
            # Enter does nothing until the model has loaded; keep pressing it like an impatient user.
            if db_rows(db, "SELECT 1 FROM messages WHERE role = 'user'"):
                return True
            subprocess.run(["xdotool", "key", "Return"], check=True)
            return False

        wait_for(sent, 90, "the message to be sent")
        reply = wait_for(
            lambda: db_rows(db, "SELECT content, stats FROM messages WHERE role = 'assistant' AND complete = 1"),
            120,
            "the reply to finish",
        )[0]
        assert "Paris" in reply[0]
        time.sleep(0.5)  # let the last repaint land before the picture
        shot = tmp_path / "hearth-window.png"
        subprocess.run(["import", "-window", "root", str(shot)], check=True)
        assert shot.stat().st_size > 10_000
        copy_to = os.environ.get("HEARTH_SCREENSHOT_DIR")
        if copy_to:
            shutil.copy(shot, copy_to)

        subprocess.run(["xdotool", "key", "--window", window, "ctrl+q"], check=True)
        assert app.wait(timeout=30) == 0, "quitting should end the app cleanly"
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=10)
        log.close()
    assert [r[0] for r in db_rows(db, "SELECT role FROM messages ORDER BY id")] == ["user", "assistant"]
    exported = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "export", "capital of France", "--md"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    assert "## You\n\nWhat is the capital of France?" in exported.stdout and "Paris" in exported.stdout
    assert "t/s" in exported.stdout, "the reply's timings are exported with it"
