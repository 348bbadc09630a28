"""Start the window: one QApplication, the conversation store, the settings, the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from backend import paths
from backend.conversations import ConversationStore, StorageError
from backend.settings import Settings
from gui import i18n, theme
from gui.single_instance import SingleInstance


def run_app(argv: list[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Hearth")
    app.setOrganizationName("Hearth")
    settings = Settings()
    i18n.install(app, settings.language)  # before the first widget: every text is translated once, when built
    theme.apply(app, settings.theme)
    instance = SingleInstance(paths.data_dir())
    if not instance.acquire():
        if instance.ask_running_to_raise():
            print("Hearth is already running: its window was brought to the front.", file=sys.stderr)
            return 0
        QMessageBox.warning(
            None,
            "Hearth",
            QCoreApplication.translate(
                "app",
                "Hearth is already running on {folder}, but it does not answer. "
                "Close it (or end it) and start Hearth again.",
            ).format(folder=paths.data_dir()),
        )
        return 1
    try:
        store = ConversationStore(paths.database_path())
    except StorageError as exc:
        QMessageBox.critical(None, "Hearth", str(exc))
        return 1
    from gui.main_window import MainWindow

    window = MainWindow(store, settings)
    instance.raise_requested.connect(lambda: _bring_to_front(window))
    instance.dictation_requested.connect(window.anywhere.command)  # main.py dictate --toggle/--begin/--end
    window.show()
    if os.environ.get("HEARTH_STARTUP_PROBE"):  # the benchmark's start-up clock stops here
        QTimer.singleShot(0, lambda: print("hearth-ready", flush=True))
    code = app.exec()
    store.close()
    instance.release()
    if code == i18n.RESTART_EXIT_CODE:  # the language changed and the user chose to restart now
        i18n.restart_process()
    return code


def _bring_to_front(window) -> None:
    window.showNormal()
    window.raise_()
    window.activateWindow()
