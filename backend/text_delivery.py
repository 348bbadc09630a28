"""Typing dictated text into whatever window has the keyboard focus: which tool can do it on this desktop,
and the steps (type, or clipboard + paste key) for a piece of text. Qt-free: the clipboard itself is the
window's (gui/text_delivery.py), because only a running event loop can serve it to the target.

Why two ways: `xdotool type` (and pynput) send keysyms one by one and garble what the keymap lacks —
`你好世界 naïve` arrives as wrong or missing characters on X — while a paste hands the target the exact
UTF-8. Typing is still the default for plain ASCII: it needs no clipboard, so it cannot race a clipboard
manager or leave the user's clipboard changed if something goes wrong.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from backend.errors import HearthError

X11, WAYLAND, MACOS, OTHER = "x11", "wayland", "macos", "other"
TYPE_DELAY_MS = 2  # xdotool's default 12 ms per character is slow; 2 ms still arrives in order on X


class DeliveryMethod(str, Enum):
    AUTO = "auto"  # type plain ASCII, paste everything else
    TYPE = "type"  # always type (fails on characters the keymap lacks)
    PASTE = "paste"  # always clipboard + paste key


class NoTypingTool(HearthError):
    """Nothing on this desktop can type into other applications."""


@dataclass(frozen=True)
class TypeStep:
    argv: tuple[str, ...]


@dataclass(frozen=True)
class PasteStep:
    """Put `text` on the clipboard, run `argv` (the paste key), then restore the previous clipboard."""

    text: str
    argv: tuple[str, ...]


Step = TypeStep | PasteStep


def session_kind(env: Mapping[str, str] | None = None, platform: str = sys.platform) -> str:
    env = os.environ if env is None else env
    if platform == "darwin":
        return MACOS
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return WAYLAND  # XWayland's DISPLAY is set too, but xdotool there only reaches X clients
    if env.get("DISPLAY"):
        return X11
    return OTHER


def is_plain_ascii(text: str) -> bool:
    """Printable ASCII (and spaces): what every keymap has, so typing it is exact."""
    return all(" " <= c <= "~" for c in text)


@dataclass(frozen=True)
class Typist:
    """The tools found for this session; `plan` turns text into steps for them."""

    session: str
    typer: str | None  # xdotool, wtype, ydotool, osascript
    paste_key: tuple[str, ...] | None  # the command that presses the paste shortcut
    clipboard_usable: bool  # whether the window's clipboard reaches other applications here

    def problem(self) -> str | None:
        """A sentence saying why nothing can be typed, or None when something can."""
        if self.typer or (self.paste_key and self.clipboard_usable):
            return None
        if self.session == X11:
            return "Cannot type into other applications: install xdotool (Debian/Ubuntu: apt install xdotool)."
        if self.session == WAYLAND:
            return (
                "Cannot type into other applications on Wayland: install wtype (wlroots desktops such as "
                "Sway and Hyprland) or ydotool (GNOME, KDE; its ydotoold service must run)."
            )
        if self.session == MACOS:
            return "Cannot type into other applications: osascript was not found."
        return "Cannot type into other applications: no graphical session (DISPLAY or WAYLAND_DISPLAY) was found."

    def plan(self, text: str, method: DeliveryMethod = DeliveryMethod.AUTO) -> list[Step]:
        if not text:
            return []
        problem = self.problem()
        if problem:
            raise NoTypingTool(problem)
        can_paste = bool(self.paste_key and self.clipboard_usable)
        exact_typing = self.typer == "wtype"  # wtype uploads a keymap with the characters it needs
        if method == DeliveryMethod.PASTE and can_paste:
            return [PasteStep(text, self.paste_key)]
        if method == DeliveryMethod.TYPE and self.typer:
            return [TypeStep(self._type_argv(text))]
        if self.typer and (exact_typing or is_plain_ascii(text) or not can_paste):
            return [TypeStep(self._type_argv(text))]
        return [PasteStep(text, self.paste_key)]

    def _type_argv(self, text: str) -> tuple[str, ...]:
        if self.typer == "xdotool":
            # --clearmodifiers: a modifier still down (the user's own hand) must not turn letters into shortcuts.
            return ("xdotool", "type", "--clearmodifiers", "--delay", str(TYPE_DELAY_MS), "--", text)
        if self.typer == "wtype":
            return ("wtype", "--", text)
        if self.typer == "ydotool":
            return ("ydotool", "type", "--", text)
        if self.typer == "osascript":
            quoted = text.replace("\\", "\\\\").replace('"', '\\"')
            return ("osascript", "-e", f'tell application "System Events" to keystroke "{quoted}"')
        raise NoTypingTool(f"unknown typing tool {self.typer}")


def find_typist(
    env: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> Typist:
    session = session_kind(env, platform)
    if session == X11:
        found = bool(which("xdotool"))
        paste = ("xdotool", "key", "--clearmodifiers", "ctrl+v") if found else None
        return Typist(session, "xdotool" if found else None, paste, clipboard_usable=True)
    if session == WAYLAND:
        # A Wayland client can only set the clipboard while it has the focus, so pasting from the
        # background is out; wtype types any character exactly, ydotool (uinput) only what the keymap has.
        if which("wtype"):
            return Typist(session, "wtype", ("wtype", "-M", "ctrl", "v", "-m", "ctrl"), clipboard_usable=False)
        if which("ydotool"):
            return Typist(session, "ydotool", None, clipboard_usable=False)
        return Typist(session, None, None, clipboard_usable=False)
    if session == MACOS:
        if which("osascript"):
            paste = ("osascript", "-e", 'tell application "System Events" to keystroke "v" using command down')
            return Typist(session, "osascript", paste, clipboard_usable=True)
        return Typist(session, None, None, clipboard_usable=True)
    return Typist(session, None, None, clipboard_usable=False)


class CommittedText:
    """What of a recording's committed text is still to be typed. Committed text only grows (grey,
    unconfirmed words never come here), so the new part is the suffix past what was handed out."""

    def __init__(self) -> None:
        self._handed_out = ""

    def new_part(self, committed: str) -> str:
        if not committed.startswith(self._handed_out):
            # Never expected (committed text is final); type nothing twice rather than guess.
            return ""
        fresh = committed[len(self._handed_out) :]
        self._handed_out = committed
        if not fresh.strip():
            self._handed_out = committed[: len(committed) - len(fresh)]  # keep a lone space for the next words
            return ""
        return fresh


def macos_accessibility_trusted() -> bool | None:
    """Whether macOS lets this process post key events (System Settings → Privacy & Security →
    Accessibility). None where the question does not apply or cannot be asked."""
    if sys.platform != "darwin":
        return None
    try:
        import ctypes
        import ctypes.util

        library = ctypes.util.find_library("ApplicationServices")
        if not library:
            return None
        services = ctypes.cdll.LoadLibrary(library)
        services.AXIsProcessTrusted.restype = ctypes.c_bool
        return bool(services.AXIsProcessTrusted())
    except (OSError, AttributeError):
        return None


MACOS_ACCESSIBILITY_HELP = (
    "macOS does not let Hearth see the shortcut or type into other applications yet: open System Settings → "
    "Privacy & Security → Accessibility (and Input Monitoring), allow Hearth (or the terminal that starts it), "
    "then restart Hearth."
)
