"""Dictation into any application: the global shortcut, `main.py dictate --toggle/--begin/--end` and the
tray start and stop a recording on the Dictation tab's own speech worker (one engine, one thread), and
the recording's committed words — never the grey unconfirmed ones — are typed where the cursor is.

The words also stay in the Dictation tab, so nothing is lost when typing is impossible; nothing is
typed into Hearth's own windows, except the test field of the settings dialog, which gets the words
directly.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLineEdit

from backend.anywhere_settings import AnywhereSettings, ShortcutMode
from backend.settings import Settings
from backend.text_delivery import CommittedText
from backend.transcript import RecordingEnded, RecordingUpdate
from backend.x11_shortcut import ShortcutError
from gui.hotkeys import GlobalShortcut
from gui.text_delivery import TextDelivery
from gui.tray import TrayState

log = logging.getLogger(__name__)

OWN_WINDOW_MESSAGE = (
    "Hearth's own window had the focus, so nothing was typed: the words are in the Dictation tab. "
    "Click where the text should go, then dictate."
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
        self.state = TrayState.IDLE
        self._ours = False  # the panel's current recording was started here
        self._committed = CommittedText()
        panel.worker.dictation_started.connect(self._on_worker_dictation_started)
        panel.worker.dictation_updated.connect(self._on_worker_dictation_updated)
        panel.worker.dictation_finished.connect(self._on_worker_dictation_finished)

    # --- settings ------------------------------------------------------------------------------

    def apply(self, config: AnywhereSettings) -> str | None:
        """Use and save `config`; returns why the global shortcut is unavailable (None when it is held)."""
        self.config = config
        config.save(self.settings)
        self.delivery.method = config.delivery
        return self.grab_shortcut()

    def grab_shortcut(self) -> str | None:
        if not self.config.enabled:
            self.shortcut.release()
            return None
        try:
            self.shortcut.grab(self.config.shortcut)
        except ShortcutError as exc:
            log.info("no global shortcut: %s", exc)
            return str(exc)
        return None

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
            self.message.emit(OWN_WINDOW_MESSAGE)
            return
        self.delivery.deliver(text)

    def _set_state(self, state: TrayState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def shutdown(self) -> None:
        self.shortcut.release()
        if self._ours and self.panel.recording:
            self.panel.stop_recording()
