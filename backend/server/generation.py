"""Running one generation for an HTTP request: queue it, stream it (SSE) or wait for it, stop it if the client leaves.

Pieces come from the engine thread through a hand-off that wakes the event loop only when it is
waiting for one (loop.call_soon_threadsafe), so the event loop never blocks on the engine and a
client that falls behind gets the pieces gathered meanwhile in one chunk, instead of one wake-up,
one JSON chunk and one socket write per token. Whatever ends the response — the last token, a client that
disconnects, the server stopping — sets the request's own cancel Event, and the engine stops within
a token.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from concurrent.futures import Future

from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.errors import HearthError
from backend.generation_stats import GenerationStats
from backend.job_queue import ServiceBusy, ServiceClosed
from backend.llm import ContextOverflowError
from backend.server.context import ServerContext
from backend.server.errors import ApiError
from backend.server.shapes import ChatShape, finish_reason

Submit = Callable[[threading.Event, Callable], Future]


class _Handoff:
    """Pieces from the engine thread to the event loop; `take` returns all that arrived since the last."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_loop_closed: Callable[[], None]):
        self._loop, self._on_loop_closed = loop, on_loop_closed
        self._lock = threading.Lock()
        self._pieces: list[str] = []
        self._ended = False
        self._waiter: asyncio.Future | None = None

    def put(self, piece: str) -> None:  # on the engine thread
        with self._lock:
            self._pieces.append(piece)
            waiter, self._waiter = self._waiter, None
        if waiter is not None:
            self._wake(waiter)

    def end(self) -> None:  # after the last put
        with self._lock:
            self._ended = True
            waiter, self._waiter = self._waiter, None
        if waiter is not None:
            self._wake(waiter)

    async def take(self) -> str | None:
        """The text of the pieces since the last take; None once the generation ended and all was taken."""
        while True:
            with self._lock:
                if self._pieces:
                    text = "".join(self._pieces)
                    self._pieces.clear()
                    return text
                if self._ended:
                    return None
                waiter = self._waiter = self._loop.create_future()
            await waiter

    def _wake(self, waiter: asyncio.Future) -> None:
        try:
            self._loop.call_soon_threadsafe(_resolve, waiter)
        except RuntimeError:  # the loop has closed (server stopped): nobody is listening any more
            self._on_loop_closed()


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():  # a waiter cancelled with its request is left alone
        waiter.set_result(None)


def submit_or_refuse(submit: Callable[[], Future]) -> Future:
    try:
        return submit()
    except ServiceBusy as exc:
        raise ApiError(
            503, str(exc), type="server_error", code="busy", headers={"Retry-After": str(exc.retry_after_s)}
        ) from exc
    except ServiceClosed as exc:
        raise ApiError(503, str(exc), type="server_error", code="shutting_down") from exc


def error_for(exc: BaseException) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ContextOverflowError):
        return ApiError(400, str(exc), code="context_length_exceeded")
    if isinstance(exc, HearthError):
        return ApiError(503, str(exc), type="server_error")
    return ApiError(500, f"the engine failed: {exc}", type="server_error")


async def wait_for_disconnect(request: Request) -> None:
    """Returns when the client closes its connection (the body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def await_unless_client_leaves(request: Request, future: Future, cancel: threading.Event):
    """(the job's result, whether the client left first). If it left, the job is stopped (within a
    token) and its result, the work done until then, is still returned for the log."""
    done = asyncio.wrap_future(future)
    gone = asyncio.ensure_future(wait_for_disconnect(request))
    try:
        await asyncio.wait({done, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    left = not done.done()
    if left:
        cancel.set()
    return await done, left


def _log(request: Request, stats: GenerationStats | None, outcome: str = "", tokens_per_second: float | None = None):
    if stats is None:
        request.state.log = {"outcome": outcome}
        return
    request.state.log = {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.generated_tokens,
        "tokens_per_second": round(stats.tokens_per_second if tokens_per_second is None else tokens_per_second, 2),
        "ttft_ms": round(stats.ttft_ms, 1),
        "outcome": outcome or finish_reason(stats),
    }


async def respond(
    request: Request,
    ctx: ServerContext,
    shape: ChatShape,
    submit: Submit,
    *,
    stream: bool,
    prefix: str = "",
) -> Response:
    """Serve one generation. `prefix` is text shown before the generated text (completions' echo)."""
    cancel = threading.Event()
    pieces = _Handoff(asyncio.get_running_loop(), cancel.set)
    live: dict = {}  # the generation in progress, for the log of a stream the client leaves

    def on_piece(piece: str, generation) -> None:
        live["generation"] = generation
        pieces.put(piece)

    future = submit_or_refuse(lambda: submit(cancel, on_piece if stream else None))
    ctx.active.add(cancel)

    if not stream:
        try:
            result, left = await await_unless_client_leaves(request, future, cancel)
        except Exception as exc:
            raise error_for(exc) from exc
        finally:
            ctx.active.discard(cancel)
        if left:
            _log(request, result.stats if result else None, "client disconnected")
            return Response(status_code=499)
        _log(request, result.stats)
        return JSONResponse(shape.response(prefix + result.text, result.stats))

    future.add_done_callback(lambda f: pieces.end())
    # Hold the status line until the first token (or the end): a request the engine refuses at once,
    # such as a prompt longer than the context, still gets its 4xx instead of a 200 with an error inside.
    first_item = asyncio.ensure_future(pieces.take())
    gone = asyncio.ensure_future(wait_for_disconnect(request))
    try:
        await asyncio.wait({first_item, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
    if not first_item.done():
        first_item.cancel()
        cancel.set()
        ctx.active.discard(cancel)
        _log(request, None, "client disconnected")
        return Response(status_code=499)
    if first_item.result() is None and future.exception() is not None:
        ctx.active.discard(cancel)
        raise error_for(future.exception())

    async def events():
        result = None
        outcome = ""
        try:
            first = shape.first_chunk()
            if first is not None:
                yield json.dumps(first)
            if prefix:
                yield json.dumps(shape.piece_chunk(prefix))
            text = first_item.result()
            while text is not None:
                yield shape.piece_event(text)
                text = await pieces.take()
            try:
                result = future.result()
            except Exception as exc:  # the status line is long gone: say it in the stream, as OpenAI does
                error = error_for(exc)
                outcome = error.message
                yield json.dumps(error.body())
            else:
                yield json.dumps(shape.final_chunk(result.stats))
                if shape.include_usage:
                    yield json.dumps(shape.usage_chunk(result.stats))
            yield "[DONE]"
        finally:
            # Normal end, client gone (this generator is cancelled) or server stopping: the engine stops.
            cancel.set()
            ctx.active.discard(cancel)
            if result is not None:
                _log(request, result.stats, outcome)
            elif "generation" in live:  # the client left mid-stream: what was generated until then
                generation = live["generation"]
                _log(request, generation.stats, outcome or "client disconnected", generation.live_tokens_per_second())
            else:
                _log(request, None, outcome or "client disconnected")

    return EventSourceResponse(events(), ping=0, sep="\n")
