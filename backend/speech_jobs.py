"""What the speech front ends ask of and hear from the speech worker: typed, frozen, Qt-free.

Also where a Whisper model's saved compute settings become engine and dictation options, so the
Dictation tab, file transcription and any other front end apply them the same way.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from backend.dictation import DictationConfig
from backend.remote_http import Endpoint
from backend.settings import ModelSettings
from backend.speech import AUDIO_CTX_MARGIN, ENCODER_FRAMES_PER_SECOND, FULL_AUDIO_CTX

MIN_LIVE_WINDOW_S = 3.0  # a live window must hold a few hypothesis steps


@dataclass(frozen=True)
class SpeechOptions:
    language: str = "auto"
    translate: bool = False


@dataclass(frozen=True)
class SpeechModelStatus:
    path: str
    size: str  # "tiny", "base", …
    multilingual: bool
    n_threads: int  # pinned by the user, or the most a call takes (each takes the cores that are free)
    audio_ctx: int  # the file window in encoder frames (1500: the full 30 s)
    live_window_s: float  # the encoder window live dictation uses
    threads_pinned: bool = True


@dataclass(frozen=True)
class FileJobResult:
    written: tuple[str, ...] = ()
    segments: int = 0
    audio_seconds: float = 0.0
    real_time_factor: float = 0.0
    cancelled: bool = False
    error: str | None = None  # a sentence for the user


def engine_audio_ctx(settings: ModelSettings) -> int:
    """Encoder frames for file transcription: the saved setting, else whisper.cpp's full 30 s window."""
    return min(settings.audio_ctx or FULL_AUDIO_CTX, FULL_AUDIO_CTX)


def live_window_seconds(settings: ModelSettings, default: float = DictationConfig.window_seconds) -> float:
    """The live encoder window: the saved audio context in seconds (less the margin Whisper needs at
    the cut), else dictation's own default, which is shorter than a file's because live chunks are."""
    if not settings.audio_ctx:
        return default
    frames = min(settings.audio_ctx, FULL_AUDIO_CTX) - AUDIO_CTX_MARGIN
    seconds = frames / ENCODER_FRAMES_PER_SECOND
    if math.ceil(seconds * ENCODER_FRAMES_PER_SECOND) > frames:  # a float a hair over would cost a frame
        seconds = math.nextafter(seconds, 0.0)
    return max(MIN_LIVE_WINDOW_S, seconds)


def dictation_config(options: SpeechOptions, settings: ModelSettings) -> DictationConfig:
    return DictationConfig(
        language=options.language, translate=options.translate, window_seconds=live_window_seconds(settings)
    )


@dataclass(frozen=True)
class SpeechModelRequest:
    path: str  # empty: the bundled model for `language` (backend.models.bundled.speech_for)
    settings: ModelSettings
    language: str = "auto"


@dataclass(frozen=True)
class DictationRequest:
    """One recording. It owns its stop Event: the words pending when it is set are still committed."""

    model: SpeechModelRequest
    device: int | None  # None: the system default input
    options: SpeechOptions
    stop: threading.Event


@dataclass(frozen=True)
class FileJobRequest:
    """One file to transcribe. It owns its cancel Event: setting it stops Whisper mid-call, writing nothing."""

    model: SpeechModelRequest
    media: str
    output_base: str  # each format is written as output_base + "." + format
    formats: tuple[str, ...]
    options: SpeechOptions
    cancel: threading.Event
    server: Endpoint | None = None  # transcribe on this OpenAI-compatible server instead of here
