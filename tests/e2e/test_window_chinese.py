"""The real app in Simplified Chinese on a real X display: a CJK font is there for Qt to draw with, the
window opens in Chinese from the setting alone, answers a message, and poses for a screenshot a person
looks at (.test-artifacts/screenshots/zh_CN-chat.png, and the Models, Dictation and Server tabs)."""

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
SCREENSHOTS = REPO / ".test-artifacts" / "screenshots"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display: run the suite with ./hearth.sh test"),
    pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool: run the suite with ./hearth.sh test"),
]

FONT_PROBE = (
    "import sys\n"
    "from PySide6.QtGui import QFontDatabase, QFontMetrics, QFont\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication(sys.argv)\n"
    "families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)\n"
    "print(len(families))\n"
    "text = '\\u6587\\u4ef6\\u542c\\u5199\\u6a21\\u578b'\n"  # 文件听写模型, escaped for any locale
    "print(any(all(QFontMetrics(QFont(f)).inFont(c) for c in text) for f in families))\n"
)


def test_a_cjk_font_is_installed_for_qt():
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    out = subprocess.run([sys.executable, "-c", FONT_PROBE], env=env, capture_output=True, text=True, timeout=60)
    count, has_glyphs = out.stdout.split()
    assert int(count) > 0 and has_glyphs == "True", "no font with Chinese glyphs: install fonts-wqy-microhei"


def test_the_chinese_window_on_a_real_display(tmp_path, data_dir, chat_model_path):
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", HEARTH_DATA_DIR=str(data_dir))
    (data_dir / "settings.json").write_text(
        json.dumps(
            {
                "language": "zh_CN",
                "chat_model": str(chat_model_path),
                "default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 40},
            }
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
        subprocess.run(["xdotool", "windowsize", "--sync", window, "1280", "820"], check=False)
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        subprocess.run(["xdotool", "type", "--delay", "20", "What is the capital of France?"], check=True)

        def sent():
            if db_rows(db, "SELECT 1 FROM messages WHERE role = 'user'"):
                return True
            subprocess.run(["xdotool", "key", "Return"], check=True)
            return False

        wait_for(sent, 90, "the message to be sent")
        wait_for(
            lambda: db_rows(db, "SELECT 1 FROM messages WHERE role = 'assistant' AND complete = 1"),
            120,
            "the reply to finish",
        )
        time.sleep(1.0)  # the last repaint
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "zh_CN-chat.png"
        subprocess.run(["import", "-window", window, str(shot)], check=True)
        assert shot.stat().st_size > 20_000
        for key, name in (("ctrl+1", "models"), ("ctrl+3", "dictation"), ("ctrl+4", "server")):
            subprocess.run(["xdotool", "key", "--window", window, key], check=True)
            time.sleep(1.0)
            subprocess.run(["import", "-window", window, str(SCREENSHOTS / f"zh_CN-{name}.png")], check=True)
        subprocess.run(["xdotool", "key", "--window", window, "ctrl+q"], check=True)
        assert app.wait(timeout=30) == 0, "quitting should end the app cleanly"
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            app.wait(timeout=10)
        log.close()
    problems = [line for line in (tmp_path / "app.log").read_text().splitlines() if "no Hearth translation" in line]
    assert problems == [], problems
