"""RemoteEngine: a chat model on an OpenAI-compatible server, behind the same calls as the local LlmEngine.

LlmService queues on whichever engine is current, so the window, the server, voice mode and the CLI
use a remote model exactly as a local one: `stream_chat`/`stream_completion` return a generation
that yields text pieces, keeps live GenerationStats, and stops within a token when its cancel Event
is set (the HTTP connection is closed, so the server stops too). Timings are the server's own when it
reports llama.cpp's `timings`; otherwise they are measured here as the pieces arrive.
"""

from __future__ import annotations

import codecs
import http.client
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from backend.errors import ModelLoadError
from backend.generation_stats import GenerationStats, StopReason, TimedPieces
from backend.llm import LoadedModel, SamplingParams
from backend.models.gguf_info import GgufInfo
from backend.remote_http import Endpoint, RemoteError, Request, list_models
from backend.remote_servers import remote_ref

REMOTE_TEMPLATE = "remote"  # template_source of a remote reply: the server applies its own template
_FINISH = {"stop": StopReason.DONE, "length": StopReason.LENGTH}


@dataclass(kw_only=True)
class RemoteModel(LoadedModel):
    """What a remote model looks like to the rest of Hearth: a LoadedModel plus where it lives."""

    model_id: str
    endpoint: Endpoint

    @property
    def display_name(self) -> str:
        return self.model_id

    @property
    def server_label(self) -> str:
        return self.endpoint.label

    @property
    def ref(self) -> str:
        """The name the window saves and the model picker offers for this model."""
        return remote_ref(self.endpoint.base_url, self.model_id)


def _remote_model(endpoint: Endpoint, entry: dict, connect_ms: float) -> RemoteModel:
    model_id = str(entry["id"])
    meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
    n_ctx = int(meta.get("n_ctx") or entry.get("context_length") or 0)  # unknown on most servers
    info = GgufInfo(
        path=Path(model_id), file_size=0, architecture=str(meta.get("architecture") or "remote"), name=model_id,
        size_label=None, parameter_count=0, file_type_name=str(meta.get("quantization") or "remote"),
        bits_per_weight=0.0, context_length=n_ctx or None, n_layers=0, n_heads=0, n_kv_heads=0, head_dim=0,
        embedding_length=0, chat_template=None, tensor_bytes=0,
    )  # fmt: skip
    return RemoteModel(
        path=Path(model_id), info=info, n_ctx=n_ctx, n_threads=0, n_gpu_layers=0, load_ms=connect_ms,
        template_source=REMOTE_TEMPLATE, model_id=model_id, endpoint=endpoint,
    )  # fmt: skip


@dataclass
class RemoteGeneration(TimedPieces):
    """An iterator of text pieces from one streamed request; `stats` is live while it runs, final after."""

    endpoint: Endpoint
    path: str
    body: dict
    cancel: threading.Event
    stats: GenerationStats
    started: float
    stops: list[str] = field(default_factory=list)
    grammar: object | None = None
    notice: str = ""
    template_source: str = REMOTE_TEMPLATE
    first_token_at: float | None = None
    last_token_at: float | None = None
    _reported: bool = False  # the server sent its own timings

    def _eval_reported(self) -> bool:
        return self._reported

    def _run(self) -> Iterator[str]:
        if self.grammar is not None:
            raise RemoteError("JSON mode (response_format) is not available through a remote model")
        body = dict(self.body)
        stops = [s for s in self.stops if s]
        if stops:
            body["stop"] = stops[:4]  # OpenAI's limit
        request = Request(self.endpoint, "POST", self.path, body)
        done = threading.Event()

        def watch() -> None:  # Stop closes the socket, so neither we nor the server wait for the next token
            while not done.is_set():
                if self.cancel.wait(0.02):
                    request.cut()
                    return

        watcher = threading.Thread(target=watch, name="remote-stop", daemon=True)
        watcher.start()
        try:
            if self.cancel.is_set():
                self.stats.stop_reason = StopReason.STOPPED
                return
            try:
                response = request.send()
            except RemoteError:
                if self.cancel.is_set():
                    self.stats.stop_reason = StopReason.STOPPED
                    return
                raise
            yield from self._read(request, response)
        finally:
            done.set()
            request.close()
            watcher.join(1.0)

    def _read(self, request: Request, response: http.client.HTTPResponse) -> Iterator[str]:
        stats, label = self.stats, self.endpoint.label
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        while True:
            try:
                raw = response.readline()
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if self.cancel.is_set():
                    stats.stop_reason = StopReason.STOPPED
                    return
                raise RemoteError(
                    f"the connection to {label} broke in the middle of the reply ({exc}); what arrived is kept"
                ) from exc
            if self.cancel.is_set():
                stats.stop_reason = StopReason.STOPPED
                return
            if not raw:
                if stats.stop_reason is not None:
                    return  # a server that ends without [DONE] after a finish_reason
                raise RemoteError(f"{label} closed the connection in the middle of the reply; what arrived is kept")
            line = decoder.decode(raw).strip()
            if not line.startswith("data:"):
                continue  # SSE comments, event names, blank separators
            data = line[5:].strip()
            if data == "[DONE]":
                if stats.stop_reason is None:
                    stats.stop_reason = StopReason.DONE
                return
            try:
                chunk = json.loads(data)
            except ValueError as exc:
                raise RemoteError(f"{label} sent something that is not an OpenAI stream: {data[:80]!r}") from exc
            text = self._take(chunk)
            if text:
                yield text

    def _take(self, chunk: dict) -> str:
        """Record what one chunk says (text, finish reason, usage, timings); return its text."""
        stats = self.stats
        if "error" in chunk:
            error = chunk["error"]
            message = error.get("message") if isinstance(error, dict) else error
            raise RemoteError(f"{self.endpoint.label} reported an error: {message}")
        text = ""
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta")
            piece = delta.get("content") if isinstance(delta, dict) else choice.get("text")
            if piece:
                text += piece
            reason = choice.get("finish_reason")
            if reason:
                stats.stop_reason = _FINISH.get(reason, StopReason.DONE)
        if text:
            now = time.perf_counter()
            if self.first_token_at is None:
                self.first_token_at = now
                stats.ttft_ms = (now - self.started) * 1000
            self.last_token_at = now
            if not self._reported:
                stats.generated_tokens += 1  # llama.cpp-family servers send one token per chunk
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            stats.prompt_tokens = int(usage.get("prompt_tokens") or stats.prompt_tokens)
            stats.generated_tokens = int(usage.get("completion_tokens") or stats.generated_tokens)
        timings = chunk.get("timings")
        if isinstance(timings, dict) and "predicted_n" in timings:
            self._reported = True
            cached = int(timings.get("cache_n") or 0)
            stats.cached_tokens = cached
            stats.prompt_tokens = int(timings.get("prompt_n") or 0) + cached
            stats.prompt_eval_ms = float(timings.get("prompt_ms") or 0.0)
            stats.generated_tokens = int(timings["predicted_n"])
            stats.eval_ms = float(timings.get("predicted_ms") or 0.0)
        return text


