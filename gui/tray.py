"""Hearth in the system tray: what dictation is doing (idle, listening, transcribing), Start/Stop, the
microphone, Show Hearth and Quit. The icon itself is the "heard" cue: it turns red the moment the
shortcut is taken and amber while the last words are being transcribed."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from backend.audio import AudioDeviceError, list_input_devices
from gui.app_identity import app_icon


class TrayState(str, Enum):
    IDLE = "idle"
    LISTENING = "listening"
    TRANSCRIBING = "transcribing"


_BADGE = {TrayState.LISTENING: QColor("#d93025"), TrayState.TRANSCRIBING: QColor("#f29900")}
_TOOLTIP = {
    TrayState.IDLE: QT_TRANSLATE_NOOP("DictationTray", "Hearth: ready to dictate ({shortcut})"),
    TrayState.LISTENING: QT_TRANSLATE_NOOP(
        "DictationTray", "Hearth: listening… (release or press {shortcut} again to stop)"
    ),
    TrayState.TRANSCRIBING: QT_TRANSLATE_NOOP("DictationTray", "Hearth: transcribing the last words…"),
}
ICON_SIZE = 64


def state_icon(state: TrayState) -> QIcon:
    """Hearth's icon, with a red (listening) or amber (transcribing) dot in the corner."""
    pixmap = app_icon().pixmap(ICON_SIZE, ICON_SIZE)
    if state in _BADGE:
        pixmap = QPixmap(pixmap)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QColor("white"))
        painter.setBrush(_BADGE[state])
        d = ICON_SIZE // 2
        painter.drawEllipse(ICON_SIZE - d - 1, ICON_SIZE - d - 1, d, d)
        painter.end()
    return QIcon(pixmap)


class DictationTray(QObject):
    toggle_requested = Signal()
    show_requested = Signal()
    quit_requested = Signal()
    settings_requested = Signal()
    device_chosen = Signal(object)  # int, or None for the system default

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.state = TrayState.IDLE
        self.shortcut_text = ""
        self._icons = {state: state_icon(state) for state in TrayState}
        self.icon = QSystemTrayIcon(self._icons[TrayState.IDLE], self)
        self.menu = QMenu()
        self.toggle_action = self.menu.addAction(self.tr("Start dictation"), self.toggle_requested.emit)
        self.microphone_menu = self.menu.addMenu(self.tr("Microphone"))
        self.microphone_menu.aboutToShow.connect(lambda: self.fill_microphones(self._device))
        self._device: int | None = None
        self.menu.addAction(self.tr("Settings…"), self.settings_requested.emit)
        self.menu.addSeparator()
        self.menu.addAction(self.tr("Show Hearth"), self.show_requested.emit)
        self.menu.addAction(self.tr("Quit Hearth"), self.quit_requested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.set_state(TrayState.IDLE)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_shortcut_text(self, text: str) -> None:
        self.shortcut_text = text
        self.set_state(self.state)

    def set_state(self, state: TrayState) -> None:
        self.state = state
        self.icon.setIcon(self._icons[state])
        shortcut = self.shortcut_text or self.tr("the shortcut")
        tooltip = QCoreApplication.translate("DictationTray", _TOOLTIP[state])  # tr-lint: marked
        self.icon.setToolTip(tooltip.format(shortcut=shortcut))
        self.toggle_action.setText(self.tr("Start dictation") if state == TrayState.IDLE else self.tr("Stop dictation"))
        self.toggle_action.setEnabled(state != TrayState.TRANSCRIBING)

    def notify(self, message: str) -> None:
        """A sentence the user must see even with the window closed (nothing could be typed, …)."""
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage("Hearth", message, QSystemTrayIcon.Warning, 8000)

    def fill_microphones(self, chosen: int | None) -> None:
        self._device = chosen
        self.microphone_menu.clear()
        group = QActionGroup(self.microphone_menu)
        try:
            devices = [(d.index, d.name) for d in list_input_devices(rescan=True)]
        except AudioDeviceError:
            devices = []
        for index, name in [(None, self.tr("System default")), *devices]:
            action = QAction(name, self.microphone_menu, checkable=True)
            action.setChecked(index == chosen)
            action.triggered.connect(lambda _checked=False, i=index: self._on_device_triggered(i))
            group.addAction(action)
            self.microphone_menu.addAction(action)
        if not devices:
            self.microphone_menu.addAction(self.tr("No microphone found")).setEnabled(False)

    def _on_device_triggered(self, index: int | None) -> None:
        self._device = index
        self.device_chosen.emit(index)

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.Trigger:
            self.show_requested.emit()
        elif reason == QSystemTrayIcon.MiddleClick:
            self.toggle_requested.emit()
