"""Choosing how dictated text reaches another application, per desktop and per character set, and the
settings and shortcut parsing behind it (the real typing is tests/e2e/test_dictate_into_apps.py)."""

from __future__ import annotations

import pytest

from backend.anywhere_settings import KEY, AnywhereSettings, ShortcutMode
from backend.settings import Settings
from backend.text_delivery import (
    CommittedText,
    DeliveryMethod,
    NoTypingTool,
    PasteStep,
    TypeStep,
    find_typist,
    session_kind,
)
from backend.x11_shortcut import Shortcut, ShortcutError

X = {"DISPLAY": ":0"}
WAYLAND = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}


def tools(*names):
    return lambda name: f"/usr/bin/{name}" if name in names else None


def test_sessions_are_told_apart():
    assert session_kind(X, "linux") == "x11"
    assert session_kind(WAYLAND, "linux") == "wayland", "XWayland's DISPLAY does not make it X11"
    assert session_kind({"XDG_SESSION_TYPE": "wayland"}, "linux") == "wayland"
    assert session_kind({}, "darwin") == "macos"
    assert session_kind({}, "linux") == "other"


def test_x11_types_plain_ascii_and_pastes_everything_else():
    typist = find_typist(X, "linux", tools("xdotool"))
    (step,) = typist.plan("Hello, world! 42")
    assert isinstance(step, TypeStep) and step.argv[:2] == ("xdotool", "type") and step.argv[-1] == "Hello, world! 42"
    (step,) = typist.plan("你好世界 naïve")
    assert isinstance(step, PasteStep) and step.text == "你好世界 naïve" and "ctrl+v" in step.argv
    assert isinstance(typist.plan("ascii", DeliveryMethod.PASTE)[0], PasteStep)
    assert isinstance(typist.plan("naïve", DeliveryMethod.TYPE)[0], TypeStep)
    assert typist.plan("") == []


def test_wayland_uses_wtype_for_everything_and_says_when_nothing_can_type():
    (step,) = find_typist(WAYLAND, "linux", tools("wtype", "xdotool")).plan("你好 naïve")
    assert isinstance(step, TypeStep) and step.argv[0] == "wtype", "wtype types any character exactly"
    assert find_typist(WAYLAND, "linux", tools("ydotool")).plan("hello")[0].argv[0] == "ydotool"
    nothing = find_typist(WAYLAND, "linux", tools("xdotool"))
    assert "wtype" in nothing.problem() and "ydotool" in nothing.problem()
    with pytest.raises(NoTypingTool, match="Wayland"):
        nothing.plan("hello")
    assert "xdotool" in find_typist(X, "linux", tools()).problem()


def test_only_new_committed_text_is_handed_out_once():
    c = CommittedText()
    assert c.new_part("Hello") == "Hello"
    assert c.new_part("Hello") == ""
    assert c.new_part("Hello world.") == " world."
    assert c.new_part("Hello world. ") == "", "a lone space waits for the next words"
    assert c.new_part("Hello world. How are you") == " How are you"
    assert c.new_part("Something else") == "", "committed text never changes: nothing is typed twice"


def test_shortcut_text_from_qt_becomes_a_grab():
    assert Shortcut.parse("Ctrl+Alt+Space") == Shortcut(("alt", "ctrl"), "space")
    assert Shortcut.parse("Meta+F8") == Shortcut(("meta",), "F8")
    assert Shortcut.parse("Ctrl+Shift+D") == Shortcut(("ctrl", "shift"), "d")
    assert str(Shortcut.parse("Alt+PgDown")) == "Alt+Next"
    with pytest.raises(ShortcutError, match="Hyper"):
        Shortcut.parse("Hyper+A")
    with pytest.raises(ShortcutError):
        Shortcut.parse("")


def test_settings_round_trip_and_bad_values_fall_back(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    assert AnywhereSettings.load(settings) == AnywhereSettings()
    assert AnywhereSettings().close_to_tray is False, "staying in the tray is opt-in"
    chosen = AnywhereSettings(shortcut="Meta+F8", mode=ShortcutMode.TOGGLE, delivery=DeliveryMethod.PASTE, device=3)
    chosen.save(settings)
    assert AnywhereSettings.load(Settings(tmp_path / "settings.json")) == chosen
    settings.set(KEY, {"mode": "sideways", "device": "usb", "shortcut": "Ctrl+F1"})
    loaded = AnywhereSettings.load(settings)
    assert (loaded.mode, loaded.device, loaded.shortcut) == (ShortcutMode.HOLD, None, "Ctrl+F1")
