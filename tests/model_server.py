"""A real HTTP(S) file server on 127.0.0.1 that behaves like Hugging Face where it matters (Range,
X-Linked-ETag on a redirect) and misbehaves on request (cuts connections, ignores Range, lies about
sizes), logging every request so tests can prove what the client asked for; a local certificate
for its TLS; and a real CONNECT proxy that logs what went through it."""

from __future__ import annotations

import hashlib
import select
import socket
import socketserver
import ssl
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


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


def make_local_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own CA), made with the openssl command: (cert, key)."""
    cert, key = folder / "local-ca.pem", folder / "local-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert), "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class ModelServer:
    files: dict[str, Served] = field(default_factory=dict)
    log: list[LoggedRequest] = field(default_factory=list)
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS

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
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*map(str, self.tls))
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, name: str, redirect: bool = True) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/{'redirect' if redirect else 'files'}/{name}"

    def gets(self) -> list[LoggedRequest]:
        """The GETs that carried file data (not the redirects in front of them)."""
        return [r for r in self.log if r.method == "GET" and "/files/" in r.path]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class ConnectProxy:
    """An HTTPS proxy on 127.0.0.1: answers CONNECT, then relays bytes both ways; logs each tunnel's target."""

    def __init__(self):
        self.tunnels: list[str] = []
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                request = self.rfile.readline().decode("latin-1").split()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                if len(request) < 2 or request[0] != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 Only CONNECT\r\nContent-Length: 0\r\n\r\n")
                    return
                proxy.tunnels.append(request[1])
                host, port = request[1].rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=10)
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                ends = [self.connection, upstream]
                try:
                    while True:
                        readable, _, _ = select.select(ends, [], [], 10)
                        if not readable:
                            return
                        for end in readable:
                            data = end.recv(65536)
                            if not data:
                                return
                            (upstream if end is self.connection else self.connection).sendall(data)
                except OSError:
                    return
                finally:
                    upstream.close()

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
