"""The global shortcut on a real X server (the suite's Xvfb): a press and a release from anywhere reach
Hearth once each, a held key's auto-repeat is not a new press, a shortcut another program holds is
refused with a sentence, and held modifiers are seen (typing waits for them)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from backend.x11_shortcut import ShortcutError, modifiers_held
from gui.hotkeys import GlobalShortcut

pytestmark = [
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display: run the suite with ./hearth.sh test"),
    pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool: run the suite with ./hearth.sh test"),
    pytest.mark.skipif(bool(os.environ.get("WAYLAND_DISPLAY")), reason="X11 only"),
]
KEYS = "ctrl+shift+F12"  # not the default: a window another test left open may hold Ctrl+Alt+Space


@pytest.fixture
def shortcut():
    grabbed = GlobalShortcut()
    grabbed.grab("Ctrl+Shift+F12")
    yield grabbed
    grabbed.release()
    subprocess.run(["xdotool", "keyup", KEYS], check=False)


def test_held_shortcut_is_one_press_and_one_release(qtbot, shortcut):
    presses, releases = [], []
    shortcut.pressed.connect(lambda: presses.append(1))
    shortcut.released.connect(lambda: releases.append(1))
    with qtbot.waitSignal(shortcut.pressed, timeout=5000):
        subprocess.run(["xdotool", "keydown", KEYS], check=True)
    assert modifiers_held() is True, "typing must wait while Ctrl/Shift are down"
    qtbot.wait(1200)  # longer than X's auto-repeat delay (660 ms): repeats arrive as release+press pairs
    assert releases == []
    with qtbot.waitSignal(shortcut.released, timeout=5000):
        subprocess.run(["xdotool", "keyup", KEYS], check=True)
    qtbot.wait(200)
    assert (len(presses), len(releases)) == (1, 1)
    assert modifiers_held() is False


def test_a_shortcut_another_program_holds_is_refused(shortcut):
    other = GlobalShortcut()
    with pytest.raises(ShortcutError, match="already taken"):
        other.grab("Ctrl+Shift+F12")
    assert not other.active


def test_a_key_this_keyboard_lacks_is_refused():
    with pytest.raises(ShortcutError, match="not on this keyboard"):
        GlobalShortcut().grab("Ctrl+NoSuchKey")
