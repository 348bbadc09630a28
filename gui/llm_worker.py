"""The window's link to the chat engine: requests go to the shared LlmService, results come back as signals.

The engine runs on the service's own thread, shared with every other front end (the server, the
benchmark). This object lives on the GUI thread: it submits requests and relays what the engine
thread reports, as typed objects, through queued signals. Tokens cross in batches (every ~30 ms)
and live stats 4 times a second, so the GUI thread only paints. Stop is the request's own
threading.Event, set directly: a queued "stop" would wait behind the busy generation loop.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import Future

from PySide6.QtCore import QCoreApplication, QObject, Signal

from backend.chat_model_status import ChatModelStatus
from backend.chat_session import LiveStats, ReplyFailed, ReplyFinished, ReplyRequest
from backend.defaults import DEFAULT_N_CTX
from backend.errors import HearthError
from backend.hardware import compute_backend
from backend.llm import Generation
from backend.llm_service import GenerationResult, LlmService
from backend.settings import ModelSettings

TOKEN_FLUSH_S = 0.03
STATS_EVERY_S = 0.25


class LlmWorker(QObject):
    model_loading = Signal(str, float)  # what is happening, progress 0..1 (-1: unknown)
    model_loaded = Signal(object)  # ChatModelStatus
    model_load_failed = Signal(str)
    tokens_received = Signal(int, str)  # request id, text since the last flush
    stats_updated = Signal(object)  # LiveStats
    notice = Signal(int, str)  # request id, something the user should know
    generation_finished = Signal(object)  # ReplyFinished
    generation_failed = Signal(object)  # ReplyFailed

    def __init__(self, service: LlmService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service

    def load_model(self, path: str, settings: ModelSettings) -> None:
        """Load a GGUF (empty: the bundled default); the answer comes as model_loaded or model_load_failed."""
        try:
            future = self.service.load(
                path,
                n_ctx=settings.n_ctx or DEFAULT_N_CTX,
                n_threads=settings.n_threads,
                n_gpu_layers=settings.n_gpu_layers,
                on_progress=self.model_loading.emit,
                compute=settings.compute(),
            )
        except HearthError as exc:
            self.model_load_failed.emit(str(exc))
            return
        future.add_done_callback(self._on_load_done)

    def _on_load_done(self, future: Future) -> None:
        try:
            model = future.result()
        except (HearthError, OSError) as exc:
            self.model_load_failed.emit(str(exc))
            return
        except Exception as exc:  # the service printed the traceback; the user gets a sentence
            self.model_load_failed.emit(f"unexpected error while loading: {exc}")
            return
        self.model_loaded.emit(ChatModelStatus.from_loaded(model, compute_backend()))

    def generate(self, request: ReplyRequest) -> None:
        """Queue one reply; it streams back as tokens_received / stats_updated, then finished or failed."""
        relay = _ReplyRelay(self, request.request_id)
        try:
            future = self.service.chat(
                request.message_dicts(), request.params, cancel=request.cancel, on_piece=relay.on_piece
            )
        except HearthError as exc:  # busy or closed: said like any other failure
            self.generation_failed.emit(ReplyFailed(request.request_id, str(exc)))
            return
        future.add_done_callback(relay.on_done)

    def relay(self, request_id: int) -> _ReplyRelay:
        """The relay for a reply begun elsewhere and shown as `request_id` (voice mode's early start):
        feed it the pieces, then hand it the generation's Future with add_done_callback(relay.on_done)."""
        return _ReplyRelay(self, request_id)


class _ReplyRelay:
    """Batches one reply's pieces on the engine thread and emits them (queued to the GUI)."""

    def __init__(self, worker: LlmWorker, request_id: int):
        self.worker, self.request_id = worker, request_id
        self.pending: list[str] = []
        self.last_flush = 0.0  # the first piece goes out at once
        self.last_stats = time.perf_counter()
        self.notice_sent = False
        self.lock = threading.Lock()  # on_piece and on_done run on the engine thread, but be safe

    def on_piece(self, piece: str, generation: Generation) -> None:
        worker = self.worker
        if not self.notice_sent:
            self.notice_sent = True
            if generation.notice:
                worker.notice.emit(self.request_id, generation.notice)
        with self.lock:
            self.pending.append(piece)
            now = time.perf_counter()
            if now - self.last_flush >= TOKEN_FLUSH_S:
                self._flush()
                self.last_flush = now
        if now - self.last_stats >= STATS_EVERY_S:
            worker.stats_updated.emit(_live(self.request_id, generation, now))
            self.last_stats = now

    def _flush(self) -> None:
        if self.pending:
            self.worker.tokens_received.emit(self.request_id, "".join(self.pending))
            self.pending.clear()

    def on_done(self, future: Future) -> None:
        with self.lock:
            self._flush()
        worker = self.worker
        try:
            result: GenerationResult = future.result()
        except HearthError as exc:
            worker.generation_failed.emit(ReplyFailed(self.request_id, str(exc)))
            return
        except Exception as exc:  # the service printed the traceback; the user gets a sentence
            message = QCoreApplication.translate("LlmWorker", "unexpected error while generating: {error}").format(
                error=exc
            )
            worker.generation_failed.emit(ReplyFailed(self.request_id, message))
            return
        if result.notice and not self.notice_sent:
            worker.notice.emit(self.request_id, result.notice)
        stats = dataclasses.replace(result.stats)  # a copy: nothing on the engine side touches it again
        worker.generation_finished.emit(ReplyFinished(self.request_id, stats, result.template_source))


def _live(request_id: int, generation: Generation, now: float) -> LiveStats:
    stats = generation.stats
    return LiveStats(
        request_id=request_id,
        ttft_ms=stats.ttft_ms,
        prompt_tokens_per_second=stats.prompt_tokens_per_second if stats.prompt_eval_ms else 0.0,
        tokens_per_second=generation.live_tokens_per_second(now),
        generated_tokens=stats.generated_tokens,
        context_used=stats.context_used,
        n_ctx=stats.n_ctx,
    )
