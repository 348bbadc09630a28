"""One Hearth per data folder: a second start raises the running window instead of opening the
same database twice (two writers would each think their view of the conversations is the truth)."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

RAISE = b"raise\n"
MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes on Linux, 104 on macOS


def _private_runtime_dir() -> Path | None:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        return None
    try:
        st = os.stat(runtime)
    except OSError:
        return None
    return Path(runtime) if st.st_uid == os.getuid() and not st.st_mode & 0o077 else None


def server_path(data_dir: Path) -> str:
    """Where the instance socket lives: inside the data folder (one socket per folder, so a portable copy
    is a separate instance), which only its user can write, never a guessable name in the shared /tmp
    that another user could create first. A folder too deep for a socket path uses the private runtime
    folder instead."""
    data_dir = data_dir.resolve()
    inside = data_dir / "hearth.sock"
    if len(os.fsencode(inside)) <= MAX_SOCKET_PATH:
        return str(inside)
    runtime = _private_runtime_dir()
    name = "hearth-" + hashlib.sha1(str(data_dir).encode()).hexdigest()[:16] + ".sock"
    return str(runtime / name) if runtime else str(inside)  # too long: listen fails and says so


class SingleInstance(QObject):
    """Hold the data folder's lock; `raise_requested` fires when a later start asks for the window."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path):
        super().__init__()
        self._name = server_path(data_dir)
        self._lock = QLockFile(str(data_dir / "hearth.lock"))
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True if this process is the only Hearth on the folder (a dead holder's lock is taken over)."""
        if not self._lock.tryLock(200):
            # A folder nobody can write cannot be corrupted by a second instance; the store says why it is unusable.
            return self._lock.error() == QLockFile.LockError.PermissionError
        QLocalServer.removeServer(self._name)  # a socket left by a crashed instance
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self._server.listen(self._name):
            log.warning(
                "cannot listen for other starts (%s): they will be refused without raising this window",
                self._server.errorString(),
            )
        self._server.newConnection.connect(self._on_server_new_connection)
        return True

    def ask_running_to_raise(self, timeout_ms: int = 2000) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self._name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(RAISE)
        sent = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return sent

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._on_connection_ready_read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _on_connection_ready_read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll()).startswith(RAISE.strip()):
            log.info("another start asked for this window")
            self.raise_requested.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
