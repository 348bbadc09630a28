"""ApiServer: uvicorn serving the app on a thread of its own ("api-server"), started and stopped by the caller.

The socket is bound here rather than by uvicorn, so a busy port is a clear error at start (uvicorn
would call sys.exit in its thread) and port 0 gives a free port whose number is known.
"""

from __future__ import annotations

import errno
import socket
import threading
import time

import uvicorn

from backend.errors import HearthError
from backend.server.app import create_app
from backend.server.context import ServerContext


class ServerStartError(HearthError):
    pass


class ApiServer:
    def __init__(self, ctx: ServerContext) -> None:
        ctx.config.validate()
        self.ctx = ctx
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = ctx.config.port

    @property
    def url(self) -> str:
        host = self.ctx.config.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "localhost") else host
        return f"http://{'[' + shown + ']' if ':' in shown else shown}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> None:
        config = self.ctx.config
        host = "127.0.0.1" if config.host == "localhost" else config.host
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, config.port))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise ServerStartError(
                    f"port {config.port} is already in use by another program; choose another"
                ) from exc
            raise ServerStartError(f"cannot listen on {host}:{config.port}: {exc.strerror or exc}") from exc
        self._socket = sock
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.ctx),
                log_level="warning",
                access_log=False,
                lifespan="off",
                ws="none",
                timeout_graceful_shutdown=10,  # streams end within a token of cancel_all; a loaded CPU may take seconds
                timeout_keep_alive=5,
                server_header=False,
            )
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="api-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(f"the server did not start on {host}:{self.port}")
            time.sleep(0.01)

    def request_stop(self) -> None:
        """Begin stopping without waiting (safe in a signal handler)."""
        self.ctx.cancel_all()
        if self._server is not None:
            self._server.should_exit = True

    def stop(self, timeout: float = 12.0) -> None:
        """Stop every request in flight (generation ends within a token), then the server."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._thread = None

    def wait(self, poll: float = 0.5) -> None:
        """Block until the server stops (the CLI's main thread, so Ctrl-C still arrives)."""
        while self.running:
            self._thread.join(poll)
