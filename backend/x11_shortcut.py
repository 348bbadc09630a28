"""A global shortcut on X11 with python-xlib: a passive key grab on the root window, read on its own
thread and X connection. Qt-free; gui/hotkeys.py turns the callbacks into signals.

Why a grab and not pynput: pynput's X listener watches the keyboard through the RECORD extension and
cannot take the key away, so Ctrl+Alt+Space also reached the focused application (a stray space in
the text being dictated into). Measured on Xvfb, 30 presses each, xdotool keydown/keyup to callback,
both including xdotool's own start-up: python-xlib 36 / 35 ms median (press / release), pynput 40 / 38
ms — no difference worth a dependency on evdev and a keyboard hook. (Under a load average of 9 from
other work on 2 cores.)
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass

from backend.errors import HearthError

log = logging.getLogger(__name__)

# Qt's portable key names (QKeySequence.toString) that differ from X keysym names.
_KEYSYM_NAMES = {
    "space": "space",
    "esc": "Escape",
    "return": "Return",
    "enter": "KP_Enter",
    "tab": "Tab",
    "backspace": "BackSpace",
    "del": "Delete",
    "ins": "Insert",
    "home": "Home",
    "end": "End",
    "pgup": "Prior",
    "pgdown": "Next",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "pause": "Pause",
    "print": "Print",
    "scrolllock": "Scroll_Lock",
    "menu": "Menu",
}
_MODIFIERS = {"ctrl": "ControlMask", "shift": "ShiftMask", "alt": "Mod1Mask", "meta": "Mod4Mask"}


class ShortcutError(HearthError):
    """The shortcut cannot be used: no X display, an unknown key, or another program holds it."""


@dataclass(frozen=True)
class Shortcut:
    modifiers: tuple[str, ...]  # of ctrl, shift, alt, meta
    key: str  # an X keysym name

    @classmethod
    def parse(cls, text: str) -> Shortcut:
        """From Qt's portable text ('Ctrl+Alt+Space', 'Meta+F8'); a bare key needs no modifier."""
        parts = [p.strip() for p in text.replace(" ", "").split("+")]
        if text.endswith("++"):  # 'Ctrl++': the plus key itself
            parts = [*parts[:-2], "plus"]
        if not parts or not parts[-1]:
            raise ShortcutError(f"not a shortcut: {text!r}")
        modifiers, key = parts[:-1], parts[-1]
        unknown = [m for m in modifiers if m.lower() not in _MODIFIERS]
        if unknown:
            raise ShortcutError(f"unknown modifier {unknown[0]!r} in {text!r} (use Ctrl, Shift, Alt, Meta)")
        name = _KEYSYM_NAMES.get(key.lower(), key if len(key) > 1 else key.lower())
        return cls(tuple(sorted({m.lower() for m in modifiers})), name)

    def __str__(self) -> str:
        return "+".join([*(m.capitalize() for m in self.modifiers), self.key])


class X11ShortcutListener:
    """Grab `shortcut` on the display and call `on_press` / `on_release` on the listener's thread.

    A held key repeats as release+press pairs with the same timestamp; those are swallowed, so a hold
    is one press and one release. `stop()` ends the thread (a pipe wakes its select)."""

    def __init__(self, shortcut: Shortcut, on_press: Callable[[], None], on_release: Callable[[], None]):
        from Xlib import XK, X, display, error  # python-xlib: Linux only, imported where X11 is in use

        self._X = X
        self.shortcut = shortcut
        self.on_press, self.on_release = on_press, on_release
        try:
            self._display = display.Display()
        except (error.DisplayError, OSError) as exc:
            raise ShortcutError(f"cannot reach the X display for the global shortcut: {exc}") from exc
        keysym = XK.string_to_keysym(shortcut.key)
        self._keycode = self._display.keysym_to_keycode(keysym) if keysym else 0
        if not self._keycode:
            self._display.close()
            raise ShortcutError(f"the key {shortcut.key!r} is not on this keyboard")
        self._mask = 0
        for m in shortcut.modifiers:
            self._mask |= getattr(X, _MODIFIERS[m])
        self._root = self._display.screen().root
        failures: list[str] = []
        handler = lambda err, request: failures.append(str(err))  # noqa: E731 (python-xlib's signature)
        # The grab must also hold with Num Lock (Mod2) or Caps Lock on, or it works only some of the time.
        for extra in (0, X.Mod2Mask, X.LockMask, X.Mod2Mask | X.LockMask):
            self._root.grab_key(
                self._keycode, self._mask | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=handler
            )
        self._display.sync()
        if failures:
            self._display.close()
            raise ShortcutError(f"{shortcut} is already taken by another program: choose another shortcut")
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="x11-shortcut", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        X = self._X
        fd = self._display.fileno()
        held = False
        while not self._stopping:
            if not self._display.pending_events():
                ready, _, _ = select.select([fd, self._wake_r], [], [])
                if self._wake_r in ready:
                    break
                if not self._display.pending_events():
                    continue
            event = self._display.next_event()
            if event.type not in (X.KeyPress, X.KeyRelease) or event.detail != self._keycode:
                continue
            if event.type == X.KeyRelease and self._is_autorepeat(event):
                continue
            if event.type == X.KeyPress and not held:
                held = True
                self._call(self.on_press)
            elif event.type == X.KeyRelease and held:
                held = False
                self._call(self.on_release)

    def _is_autorepeat(self, release) -> bool:
        """A repeat is a release immediately followed by a press of the same key at the same time."""
        if not self._display.pending_events():
            self._display.sync()
        if not self._display.pending_events():
            return False
        following = self._display.next_event()
        if following.type == self._X.KeyPress and following.detail == release.detail and following.time == release.time:
            return True
        # There is no pushing an event back: a real new press right after the release is handled here.
        if following.type == self._X.KeyPress and following.detail == self._keycode:
            self._call(self.on_release)
            self._call(self.on_press)
            return True
        return False

    @staticmethod
    def _call(callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:  # a failing handler must not end the listener
            log.exception("global shortcut handler failed")

    def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=2)
        try:
            self._root.ungrab_key(self._keycode, self._X.AnyModifier)
            self._display.close()
        except Exception as exc:  # the display may be gone already (X server ended)
            log.debug("closing the shortcut's X connection: %s", exc)
        os.close(self._wake_r)
        os.close(self._wake_w)


def modifiers_held() -> bool | None:
    """Whether Ctrl, Shift, Alt or Super is down right now (X11); None where it cannot be known."""
    try:
        from Xlib import display, error
    except ImportError:
        return None
    try:
        d = display.Display()
    except (error.DisplayError, OSError):
        return None
    try:
        keys = d.query_keymap()
        mapping = d.get_modifier_mapping()
        # Shift, Lock, Control, Mod1..Mod5: skip Lock (Caps Lock) and Mod2 (Num Lock), which stay on.
        for index, codes in enumerate(mapping):
            if index in (1, 4):
                continue
            for code in codes:
                if code and keys[code // 8] & (1 << (code % 8)):
                    return True
        return False
    finally:
        d.close()
