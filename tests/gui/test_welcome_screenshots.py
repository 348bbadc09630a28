"""Screenshots of the real window on an X server (Xvfb): first run, a conversation begun from an
example prompt, the model picker open, the light welcome of a new conversation, Models and Dictation.
Saved to .test-artifacts/screenshots/ for people to look at; the test checks what each shows.

The window runs in a child process (`python this_file.py shoot …`): the test process has Qt on the
offscreen platform, and a screenshot of an X server needs the xcb one.
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
SCREENSHOTS = REPO / ".test-artifacts" / "screenshots"
SHOTS = ["first-run", "conversation", "model-picker", "new-conversation", "models", "models-catalog", "dictation"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display: run the suite with ./hearth.sh test"),
    pytest.mark.skipif(not shutil.which("import"), reason="needs ImageMagick's import: run ./hearth.sh test"),
]


def test_screenshots_of_first_run_and_a_conversation(tmp_path, data_dir, chat_model_path):
    (data_dir / "settings.json").write_text(
        json.dumps(
            {
                "chat_model": str(chat_model_path),
                "default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 40},
            }
        )
    )
    out = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", HEARTH_DATA_DIR=str(data_dir))
    done = subprocess.run(
        [sys.executable, __file__, "shoot", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    seen = json.loads((out / "seen.json").read_text())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in SHOTS:
        shot = out / f"{name}.png"
        assert shot.stat().st_size > 10_000, f"{name}.png looks empty"
        shutil.copy(shot, SCREENSHOTS / f"welcome-{name}.png")
    first = seen["first-run"]
    assert first["page"] == "welcome" and first["title"] == "Welcome to Hearth" and first["stats"] == ""
    assert first["recommendation_visible"] == (first["recommendation"] is not None)
    conv = seen["conversation"]
    assert conv["page"] == "view" and conv["bubbles"] == 2 and "t/s" in conv["stats"]
    assert (
        any("Gemma" in t for t in seen["model-picker"]["menu"]) and "Get more models…" in seen["model-picker"]["menu"]
    )
    assert seen["new-conversation"]["title"] == "New conversation" and not seen["new-conversation"]["intro"]
    for table in ("installed", "catalog"):
        cut = seen["models"][table]
        assert cut == [], f"Models: the {table} table's headers are cut: {cut}"
    assert "English" in seen["dictation"]["languages"]


# --- the child process ----------------------------------------------------------------------------


def _shoot(out: Path) -> None:
    sys.path.insert(0, str(REPO))
    from PySide6.QtWidgets import QApplication

    from backend.conversations import ConversationStore
    from backend.paths import data_dir
    from backend.settings import Settings
    from gui import theme
    from gui.main_window import MainWindow

    app = QApplication([])
    theme.apply(app, "light")  # as the app starts (gui/app.py), in the look most desktops default to
    out.mkdir(parents=True, exist_ok=True)
    store = ConversationStore(data_dir() / "conversations.sqlite3")
    window = MainWindow(store, Settings(data_dir() / "settings.json"))
    window.move(0, 0)
    window.resize(1200, 780)  # the window's first-run size
    window.show()
    pane = window.chat_pane
    seen: dict[str, dict] = {}

    def wait(predicate, timeout: float, what: str) -> None:
        end = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > end:
                raise SystemExit(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.02)

    def settle() -> None:
        end = time.monotonic() + 0.6  # let the last repaints reach the X server
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def grab(name: str, root: bool = False) -> None:
        window.repaint()  # a closed menu leaves its area to be repainted
        settle()
        target = "root" if root else hex(int(window.winId()))
        subprocess.run(["import", "-window", target, str(out / f"{name}.png")], check=True)

    def page() -> str:
        return "welcome" if pane.stack.currentWidget() is pane.welcome else "view"

    wait(lambda: pane.model_info is not None and window.model_manager.installed, 120, "the model to load")
    welcome = pane.welcome
    grab("first-run")
    rec = welcome.recommendation
    seen["first-run"] = {
        "page": page(),
        "title": welcome.title.text(),
        "stats": pane.stats_bar.text(),
        "recommendation": rec.entry.key if rec else None,
        "recommendation_visible": welcome.recommend_box.isVisible(),
    }

    welcome.prompt_buttons[0].click()
    finished = []
    pane.generation_finished.connect(finished.append)
    wait(lambda: finished, 300, "the reply")
    grab("conversation")
    seen["conversation"] = {"page": page(), "bubbles": len(pane.view.bubbles), "stats": pane.stats_bar.text()}

    picker = pane.model_picker
    picker.menu.aboutToShow.emit()  # what a click does first: fill the menu from the providers
    picker.menu.popup(picker.button.mapToGlobal(picker.button.rect().bottomLeft()))  # not exec(): no nested loop
    wait(picker.menu.isVisible, 10, "the model menu")
    grab("model-picker", root=True)  # the menu is a window of its own
    seen["model-picker"] = {"menu": [a.text() for a in picker.menu.actions()]}
    picker.menu.hide()

    pane.new_conversation()
    grab("new-conversation")
    seen["new-conversation"] = {"title": welcome.title.text(), "intro": welcome.intro.isVisible()}

    manager = window.model_manager

    def cut_headers(table) -> list[str]:
        header = table.horizontalHeader()
        titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        metrics = header.fontMetrics()
        return [t for c, t in enumerate(titles) if t and header.sectionSize(c) < metrics.horizontalAdvance(t)]

    window.tabs.setCurrentWidget(manager)
    manager.sections.setCurrentIndex(0)
    grab("models")
    seen["models"] = {"installed": cut_headers(manager.installed_table)}
    manager.sections.setCurrentIndex(1)
    grab("models-catalog")
    seen["models"]["catalog"] = cut_headers(manager.catalog_table)

    window.tabs.setCurrentWidget(window.dictation_panel)
    grab("dictation")
    combo = window.dictation_panel.language_combo
    seen["dictation"] = {"languages": [combo.itemText(i) for i in range(combo.count())]}

    (out / "seen.json").write_text(json.dumps(seen, indent=1))
    window.shutdown()
    store.close()


if __name__ == "__main__" and sys.argv[1:2] == ["shoot"]:
    _shoot(Path(sys.argv[2]))
