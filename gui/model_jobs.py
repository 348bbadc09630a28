"""One-shot model jobs (download, import, header reading) on a QThreadPool, reporting back through a
small signals object that lives in the GUI thread, so results arrive as queued signals."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from backend.errors import HearthError


class JobSignals(QObject):
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Callable[[Any], None]], Any], signals: JobSignals):
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit)
        except (HearthError, OSError) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug must reach the user as a message, not vanish with the thread
            traceback.print_exc()
            self.signals.failed.emit(f"unexpected error: {exc}")
        else:
            self.signals.finished.emit(result)


class JobRunner(QObject):
    """Keeps each job's signals alive until it reports, so nothing is collected mid-flight."""

    def __init__(self, max_threads: int = 6, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[JobSignals] = set()

    def start(
        self,
        work: Callable[[Callable[[Any], None]], Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> JobSignals:
        signals = JobSignals(self)
        self._live.add(signals)
        signals.finished.connect(on_done)
        signals.failed.connect(on_failed)
        if on_progress:
            signals.progress.connect(on_progress)
        signals.finished.connect(lambda _=None: self._live.discard(signals))
        signals.failed.connect(lambda _=None: self._live.discard(signals))
        self.pool.start(_Job(work, signals))
        return signals

    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self.pool.waitForDone(timeout_ms)
