"""Dictation into any application: the global shortcut, `main.py dictate --toggle/--begin/--end` and the
tray start and stop a recording on the Dictation tab's own speech worker (one engine, one thread), and
the recording's committed words — never the grey unconfirmed ones — are typed where the cursor is.

The words also stay in the Dictation tab, so nothing is lost when typing is impossible; nothing is
typed into Hearth's own windows, except the test field of the settings dialog, which gets the words
directly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMessageBox

from backend.anywhere_settings import AnywhereSettings, ShortcutMode
from backend.settings import Settings
from backend.text_delivery import CommittedText
from backend.transcript import RecordingEnded, RecordingUpdate
from backend.x11_shortcut import ShortcutError
from gui.hotkeys import GlobalShortcut
from gui.text_delivery import TextDelivery
from gui.tray import DictationTray, TrayState

log = logging.getLogger(__name__)

OWN_WINDOW_MESSAGE = QT_TRANSLATE_NOOP(
    "AnywhereDictation",
    "Hearth's own window had the focus, so nothing was typed: the words are in the Dictation tab. "
    "Click where the text should go, then dictate.",
)


class AnywhereDictation(QObject):
    state_changed = Signal(object)  # TrayState
    message = Signal(str)  # a sentence for the user (tray balloon, status bar)

    def __init__(self, panel, settings: Settings, delivery: TextDelivery | None = None, parent=None):
        super().__init__(parent)
        self.panel = panel  # gui.dictation_panel.DictationPanel: its worker owns the speech engine
        self.settings = settings
        self.config = AnywhereSettings.load(settings)
        self.delivery = delivery or TextDelivery(method=self.config.delivery, parent=self)
        self.delivery.failed.connect(self.message.emit)
        self.shortcut = GlobalShortcut(self)
        self.shortcut.pressed.connect(self._on_shortcut_pressed)
        self.shortcut.released.connect(self._on_shortcut_released)
        self.test_field: QLineEdit | None = None  # the settings dialog's "try it here" field
        self.tray: DictationTray | None = None
        self.window: QMainWindow | None = None
        self.shortcut_problem: str | None = None
        self.state = TrayState.IDLE
        self._ours = False  # the panel's current recording was started here
        self._committed = CommittedText()
        self._told_own_window = False  # said once per recording, not for every piece of text
        panel.worker.dictation_started.connect(self._on_worker_dictation_started)
        panel.worker.dictation_updated.connect(self._on_worker_dictation_updated)
        panel.worker.dictation_finished.connect(self._on_worker_dictation_finished)

    # --- the window and the tray --------------------------------------------------------------

    def attach(self, window: QMainWindow) -> None:
        """Give `window` the tray icon, the global shortcut and a File menu entry for these settings."""
        self.window = window
        self.tray = DictationTray(self)
        self.tray.set_shortcut_text(self.config.shortcut)
        self.tray.toggle_requested.connect(self.toggle)
        self.tray.show_requested.connect(self.show_window)
        self.tray.quit_requested.connect(window.close)  # not spontaneous: really quits
        self.tray.device_chosen.connect(lambda device: self.apply(self.config.with_(device=device)))
        self.tray.settings_requested.connect(self.open_settings)
        self.state_changed.connect(self.tray.set_state)
        self.message.connect(self._on_message)
        if DictationTray.available():
            self.tray.show()
        file_menu = window.menuBar().actions()[0].menu() if window.menuBar().actions() else None
        if file_menu is not None:
            before = file_menu.actions()[-1] if file_menu.actions() else None  # above Quit
            action = file_menu.addAction(self.tr("Dictate into other applications…"), self.open_settings)
            if before is not None:
                file_menu.insertAction(before, action)
        self.grab_shortcut()

    def show_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def open_settings(self) -> None:
        from gui.dictate_anywhere_dialog import AnywhereSettingsDialog

        self.show_window()
        dialog = AnywhereSettingsDialog(self, self.window)
        dialog.exec()
        if self.tray is not None:
            self.tray.set_shortcut_text(self.config.shortcut)

    def keep_running_in_tray(self, spontaneous: bool) -> bool:
        """Called when the window is closing: True if Hearth should stay in the tray instead of quitting.
        Only the window's own close button counts (File → Quit and the tray's Quit really quit); the first
        time, the user is asked."""
        if not spontaneous or self.tray is None or not DictationTray.available():
            return False
        if not self.config.close_to_tray_asked:
            answer = QMessageBox.question(
                self.window,
                self.tr("Keep Hearth in the tray?"),
                self.tr(
                    "Keep Hearth running in the tray when its window is closed, so the dictation shortcut "
                    "({shortcut}) keeps working? You can change this under File → Dictate into other applications."
                ).format(shortcut=self.config.shortcut),
                QMessageBox.Yes | QMessageBox.No,
                QMessageBox.No,
            )
            self.apply(self.config.with_(close_to_tray=answer == QMessageBox.Yes, close_to_tray_asked=True))
        return self.config.close_to_tray

    def _on_message(self, text: str) -> None:
        log.warning("%s", text)  # also in the log: a tray balloon is easily missed
        if self.tray is not None:
            self.tray.notify(text)
        if self.window is not None:
            self.window.statusBar().showMessage(text, 10000)

    # --- settings ------------------------------------------------------------------------------

    def apply(self, config: AnywhereSettings) -> str | None:
        """Use and save `config`; returns why the global shortcut is unavailable (None when it is held)."""
        self.config = config
        config.save(self.settings)
        self.delivery.method = config.delivery
        return self.grab_shortcut()

    def grab_shortcut(self) -> str | None:
        self.shortcut_problem = None
        if not self.config.enabled:
            self.shortcut.release()
            return None
        try:
            self.shortcut.grab(self.config.shortcut)
        except ShortcutError as exc:
            log.info("no global shortcut: %s", exc)
            self.shortcut_problem = str(exc)
        return self.shortcut_problem

    # --- commands (shortcut, socket, tray) -----------------------------------------------------

    def command(self, action: str) -> None:
        {"toggle": self.toggle, "begin": self.begin, "end": self.end}[action]()

    def toggle(self) -> None:
        if self._ours and self.panel.recording:
            self.end()
        else:
            self.begin()

    def begin(self) -> None:
        if self._ours and self.panel.recording:
            return
        if self.panel.recording or self.panel.transcribing:
            self.message.emit("The Dictation tab is busy (recording or transcribing a file): finish that first.")
            return
        problem = self.delivery.problem()
        if problem:
            self.message.emit(problem + " The words will only appear in the Dictation tab.")
        self._ours = True
        self._committed = CommittedText()
        self._told_own_window = False
        self._set_state(TrayState.LISTENING)  # at once: the user must see they were heard
        self._start_recording_on(self.config.device)

    def end(self) -> None:
        if self._ours and self.panel.recording:
            self.panel.stop_recording()
            self._set_state(TrayState.TRANSCRIBING)

    def _start_recording_on(self, device: int | None) -> None:
        """The panel records from its combo's device: point it at ours for this start, then put it back."""
        combo = self.panel.device_combo
        shown = combo.currentIndex()
        if device is not None:
            index = combo.findData(device)
            if index < 0:
                self.message.emit("The chosen microphone is gone: dictating from the system default instead.")
                index = 0
            combo.setCurrentIndex(index)
        else:
            combo.setCurrentIndex(0)  # "System default"
        self.panel.start_recording()
        combo.setCurrentIndex(shown)

    def _on_shortcut_pressed(self) -> None:
        if self.config.mode == ShortcutMode.HOLD:
            self.begin()
        else:
            self.toggle()

    def _on_shortcut_released(self) -> None:
        if self.config.mode == ShortcutMode.HOLD:
            self.end()

    # --- the recording's words -------------------------------------------------------------------

    def _on_worker_dictation_started(self) -> None:
        if self._ours:
            self._set_state(TrayState.LISTENING)

    def _on_worker_dictation_updated(self, recording: RecordingUpdate) -> None:
        if self._ours:
            self._type(self._committed.new_part(recording.update.committed))

    def _on_worker_dictation_finished(self, ended: RecordingEnded) -> None:
        if not self._ours:
            return
        self._ours = False
        if ended.last is not None:
            self._type(self._committed.new_part(ended.last.update.committed))
        if ended.error:
            self.message.emit(ended.error)
        self._set_state(TrayState.IDLE)

    def _type(self, text: str) -> None:
        if not text:
            return
        focus = QApplication.focusWidget()
        if self.test_field is not None and focus is self.test_field:
            self.test_field.insert(text if self.test_field.text() else text.lstrip())
            return
        if QApplication.activeWindow() is not None:
            if not self._told_own_window:
                self._told_own_window = True
                told = QCoreApplication.translate("AnywhereDictation", OWN_WINDOW_MESSAGE)  # tr-lint: marked
                self.message.emit(told)
            return
        self.delivery.deliver(text)

    def _set_state(self, state: TrayState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def shutdown(self) -> None:
        self.shortcut.release()
        if self.tray is not None:
            self.tray.hide()
        if self._ours and self.panel.recording:
            self.panel.stop_recording()
