"""A spoken conversation through the real audio path: `main.py talk` listens on a PulseAudio null sink's
monitor (the virtual microphone) and speaks into a second null sink, whose monitor we record. A
question played into the microphone is sent; the reply's sound, transcribed with the bundled Whisper,
matches the reply's text; speech played into the microphone while Hearth talks is never sent."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from backend.speakable import speakable_sentences, speakable_text
from backend.speech import SAMPLE_RATE, WhisperEngine
from backend.wer import wer
from tests.terminal import ctrl_c_works
from tests.voice_helpers import NullSink, SinkRecorder, require_pulse, silence, spoken

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "How many legs does a spider have?"
INTERRUPTION = "Tell me a fun fact about the moon."

pytestmark = pytest.mark.e2e


def wav(path: Path, audio: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def play_into_mic(path: Path) -> None:
    subprocess.run(["paplay", f"--device={os.environ['HEARTH_TEST_SINK']}", str(path)], check=True, timeout=60)


class Talk:
    """`main.py talk --json` as a user would run it; its events are collected as they come."""

    def __init__(self, speaker_sink: str, data_dir: Path):
        env = {
            **os.environ,
            "PULSE_SOURCE": f"{os.environ['HEARTH_TEST_SINK']}.monitor",
            "PULSE_SINK": speaker_sink,
        }
        self.process = subprocess.Popen(
            [sys.executable, "main.py", "talk", "--json", "--seconds", "400", "--temp", "0", "-s", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=ctrl_c_works,
        )
        self.events: list[dict] = []
        self.stderr: list[str] = []
        self.listening = threading.Event()
        threading.Thread(target=self._out, daemon=True).start()
        threading.Thread(target=self._err, daemon=True).start()

    def _out(self) -> None:
        for line in self.process.stdout:
            self.events.append(json.loads(line))

    def _err(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line)
            if line.startswith("listening"):
                self.listening.set()

    def of(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["event"] == kind]

    def wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{what}: events {self.events}; stderr {''.join(self.stderr)[-2000:]}")
            time.sleep(0.05)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture
def speaker_sink():
    require_pulse()
    sink = NullSink(f"hearth_voice_{os.getpid()}")
    yield sink.name
    sink.close()


def test_spoken_question_is_answered_aloud_and_speech_during_the_reply_is_not_sent(
    tmp_path, data_dir, speaker_sink, speech_model_path
):
    question = wav(tmp_path / "question.wav", np.concatenate([silence(0.3), spoken(QUESTION)]))
    interruption = wav(tmp_path / "interruption.wav", spoken(INTERRUPTION))
    recorder = SinkRecorder(speaker_sink)
    talk = Talk(speaker_sink, data_dir)
    try:
        talk.wait(talk.listening.is_set, 300, "never started listening")
        time.sleep(1.0)
        play_into_mic(question)
        talk.wait(lambda: talk.of("sent"), 60, "the question was not sent")
        talk.wait(lambda: recorder.last_sound_at() is not None, 300, "the reply was never heard")
        play_into_mic(interruption)  # while Hearth speaks: the microphone is deaf
        talk.wait(lambda: talk.of("reply"), 300, "no reply")
        reply = talk.of("reply")[0]["text"]
        n_sentences = len(speakable_sentences(reply))
        talk.wait(lambda: len(talk.of("spoken")) >= n_sentences, 300, "the reply was not all spoken")
        time.sleep(3.0)  # anything sent after the reply ended would show by now
    finally:
        code = talk.stop()
        recorder.close()
    assert code == 0, "".join(talk.stderr)[-2000:]

    sent = talk.of("sent")
    assert len(sent) == 1, f"sent while speaking: {sent}"
    assert wer(QUESTION, sent[0]["text"]) <= 0.25, sent[0]["text"]
    assert " ".join(e["text"] for e in talk.of("spoken")) == speakable_text(reply)
    assert all(e["t"] >= sent[0]["t"] for e in talk.of("spoken"))

    whisper = WhisperEngine(speech_model_path)
    audio = recorder.audio()
    segments = whisper.transcribe(
        audio,
        language="en",
        translate=False,
        audio_ctx=0,
        prompt="",
        word_times=False,
        fallback=True,
        max_tokens=0,
        cancel=None,
    )
    heard = re.sub(r"\[[^\]]*\]", " ", " ".join(s.text.strip() for s in segments))  # [BLANK_AUDIO]
    assert wer(speakable_text(reply), heard) <= 0.35, (reply, heard)
