"""Peer servers for the remote-model tests: real processes on 127.0.0.1 (llama-cpp-python's server, Hearth's
`main.py serve`), their output collected line by line so a test can see what the server did."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KEY = "peer-key-1234"
STARTUP_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """A server process whose stderr is collected line by line."""

    def __init__(self, args: list[str], ready: str, env: dict | None = None):
        self.proc = subprocess.Popen(
            args, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace",
        )  # fmt: skip
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._marker = ready
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if self._marker in line:
                self._ready.set()

    def wait_ready(self) -> None:
        if not self._ready.wait(STARTUP_S):
            self.proc.kill()
            pytest.fail("the peer server did not start:\n" + "\n".join(self.lines[-30:]))

    def wait_for_line(self, pattern: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in list(self.lines) if re.search(pattern, line)]
            if found:
                return found[-1]
            assert time.monotonic() < deadline, f"no line matching {pattern!r}:\n" + "\n".join(self.lines[-10:])
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def llama_cpp_server(model: Path, port: int) -> Peer:
    peer = Peer(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "2048", "--n_threads", "2", "--api_key", KEY],
        ready="Uvicorn running on",
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )  # fmt: skip
    peer.url = f"http://127.0.0.1:{port}"
    peer.wait_ready()
    return peer


def hearth_serve(data_dir: Path) -> Peer:
    env = dict(os.environ, HEARTH_DATA_DIR=str(data_dir), HEARTH_MODELS_DIR=str(REPO / ".test-artifacts" / "models"),
               PYTHONUNBUFFERED="1")  # fmt: skip
    peer = Peer(
        [sys.executable, "main.py", "serve", "--port", "0", "-c", "2048", "--api-key", KEY],
        ready=" at http://",
        env=env,
    )
    peer.wait_ready()
    peer.url = re.search(r"at (http://127\.0\.0\.1:\d+)/v1", "\n".join(peer.lines)).group(1)
    return peer
