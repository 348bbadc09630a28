"""What the user chose for the server, and the rules that keep it safe (loopback, key, limits)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from backend.errors import HearthError

DEFAULT_PORT = 8080
MAX_JSON_BYTES = 4 * 1024 * 1024  # a long conversation for a 128k-token model is under 1 MiB of JSON
MAX_AUDIO_BYTES = 25 * 1024 * 1024  # OpenAI's own limit for an uploaded audio file


class ServerConfigError(HearthError):
    """Settings the server refuses to start with."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    api_key: str | None = None
    allowed_origins: tuple[str, ...] = ()  # CORS: browser pages allowed to call the API (none by default)
    allowed_hosts: tuple[str, ...] = ()  # Host names accepted besides localhost and IP literals
    max_json_bytes: int = MAX_JSON_BYTES
    max_audio_bytes: int = MAX_AUDIO_BYTES

    @property
    def loopback_only(self) -> bool:
        return is_loopback(self.host)

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ServerConfigError(f"port {self.port} is not a valid port (0-65535)")
        if not self.loopback_only and not self.api_key:
            raise ServerConfigError(
                f"listening on {self.host} lets other devices on the network in: set an API key "
                "(--api-key) so only programs that know it can use the model"
            )
        if self.api_key is not None and (len(self.api_key) < 8 or any(c.isspace() for c in self.api_key)):
            raise ServerConfigError("the API key must be at least 8 characters, with no spaces")
        for origin in self.allowed_origins:
            if not origin.startswith(("http://", "https://")) or origin.endswith("/"):
                raise ServerConfigError(f"allowed origin {origin!r} must look like https://example.org (no path)")
