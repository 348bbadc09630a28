"""Start and stop the app's long-lived worker threads, and know which are still running.

One QThread per engine; shutdown (after the owner has set its requests' cancel events) quits and
waits with a bound (never terminate(), which can kill a thread inside an engine holding a lock).
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QObject, QThread

_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def start_worker_thread(worker: QObject, name: str) -> QThread:
    thread = QThread()
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
