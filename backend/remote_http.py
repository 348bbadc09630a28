"""HTTP to an OpenAI-compatible server: one request, its errors as sentences, and a way to cut it off.

The standard library's http.client is enough here, and it lets Stop close the very socket a
streaming reply arrives on: the server sees the disconnect and stops generating, and the reading
thread wakes at once instead of waiting for the next token.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass

from backend.errors import HearthError

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 300.0  # a big model on a busy server may think for minutes before its first token


class RemoteError(HearthError):
    """A remote server could not be used; the message says why in a sentence."""


@dataclass(frozen=True)
class Endpoint:
    """Where a server is and how to authenticate; `name` is what the user called it."""

    base_url: str  # scheme://host[:port][/prefix], without a trailing /v1
    api_key: str | None = None
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.base_url


def normalize_url(text: str) -> str:
    """'host:8080', 'http://host:8080/v1/' → 'http://host:8080'. Raises RemoteError for what is not a URL."""
    text = text.strip()
    if not text:
        raise RemoteError("enter the server's address, for example http://192.168.1.20:8080")
    if "://" not in text:
        text = "http://" + text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise RemoteError(f"{text} is not an http:// or https:// address")
    if not parts.hostname:
        raise RemoteError(f"{text} names no host")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise RemoteError(f"{text} has an invalid port") from exc
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# The user's own networks. Not ipaddress's is_private, which also counts documentation and reserved
# ranges (203.0.113.0/24 …) that are no one's home network.
_PRIVATE_NETWORKS = [
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16")
    + ("fc00::/7", "fe80::/10")
]


def is_local_address(host: str) -> bool:
    """Loopback or a private network (LAN, VPN); names other than localhost count as public."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return address.is_loopback or any(address in network for network in _PRIVATE_NETWORKS)


def plain_http_to_public(url: str) -> bool:
    """An unencrypted address outside this machine and its network: the user is asked before it is used."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme == "http" and not is_local_address(parts.hostname or "")


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:200]
    if isinstance(data, dict):
        error = data.get("error", data.get("detail"))
        if isinstance(error, dict):
            return str(error.get("message") or error)
        if error:
            return str(error)
    return ""


class Request:
    """One HTTP request whose response can be read as it arrives and cut off from any thread."""

    def __init__(
        self,
        endpoint: Endpoint,
        method: str,
        path: str,
        body: dict | None = None,
        *,
        raw: tuple[bytes, str] | None = None,
    ) -> None:
        """`body` goes as JSON; `raw` is (bytes, content type), for an upload."""
        self.endpoint = endpoint
        parts = urllib.parse.urlsplit(endpoint.base_url)
        self.host = parts.hostname or ""
        if parts.scheme == "https":
            self.conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=CONNECT_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CONNECT_TIMEOUT_S)
        self.url = endpoint.base_url + path
        self._method, self._path, self._body, self._raw = method, parts.path + path, body, raw
        self._cut = threading.Event()
        self.response: http.client.HTTPResponse | None = None

    def send(self) -> http.client.HTTPResponse:
        """Connect, send, and check the status; raises RemoteError with a sentence on any failure."""
        headers = {"Accept": "application/json, text/event-stream"}
        data = None
        if self._body is not None:
            data = json.dumps(self._body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif self._raw is not None:
            data, headers["Content-Type"] = self._raw
        if self.endpoint.api_key:
            headers["Authorization"] = f"Bearer {self.endpoint.api_key}"
        label = self.endpoint.label
        try:
            self.conn.request(self._method, self._path, body=data, headers=headers)
            if self.conn.sock is not None:
                self.conn.sock.settimeout(READ_TIMEOUT_S)
            response = self.conn.getresponse()
        except ssl.SSLCertVerificationError as exc:
            raise RemoteError(f"{label}: the server's certificate is not trusted ({exc.verify_message})") from exc
        except (ConnectionRefusedError, socket.gaierror) as exc:
            reason = "nothing answers there" if isinstance(exc, ConnectionRefusedError) else "the name is not known"
            where = f"{label} at {self.endpoint.base_url}" if self.endpoint.name else self.endpoint.base_url
            raise RemoteError(f"cannot reach {where}: {reason}. Is the server running?") from exc
        except TimeoutError as exc:
            raise RemoteError(f"{label} did not answer in time ({self.endpoint.base_url})") from exc
        except (OSError, http.client.HTTPException) as exc:
            if self._cut.is_set():
                raise RemoteError("the request was stopped") from exc
            raise RemoteError(f"the connection to {label} failed: {exc}") from exc
        self.response = response
        if response.status >= 400:
            detail = _error_text(response.read())
            self.close()
            raise RemoteError(self._status_sentence(response.status, detail))
        return response

    def _status_sentence(self, status: int, detail: str) -> str:
        label = self.endpoint.label
        if status in (401, 403):
            if self.endpoint.api_key:
                return f"{label} refused the API key (HTTP {status}). Check the key for this server."
            return f"{label} needs an API key (HTTP {status}). Add the key for this server."
        if status in (404, 405):
            return (
                f"{label} is not an OpenAI-compatible server: {self.url} answered HTTP {status}. "
                "Check the address (it should be the part before /v1)."
            )
        suffix = f": {detail}" if detail else ""
        return f"{label} answered HTTP {status}{suffix}"

    def read_json(self) -> dict:
        response = self.response or self.send()
        try:
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise RemoteError(f"{self.endpoint.label} closed the connection before answering") from exc
        finally:
            self.close()
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise RemoteError(
                f"{self.endpoint.label} is not an OpenAI-compatible server: {self.url} did not answer with JSON"
            ) from exc
        if not isinstance(data, dict):
            raise RemoteError(f"{self.endpoint.label} is not an OpenAI-compatible server: unexpected answer")
        return data

    def cut(self) -> None:
        """Close the connection from any thread: a blocked read returns at once, the server sees the client leave."""
        self._cut.set()
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @property
    def was_cut(self) -> bool:
        return self._cut.is_set()

    def close(self) -> None:
        self.conn.close()


def list_models(endpoint: Endpoint) -> list[dict]:
    """GET /v1/models: the entries (each with at least an 'id'). Raises RemoteError with a sentence."""
    data = Request(endpoint, "GET", "/v1/models").read_json()
    entries = data.get("data")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "id" in e for e in entries):
        raise RemoteError(f"{endpoint.label} is not an OpenAI-compatible server: /v1/models has no model list")
    return entries
