"""The server's speech engine: one whisper.cpp model on one thread ("speech-server"), loaded on first use.

whisper.cpp contexts are not thread-safe either, so transcription requests queue here like chat
requests queue on LlmService. The server only needs the SpeechRunner shape (a name and `run`), so the
window can later hand it a runner onto its own speech worker instead of this second context.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol, TypeVar

from backend.job_queue import JobQueue
from backend.models import bundled
from backend.speech import WhisperEngine

T = TypeVar("T")


class SpeechRunner(Protocol):
    @property
    def model_name(self) -> str: ...

    def run(self, job: Callable[[WhisperEngine], T], *, cancel: threading.Event | None = None) -> Future[T]: ...


class _Holder:
    engine: WhisperEngine | None = None


class SpeechQueue:
    def __init__(self, model_path: Path | str | None = None, *, n_threads: int | None = None, max_waiting: int = 4):
        self._path = Path(model_path) if model_path else None
        self._n_threads = n_threads
        self._jobs: JobQueue[_Holder] = JobQueue(
            _Holder(), name="speech-server", max_waiting=max_waiting, what="the speech model"
        )

    @property
    def model_name(self) -> str:
        return self._path.name if self._path else bundled.BUNDLED[bundled.DEFAULT_SPEECH].filename

    def run(self, job: Callable[[WhisperEngine], T], *, cancel: threading.Event | None = None) -> Future[T]:
        def work(holder: _Holder) -> T:
            if holder.engine is None:
                path = self._path or bundled.ensure(bundled.DEFAULT_SPEECH)
                holder.engine = WhisperEngine(path, n_threads=self._n_threads)
            return job(holder.engine)

        return self._jobs.submit(work, cancel)

    def close(self, timeout: float = 5.0) -> None:
        self._jobs.close(timeout)
