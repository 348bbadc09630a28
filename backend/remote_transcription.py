"""Transcribe a file on a remote OpenAI-compatible server (/v1/audio/transcriptions or /translations).

The file goes as it is (the server decodes it, as Hearth's own does with PyAV), and the answer comes
back as the same FileTranscript a local transcription gives, so SRT/VTT/TXT are written the same way.
Cancel closes the request.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

from backend.file_transcription import FileTranscript
from backend.remote_http import Endpoint, RemoteError, Request
from backend.speech import Segment

MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # OpenAI's limit, and Hearth's server's


def _multipart(fields: dict[str, str], path: Path, data: bytes) -> tuple[bytes, str]:
    boundary = f"hearth-{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    filename = path.name.replace('"', "_").replace("\r", "_").replace("\n", "_")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def transcribe_remote(
    endpoint: Endpoint,
    path: str | Path,
    *,
    language: str = "auto",
    translate: bool = False,
    model: str = "whisper-1",
    cancel: threading.Event | None = None,
) -> FileTranscript:
    """Raises RemoteError with a sentence; a cancelled request returns an empty transcript marked cancelled."""
    path = Path(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_UPLOAD_BYTES:
            raise RemoteError(
                f"{path.name} is {size / 2**20:.0f} MiB; servers take files up to 25 MiB. Transcribe it here instead."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise RemoteError(f"cannot read {path}: {exc.strerror or exc}") from exc
    fields = {"model": model, "response_format": "verbose_json"}
    if language and language != "auto" and not translate:
        fields["language"] = language
    route = "/v1/audio/translations" if translate else "/v1/audio/transcriptions"
    request = Request(endpoint, "POST", route, raw=_multipart(fields, path, data))
    cancel = cancel or threading.Event()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel.wait(0.05):
                request.cut()
                return

    started = time.perf_counter()
    watcher = threading.Thread(target=watch, name="remote-transcribe-stop", daemon=True)
    watcher.start()
    try:
        answer = request.read_json()
    except RemoteError:
        if cancel.is_set():
            return FileTranscript([], 0.0, 0.0, time.perf_counter() - started, cancelled=True)
        raise
    finally:
        done.set()
        watcher.join(1.0)
    elapsed = time.perf_counter() - started
    segments = [
        Segment(float(s.get("start", 0.0)), float(s.get("end", 0.0)), str(s.get("text", "")).strip())
        for s in answer.get("segments") or []
        if isinstance(s, dict) and str(s.get("text", "")).strip()
    ]
    duration = float(answer.get("duration") or (segments[-1].end if segments else 0.0))
    if not segments and str(answer.get("text", "")).strip():  # a server that sends text only
        segments = [Segment(0.0, duration, str(answer["text"]).strip())]
    if "text" not in answer and "segments" not in answer:
        raise RemoteError(f"{endpoint.label} did not answer with a transcription")
    return FileTranscript(segments, duration, 0.0, elapsed, cancelled=False)
