"""The message box: Enter sends, Shift+Enter starts a new line."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPlainTextEdit


class ChatInput(QPlainTextEdit):
    submitted = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(self.tr("Message the model…  (Enter sends, Shift+Enter for a new line)"))
        self.setMaximumHeight(96)
        self.setAccessibleName(self.tr("Message"))
        self.setTabChangesFocus(True)  # Tab leaves the box for the buttons; the keyboard is never trapped here

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers() & Qt.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)
