"""JobQueue: one thread owns one engine; other threads queue work on it and get Futures back.

llama.cpp and whisper.cpp contexts are not thread-safe, and several front ends (window, server,
benchmark) want the same loaded model. So exactly one named thread calls the engine, and everyone
else submits jobs. The queue is bounded, so a flood of clients gets a "come back later" (ServiceBusy)
instead of an unbounded wait.

Each job may carry its own cancel Event, created by the caller: cancelling one request never leaks
into the next. A job cancelled while it waits is finished at once by a small reaper thread, so a
Stop pressed behind a long job is answered without waiting for its turn.
"""

from __future__ import annotations

import collections
import math
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

from backend.errors import HearthError

E = TypeVar("E")


class ServiceBusy(HearthError):
    """Too many requests already wait for the engine."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ServiceClosed(HearthError):
    """The engine was shut down (the app is closing)."""


@dataclass(eq=False)
class _Job:
    work: Callable
    future: Future
    cancel: threading.Event | None
    # What a job cancelled before it started resolves to (None: the Future is cancelled instead).
    if_cancelled: Callable[[], object] | None = None


class JobQueue(Generic[E]):
    def __init__(
        self,
        engine: E,
        *,
        name: str,
        max_waiting: int,
        what: str = "the engine",
        on_exit: Callable[[E], None] | None = None,
    ) -> None:
        self.engine = engine
        self.max_waiting = max_waiting
        self._what = what
        self._on_exit = on_exit
        self._queue: collections.deque[_Job] = collections.deque()
        self._lock = threading.Condition()
        self._current: _Job | None = None
        self._closed = False
        self._mean_job_s = 5.0  # a first guess for Retry-After until real jobs have been timed
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._reaper = threading.Thread(target=self._reap, name=f"{name}-reaper", daemon=True)
        self.thread.start()
        self._reaper.start()

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._current is not None

    def submit(
        self,
        work: Callable[[E], object],
        cancel: threading.Event | None,
        *,
        bounded: bool = True,
        if_cancelled: Callable[[], object] | None = None,
    ) -> Future:
        job = _Job(work=work, future=Future(), cancel=cancel, if_cancelled=if_cancelled)
        with self._lock:
            if self._closed:
                raise ServiceClosed(f"{self._what} has shut down")
            if bounded and len(self._queue) >= self.max_waiting:
                retry = self._retry_after_locked()
                raise ServiceBusy(
                    f"{self._what} is busy: {len(self._queue)} requests are already waiting; try again in {retry} s",
                    retry,
                )
            self._queue.append(job)
            self._lock.notify_all()
        return job.future

    def close(self, timeout: float = 5.0) -> None:
        """Cancel everything pending and running, then stop the thread (waiting at most `timeout`)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pending = list(self._queue)
            self._queue.clear()
            if self._current is not None and self._current.cancel is not None:
                self._current.cancel.set()
            self._lock.notify_all()
        for job in pending:
            if job.cancel is not None:
                job.cancel.set()
            self._finish_unstarted(job)
        self.thread.join(timeout)
        self._reaper.join(timeout)

    # --- the engine thread ------------------------------------------------------------------

    def _retry_after_locked(self) -> int:
        ahead = len(self._queue) + (1 if self._current is not None else 0)
        return max(1, min(120, math.ceil(self._mean_job_s * ahead)))

    @staticmethod
    def _finish_unstarted(job: _Job) -> None:
        if job.if_cancelled is not None:
            if job.future.set_running_or_notify_cancel():
                job.future.set_result(job.if_cancelled())
        else:
            job.future.cancel()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    break
                job = self._queue.popleft()
                self._current = job
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._current = None
                    self._lock.notify_all()
        if self._on_exit is not None:  # the engine's contexts belong to this thread: free them here too
            try:
                self._on_exit(self.engine)
            except Exception:
                traceback.print_exc()

    def _run(self, job: _Job) -> None:
        if job.cancel is not None and job.cancel.is_set():
            self._finish_unstarted(job)
            return
        if not job.future.set_running_or_notify_cancel():
            return  # the caller cancelled the Future itself
        started = time.perf_counter()
        try:
            result = job.work(self.engine)
        except BaseException as exc:  # the thread must outlive any job; the caller sees the error
            if not isinstance(exc, HearthError):
                traceback.print_exc()
            job.future.set_exception(exc)
        else:
            job.future.set_result(result)
        self._mean_job_s = 0.7 * self._mean_job_s + 0.3 * (time.perf_counter() - started)

    def _reap(self) -> None:
        """Finish queued jobs whose cancel is set, without waiting for their turn on the engine."""
        while True:
            with self._lock:
                if self._closed:
                    return
                if not self._queue:
                    self._lock.wait()
                    continue
                dead = [j for j in self._queue if j.cancel is not None and j.cancel.is_set()]
                for job in dead:
                    self._queue.remove(job)
                if not dead:
                    self._lock.wait(0.05)
            for job in dead:
                self._finish_unstarted(job)
