"""Shared by the voice tests: speech made with espeak-ng, a real-time audio source, and a recorder of
what a PulseAudio sink plays (its monitor read through `parec`, each block stamped when it arrived)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import numpy as np
import pytest

from backend.speech import SAMPLE_RATE
from backend.speech_out import EspeakSynthesizer, resample

BLOCK = 0.1


def spoken(text: str, voice: str = "en-us") -> np.ndarray:
    """`text` as 16 kHz speech (espeak-ng: a different voice from the one Hearth answers with)."""
    samples, rate = EspeakSynthesizer(voice, words_per_minute=160).synthesize(text)
    return resample(samples, rate, SAMPLE_RATE) * 0.6


def silence(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE)) * 1e-4).astype(np.float32)


class RealTimeSource:
    """An AudioSource that plays a script of audio at real-time pace, then silence until `until()` is
    true or `max_seconds` pass; `echo` audio (what the speaker plays) is mixed into what it hears."""

    dropped_seconds = 0.0

    def __init__(self, audio: np.ndarray, max_seconds: float, until=lambda: False):
        self.audio, self.max_seconds, self.until = audio, max_seconds, until
        self.block = int(BLOCK * SAMPLE_RATE)
        self.pos = 0
        self.start = None
        self.captured_at = 0.0
        self.echo = np.zeros(0, dtype=np.float32)
        self.echo_lock = threading.Lock()
        self.heard_echo = 0.0  # loudest echo sample mixed in

    def read(self, timeout: float = 0.2):
        if self.start is None:
            self.start = time.monotonic()
        due = self.start + (self.pos + self.block) / SAMPLE_RATE
        time.sleep(max(0.0, due - time.monotonic()))
        if self.pos / SAMPLE_RATE > self.max_seconds or (self.pos >= len(self.audio) and self.until()):
            return None
        chunk = self.audio[self.pos : self.pos + self.block]
        chunk = np.concatenate([chunk, silence((self.block - len(chunk)) / SAMPLE_RATE)])
        with self.echo_lock:
            echo, self.echo = self.echo[: self.block], self.echo[self.block :]
        if len(echo):
            chunk = chunk.copy()
            chunk[: len(echo)] += echo
            self.heard_echo = max(self.heard_echo, float(np.max(np.abs(echo))))
        self.pos += self.block
        self.captured_at = due  # when it was "captured", even if the reader comes late for it
        return chunk

    def add_echo(self, samples: np.ndarray) -> None:
        with self.echo_lock:
            self.echo = np.concatenate([self.echo, samples])


class EchoPlayer:
    """Stands in for the speaker in backend tests: what is played comes back into the microphone at
    real-time pace, as it would from a laptop's speaker (the real speaker path is in the e2e test)."""

    def __init__(self, source: RealTimeSource):
        self.source = source
        self.audible_until = 0.0
        self._stop = threading.Event()

    def play(self, samples, rate, cancel) -> bool:
        self._stop.clear()
        audio = resample(samples, rate, SAMPLE_RATE)
        self.source.add_echo(audio)
        end = time.monotonic() + len(audio) / SAMPLE_RATE
        while time.monotonic() < end:
            if cancel.wait(0.02) or self._stop.is_set():
                return False
        self.audible_until = end
        return True

    def stop(self) -> None:
        self._stop.set()
        with self.source.echo_lock:
            self.source.echo = np.zeros(0, dtype=np.float32)

    def close(self) -> None:
        self.stop()


def require_pulse() -> None:
    """The real audio path needs PulseAudio (./hearth.sh test starts it); in CI its absence fails."""
    if not os.environ.get("HEARTH_TEST_SINK") or not shutil.which("pactl"):
        pytest.skip("HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink")


class NullSink:
    """A PulseAudio null sink of the test's own: Hearth plays into it, `SinkRecorder` hears its monitor."""

    def __init__(self, name: str):
        self.name = name
        command = ["pactl", "load-module", "module-null-sink", f"sink_name={name}"]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        self.module = out.stdout.strip()

    def close(self) -> None:
        subprocess.run(["pactl", "unload-module", self.module], check=False)


class SinkRecorder:
    """Records a sink's monitor at 16 kHz; `blocks` holds (arrival time, samples)."""

    def __init__(self, sink: str):
        self.blocks: list[tuple[float, np.ndarray]] = []
        self._process = subprocess.Popen(
            [
                "parec",
                f"--device={sink}.monitor",
                "--format=float32le",
                f"--rate={SAMPLE_RATE}",
                "--channels=1",
                "--latency-msec=50",  # at 10 ms, on a loaded machine, parec lost most of the audio
            ],
            stdout=subprocess.PIPE,
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        while data := self._process.stdout.read1(4096):
            data = data[: len(data) // 4 * 4]
            self.blocks.append((time.monotonic(), np.frombuffer(data, dtype="<f4").copy()))

    def audio(self) -> np.ndarray:
        return np.concatenate([b for _, b in self.blocks]) if self.blocks else np.zeros(0, dtype=np.float32)

    def last_sound_at(self, threshold: float = 0.01) -> float | None:
        """Arrival time of the last block with sound in it."""
        for at, block in reversed(self.blocks):
            if len(block) and np.max(np.abs(block)) > threshold:
                return at
        return None

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=5)
        self._thread.join(timeout=5)