class RemoteEngine:
    """The engine for one model on one server. Owned by LlmService's engine thread like LlmEngine."""

    def __init__(self) -> None:
        self.model: RemoteModel | None = None

    def connect(self, endpoint: Endpoint, model_id: str = "") -> RemoteModel:
        """Check the server answers and offers `model_id` (empty: its first model); raises RemoteError."""
        started = time.perf_counter()
        entries = list_models(endpoint)
        chat = [e for e in entries if not isinstance(e.get("meta"), dict) or e["meta"].get("kind", "chat") == "chat"]
        if not chat:
            raise RemoteError(f"{endpoint.label} offers no chat model")
        if model_id:
            matches = [e for e in chat if e["id"] == model_id]
            if not matches:
                names = ", ".join(str(e["id"]) for e in chat[:5])
                raise RemoteError(f"{endpoint.label} has no model named {model_id} (it offers: {names})")
            entry = matches[0]
        else:
            entry = chat[0]
        self.model = _remote_model(endpoint, entry, (time.perf_counter() - started) * 1000)
        return self.model

    def unload(self) -> None:
        self.model = None

    @property
    def loaded(self) -> bool:
        return self.model is not None

    def _require(self) -> RemoteModel:
        if self.model is None:
            raise ModelLoadError("no model is loaded")
        return self.model

    def _body(self, params: SamplingParams) -> dict:
        body = {
            "model": self._require().model_id,
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            # llama.cpp's server (and Hearth's, vLLM's, Ollama's OpenAI route) take these extras too
            "top_k": params.top_k,
            "min_p": params.min_p,
            "repeat_penalty": params.repeat_penalty,
        }
        if params.seed is not None and params.seed >= 0:
            body["seed"] = params.seed
        return body

    def _generation(self, path: str, body: dict, cancel: threading.Event | None, started: float):
        model = self._require()
        stats = GenerationStats(n_ctx=model.n_ctx, load_ms=model.load_ms)
        return RemoteGeneration(
            endpoint=model.endpoint, path=path, body=body, cancel=cancel or threading.Event(), stats=stats,
            started=started,
        )  # fmt: skip

    def stream_chat(
        self, messages: list[dict], params: SamplingParams, cancel: threading.Event | None = None
    ) -> RemoteGeneration:
        started = time.perf_counter()
        body = self._body(params) | {"messages": [{"role": m["role"], "content": m["content"]} for m in messages]}
        return self._generation("/v1/chat/completions", body, cancel, started)

    def stream_completion(
        self, prompt: str, params: SamplingParams, cancel: threading.Event | None = None
    ) -> RemoteGeneration:
        started = time.perf_counter()
        return self._generation("/v1/completions", self._body(params) | {"prompt": prompt}, cancel, started)
