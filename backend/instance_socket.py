"""The running Hearth's local socket: where it is, and the one-line messages other starts send on it.

The window listens (gui/single_instance.py, a QLocalServer: on Linux and macOS a Unix socket at this
path); a second start asks it to come to the front, and `main.py dictate --toggle/--begin/--end` asks
it to start or stop dictating into the focused application. The client side is plain Python so the
CLI stays Qt-free and quick to start (it is what a desktop's own shortcut runs).

Protocol: the client writes one command line ("raise" or "dictate toggle|begin|end"); the window
answers one line, "ok" or "error: <sentence>", and closes.
"""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path

from backend.errors import HearthError

MAX_SOCKET_PATH = 100  # sockaddr_un holds 108 bytes on Linux, 104 on macOS
RAISE = "raise"
DICTATE_ACTIONS = ("toggle", "begin", "end")
MAX_LINE = 256


class InstanceNotRunning(HearthError):
    pass


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


def parse_command(line: str) -> tuple[str, str | None] | None:
    """("raise", None) or ("dictate", action); None for anything else."""
    words = line.strip().split()
    if words == [RAISE]:
        return RAISE, None
    if len(words) == 2 and words[0] == "dictate" and words[1] in DICTATE_ACTIONS:
        return "dictate", words[1]
    return None


def send_command(data_dir: Path, command: str, timeout: float = 5.0) -> str:
    """Send one command to the Hearth running on `data_dir` and return its answer line."""
    path = server_path(data_dir)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout)
        try:
            client.connect(path)
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise InstanceNotRunning(
                "Hearth is not running: start it first (it keeps listening in the tray), then run this again"
            ) from exc
        except OSError as exc:
            raise InstanceNotRunning(f"cannot reach the running Hearth at {path}: {exc.strerror or exc}") from exc
        try:
            client.sendall(command.encode() + b"\n")
            answer = b""
            while not answer.endswith(b"\n") and len(answer) < MAX_LINE:
                chunk = client.recv(MAX_LINE)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError as exc:
            raise HearthError(f"the running Hearth did not answer within {timeout:.0f} s") from exc
    text = answer.decode(errors="replace").strip()
    if not text:
        raise HearthError("the running Hearth closed the connection without an answer (an older version?)")
    return text
