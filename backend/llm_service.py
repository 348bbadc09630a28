"""LlmService: the one owner of the chat engine; the window, the server and the benchmark queue on it.

Exactly one thread ("llm-engine") touches the LlmEngine (see backend/job_queue.py for the queue, the
per-job cancel and the bounded wait). `on_piece` callbacks run on that thread: callers marshal them
(Qt: emit a signal; asyncio: loop.call_soon_threadsafe).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from backend.generation_stats import GenerationStats, StopReason
from backend.job_queue import JobQueue, ServiceBusy, ServiceClosed
from backend.llm import ComputeOptions, Generation, LlmEngine, LoadedModel, SamplingParams
from backend.models import bundled
from backend.remote_engine import RemoteEngine, RemoteModel
from backend.remote_http import Endpoint, RemoteError
from backend.remote_servers import endpoint_for_ref, parse_remote_ref

__all__ = ["GenerationResult", "LlmService", "ServiceBusy", "ServiceClosed"]

T = TypeVar("T")

PieceCallback = Callable[[str, Generation], None]
ProgressCallback = Callable[[str, float], None]


@dataclass(frozen=True)
class GenerationResult:
    text: str
    stats: GenerationStats  # stats.stop_reason says why it ended
    notice: str | None  # e.g. the oldest turns were left out of the prompt
    template_source: str


def _stopped_result() -> GenerationResult:
    return GenerationResult(
        text="", stats=GenerationStats(stop_reason=StopReason.STOPPED), notice=None, template_source=""
    )


class LlmService:
    def __init__(self, engine: LlmEngine | None = None, *, max_waiting: int = 4) -> None:
        engine = engine or LlmEngine()
        self._local = engine  # a remote model takes the queue's engine slot; loading a file brings this back
        self._loaded: LoadedModel | None = dataclasses.replace(engine.model) if engine.model is not None else None
        self._jobs: JobQueue[LlmEngine] = JobQueue(
            engine, name="llm-engine", max_waiting=max_waiting, what="the chat model", on_exit=self._on_exit
        )

    # --- state, readable from any thread ----------------------------------------------------

    @property
    def loaded_model(self) -> LoadedModel | None:
        """A copy of what is loaded, for display; None while nothing is."""
        return self._loaded

    @property
    def waiting(self) -> int:
        return self._jobs.waiting

    @property
    def busy(self) -> bool:
        return self._jobs.busy

    @property
    def max_waiting(self) -> int:
        return self._jobs.max_waiting

    # --- jobs -------------------------------------------------------------------------------

    def load(
        self,
        path: str,
        *,
        n_ctx: int,
        n_threads: int | None,
        n_gpu_layers: int,
        on_progress: ProgressCallback | None = None,
        compute: ComputeOptions | None = None,
    ) -> Future[LoadedModel]:
        """Load a GGUF file; an empty path means the bundled default model (built on first use); a remote ref
        (backend.remote_servers.remote_ref) connects to that saved server's model instead."""
        if parse_remote_ref(path):
            return self.use_remote(None, ref=path, on_progress=on_progress)

        def work(current: LlmEngine | RemoteEngine) -> LoadedModel | None:
            engine = self._local
            target = path
            if not target:
                message = "Preparing the bundled model…"
                if on_progress:
                    on_progress(message, 0.0)
                target = str(bundled.ensure(bundled.DEFAULT_CHAT, lambda f: on_progress and on_progress(message, f)))
            if on_progress:
                on_progress(f"Loading {Path(target).name}…", -1.0)
            try:
                engine.load(target, n_ctx=n_ctx, n_threads=n_threads, n_gpu_layers=n_gpu_layers, compute=compute)
            except Exception:
                if current is not engine:  # a refused file leaves the remote model in use
                    raise
                self._loaded = dataclasses.replace(engine.model) if engine.model is not None else None
                raise  # a refused file leaves the old model loaded, a failed load none: show what is true
            if current is not engine:
                current.unload()
                self._jobs.engine = engine
            self._loaded = dataclasses.replace(engine.model)
            return self._loaded

        # Loading is the user's own choice in the window: never refused because clients queue.
        return self._jobs.submit(work, None, bounded=False)

    def use_remote(
        self,
        endpoint: Endpoint | None,
        model_id: str = "",
        *,
        ref: str = "",
        on_progress: ProgressCallback | None = None,
    ) -> Future[RemoteModel]:
        """Chat through a model on an OpenAI-compatible server from now on (the local model is freed).

        Queued like a load, so a reply in progress finishes first; a server that does not answer leaves
        the current model in place."""

        def work(engine: LlmEngine | RemoteEngine) -> RemoteModel:
            target, name = endpoint_for_ref(ref) if ref else (endpoint, model_id)
            if on_progress:
                on_progress(f"Connecting to {target.label}…", -1.0)
            remote = RemoteEngine()
            model = remote.connect(target, name)  # raises before anything changes
            engine.unload()
            self._jobs.engine = remote
            self._loaded = dataclasses.replace(model)
            return self._loaded

        return self._jobs.submit(work, None, bounded=False)

    def unload(self) -> Future[None]:
        def work(engine: LlmEngine) -> None:
            self._loaded = None
            engine.unload()

        return self._jobs.submit(work, None, bounded=False)

    def chat(
        self,
        messages: list[dict],
        params: SamplingParams,
        *,
        cancel: threading.Event,
        on_piece: PieceCallback | None = None,
        stop: Sequence[str] = (),
        grammar: object | None = None,
    ) -> Future[GenerationResult]:
        """One chat turn with the model's template. `stop`: more strings that end the reply (never shown);
        `grammar`: a llama_cpp.LlamaGrammar the reply must follow (JSON mode)."""
        return self._generate(
            lambda engine: engine.stream_chat(messages, params, cancel), cancel, on_piece, stop, grammar
        )

    def complete(
        self,
        prompt: str,
        params: SamplingParams,
        *,
        cancel: threading.Event,
        on_piece: PieceCallback | None = None,
        stop: Sequence[str] = (),
    ) -> Future[GenerationResult]:
        """Continue raw text, no chat template."""
        return self._generate(lambda engine: engine.stream_completion(prompt, params, cancel), cancel, on_piece, stop)

    def run(self, job: Callable[[LlmEngine], T], *, cancel: threading.Event | None = None) -> Future[T]:
        """Any other engine work (benchmark, tokenize), queued like the rest and run on the engine thread.

        A job whose cancel is set before it starts is not run: its Future is cancelled.
        """

        def local_only(engine: LlmEngine | RemoteEngine) -> T:
            if engine is not self._local:  # these jobs drive llama.cpp itself: a server cannot run them
                raise RemoteError("this measures a model on this computer; load a local model for it first")
            return job(engine)

        return self._jobs.submit(local_only, cancel)

    def close(self, timeout: float = 5.0) -> None:
        """Cancel everything pending and running, free the model, stop the thread (waiting at most `timeout`)."""
        self._jobs.close(timeout)

    # --- internals --------------------------------------------------------------------------

    def _generate(
        self,
        start: Callable[[LlmEngine], Generation],
        cancel: threading.Event,
        on_piece: PieceCallback | None,
        stop: Sequence[str],
        grammar: object | None = None,
    ) -> Future[GenerationResult]:
        def work(engine: LlmEngine) -> GenerationResult:
            generation = start(engine)
            generation.stops = list(generation.stops) + [s for s in stop if s]
            generation.grammar = grammar
            pieces: list[str] = []
            for piece in generation:
                pieces.append(piece)
                if on_piece is not None:
                    on_piece(piece, generation)
            return GenerationResult(
                text="".join(pieces),
                stats=generation.stats,
                notice=generation.notice or None,
                template_source=generation.template_source,
            )

        return self._jobs.submit(work, cancel, if_cancelled=_stopped_result)

    def _on_exit(self, engine: LlmEngine) -> None:
        engine.unload()
        self._loaded = None
