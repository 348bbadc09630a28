"""Start the window: one QApplication, the conversation store, the settings, the main window."""
from __future__ import annotations

import sys

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
    code = app.exec()
    store.close()
    return code
