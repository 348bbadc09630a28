"""The voice loop on the real engines: Whisper hears a spoken question, the chat model answers through
LlmService, Piper says the reply. The speaker's sound comes back into the microphone (EchoPlayer), as
from a laptop's speaker, so these tests also show Hearth never answers itself. The real speaker and
microphone path is tests/e2e/test_voice_conversation.py."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from backend.llm import SamplingParams
from backend.llm_service import LlmService
from backend.speakable import speakable_text
from backend.speech import SAMPLE_RATE, WhisperEngine
from backend.speech_out import SpeechOutput, default_voice_id
from backend.voice_loop import ChatResponder, VoiceConfig, VoiceEvent, VoiceLoop
from backend.wer import wer
from tests.voice_helpers import EchoPlayer, RealTimeSource, silence, spoken

QUESTION = "How many legs does a spider have?"


@pytest.fixture(scope="module")
def whisper(speech_model_path):
    return WhisperEngine(speech_model_path)


@pytest.fixture(scope="module")
def service(chat_model_path):
    service = LlmService()
    service.load(str(chat_model_path), n_ctx=2048, n_threads=None, n_gpu_layers=0).result()
    yield service
    service.close()


class Conversation:
    """Runs a VoiceLoop over a script of audio on its own thread and keeps its events."""

    def __init__(self, whisper, service, audio, config=VoiceConfig(), max_seconds=240.0, until=None, voice=None):
        self.events: list[VoiceEvent] = []
        self.source = RealTimeSource(audio, max_seconds, until=lambda: until(self) if until else True)
        self.speech = SpeechOutput(voice or default_voice_id(), player=EchoPlayer(self.source))
        params = SamplingParams(temperature=0.0, seed=1, max_tokens=48)
        self.loop = VoiceLoop(
            self.source, whisper, ChatResponder(service, params), self.speech, config, on_event=self.events.append
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop.run, args=(self.stop,))

    def run(self) -> Conversation:
        self.thread.start()
        self.thread.join(timeout=600)
        self.stop.set()
        self.thread.join()
        self.speech.close()
        return self

    def of(self, kind: str) -> list[VoiceEvent]:
        return [e for e in self.events if e.kind == kind]

    def speech_end(self, script_seconds: float) -> float:
        """Clock time the scripted speech ended (the source plays at real-time pace from its start)."""
        return self.source.start + script_seconds


def replied_and_spoken(conv: Conversation) -> bool:
    reply = conv.of("reply")
    return bool(reply) and not conv.speech.busy and time.monotonic() > reply[-1].at + 2.0


def test_a_spoken_question_is_sent_answered_and_spoken_and_its_echo_is_never_heard(whisper, service):
    question = spoken(QUESTION)
    audio = np.concatenate([silence(1.0), question])
    conv = Conversation(whisper, service, audio, until=replied_and_spoken).run()

    sent = conv.of("sent")
    assert len(sent) == 1, [(e.kind, e.text) for e in conv.events]
    assert wer(QUESTION, sent[0].text) <= 0.25, sent[0].text
    # espeak ends its audio with a third of a second of silence: the pause counts from the last voiced sample.
    voiced_end = np.flatnonzero(np.abs(audio) > 0.01)[-1] + 1
    speech_end = conv.speech_end(voiced_end / SAMPLE_RATE)
    assert sent[0].at >= speech_end + VoiceConfig().send_pause_seconds - 0.15, "sent before the pause"

    (reply,) = conv.of("reply")
    assert reply.text.strip() and reply.stop_reason == "done"
    said = [e.text for e in conv.of("spoken")]
    assert " ".join(said) == speakable_text(reply.text), "the whole reply is said, in order"
    first_sound = conv.of("spoken")[0].started_at
    assert first_sound > sent[0].at

    assert conv.source.heard_echo > 0.05, "the reply's sound really came back into the microphone"
    after = [e for e in conv.events if e.kind == "heard" and e.at > sent[0].at and e.text]
    assert not after, f"Hearth heard itself: {after}"


def test_a_short_pause_inside_a_message_does_not_split_it(whisper, service):
    audio = np.concatenate([silence(1.0), spoken("Tell me a fun fact"), silence(0.8), spoken("about the moon.")])
    conv = Conversation(whisper, service, audio, until=lambda c: bool(c.of("sent"))).run()
    sent = conv.of("sent")
    assert len(sent) == 1, [(e.kind, e.text) for e in conv.events]
    assert wer("Tell me a fun fact about the moon.", sent[0].text) <= 0.25, sent[0].text


def test_saying_cancel_drops_the_message(whisper, service):
    audio = np.concatenate([silence(1.0), spoken("Book a table for two. Cancel.")])
    conv = Conversation(whisper, service, audio, max_seconds=20, until=lambda c: bool(c.of("dropped"))).run()
    assert not conv.of("sent"), [(e.kind, e.text) for e in conv.events]
    assert conv.of("dropped") and "table" in conv.of("dropped")[0].text.lower()


def test_silence_and_clicks_never_become_a_message(whisper, service):
    audio = silence(6.0)
    for at in (1.0, 2.5, 4.0):  # key clicks: 5 ms bursts
        i = int(at * SAMPLE_RATE)
        audio[i : i + 80] = 0.5
    conv = Conversation(whisper, service, audio, max_seconds=8).run()
    assert not conv.of("sent") and not [e for e in conv.of("heard") if e.text]
    assert conv.loop.session.whisper_calls == 0


def test_push_to_talk_sends_when_the_key_is_released(whisper, service):
    before = spoken("This is not for you.")
    question = spoken(QUESTION)
    audio = np.concatenate([silence(0.5), before, silence(1.0), question, silence(0.3)])
    config = VoiceConfig(push_to_talk=True, send_pause_seconds=60.0)
    conv = Conversation(whisper, service, audio, config, until=lambda c: bool(c.of("sent")), max_seconds=60)
    press_at = 0.5 + len(before) / SAMPLE_RATE + 0.8
    release_at = len(audio) / SAMPLE_RATE

    def keys():
        while conv.source.start is None:
            time.sleep(0.01)
        time.sleep(max(0.0, conv.source.start + press_at - time.monotonic()))
        conv.loop.set_talking(True)
        time.sleep(max(0.0, conv.source.start + release_at - time.monotonic()))
        conv.loop.set_talking(False)

    threading.Thread(target=keys, daemon=True).start()
    conv.run()
    sent = conv.of("sent")
    assert len(sent) == 1 and wer(QUESTION, sent[0].text) <= 0.25, [(e.kind, e.text) for e in conv.events]


def test_a_held_key_in_hands_free_mode_keeps_a_long_pause_from_sending(whisper, service):
    first, second = spoken("Tell me a fun fact"), spoken("about the moon.")
    audio = np.concatenate([silence(0.5), first, silence(2.5), second, silence(0.3)])
    conv = Conversation(whisper, service, audio, until=lambda c: bool(c.of("sent")), max_seconds=60)
    release_at = len(audio) / SAMPLE_RATE

    def keys():
        while conv.source.start is None:
            time.sleep(0.01)
        conv.loop.set_talking(True)
        time.sleep(max(0.0, conv.source.start + release_at - time.monotonic()))
        conv.loop.set_talking(False)

    threading.Thread(target=keys, daemon=True).start()
    conv.run()
    sent = conv.of("sent")
    assert len(sent) == 1, [(e.kind, e.text) for e in conv.events]
    assert wer("Tell me a fun fact about the moon.", sent[0].text) <= 0.25, sent[0].text
    assert sent[0].at >= conv.speech_end(release_at), "sent before the key was let go"
