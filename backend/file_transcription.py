"""Transcribe a whole audio or video file: decode, run Whisper, report progress and timings.

The CLI's `transcribe` and the Dictation panel's file section both call `transcribe_file`.

The file is decoded as a stream and sent to Whisper a window at a time, so memory stays that of one
window however long the file is (a 2-hour file decoded whole was 460 MB of samples, held twice while
the pieces were joined), progress follows the file's timeline, and Cancel is honoured between windows
as well as inside Whisper. Windows are cut at the quietest moment near their end, so a word is rarely
split; stretches of near-digital silence are never sent, because Whisper invents text there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backend.audio import SAMPLE_RATE, decode_stream
from backend.errors import HearthError
from backend.speech import Segment, WhisperEngine

WINDOW_SECONDS = 30.0  # Whisper's own window: longer input is cut there by whisper.cpp anyway
CUT_SEARCH_SECONDS = 5.0  # the cut goes at the quietest 20 ms of the window's last seconds
SILENCE_DBFS = -60.0  # a window with no 20 ms frame louder than this is not sent to Whisper
PREROLL_SECONDS = 0.3
FRAME = 320


class OutputExistsError(HearthError):
    """The transcript's output file is already there; the caller asks (GUI) or needs --force (CLI)."""

    def __init__(self, path: Path):
        super().__init__(f"{path} already exists")
        self.path = path


def check_output_path(path: Path, overwrite: bool = False) -> None:
    """Raise OutputExistsError unless `path` is free or the user agreed to replace it: a transcript
    never silently replaces a file the user already has."""
    path = Path(path)
    if overwrite:
        return
    if path.exists() or path.is_symlink():
        raise OutputExistsError(path)


@dataclass(frozen=True)
class FileTranscript:
    segments: list[Segment]
    audio_seconds: float
    decode_seconds: float
    transcribe_seconds: float
    cancelled: bool

    @property
    def real_time_factor(self) -> float:
        return self.transcribe_seconds / self.audio_seconds if self.audio_seconds else 0.0


def _frame_db(audio: np.ndarray) -> np.ndarray:
    frames = audio[: len(audio) // FRAME * FRAME].reshape(-1, FRAME)
    power = np.mean(np.square(frames, dtype=np.float64), axis=1)
    return 10.0 * np.log10(np.maximum(power, 1e-10))


def _cut_point(window: np.ndarray) -> int:
    """Where to end a full window: the middle of its quietest frame near the end."""
    search_from = len(window) - int(CUT_SEARCH_SECONDS * SAMPLE_RATE)
    db = _frame_db(window[search_from:])
    return search_from + int(np.argmin(db)) * FRAME + FRAME // 2 if len(db) else len(window)


def _leading_silence(audio: np.ndarray) -> int:
    """Samples of silence before the first sound, less a short pre-roll for soft onsets; all of it if silent."""
    loud = np.flatnonzero(_frame_db(audio) > SILENCE_DBFS)
    if not len(loud):
        return len(audio)
    return max(0, int(loud[0]) * FRAME - int(PREROLL_SECONDS * SAMPLE_RATE))


def transcribe_file(
    engine: WhisperEngine,
    path: Path,
    *,
    language: str = "auto",
    translate: bool = False,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> FileTranscript:
    report = progress or (lambda fraction: None)
    cancelled = (lambda: cancel.is_set()) if cancel is not None else (lambda: False)
    started = time.perf_counter()
    whisper_seconds = 0.0
    segments: list[Segment] = []
    pieces: list[np.ndarray] = []
    buffered = 0
    done = 0  # samples already transcribed (or skipped as silence)
    decoded_fraction = [0.0]

    def run(audio: np.ndarray) -> None:
        nonlocal whisper_seconds, done
        offset = done / SAMPLE_RATE
        done += len(audio)
        if len(audio) < FRAME or float(np.max(_frame_db(audio))) <= SILENCE_DBFS or cancelled():
            return
        t0 = time.perf_counter()
        found = engine.transcribe(
            audio,
            language=language,
            translate=translate,
            cancel=cancel,
            on_segment=lambda s: report(min(decoded_fraction[0], 0.999)),
        )
        whisper_seconds += time.perf_counter() - t0
        segments.extend(Segment(s.start + offset, s.end + offset, s.text, s.words) for s in found)

    window = int(WINDOW_SECONDS * SAMPLE_RATE)

    def on_decoded(fraction: float) -> None:
        decoded_fraction[0] = fraction
        report(min(fraction, 0.999))

    for block in decode_stream(path, progress=on_decoded, cancel=cancel):
        pieces.append(block)
        buffered += len(block)
        while buffered >= window and not cancelled():
            audio = np.concatenate(pieces)
            # A window starts where the sound does: a silent lead-in costs a Whisper call (or a
            # "[ Silence ]" invented for it) and pushes the speech onto the window's cut.
            cut = _leading_silence(audio[:window])
            if not cut:
                cut = _cut_point(audio[:window])
                run(audio[:cut])
            else:
                done += cut
            pieces, buffered = [audio[cut:]], len(audio) - cut
        if cancelled():
            break
    if not cancelled() and pieces:
        audio = np.concatenate(pieces)
        lead = _leading_silence(audio)
        done += lead
        run(audio[lead:])
    total = time.perf_counter() - started
    if not cancelled():
        report(1.0)
    return FileTranscript(segments, done / SAMPLE_RATE, total - whisper_seconds, whisper_seconds, cancelled())
