"""Screenshots of the real window on its own X server: first run, a conversation with the real model,
Models, Dictation and Settings, in light and dark, at 100% and 200% scale. They are kept as artefacts in
.test-artifacts/screenshots for a person to look at; the test checks what a machine can see in them
(the theme's colours where they belong, twice the pixels at 200%, every picture taken).

Run as a script (`python test_screenshots.py OUT_DIR SUFFIX CONVERSATION_JSON`) it is the app that
poses for the pictures: the same window, theme and settings as `main.py`, driven from inside so each
state is certain.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / ".test-artifacts" / "screenshots"
VIEWS = ("first-run", "models", "dictation", "settings", "conversation")
CONFIGS = [("light", 1), ("dark", 1), ("light", 2), ("dark", 2)]
WINDOW = (1200, 780)  # logical pixels: at 200% the screen needs 2400 x 1560
PROMPT = "Write a Python function that reverses a string."

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("Xvfb"), reason="needs Xvfb: run the suite with ./hearth.sh test"),
]


@pytest.fixture(scope="module")
def big_display():
    """An X server of our own, large enough for the window at 200%; Xvfb picks a free display number."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "2600x1700x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(10)


def _luminance(image) -> float:
    small = image.scaled(80, 50)
    values = [small.pixelColor(x, y).lightnessF() for x in range(small.width()) for y in range(small.height())]
    return sum(values) / len(values)


def _share_of(image, color: str, tolerance: int = 6) -> float:
    from PySide6.QtGui import QColor

    target = QColor(color)
    small = image.scaled(image.width() // 4, image.height() // 4)
    hits = 0
    for x in range(small.width()):
        for y in range(small.height()):
            c = small.pixelColor(x, y)
            if (
                max(abs(c.red() - target.red()), abs(c.green() - target.green()), abs(c.blue() - target.blue()))
                <= tolerance
            ):
                hits += 1
    return hits / (small.width() * small.height())


def test_screenshots_in_light_and_dark_at_100_and_200_percent(tmp_path, big_display, chat_model_path, qapp):
    from PySide6.QtGui import QImage

    from gui import theme

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, scale in CONFIGS:
        data = tmp_path / f"data-{name}-{scale}"
        data.mkdir()
        (data / "settings.json").write_text(
            json.dumps(
                {
                    "theme": name,
                    "language": "en",
                    "chat_model": str(chat_model_path),
                    "default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 60},
                }
            )
        )
        env = dict(
            os.environ,
            DISPLAY=big_display,
            QT_QPA_PLATFORM="xcb",
            QT_SCALE_FACTOR=str(scale),
            HEARTH_DATA_DIR=str(data),
            LANG="en_US.UTF-8",
        )
        done = subprocess.run(
            [sys.executable, __file__, str(ARTIFACTS), f"{name}-{scale}x", str(tmp_path / "conversation.json")],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    shots = {(n, s, v): QImage(str(ARTIFACTS / f"{v}-{n}-{s}x.png")) for n, s in CONFIGS for v in VIEWS}
    for key, image in shots.items():
        assert not image.isNull(), f"no picture for {key}"
    for view in VIEWS:
        one, two = shots[("light", 1, view)], shots[("light", 2, view)]
        assert (two.width(), two.height()) == (2 * one.width(), 2 * one.height()), f"{view}: 200% has twice the pixels"
        for scale in (1, 2):
            light, dark = shots[("light", scale, view)], shots[("dark", scale, view)]
            assert _luminance(dark) < 0.3 < 0.7 < _luminance(light), f"{view} at {scale}x: dark is dark, light is light"
    for name, scale in CONFIGS:
        colors = theme.DARK if name == "dark" else theme.LIGHT
        conversation = shots[(name, scale, "conversation")]
        assert _share_of(conversation, colors.user_bubble) > 0.002, f"{name} {scale}x: your message in its bubble"
        assert _share_of(conversation, colors.code_bg) > 0.002, f"{name} {scale}x: the reply's code block"
        assert _share_of(conversation, colors.accent) > 0.0003, f"{name} {scale}x: the ember Send button"


def _pose(out: Path, suffix: str, conversation: Path) -> None:
    """The app, posing: each view once the window has painted it, saved as VIEW-SUFFIX.png.

    The first run asks the real model and keeps the exchange in `conversation`; the others show that
    same exchange (a reply on 2 loaded cores takes minutes, and the pictures should match).
    """
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from backend import paths
    from backend.conversations import ConversationStore
    from backend.settings import Settings
    from gui import i18n, theme
    from gui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Hearth")
    settings = Settings()
    i18n.install(app, settings.language)
    theme.apply(app, settings.theme)
    store = ConversationStore(paths.database_path())
    window = MainWindow(store, settings)
    window.resize(*WINDOW)
    window.show()

    def wait(predicate, seconds: float, what: str) -> None:
        end = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > end:
                raise SystemExit(f"timed out waiting for {what}")
            loop = QEventLoop()
            QTimer.singleShot(50, loop.quit)
            loop.exec()

    def shoot(view: str, widget=window) -> None:
        settle = time.monotonic() + 0.6
        wait(lambda: time.monotonic() > settle, 5, "the window to paint")
        picture = widget.screen().grabWindow(widget.winId())
        assert picture.save(str(out / f"{view}-{suffix}.png")), view

    pane = window.chat_pane
    wait(lambda: pane.model_info is not None, 180, "the chat model")
    shoot("first-run")
    window.tabs.setCurrentWidget(window.model_manager)
    shoot("models")
    window.tabs.setCurrentWidget(window.dictation_panel)
    shoot("dictation")
    dialog = window.open_settings()
    dialog.pages.setCurrentIndex(1)  # Chat: the defaults for new conversations
    shoot("settings", dialog)
    dialog.reject()
    window.tabs.setCurrentWidget(pane)
    if conversation.exists():
        said = json.loads(conversation.read_text())
        chat = store.create_conversation(said["title"])
        store.add_message(chat.id, "user", said["user"])
        reply = store.add_message(chat.id, "assistant", said["reply"])
        store.finish_message(reply.id, said["reply"], said["stats"])
        pane.conversations.refresh(select_id=-1)
        pane.conversations.list.setCurrentRow(0)
    else:
        finished = []
        pane.generation_finished.connect(finished.append)
        pane.input.setPlainText(PROMPT)
        pane.send()
        wait(lambda: finished, 800, "the reply")
        messages = store.messages(pane.conversation_id)
        title = store.get_conversation(pane.conversation_id).title
        said = {"title": title, "user": messages[0].content, "reply": messages[1].content, "stats": messages[1].stats}
        conversation.write_text(json.dumps(said))
    shoot("conversation")
    window.close()
    store.close()


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _pose(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
