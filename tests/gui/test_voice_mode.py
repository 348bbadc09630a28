"""Voice mode in the window (offscreen, the real engine): the bar sits under the chat box; a voice
message goes through the chat pane like a typed one (shown, saved, streamed) and its reply's pieces
reach the voice loop; Stop on a spoken reply stops the pane's generation. The full microphone-to-
speaker path is tests/e2e/test_voice_conversation.py."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backend.speech_out import available_voices


def test_voice_bar_is_under_the_chat_box_with_voice_and_speaker_choices(qtbot, open_window):
    window = open_window(wait_for_model=False)
    voice = window.voice_mode
    assert voice.isVisibleTo(window) and voice.parentWidget() is window.chat_pane.input.parentWidget()
    assert voice.voice_box.count() == len(available_voices()) >= 2
    assert voice.output_box.itemText(0) == "Default speaker"
    voice.voice_box.setCurrentIndex(1)
    assert window.settings.get("voice_id") == available_voices()[1].id
    assert not voice.talk_button.isEnabled(), "push-to-talk only while voice mode is on"


def test_an_early_reply_is_unseen_until_its_message_is_sent_then_streams_into_the_pane(qtbot, open_window):
    window = open_window()
    pane, responder = window.chat_pane, window.voice_mode.responder
    before = len(window.store.messages(pane.conversation_id)) if pane.conversation_id >= 0 else 0
    bubbles = len(pane.view.bubbles)
    pieces: list[str] = []
    future = responder.start("Say hello in one word.", pieces.append, threading.Event())
    qtbot.waitUntil(lambda: bool(pieces), timeout=120_000)
    assert len(pane.view.bubbles) == bubbles and not pane.generating, "shown before it was sent"
    saved = window.store.messages(pane.conversation_id) if pane.conversation_id >= 0 else []
    assert len(saved) == before, "saved before it was sent"

    responder.confirm(future)
    qtbot.waitUntil(future.done, timeout=120_000)
    qtbot.waitUntil(lambda: not pane.generating, timeout=10_000)
    result = future.result()
    assert result.text and "".join(pieces) == result.text
    texts = [m.content for m in window.store.messages(pane.conversation_id)]
    assert texts[-2:] == ["Say hello in one word.", result.text], "saved like a typed message, whole reply"
    assert [b.role for b in pane.view.bubbles[bubbles:]] == ["user", "assistant"]
    assert pane.input.toPlainText() == ""


def test_an_early_reply_the_speaker_went_on_from_is_never_shown_or_saved(qtbot, open_window):
    window = open_window(sampling={"max_tokens": 400})
    pane, responder = window.chat_pane, window.voice_mode.responder
    before = len(window.store.messages(pane.conversation_id)) if pane.conversation_id >= 0 else 0
    cancel = threading.Event()
    pieces: list[str] = []
    future = responder.start("Count from one to two hundred.", pieces.append, cancel)
    qtbot.waitUntil(lambda: bool(pieces), timeout=120_000)
    cancel.set()  # what the voice loop does when the speaker goes on talking
    qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result().stats.stop_reason.value == "stopped"
    assert not pane.generating and not pane.llm_service.busy
    saved = window.store.messages(pane.conversation_id) if pane.conversation_id >= 0 else []
    assert len(saved) == before


def test_the_panes_stop_stops_a_spoken_reply(qtbot, open_window):
    window = open_window(sampling={"max_tokens": 400})
    pane, responder = window.chat_pane, window.voice_mode.responder
    pieces: list[str] = []
    future = responder.start("Count from one to two hundred.", pieces.append, threading.Event())
    responder.confirm(future)
    qtbot.waitUntil(lambda: pane.generating and len(pieces) > 2, timeout=120_000)
    pane.stop_button.click()
    qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result().stats.stop_reason.value == "stopped"
    qtbot.waitUntil(lambda: not pane.generating, timeout=10_000)
    assert window.store.messages(pane.conversation_id)[-1].content == future.result().text


class _Loop:
    """Records what the window asks of the voice loop."""

    def __init__(self):
        self.calls: list[tuple] = []

    def set_talking(self, down: bool) -> None:
        self.calls.append(("set_talking", down))

    def drop_message(self) -> None:
        self.calls.append(("drop_message",))

    def stop_reply(self) -> None:
        self.calls.append(("stop_reply",))


def test_holding_ctrl_space_talks_and_esc_drops_without_typing(qtbot, open_window):
    window = open_window(wait_for_model=False)
    voice, pane = window.voice_mode, window.chat_pane
    loop = _Loop()
    voice._worker = SimpleNamespace(loop=loop)  # voice mode on, as far as the keys are concerned
    voice._thread = SimpleNamespace()
    voice.talk_button.setEnabled(True)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    pane.input.setFocus()
    try:
        ctrl = Qt.KeyboardModifier.ControlModifier
        QTest.keyPress(pane.input, Qt.Key.Key_Space, ctrl)
        assert loop.calls == [("set_talking", True)] and voice.talk_button.isDown()
        repeat = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Space, ctrl, " ", True)
        QApplication.sendEvent(pane.input, repeat)  # an auto-repeat while held: still one press
        QTest.keyClick(pane.input, Qt.Key.Key_Escape)
        QTest.keyRelease(pane.input, Qt.Key.Key_Space, ctrl)
        assert loop.calls == [("set_talking", True), ("drop_message",), ("set_talking", False)]
        assert not voice.talk_button.isDown()
        assert pane.input.toPlainText() == "", "the key typed into the chat box"
        QTest.keyClick(pane.input, Qt.Key.Key_Space)  # a plain space is typed as ever
        assert pane.input.toPlainText() == " " and len(loop.calls) == 3
        voice.talk_button.setEnabled(False)  # voice mode off: the key does nothing
        QTest.keyPress(pane.input, Qt.Key.Key_Space, ctrl)
        QTest.keyRelease(pane.input, Qt.Key.Key_Space, ctrl)
        assert len(loop.calls) == 3
    finally:
        voice._worker = voice._thread = None
