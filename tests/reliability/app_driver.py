"""Run the real app (gui.app.run_app) in its own process for the crash and two-instance tests.

With an argument, it is typed into the chat and sent as soon as the chat model is loaded. Logging
goes to stderr so a test can see what the app did.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from gui.app import run_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402


def _send_when_loaded(message: str) -> None:
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    if not windows or not windows[0].chat_pane.model_info:
        QTimer.singleShot(50, lambda: _send_when_loaded(message))
        return
    pane = windows[0].chat_pane
    pane.input.setPlainText(message)
    pane.send()
    print("hearth-sent", flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    app = QApplication([sys.argv[0]])
    if len(sys.argv) > 1:
        QTimer.singleShot(0, lambda: _send_when_loaded(sys.argv[1]))
    sys.exit(run_app([]))
