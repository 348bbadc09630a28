"""Running one generation for an HTTP request: queue it, stream it (SSE) or wait for it, stop it if the client leaves.

Pieces come from the engine thread through loop.call_soon_threadsafe into an asyncio.Queue, so the
event loop never blocks on the engine. Whatever ends the response — the last token, a client that
disconnects, the server stopping — sets the request's own cancel Event, and the engine stops within
a token.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from concurrent.futures import Future

import anyio
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.errors import HearthError
from backend.job_queue import ServiceBusy, ServiceClosed
from backend.llm import ContextOverflowError
from backend.llm_service import GenerationResult
from backend.server.context import ServerContext
from backend.server.errors import ApiError
from backend.server.shapes import ChatShape, finish_reason

Submit = Callable[[threading.Event, Callable], Future]

_END = object()


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


async def settle(future: Future, timeout: float = 5.0):
    """The result of a job just cancelled, for the log; waited for even inside a cancelled task."""
    with anyio.CancelScope(shield=True), anyio.move_on_after(timeout):
        while not future.done():
            await anyio.sleep(0.01)
    if future.done() and not future.cancelled() and future.exception() is None:
        return future.result()
    return None


def _log(request: Request, result: GenerationResult | None, outcome: str = "") -> None:
    if result is None:
        request.state.log = {"outcome": outcome}
        return
    stats = result.stats
    request.state.log = {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.generated_tokens,
        "tokens_per_second": round(stats.tokens_per_second, 2),
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
    loop = asyncio.get_running_loop()
    cancel = threading.Event()
    pieces: asyncio.Queue = asyncio.Queue()

    def put(item) -> None:
        try:
            loop.call_soon_threadsafe(pieces.put_nowait, item)
        except RuntimeError:  # the loop has closed (server stopped): nobody is listening any more
            cancel.set()

    on_piece = (lambda piece, generation: put(piece)) if stream else None
    future = submit_or_refuse(lambda: submit(cancel, on_piece))
    ctx.active.add(cancel)

    if not stream:
        try:
            result, left = await await_unless_client_leaves(request, future, cancel)
        except Exception as exc:
            raise error_for(exc) from exc
        finally:
            ctx.active.discard(cancel)
        if left:
            _log(request, result, "client disconnected")
            return Response(status_code=499)
        _log(request, result)
        return JSONResponse(shape.response(prefix + result.text, result.stats))

    future.add_done_callback(lambda f: put(_END))

    async def events():
        result = None
        outcome = ""
        try:
            first = shape.first_chunk()
            if first is not None:
                yield json.dumps(first)
            if prefix:
                yield json.dumps(shape.piece_chunk(prefix))
            while (item := await pieces.get()) is not _END:
                yield json.dumps(shape.piece_chunk(item), ensure_ascii=False)
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
            if result is None and not outcome:
                result, outcome = await settle(future), "client disconnected"
            _log(request, result, outcome)

    return EventSourceResponse(events(), ping=0, sep="\n")
