"""A keyboard user does everything with no mouse: every step below is a key press sent to whichever
control has the focus, as a real keyboard would — send a message, switch the chat model from the
model picker, start and stop dictation on the real microphone path, export the transcript."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from app_helpers import make_window
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog
from voice_helpers import require_pulse

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"


class Keyboard:
    """Keys to the focused control; Tab walks to a control, failing if the keyboard cannot reach it."""

    def __init__(self, window):
        self.window = window

    def focused(self):
        return QApplication.focusWidget() or self.window

    def press(self, key, modifiers=Qt.NoModifier, to=None) -> None:
        QTest.keyClick(to or self.focused(), key, modifiers)

    def type(self, text: str, to=None) -> None:
        QTest.keyClicks(to or self.focused(), text)

    def tab_to(self, widget, limit: int = 120) -> None:
        for _ in range(limit):
            if QApplication.focusWidget() is widget:
                return
            self.press(Qt.Key_Tab)
        raise AssertionError(f"Tab never reached {widget.accessibleName() or widget}")


def _later(action, ms: int = 300) -> None:
    """Act on a menu or dialog that is about to run its own event loop."""
    QTimer.singleShot(ms, action)


def test_keyboard_only_chat_model_switch_dictation_and_export(
    qtbot, data_dir, chat_model_path, gemma_model_path, tmp_path
):
    require_pulse()
    window = make_window(qtbot, data_dir, chat_model_path, sampling={"max_tokens": 24})
    window.activateWindow()
    qtbot.waitActive(window)
    keys = Keyboard(window)
    pane = window.chat_pane
    try:
        qtbot.waitUntil(lambda: pane.model_info is not None, timeout=120_000)

        # Send a message: Ctrl+L to the box, type, Enter.
        keys.press(Qt.Key_L, Qt.ControlModifier)
        assert QApplication.focusWidget() is pane.input
        keys.type("Say hello.")
        with qtbot.waitSignal(pane.generation_finished, timeout=300_000):
            keys.press(Qt.Key_Return)
        assert pane.view.bubbles[-1].role == "assistant" and pane.view.bubbles[-1].text().strip()

        # Switch the chat model: Tab to the picker, Space opens its menu, arrows and Enter choose Gemma.
        keys.tab_to(pane.model_picker.button)

        def choose_gemma() -> None:
            menu = QApplication.activePopupWidget()
            assert menu is not None, "the picker's menu opened"
            for _ in range(len(menu.actions())):
                keys.press(Qt.Key_Down, to=menu)
                if menu.activeAction() and "gemma" in menu.activeAction().text().lower():
                    keys.press(Qt.Key_Return, to=menu)
                    return
            keys.press(Qt.Key_Escape, to=menu)

        _later(choose_gemma)
        keys.press(Qt.Key_Space)
        qtbot.waitUntil(
            lambda: pane.model_info is not None and Path(pane.model_info.path) == gemma_model_path, timeout=120_000
        )
        assert "Gemma" in window.model_label.text() or "gemma" in window.model_label.text().lower()

        # Dictation: Ctrl+3 to the tab, Ctrl+R to record while speech plays into the microphone, Ctrl+R to stop.
        panel = window.dictation_panel
        keys.press(Qt.Key_3, Qt.ControlModifier)
        assert window.tabs.currentWidget() is panel
        with qtbot.waitSignal(panel.worker.dictation_started, timeout=60_000):
            keys.press(Qt.Key_R, Qt.ControlModifier)
        subprocess.run(
            ["paplay", f"--device={os.environ['HEARTH_TEST_SINK']}", str(SPEECH / "arctic_a0024_ds.wav")],
            check=True,
            timeout=60,
        )
        qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 3, timeout=120_000)
        keys.press(Qt.Key_R, Qt.ControlModifier)
        qtbot.waitUntil(lambda: not panel.recording, timeout=60_000)

        # Export: Tab to Export…, Space, type the file name in the dialog, Enter.
        target = tmp_path / "dictated.txt"
        keys.tab_to(panel.export_button)

        def save_as() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QFileDialog), "the export dialog opened"
            keys.press(Qt.Key_A, Qt.ControlModifier)
            keys.type(str(target))
            keys.press(Qt.Key_Return)

        _later(save_as, 800)
        keys.press(Qt.Key_Space)
        qtbot.waitUntil(target.exists, timeout=30_000)
        assert target.read_text().split()[:3] == panel.text().split()[:3]
    finally:
        window.close()
        window.store.close()


@pytest.fixture(autouse=True)
def _no_native_dialogs():
    # A desktop's own file dialog is another process: keys sent here would not reach it.
    QApplication.setAttribute(Qt.AA_DontUseNativeDialogs, True)
    yield
    QApplication.setAttribute(Qt.AA_DontUseNativeDialogs, False)
