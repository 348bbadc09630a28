from __future__ import annotations

import pytest
from app_helpers import make_window


@pytest.fixture(autouse=True)
def window_language(qapp):
    """The translators the app installs at start (run_app), so widgets read as the user sees them
    ('1 token', not the source text's '%n token(s)'); tests that switch language restore this."""
    from gui import i18n

    i18n.install(qapp, "system")


@pytest.fixture
def open_window(qtbot, data_dir, chat_model_path):
    """Open a MainWindow on the data dir with the bundled chat model loaded; close them all at the end."""
    windows = []

    def open_(sampling: dict | None = None, wait_for_model: bool = True):
        window = make_window(qtbot, data_dir, chat_model_path, sampling=sampling)
        windows.append(window)
        if wait_for_model:
            qtbot.waitUntil(lambda: window.chat_pane.model_info is not None, timeout=60_000)
        return window

    yield open_
    for window in windows:
        window.close()
        window.store.close()
