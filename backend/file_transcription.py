"""Transcribe a whole audio or video file: decode, run Whisper, report progress and timings.

The CLI's `transcribe` and the Dictation panel's file section both call `transcribe_file`.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from backend.audio import SAMPLE_RATE, decode_file
from backend.speech import Segment, WhisperEngine

DECODE_SHARE = 0.1  # of the progress bar: decoding is fast next to Whisper


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


def transcribe_file(engine: WhisperEngine, path: Path, *, language: str = "auto", translate: bool = False,
                    progress: Optional[Callable[[float], None]] = None,
                    cancel: Optional[threading.Event] = None) -> FileTranscript:
    report = progress or (lambda fraction: None)
    started = time.perf_counter()
    audio = decode_file(path, progress=lambda f: report(f * DECODE_SHARE), cancel=cancel)
    decoded = time.perf_counter()
    seconds = len(audio) / SAMPLE_RATE
    segments: list[Segment] = []
    if not (cancel is not None and cancel.is_set()):
        segments = engine.transcribe(
            audio, language=language, translate=translate, cancel=cancel,
            on_segment=lambda s: report(DECODE_SHARE + (1 - DECODE_SHARE) * min(1.0, s.end / max(seconds, 1e-6))),
        )
    finished = time.perf_counter()
    cancelled = cancel is not None and cancel.is_set()
    if not cancelled:
        report(1.0)
    return FileTranscript(segments, seconds, decoded - started, finished - decoded, cancelled)
