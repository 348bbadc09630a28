"""The speech engine's worker: owns the WhisperEngine, lives in its own QThread, talks only by signals.

Live dictation and file transcription both run here, one at a time, because a whisper.cpp context
is not thread-safe. Each request carries its own threading.Event (stop a dictation, cancel a file),
which the GUI sets directly; the PortAudio callback only fills the capture queue and never touches Qt.
What comes back are typed, frozen objects (backend.transcript, backend.speech_jobs).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from backend.audio import AudioDeviceError, MicrophoneCapture
from backend.dictation import AudioSource, DictationSession, DictationUpdate, run_dictation
from backend.errors import HearthError
from backend.file_transcription import transcribe_file
from backend.models import bundled
from backend.remote_transcription import transcribe_remote
from backend.speech import WhisperEngine
from backend.speech_jobs import (
    DictationRequest,
    FileJobRequest,
    FileJobResult,
    SpeechModelRequest,
    SpeechModelStatus,
    dictation_config,
    engine_audio_ctx,
    live_window_seconds,
)
from backend.subtitles import write
from backend.transcript import RecordingEnded, RecordingUpdate
from gui.error_text import error_text

LEVEL_EVERY_S = 0.05
PROGRESS_EVERY_S = 0.1

SourceFactory = Callable[[int | None], AudioSource]


def open_microphone(device: int | None) -> MicrophoneCapture:
    capture = MicrophoneCapture(device=device)
    capture.start()
    return capture


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!", "。")) else ".")


class _MeteredSource:
    """Passes reads through and reports the input level, at most 20 times a second."""

    def __init__(self, source: AudioSource, on_level: Callable[[float], None]):
        self.source, self.on_level = source, on_level
        self._last = 0.0

    @property
    def dropped_seconds(self) -> float:
        return self.source.dropped_seconds

    @property
    def captured_at(self) -> float | None:  # dictation counts commit latency from the capture time
        return getattr(self.source, "captured_at", None)

    def read(self, timeout: float = 0.2):
        chunk = self.source.read(timeout)
        now = time.monotonic()
        level = getattr(self.source, "level_dbfs", None)
        if level is not None and now - self._last >= LEVEL_EVERY_S:
            self.on_level(level)
            self._last = now
        return chunk


class SpeechWorker(QObject):
    model_loading = Signal(str)
    model_loaded = Signal(object)  # SpeechModelStatus
    model_load_failed = Signal(str)  # why the chosen model could not be loaded (also said on model_loading)
    dictation_started = Signal()
    dictation_updated = Signal(object)  # RecordingUpdate
    dictation_finished = Signal(object)  # RecordingEnded (with a sentence when the device failed)
    level_changed = Signal(float)  # dBFS
    file_progress = Signal(float)
    file_finished = Signal(object)  # FileJobResult

    def __init__(self, source_factory: SourceFactory = open_microphone):
        super().__init__()
        self.source_factory = source_factory
        self.engine: WhisperEngine | None = None

    def _engine(self, request: SpeechModelRequest) -> WhisperEngine:
        path, settings = request.path, request.settings
        if not path:
            self.model_loading.emit(self.tr("Preparing the bundled speech model…"))
            path = str(bundled.ensure(bundled.speech_for(request.language)))
        threads = settings.n_threads or None  # unpinned: the engine takes the cores that are free
        engine = self.engine
        if engine is None or str(engine.model_path) != path or engine.pinned_threads != threads:
            self.model_loading.emit(self.tr("Loading {name}…").format(name=Path(path).name))
            self.engine = None  # a failed load must not leave the old model posing as the chosen one
            engine = self.engine = WhisperEngine(path, n_threads=threads)
        engine.audio_ctx = engine_audio_ctx(settings)
        self.model_loaded.emit(
            SpeechModelStatus(
                path=path,
                size=engine.header.size_name,
                multilingual=engine.multilingual,
                n_threads=engine.n_threads,
                threads_pinned=engine.pinned_threads is not None,
                audio_ctx=engine.audio_ctx,
                live_window_s=live_window_seconds(settings),
            )
        )
        return engine

    @Slot(object)
    def load_model(self, request: SpeechModelRequest) -> None:
        """Load the chosen model ahead of use, so the tab shows what it can do (languages, threads)."""
        try:
            self._engine(request)
        except (HearthError, bundled.BundledModelError, OSError) as exc:
            self.model_loading.emit(self.tr("Could not load the speech model: {error}").format(error=error_text(exc)))
            self.model_load_failed.emit(str(exc))

    @Slot(object)
    def dictate(self, request: DictationRequest) -> None:
        # The request's own stop Event: a Stop pressed since it was sent ends it at once.
        source = None
        try:
            engine = self._engine(request.model)
            source = self.source_factory(request.device)
        except (HearthError, bundled.BundledModelError, OSError) as exc:
            self.dictation_finished.emit(RecordingEnded(None, str(exc)))
            return
        config = dictation_config(request.options, request.model.settings)
        # No abort callback while the microphone runs: with PortAudio's thread in the process,
        # pywhispercpp's abort trampoline took a foreign thread state and crashed (gdb: take_gil in
        # whisper_encode_internal). Stop is still prompt: it is checked between hypotheses (< 1 s).
        session = DictationSession(engine, config)
        self.dictation_started.emit()

        def typed(update: DictationUpdate) -> RecordingUpdate:
            return RecordingUpdate(update, tuple(session.phrases))

        ended = RecordingEnded(None)
        try:
            last = run_dictation(
                _MeteredSource(source, self.level_changed.emit),
                session,
                lambda update: self.dictation_updated.emit(typed(update)),
                request.stop,
            )
            ended = RecordingEnded(typed(last))
        except AudioDeviceError as exc:
            ended = RecordingEnded(
                typed(session.finish()),
                self.tr("{error} The text so far is kept.").format(error=_sentence(error_text(exc))),
            )
        except Exception as exc:  # never let an engine bug kill the worker thread silently
            traceback.print_exc()
            ended = RecordingEnded(None, self.tr("unexpected error while dictating: {error}").format(error=exc))
        finally:
            close = getattr(source, "close", None)
            if close:
                close()
            self.level_changed.emit(-100.0)
        self.dictation_finished.emit(ended)

    @Slot(object)
    def transcribe(self, request: FileJobRequest) -> None:
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
                last[0] = now
                self.file_progress.emit(fraction)

        try:
            if request.server is not None:
                result = transcribe_remote(
                    request.server,
                    request.media,
                    language=request.options.language,
                    translate=request.options.translate,
                    cancel=request.cancel,
                )
            else:
                result = transcribe_file(
                    self._engine(request.model),
                    Path(request.media),
                    language=request.options.language,
                    translate=request.options.translate,
                    progress=progress,
                    cancel=request.cancel,
                )
            if result.cancelled:
                self.file_finished.emit(FileJobResult(cancelled=True))
                return
            base = request.output_base
            written = tuple(str(write(result.segments, Path(f"{base}.{fmt}"), fmt)) for fmt in request.formats)
        except (HearthError, bundled.BundledModelError, OSError) as exc:
            self.file_finished.emit(FileJobResult(error=str(exc)))
            return
        except Exception as exc:
            traceback.print_exc()
            self.file_finished.emit(FileJobResult(error=self.tr("unexpected error: {error}").format(error=exc)))
            return
        self.file_finished.emit(
            FileJobResult(
                written=written,
                segments=len(result.segments),
                audio_seconds=result.audio_seconds,
                real_time_factor=result.real_time_factor,
            )
        )
