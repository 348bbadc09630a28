"""One Hearth per data folder: a second start raises the running window instead of opening the
same database twice (two writers would each think their view of the conversations is the truth)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from backend.instance_socket import MAX_LINE, RAISE, parse_command, server_path

log = logging.getLogger(__name__)

__all__ = ["SingleInstance", "server_path"]


class SingleInstance(QObject):
    """Hold the data folder's lock; `raise_requested` fires when a later start asks for the window."""

    raise_requested = Signal()
    dictation_requested = Signal(str)  # toggle, begin or end (`main.py dictate --toggle`, a desktop shortcut)

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
        socket.write(RAISE.encode() + b"\n")
        sent = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return sent

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._on_connection_ready_read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _on_connection_ready_read(self, connection: QLocalSocket) -> None:
        if not connection.canReadLine():
            if connection.bytesAvailable() > MAX_LINE:
                connection.abort()
            return
        line = bytes(connection.readLine(MAX_LINE)).decode(errors="replace")
        command = parse_command(line)
        if command is None:
            connection.write(b"error: unknown command\n")
        elif command[0] == RAISE:
            log.info("another start asked for this window")
            self.raise_requested.emit()
            connection.write(b"ok\n")
        else:
            self.dictation_requested.emit(command[1])
            connection.write(b"ok\n")
        connection.flush()
        connection.disconnectFromServer()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
        self._lock.unlock()
