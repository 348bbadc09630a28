"""The speech engine's worker: owns the WhisperEngine, lives in its own QThread, talks only by signals.

Live dictation and file transcription both run here, one at a time, because a whisper.cpp context
is not thread-safe. The GUI stops dictation and cancels a file through threading.Events it sets
directly; the PortAudio callback only fills the capture queue and never touches Qt.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from backend.audio import AudioDeviceError, MicrophoneCapture
from backend.dictation import AudioSource, DictationConfig, DictationSession, DictationUpdate, run_dictation
from backend.errors import HearthError
from backend.file_transcription import transcribe_file
from backend.models import bundled
from backend.speech import WhisperEngine
from backend.subtitles import write

LEVEL_EVERY_S = 0.05
PROGRESS_EVERY_S = 0.1

SourceFactory = Callable[[int | None], AudioSource]


def open_microphone(device: int | None) -> MicrophoneCapture:
    capture = MicrophoneCapture(device=device)
    capture.start()
    return capture


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
    model_loaded = Signal(dict)
    dictation_started = Signal()
    dictation_updated = Signal(dict)
    dictation_finished = Signal(dict)  # the last update, plus "error" when the device failed
    level_changed = Signal(float)  # dBFS
    file_progress = Signal(float)
    file_finished = Signal(dict)  # "error" inside when it failed

    def __init__(self, source_factory: SourceFactory = open_microphone):
        super().__init__()
        self.source_factory = source_factory
        self.stop = threading.Event()  # ends the dictation; pending words are still committed
        self.cancel = threading.Event()  # aborts Whisper mid-call: a file's Cancel, or shutdown
        self.engine: WhisperEngine | None = None

    def _engine(self, path: str) -> WhisperEngine:
        if not path:
            self.model_loading.emit("Preparing the bundled speech model…")
            path = str(bundled.ensure(bundled.DEFAULT_SPEECH))
        if self.engine is None or str(self.engine.model_path) != path:
            self.model_loading.emit(f"Loading {Path(path).name}…")
            self.engine = WhisperEngine(path)
            self.model_loaded.emit(
                {
                    "path": path,
                    "multilingual": self.engine.multilingual,
                    "size": self.engine.header.size_name,
                    "threads": self.engine.n_threads,
                }
            )
        return self.engine

    @Slot(str, object, dict)
    def dictate(self, model_path: str, device: int | None, options: dict) -> None:
        # The GUI cleared `stop` before sending this; a Stop pressed since then ends it at once.
        source = None
        try:
            engine = self._engine(model_path)
            source = self.source_factory(device)
        except (HearthError, bundled.BundledModelError, OSError) as exc:
            self.dictation_finished.emit({"error": str(exc)})
            return
        config = DictationConfig(language=options.get("language", "auto"), translate=bool(options.get("translate")))
        # No abort callback while the microphone runs: with PortAudio's thread in the process,
        # pywhispercpp's abort trampoline took a foreign thread state and crashed (gdb: take_gil in
        # whisper_encode_internal). Stop is still prompt: it is checked between hypotheses (< 1 s).
        session = DictationSession(engine, config)
        self.dictation_started.emit()

        def on_update(update: DictationUpdate) -> None:
            self.dictation_updated.emit(self._as_dict(update, session))

        result: dict = {}
        try:
            result = self._as_dict(
                run_dictation(_MeteredSource(source, self.level_changed.emit), session, on_update, self.stop), session
            )
        except AudioDeviceError as exc:
            result = self._as_dict(session.finish(), session) | {"error": f"{exc}. The text so far is kept."}
        except Exception as exc:  # never let an engine bug kill the worker thread silently
            traceback.print_exc()
            result = {"error": f"unexpected error while dictating: {exc}"}
        finally:
            close = getattr(source, "close", None)
            if close:
                close()
            self.level_changed.emit(-100.0)
        self.dictation_finished.emit(result)

    @staticmethod
    def _as_dict(update: DictationUpdate, session: DictationSession) -> dict:
        return {
            "committed": update.committed,
            "unconfirmed": update.unconfirmed,
            "audio_time": update.audio_time,
            "commit_latency": update.commit_latency,
            "dropped_seconds": update.dropped_seconds,
            "real_time_factor": update.real_time_factor,
            "final": update.final,
            "cues": [(c.start, c.end, c.text) for c in session.phrases],
        }

    @Slot(str, str, str, list, dict)
    def transcribe(self, model_path: str, media: str, output_base: str, formats: list, options: dict) -> None:
        last = [0.0]

        def progress(fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
                last[0] = now
                self.file_progress.emit(fraction)

        try:
            engine = self._engine(model_path)
            result = transcribe_file(
                engine,
                Path(media),
                language=options.get("language", "auto"),
                translate=bool(options.get("translate")),
                progress=progress,
                cancel=self.cancel,
            )
            if result.cancelled:
                self.file_finished.emit({"cancelled": True, "written": []})
                return
            written = [str(write(result.segments, Path(f"{output_base}.{fmt}"), fmt)) for fmt in formats]
        except (HearthError, bundled.BundledModelError, OSError) as exc:
            self.file_finished.emit({"cancelled": False, "written": [], "error": str(exc)})
            return
        except Exception as exc:
            traceback.print_exc()
            self.file_finished.emit({"cancelled": False, "written": [], "error": f"unexpected error: {exc}"})
            return
        self.file_finished.emit(
            {
                "cancelled": False,
                "written": written,
                "segments": len(result.segments),
                "audio_seconds": result.audio_seconds,
                "real_time_factor": result.real_time_factor,
            }
        )
