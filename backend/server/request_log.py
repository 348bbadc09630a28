"""One record per request (who, what, status, tokens, t/s), for the window's log and the CLI's stderr."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    at: float  # wall clock, seconds since the epoch
    client: str
    method: str
    path: str
    status: int
    duration_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_per_second: float = 0.0
    ttft_ms: float = 0.0
    outcome: str = ""  # why a generation ended, or what went wrong

    def line(self) -> str:
        parts = [
            time.strftime("%H:%M:%S", time.localtime(self.at)),
            self.client,
            self.method,
            self.path,
            str(self.status),
        ]
        if self.completion_tokens or self.prompt_tokens:
            parts.append(f"{self.prompt_tokens}+{self.completion_tokens} tok, {self.tokens_per_second:.1f} t/s")
        parts.append(f"{self.duration_ms:.0f} ms")
        if self.outcome:
            parts.append(self.outcome)
        return " ".join(parts)


class RequestLog:
    """ASGI middleware: times each request and reports it once the response has been sent.

    Handlers add generation figures to scope["state"]["log"] (request.state.log in Starlette).
    """

    def __init__(self, app, on_record: Callable[[RequestRecord], None] | None) -> None:
        self.app = app
        self.on_record = on_record

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or self.on_record is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        at = time.time()
        status = 0

        async def tracked(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        scope.setdefault("state", {})
        try:
            await self.app(scope, receive, tracked)
        finally:
            extra = scope["state"].get("log") or {}
            client = scope.get("client") or ("?", 0)
            record = RequestRecord(
                at=at,
                client=str(client[0]),
                method=scope["method"],
                path=scope["path"],
                status=status or 499,  # nothing was sent: the client left first
                duration_ms=(time.perf_counter() - started) * 1000,
                **extra,
            )
            try:
                self.on_record(record)
            except Exception:  # a broken log view must not break the server
                traceback.print_exc()
