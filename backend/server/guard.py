"""The server's front door: Host check (DNS rebinding), Origin check, bearer key, body size limits.

A plain ASGI middleware, so a refused request never reaches FastAPI's body parsing. Browsers are
the threat model here: a web page may send requests to 127.0.0.1 (or, by DNS rebinding, make its
own name resolve there), so a Host that is not this machine's and an Origin the user did not allow
are both refused.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.datastructures import Headers

from backend.server.config import ServerConfig
from backend.server.errors import ApiError, send_error


def host_name(host_header: str) -> str:
    """The name in a Host header, without the port ("[::1]:8080" -> "::1")."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host


def host_allowed(host_header: str, extra: tuple[str, ...]) -> bool:
    # An IP literal cannot be rebound: a page reaching us through one is already at this address.
    name = host_name(host_header)
    if name == "localhost" or name in extra:
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


class RequestGuard:
    def __init__(self, app, config: ServerConfig) -> None:
        self.app = app
        self.config = config
        self._key = config.api_key.encode() if config.api_key else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._check(scope)
        if refusal is not None:
            await send_error(send, refusal)
            return
        limit = self.config.max_audio_bytes if scope["path"].startswith("/v1/audio/") else self.config.max_json_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_error(send, _too_large(limit))
            return
        if declared is None and scope["method"] in ("POST", "PUT", "PATCH"):
            # A chunked upload never said its length: read it here, up to the limit, then replay it.
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away mid-upload
                body += message.get("body", b"")
                if len(body) > limit:
                    await send_error(send, _too_large(limit))
                    return
                if not message.get("more_body", False):
                    break
            receive = _replay(bytes(body), receive)
        await self.app(scope, receive, send)

    def _check(self, scope) -> ApiError | None:
        headers = Headers(scope=scope)
        if not host_allowed(headers.get("host", ""), self.config.allowed_hosts):
            return ApiError(
                403,
                "this server answers only requests addressed to this machine (Host header refused)",
                type="forbidden",
                code="host_not_allowed",
            )
        origin = headers.get("origin")
        if origin is not None and origin not in self.config.allowed_origins:
            return ApiError(
                403,
                f"requests from web pages at {origin} are not allowed; allow the origin in Hearth's server settings",
                type="forbidden",
                code="origin_not_allowed",
            )
        if self._key is not None and scope["path"].startswith("/v1/") and scope["method"] != "OPTIONS":
            auth = headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self._key):
                return ApiError(
                    401,
                    "missing or wrong API key: send it as 'Authorization: Bearer KEY'",
                    type="invalid_request_error",
                    code="invalid_api_key",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        return None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"the request body is larger than this endpoint's limit of {limit // (1024 * 1024)} MiB")


def _replay(body: bytes, receive):
    sent = False

    async def replayed():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as the real receive does

    return replayed
