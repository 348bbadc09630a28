"""A real HTTP file server on 127.0.0.1 that behaves like Hugging Face where it matters (Range,
X-Linked-ETag on a redirect) and misbehaves on request (cuts connections, ignores Range, lies about
sizes), logging every request so tests can prove what the client asked for."""

from __future__ import annotations

import hashlib
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Served:
    data: bytes
    sha256: str | None = None  # what X-Linked-ETag claims; defaults to the true hash
    honor_range: bool = True
    cut_after: int | None = None  # the first GET stops after this many body bytes
    claimed_size: int | None = None  # what HEAD claims instead of the true size
    content_disposition: str | None = None
    chunk_delay_s: float = 0.0


@dataclass
class LoggedRequest:
    method: str
    path: str
    range: str | None
    start: float
    end: float = 0.0
    status: int = 0


@dataclass
class ModelServer:
    files: dict[str, Served] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)

    def start(self) -> ModelServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._serve(body=False)

            def do_GET(self):
                self._serve(body=True)

            def _serve(self, body: bool):
                # A proxied request carries an absolute URI; the path is what matters here.
                path = urllib.parse.urlsplit(self.path).path
                entry = LoggedRequest(self.command, self.path, self.headers.get("Range"), time.monotonic())
                server.log.append(entry)
                if path.startswith("/redirect/"):
                    name = path.removeprefix("/redirect/")
                    served = server.files.get(name)
                    entry.status = 302 if served else 404
                    self.send_response(entry.status)
                    if served:
                        self.send_header("Location", f"/files/{name}")
                        self.send_header(
                            "X-Linked-ETag", f'"{served.sha256 or hashlib.sha256(served.data).hexdigest()}"'
                        )
                        self.send_header("X-Linked-Size", str(served.claimed_size or len(served.data)))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    entry.end = time.monotonic()
                    return
                served = server.files.get(path.removeprefix("/files/"))
                if served is None:
                    entry.status = 404
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = served.data
                start = 0
                rng = self.headers.get("Range")
                if rng and served.honor_range and body:
                    start = int(rng.removeprefix("bytes=").split("-")[0])
                entry.status = 206 if start else 200
                self.send_response(entry.status)
                size = served.claimed_size if (served.claimed_size and not body) else len(data)
                self.send_header("Content-Length", str(size - start))
                if served.honor_range:
                    self.send_header("Accept-Ranges", "bytes")
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                if served.content_disposition:
                    self.send_header("Content-Disposition", served.content_disposition)
                self.end_headers()
                if not body:
                    entry.end = time.monotonic()
                    return
                payload = data[start:]
                if served.cut_after is not None:
                    payload = payload[: served.cut_after]
                    served.cut_after = None
                    self.close_connection = True
                try:
                    for i in range(0, len(payload), 64 * 1024):
                        if i + 64 * 1024 >= len(payload):
                            entry.end = time.monotonic()  # before the last write, so the client cannot finish first
                        self.wfile.write(payload[i : i + 64 * 1024])
                        if served.chunk_delay_s:
                            time.sleep(served.chunk_delay_s)
                except (BrokenPipeError, ConnectionResetError):
                    entry.end = time.monotonic()  # the client paused or cancelled

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, name: str, redirect: bool = True) -> str:
        return f"http://127.0.0.1:{self.port}/{'redirect' if redirect else 'files'}/{name}"

    def gets(self) -> list[LoggedRequest]:
        """The GETs that carried file data (not the redirects in front of them)."""
        return [r for r in self.log if r.method == "GET" and "/files/" in r.path]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
