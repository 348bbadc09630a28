"""The global dictation shortcut as Qt signals: `pressed` and `released`, whichever window has the focus.

X11 only (backend/x11_shortcut.py grabs the key). Wayland lets no ordinary application grab keys, and
macOS has no listener here yet: there `unavailable_reason()` says so and what to do instead — bind
`main.py dictate --toggle` (or --begin/--end) in the desktop's own keyboard settings.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal

from backend.text_delivery import MACOS, WAYLAND, X11, session_kind
from backend.x11_shortcut import Shortcut, ShortcutError, X11ShortcutListener

log = logging.getLogger(__name__)


def unavailable_reason() -> str | None:
    """None where a global shortcut can be grabbed here; otherwise a sentence saying what to do."""
    session = session_kind()
    if session == X11:
        return None
    help_text = QCoreApplication.translate(
        "GlobalShortcut",
        "bind `hearth dictate --toggle` (or --begin on press and --end on release) in your desktop's keyboard "
        "shortcut settings; see the README, “Dictate into any application”",
    )
    if session == WAYLAND:
        return QCoreApplication.translate(
            "GlobalShortcut", "Wayland does not let applications take a global shortcut: {help}."
        ).format(help=help_text)
    if session == MACOS:
        # Not built: a pynput listener would need the Accessibility permission and a Mac to test on.
        return QCoreApplication.translate(
            "GlobalShortcut", "Hearth has no global shortcut of its own on macOS yet: {help} (Shortcuts app)."
        ).format(help=help_text)
    return QCoreApplication.translate("GlobalShortcut", "No X11 session here, so no global shortcut: {help}.").format(
        help=help_text
    )


class GlobalShortcut(QObject):
    """`pressed`/`released` arrive queued on the GUI thread (they are emitted on the listener's thread)."""

    pressed = Signal()
    released = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._listener: X11ShortcutListener | None = None
        self.shortcut: Shortcut | None = None

    @property
    def active(self) -> bool:
        return self._listener is not None

    def grab(self, text: str) -> None:
        """Take `text` ('Ctrl+Alt+Space') as the global shortcut, replacing the previous one.
        Raises ShortcutError with a sentence for the user when it cannot be had."""
        self.release()
        reason = unavailable_reason()
        if reason:
            raise ShortcutError(reason)
        shortcut = Shortcut.parse(text)
        self._listener = X11ShortcutListener(shortcut, self.pressed.emit, self.released.emit)
        self.shortcut = shortcut
        log.info("global dictation shortcut: %s", shortcut)

    def release(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
            self.shortcut = None
