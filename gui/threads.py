"""Start and stop the app's long-lived worker threads, and know which are still running.

One QThread per engine; shutdown (after the owner has set its requests' cancel events) quits and
waits with a bound (never terminate(), which can kill a thread inside an engine holding a lock).
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, QThread

_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


class _WorkerThread(QThread):
    def run(self) -> None:
        # A Python run() keeps ONE Python thread state for the thread's whole life. Without it PySide
        # makes a fresh one for every queued slot and frees it after, while pybind11 (pywhispercpp)
        # remembers the one it first saw: the next Whisper call then took the GIL with a freed
        # thread state and crashed the app (SIGSEGV in take_gil, first seen on a file after a load).
        self.exec()


def start_worker_thread(worker: QObject, name: str) -> QThread:
    thread = _WorkerThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.start()
    _threads.add(thread)
    return thread


def stop_worker_thread(thread: QThread, timeout_ms: int = 10_000) -> bool:
    thread.quit()
    return thread.wait(timeout_ms)


def running_threads() -> list[str]:
    return [t.objectName() or repr(t) for t in list(_threads) if t.isRunning()]
