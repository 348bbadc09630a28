"""Resumable, verified model downloads over the standard library's urllib.

A download writes `<name>.part` beside a small `<name>.part.json` that records what the part belongs
to (URL, size, expected SHA-256), so it resumes with a `Range` request even after the app was
closed. The final name appears only after the size and SHA-256 match (and the caller's header check
passes): nothing half-written is ever taken for a model.

`Download.run()` blocks; callers run it on a worker (QThreadPool in the GUI, the main thread in the
CLI) and steer it from any thread with `pause()` and `cancel()`. Nothing here starts on its own.
"""

from __future__ import annotations

import contextlib
import email.message
import enum
import errno
import hashlib
import http.client
import json
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend.errors import HearthError

CHUNK = 256 * 1024
TIMEOUT_S = 30
PROGRESS_INTERVAL_S = 0.1  # the GUI repaints at most 10 times a second
SPEED_WINDOW_S = 3.0
# Leave room for the OS and the app's own files; a disk filled to the last byte breaks everything.
DISK_MARGIN = 200 * 1024 * 1024
USER_AGENT = "Hearth/0.1 (+local model manager)"
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DownloadError(HearthError):
    pass


class DownloadState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    VERIFYING = "verifying"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class DownloadProgress:
    done: int
    total: int | None
    speed_bps: float
    state: DownloadState

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def eta_s(self) -> float | None:
        if not self.total or self.speed_bps <= 0:
            return None
        return max(self.total - self.done, 0) / self.speed_bps


@dataclass(frozen=True)
class RemoteFile:
    url: str
    size: int | None
    sha256: str | None
    filename: str


def safe_filename(name: str) -> str:
    """The last path component of a server- or user-supplied name, never able to leave the folder."""
    name = name.replace("\\", "/").split("/")[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())
    name = name.lstrip(".")  # no hidden files, no '..'
    if not name:
        raise DownloadError("the server gave no usable file name")
    return name


def _filename_from_headers(headers: email.message.Message, url: str) -> str:
    disposition = headers.get("Content-Disposition")
    if disposition:
        msg = email.message.Message()
        msg["Content-Disposition"] = disposition
        name = msg.get_filename()
        if name:
            return safe_filename(name)
    return safe_filename(urllib.parse.unquote(urllib.parse.urlsplit(url).path))


def _sha256_from_headers(headers: email.message.Message) -> str | None:
    # Hugging Face serves LFS files with their SHA-256 as X-Linked-ETag (a plain ETag means nothing).
    value = headers.get("X-Linked-ETag")
    if not value:
        return None
    value = value.strip().removeprefix("W/").strip('"').lower()
    return value if SHA256_RE.match(value) else None


class _KeepMethodRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects without turning HEAD into GET, and remember each hop's headers: Hugging Face
    puts the hash and size on its redirect, not on the CDN's final answer."""

    def __init__(self):
        super().__init__()
        self.hop_headers: list[email.message.Message] = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
            self.hop_headers.append(headers)
        return new


def _opener(redirects: _KeepMethodRedirects | None = None) -> urllib.request.OpenerDirector:
    # ProxyHandler() with no argument reads HTTP(S)_PROXY / NO_PROXY from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler(), redirects or _KeepMethodRedirects())


def _request(url: str, method: str, headers: dict | None = None) -> urllib.request.Request:
    return urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})})


