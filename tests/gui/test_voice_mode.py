"""Voice mode in the window (offscreen, the real engine): the bar sits under the chat box; a voice
message goes through the chat pane like a typed one (shown, saved, streamed) and its reply's pieces
reach the voice loop; Stop on a spoken reply stops the pane's generation. The full microphone-to-
speaker path is tests/e2e/test_voice_conversation.py."""

from __future__ import annotations

import threading

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


def test_a_voice_message_goes_through_the_chat_pane_and_streams_back(qtbot, open_window):
    window = open_window()
    pane, responder = window.chat_pane, window.voice_mode.responder
    pieces: list[str] = []
    future = responder.start("Say hello in one word.", pieces.append, threading.Event())
    qtbot.waitUntil(future.done, timeout=120_000)
    result = future.result()
    assert result.text and "".join(pieces) == result.text
    texts = [m.content for m in window.store.messages(pane.conversation_id)]
    assert texts[-2:] == ["Say hello in one word.", result.text], "saved like a typed message"
    assert pane.input.toPlainText() == ""


def test_cancelling_a_spoken_reply_stops_the_pane(qtbot, open_window):
    window = open_window(sampling={"max_tokens": 400})
    pane, responder = window.chat_pane, window.voice_mode.responder
    cancel = threading.Event()
    pieces: list[str] = []
    future = responder.start("Count from one to two hundred.", pieces.append, cancel)
    qtbot.waitUntil(lambda: len(pieces) > 2, timeout=120_000)
    cancel.set()
    qtbot.waitUntil(future.done, timeout=10_000)
    assert future.result().stats.stop_reason.value == "stopped"
    assert not pane.generating
