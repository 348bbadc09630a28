"""Hold-to-talk from the keyboard: a key (Ctrl+Space unless Settings say otherwise) held while the
window is active talks, as holding the Hold to talk button does.

An application-wide event filter rather than a QShortcut: a shortcut only knows the press, and the
message must be sent on the release. The key's own events are taken away from the focused widget, so
holding Ctrl+Space never types into the chat box; auto-repeats are swallowed, and the window losing
the focus lets go, so a key released elsewhere never leaves Hearth listening.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

DEFAULT_TALK_KEY = "Ctrl+Space"
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def parse_talk_key(text: str | None) -> tuple[Qt.Key, Qt.KeyboardModifier] | None:
    """("Ctrl+Space" ->) the key and its modifiers; None for an empty or unreadable sequence."""
    sequence = QKeySequence.fromString(text or DEFAULT_TALK_KEY, QKeySequence.SequenceFormat.PortableText)
    if sequence.isEmpty() or sequence[0].key() == Qt.Key.Key_unknown:
        return None
    return sequence[0].key(), sequence[0].keyboardModifiers()


class TalkKey(QObject):
    """Calls on_hold(True) when the key goes down in `widget`'s window (while `enabled()`), on_hold(False)
    when it comes up or the window loses the focus."""

    def __init__(self, widget: QWidget, key: str | None, on_hold: Callable[[bool], None], enabled: Callable[[], bool]):
        super().__init__(widget)
        self.widget, self.on_hold, self.enabled = widget, on_hold, enabled
        self.key = parse_talk_key(key) or parse_talk_key(DEFAULT_TALK_KEY)
        self.held = False
        QApplication.instance().installEventFilter(self)

    def text(self) -> str:
        key, modifiers = self.key
        return QKeySequence(key | modifiers).toString(QKeySequence.SequenceFormat.NativeText)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.WindowDeactivate and self.held and watched is self.widget.window():
            self._hold(False)
            return False
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride):
            return False
        key, modifiers = self.key
        if event.key() != key:
            return False
        if kind == QEvent.Type.KeyRelease:
            if not self.held:
                return False
            if not event.isAutoRepeat():
                self._hold(False)
            return True
        if self.held:
            return True  # an auto-repeat (or the same press seen again on its way to the focused widget)
        if (event.modifiers() & _MODIFIERS) != modifiers or not self._in_window(watched) or not self.enabled():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the press comes to us as a key event, not as someone's shortcut
            return True
        self._hold(True)
        return True

    def _in_window(self, watched: QObject) -> bool:
        window = self.widget.window()
        return QApplication.activeWindow() is window and (
            not isinstance(watched, QWidget) or watched.window() is window
        )

    def _hold(self, down: bool) -> None:
        self.held = down
        self.on_hold(down)

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