def _describe(exc: Exception, url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(exc, urllib.error.HTTPError):
        return f"{host} answered {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach {host}: {exc.reason}"
    return f"connection to {host} failed: {exc}"


def probe(url: str) -> RemoteFile:
    """HEAD the URL: final size, the server's SHA-256 if it publishes one, and a file name."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(f"only http and https links can be downloaded, not {url!r}")
    redirects = _KeepMethodRedirects()
    try:
        with _opener(redirects).open(_request(url, "HEAD"), timeout=TIMEOUT_S) as resp:
            headers = resp.headers
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise DownloadError(_describe(exc, url)) from None
    merged = email.message.Message()
    for source in (headers, *redirects.hop_headers):
        for key in source.keys():
            if key not in merged:
                merged[key] = source[key]
    size = merged.get("X-Linked-Size") or headers.get("Content-Length")
    return RemoteFile(
        url=url,
        size=int(size) if size and size.isdigit() else None,
        sha256=_sha256_from_headers(merged),
        filename=_filename_from_headers(merged, url),
    )


class Download:
    """One file from one URL into `dest_dir`. Thread-safe controls: pause(), cancel()."""

    def __init__(
        self,
        url: str,
        dest_dir: Path,
        *,
        sha256: str | None = None,
        filename: str | None = None,
        validate: Callable[[Path], None] | None = None,
        on_progress: Callable[[DownloadProgress], None] | None = None,
        on_installed: Callable[[Path], None] | None = None,
        disk_margin: int = DISK_MARGIN,
    ):
        self.url = url
        self.dest_dir = Path(dest_dir)
        self.expected_sha256 = sha256.lower() if sha256 else None
        self.requested_filename = safe_filename(filename) if filename else None
        self.validate = validate
        self.on_progress = on_progress
        self.on_installed = on_installed
        self.disk_margin = disk_margin
        self.state = DownloadState.QUEUED
        self.error: str | None = None
        self.target: Path | None = self.dest_dir / self.requested_filename if self.requested_filename else None
        self.total: int | None = None
        self.done = 0
        self.verified = False
        self._pause = threading.Event()
        self._cancel = threading.Event()
        self._samples: list[tuple[float, int]] = []
        self._last_report = 0.0

    # --- controls, callable from any thread ---------------------------------------------------

    def pause(self) -> None:
        self._pause.set()

    def cancel(self) -> None:
        self._cancel.set()
        if self.state in (DownloadState.PAUSED, DownloadState.FAILED, DownloadState.QUEUED):
            # Nothing is running to notice the flag: clean up now.
            self._discard_part()
            self._set_state(DownloadState.CANCELLED)

    @property
    def part_path(self) -> Path | None:
        return self.target.with_name(self.target.name + ".part") if self.target else None

    # --- the work -----------------------------------------------------------------------------

    def run(self) -> DownloadState:
        """Download (or resume) to completion, pause, cancel or failure; returns the final state."""
        if self.state is not DownloadState.QUEUED:
            self._pause.clear()  # resuming; a pause asked for before the first start still counts
        if self._cancel.is_set():
            return self._finish_cancelled()
        self.error = None
        self._set_state(DownloadState.RUNNING)
        try:
            self._run()
        except DownloadError as exc:
            self._fail(str(exc))
        except _Stopped:
            if self._cancel.is_set():
                return self._finish_cancelled()
            self._set_state(DownloadState.PAUSED)
        except OSError as exc:
            self._fail(self._local_error(exc))
        except Exception as exc:  # noqa: BLE001 - whatever breaks, the download ends failed and retryable
            self._fail(f"the download stopped on an unexpected error ({type(exc).__name__}: {exc}); try again")
        return self.state

    def _fail(self, message: str) -> None:
        self.error = message
        self._set_state(DownloadState.FAILED)

    def _local_error(self, exc: OSError) -> str:
        """A sentence for a failure on this machine's side (the network's are DownloadErrors already)."""
        name = self.target.name if self.target else "the file"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            kept = self.part_path.stat().st_size if self.part_path and self.part_path.exists() else 0
            return (
                f"disk full: {self.dest_dir} has no space left for {name}. The {_gb(kept)} downloaded so far "
                "are kept; free some space and resume."
            )
        if exc.errno == errno.ENAMETOOLONG:
            return f"cannot save {name[:60]}…: the file name is too long for this disk"
        where = exc.filename or self.dest_dir
        return f"cannot write {where}: {exc.strerror or exc}; fix that and try again"

    def _run(self) -> None:
        remote = probe(self.url)
        if self.expected_sha256 and remote.sha256 and remote.sha256 != self.expected_sha256:
            raise DownloadError(
                f"the server's file has changed: it now has SHA-256 {remote.sha256}, "
                f"not the expected {self.expected_sha256}. Nothing was downloaded."
            )
        expected_sha = self.expected_sha256 or remote.sha256
        self.target = self._resolve_target(remote.filename)
        if self.target.exists():
            raise DownloadError(f"{self.target.name} is already installed in {self.dest_dir}")
        self.total = remote.size
        start = self._resumable_bytes(remote, expected_sha)
        self._check_disk_space(start)

        digest = hashlib.sha256()
        if start:
            self._hash_existing(digest, start)
        self._write_meta(remote, expected_sha)
        if start != self.total:
            digest = self._transfer(digest, start)
        self.done = self.part_path.stat().st_size if self.part_path.exists() else 0

        self._set_state(DownloadState.VERIFYING)
        self._finish(digest.hexdigest(), expected_sha)

    def _resolve_target(self, server_name: str) -> Path:
        name = self.requested_filename or server_name
        target = (self.dest_dir / name).resolve()
        if target.parent != self.dest_dir.resolve():
            raise DownloadError(f"refusing file name {name!r}: it points outside the models folder")
        return self.dest_dir / name

    def _meta_path(self) -> Path:
        return self.target.with_name(self.target.name + ".part.json")

    def _resumable_bytes(self, remote: RemoteFile, expected_sha: str | None) -> int:
        part = self.part_path
        if not part.exists():
            return 0
        try:
            meta = json.loads(self._meta_path().read_text())
        except (OSError, ValueError):
            meta = {}
        have = part.stat().st_size
        same_file = (
            meta.get("url") == self.url and meta.get("size") == remote.size and meta.get("sha256") == expected_sha
        )
        if not same_file or (remote.size is not None and have > remote.size):
            part.unlink()  # a part of some other file (or another version): start again
            return 0
        return have

    def _check_disk_space(self, have: int) -> None:
        if self.total is None:
            return
        self.dest_dir.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(self.dest_dir).free
        needed = self.total - have + self.disk_margin
        if free < needed:
            raise DownloadError(
                f"not enough disk space for {self.target.name}: it needs {_gb(self.total - have)} more "
                f"(plus {_gb(self.disk_margin)} to spare) but {self.dest_dir} has only {_gb(free)} free"
            )

    def _hash_existing(self, digest, length: int) -> None:
        with open(self.part_path, "rb") as fh:
            remaining = length
            while remaining and (block := fh.read(min(CHUNK * 4, remaining))):
                digest.update(block)
                remaining -= len(block)
                self._check_stop()

    def _write_meta(self, remote: RemoteFile, expected_sha: str | None) -> None:
        self._meta_path().write_text(json.dumps({"url": self.url, "size": remote.size, "sha256": expected_sha}))

    def _transfer(self, digest, start: int):
        """Stream the rest of the file into the part; returns the SHA-256 state over the whole part."""
        headers = {"Range": f"bytes={start}-"} if start else {}
        try:
            resp = _opener().open(_request(self.url, "GET", headers), timeout=TIMEOUT_S)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            raise DownloadError(_describe(exc, self.url)) from None
        with resp:
            if start and resp.status != 206:
                # The server ignored Range and sends the whole file: start the part over.
                start = 0
                digest = hashlib.sha256()
            self.done = start
            self._samples = [(time.monotonic(), start)]
            with open(self.part_path, "r+b" if start else "wb") as out:
                out.seek(start)
                out.truncate()
                while block := self._read(resp):
                    # A failed write (disk full) is this machine's error, not the connection's: run() says so.
                    out.write(block)
                    digest.update(block)
                    self.done += len(block)
                    self._report()
                    self._check_stop()
        if self.total is not None and self.done < self.total:
            raise DownloadError(
                f"the server closed the connection at {_gb(self.done)} of {_gb(self.total)}; "
                "resume to continue from there"
            )
        self._report(force=True)
        return digest

    def _read(self, resp) -> bytes:
        try:
            return resp.read(CHUNK)
        except (OSError, http.client.HTTPException) as exc:
            raise DownloadError(
                f"the connection broke at {_gb(self.done)} of {_gb(self.total)} ({exc!r}); "
                "resume to continue from there"
            ) from None

    def _finish(self, actual_sha: str, expected_sha: str | None) -> None:
        part = self.part_path
        size = part.stat().st_size
        if self.total is not None and size != self.total:
            self._discard_part()
            raise DownloadError(
                f"{self.target.name}: got {size:,} bytes, the server announced {self.total:,}; "
                "the download was deleted, try again"
            )
        if expected_sha and actual_sha != expected_sha:
            self._discard_part()
            raise DownloadError(
                f"{self.target.name} is damaged: its SHA-256 is {actual_sha}, the server says {expected_sha}. "
                "The download was deleted; try again."
            )
        self.verified = expected_sha is not None
        if self.validate:
            try:
                self.validate(part)
            except Exception as exc:  # noqa: BLE001 - a header that crashes the check is just as unusable
                self._discard_part()
                raise DownloadError(f"{self.target.name} is not a usable model: {exc}") from None
        os.replace(part, self.target)
        with contextlib.suppress(FileNotFoundError):
            self._meta_path().unlink()
        if self.on_installed:
            self.on_installed(self.target)
        self._set_state(DownloadState.DONE)

    # --- helpers ------------------------------------------------------------------------------

    def _check_stop(self) -> None:
        if self._cancel.is_set() or self._pause.is_set():
            raise _Stopped

    def _finish_cancelled(self) -> DownloadState:
        self._discard_part()
        self._set_state(DownloadState.CANCELLED)
        return self.state

    def _discard_part(self) -> None:
        if self.target is None:
            return
        for path in (self.part_path, self._meta_path()):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _set_state(self, state: DownloadState) -> None:
        self.state = state
        self._report(force=True)

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL_S:
            return
        self._last_report = now
        if self.on_progress:
            self.on_progress(DownloadProgress(self.done, self.total, self._speed(now), self.state))

    def _speed(self, now: float) -> float:
        self._samples.append((now, self.done))
        while len(self._samples) > 2 and now - self._samples[0][0] > SPEED_WINDOW_S:
            self._samples.pop(0)
        t0, d0 = self._samples[0]
        return (self.done - d0) / (now - t0) if now > t0 else 0.0


class _Stopped(Exception):
    pass


def _gb(n: int | None) -> str:
    if n is None:
        return "an unknown size"
    if n >= 1 << 30:
        return f"{n / (1 << 30):.2f} GB"
    return f"{n / (1 << 20):.1f} MB"
