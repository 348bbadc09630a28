from __future__ import annotations

import pytest

from backend.conversations import ConversationStore
from backend.settings import Settings


@pytest.fixture
def open_window(qtbot, data_dir, chat_model_path):
    """Open a MainWindow on the data dir with the bundled chat model loaded; close them all at the end."""
    from gui.main_window import MainWindow

    windows = []

    def open_(sampling: dict | None = None, wait_for_model: bool = True):
        store = ConversationStore(data_dir / "conversations.sqlite3")
        settings = Settings(data_dir / "settings.json")
        settings.set("chat_model", str(chat_model_path))
        settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": 48, **(sampling or {})})
        window = MainWindow(store, settings)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        if wait_for_model:
            qtbot.waitUntil(lambda: bool(window.chat_pane.model_info), timeout=60_000)
        return window

    yield open_
    for window in windows:
        window.close()
        window.store.close()
