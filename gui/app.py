"""Start the window: one QApplication, the conversation store, the settings, the main window."""
from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from backend import paths
from backend.conversations import ConversationStore, StorageError
from backend.settings import Settings


def run_app(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Hearth")
    app.setOrganizationName("Hearth")
    try:
        store = ConversationStore(paths.database_path())
    except StorageError as exc:
        QMessageBox.critical(None, "Hearth", str(exc))
        return 1
    from gui.main_window import MainWindow

    window = MainWindow(store, Settings())
    window.show()
    if os.environ.get("HEARTH_STARTUP_PROBE"):  # the benchmark's start-up clock stops here
        QTimer.singleShot(0, lambda: print("hearth-ready", flush=True))
    code = app.exec()
    store.close()
    return code
