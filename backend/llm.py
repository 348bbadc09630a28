"""LlmEngine: one GGUF model in llama.cpp, streamed chat and raw completion, cancellable per token.

Not thread-safe by design: exactly one thread (the chat worker, or the CLI's main thread) owns an
engine and calls it. Cancellation is a threading.Event that any thread may set.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import functools
import logging
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from backend.chat_template import RenderedPrompt, render_chat
from backend.defaults import DEFAULT_N_CTX, default_threads
from backend.errors import HearthError, ModelLoadError
from backend.generation_stats import GenerationStats, StopReason, TimedPieces
from backend.models.gguf_info import GgufInfo, read_gguf_info


class ContextOverflowError(HearthError):
    pass


class ComputeSettingsError(HearthError):
    """A combination of compute settings llama.cpp cannot run; the message says what to change."""


FLASH_ATTN_MODES = {"auto": -1, "off": 0, "on": 1}  # llama_flash_attn_type
# The KV cache types offered, as ggml_type ids (ggml.h). The quantized ones store blocks of 32 values.
KV_CACHE_TYPES = {"f16": 1, "q8_0": 8, "q4_0": 2}
KV_BLOCK = 32
# llama-bench's defaults: one decode call takes up to 2048 tokens, computed 512 at a time.
DEFAULT_N_BATCH = 2048
DEFAULT_N_UBATCH = 512


@dataclass(frozen=True)
class ComputeOptions:
    """How llama.cpp runs a model: speed and memory. Defaults are llama.cpp's own (llama-bench's).

    - flash_attn: "auto" lets llama.cpp use flash attention wherever the device running a layer
      supports it (on a CPU build: always); "on"/"off" force it.
    - n_batch: the most prompt tokens one decode call takes; n_ubatch: how many are computed at once
      (the compute buffer grows with it). Hearth feeds the prompt n_ubatch tokens per call, so Stop is
      honoured between micro-batches.
    - type_k / type_v: the KV cache's storage. q8_0 halves its memory, q4_0 quarters it, at a small
      cost in accuracy; a quantized V cache needs flash attention.
    """

    flash_attn: str = "auto"
    n_batch: int = DEFAULT_N_BATCH
    n_ubatch: int = DEFAULT_N_UBATCH
    type_k: str = "f16"
    type_v: str = "f16"

    def check(self, head_dim: int = 0) -> None:
        """Raise ComputeSettingsError, saying what to change, for a combination llama.cpp refuses."""
        if self.flash_attn not in FLASH_ATTN_MODES:
            raise ComputeSettingsError(f"flash attention must be auto, on or off, not {self.flash_attn!r}")
        for which, name in (("K", self.type_k), ("V", self.type_v)):
            if name not in KV_CACHE_TYPES:
                raise ComputeSettingsError(
                    f"unknown {which} cache type {name!r}: use one of {', '.join(KV_CACHE_TYPES)}"
                )
            if name != "f16" and head_dim % KV_BLOCK:
                raise ComputeSettingsError(
                    f"this model's attention heads ({head_dim} values) do not divide into {name}'s blocks "
                    f"of {KV_BLOCK}: keep the {which} cache at f16"
                )
        if self.type_v != "f16" and self.flash_attn == "off":
            raise ComputeSettingsError(
                f"a quantized V cache ({self.type_v}) needs flash attention: set flash attention to auto "
                "or on, or keep the V cache at f16"
            )
        if self.n_batch < 1 or self.n_ubatch < 1:
            raise ComputeSettingsError("the batch and micro-batch sizes must be at least 1")
        if self.n_ubatch > self.n_batch:
            raise ComputeSettingsError(
                f"the micro-batch ({self.n_ubatch}) cannot be larger than the batch ({self.n_batch})"
            )


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 512
    seed: int | None = None

    @classmethod
    def from_dict(cls, data: dict | None) -> SamplingParams:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class LoadedModel:
    path: Path
    info: GgufInfo
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    load_ms: float
    template_source: str  # "model", or "inferred:<family>" when the file has no chat template
    compute: ComputeOptions = field(default_factory=ComputeOptions)
    flash_attn_used: bool | None = None  # what llama.cpp chose (for "auto"); None: it did not say
    kv_cache_bytes: int | None = None  # the KV cache llama.cpp allocated, as it reported it (MiB, 2 decimals)

    @property
    def display_name(self) -> str:
        return self.info.name or self.path.stem

    @property
    def inferred_family(self) -> str | None:
        """The chat format chosen by architecture when the file has no template of its own, else None."""
        return self.template_source.split(":", 1)[1] if self.template_source.startswith("inferred:") else None


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str

    def as_dict(self) -> dict:
        return {"role": self.role, "content": self.content}


class _StopStringFilter:
    """Hold back text that could be the start of a stop marker, so the marker never reaches the user."""

    def __init__(self, stops: list[str]):
        self.stops = [s for s in stops if s]
        self.pending = ""

    def feed(self, text: str) -> tuple[str, bool]:
        """Return (text safe to show, whether a stop marker was hit)."""
        if not self.stops:
            return text, False
        self.pending += text
        for stop in self.stops:
            at = self.pending.find(stop)
            if at >= 0:
                out, self.pending = self.pending[:at], ""
                return out, True
        hold = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(self.pending)), 0, -1):
                if self.pending.endswith(stop[:n]):
                    hold = max(hold, n)
                    break
        out = self.pending[: len(self.pending) - hold]
        self.pending = self.pending[len(self.pending) - hold :]
        return out, False

    def flush(self) -> str:
        out, self.pending = self.pending, ""
        return out


@dataclass
class Generation(TimedPieces):
    """An iterator of text pieces; `stats` is live while it runs and final after it ends."""

    engine: LlmEngine
    tokens: list[int]
    params: SamplingParams
    cancel: threading.Event
    stops: list[str]
    stats: GenerationStats
    started: float
    notice: str = ""  # something the user should be told (e.g. oldest turns dropped)
    template_source: str = "model"
    grammar: object | None = None  # a llama_cpp.LlamaGrammar the reply must follow (the server's JSON mode)
    first_token_at: float | None = field(default=None)
    last_token_at: float | None = field(default=None)

    def _run(self) -> Iterator[str]:
        engine, llm, stats, params = self.engine, self.engine._llm, self.stats, self.params
        if llm is None:
            raise ModelLoadError("no model is loaded")
        prefill_start = time.perf_counter()
        stats.cached_tokens = engine._prefill(self.tokens, self.cancel)
        if self.cancel.is_set():
            stats.prompt_eval_ms = (time.perf_counter() - prefill_start) * 1000
            stats.stop_reason = StopReason.STOPPED
            return

        if params.seed is not None and params.seed >= 0:
            llm.set_seed(params.seed)
        else:
            llm.set_seed(random.randrange(1, 2**31))
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stop_filter = _StopStringFilter(self.stops)
        vocab_is_eog = engine._is_eog
        to_piece = engine._token_bytes
        n_ctx = engine.model.n_ctx
        generator = llm.generate(
            self.tokens,
            top_k=params.top_k,
            top_p=params.top_p,
            min_p=params.min_p,
            temp=params.temperature,
            repeat_penalty=params.repeat_penalty,
            grammar=self.grammar,
        )
        try:
            for token in generator:
                now = time.perf_counter()
                if self.first_token_at is None:
                    self.first_token_at = now
                    stats.prompt_eval_ms = (now - prefill_start) * 1000
                    stats.ttft_ms = (now - self.started) * 1000
                if vocab_is_eog(token):
                    stats.stop_reason = StopReason.DONE
                    break
                stats.generated_tokens += 1
                self.last_token_at = now
                text, hit_stop = stop_filter.feed(decoder.decode(to_piece(token)))
                if text:
                    yield text
                if hit_stop:
                    stats.stop_reason = StopReason.DONE
                    break
                if self.cancel.is_set():
                    stats.stop_reason = StopReason.STOPPED
                    break
                if stats.generated_tokens >= params.max_tokens:
                    stats.stop_reason = StopReason.LENGTH
                    break
                if llm.n_tokens + 1 >= n_ctx:
                    stats.stop_reason = StopReason.CONTEXT
                    break
        finally:
            generator.close()
        tail = stop_filter.flush() if stats.stop_reason != StopReason.DONE else ""
        tail += decoder.decode(b"", final=True)
        if tail:
            yield tail


class _StdStreamsKept(contextlib.AbstractContextManager):
    """Stands in for llama-cpp-python's suppress_stdout_stderr, which points the process's file
    descriptors 1 and 2 at /dev/null while a model loads: every other thread's output in those seconds
    (the window's, the server's log, a CLI's JSON line) vanished with it. llama.cpp's own load messages
    reach Hearth through the log callback instead (_LoadLog), so nothing needs silencing."""

    def __init__(self, disable: bool = True):
        pass

    def __exit__(self, *exc) -> None:
        return None


def _keep_std_streams(*modules) -> None:
    for module in modules:
        if hasattr(module, "suppress_stdout_stderr"):
            module.suppress_stdout_stderr = _StdStreamsKept


@functools.cache
def _llama_class():
    """llama-cpp-python's Llama with an exactly equivalent, cheaper sampler chain.

    Its chain applies the repetition penalties to the whole vocabulary (152k entries for Qwen) before
    top-k: about 1 ms of CPU per token here, 3% of the bundled model's decode on 2 cores, and a cost
    llama.cpp's own llama-bench never pays. Penalties only ever lower logits, and only those of the last
    `last_n` tokens, so whatever survives top-k (or greedy's argmax) after them is among the top
    k + last_n before them. A top-k of that size first leaves the same candidates, probabilities and,
    with the same seed, the same tokens, for about 0.3 ms. Anything else (grammar, mirostat, penalties
    below 1) takes llama-cpp-python's own chain.
    """
    import llama_cpp
    from llama_cpp import _internals

    _keep_std_streams(llama_cpp.llama, _internals)
    base = llama_cpp.llama_context_params
    flash_field = base.flash_attn_type

    class PinnedFlashAttn(base):
        """Context parameters whose flash-attention mode is the one Hearth set.

        llama-cpp-python's Llama writes only "enabled" or "disabled" there; llama.cpp's own default
        (and llama-bench's) is "auto", which only this field can carry. Its write is ignored.
        """

        @property
        def flash_attn_type(self):
            return flash_field.__get__(self)

        @flash_attn_type.setter
        def flash_attn_type(self, _value):
            pass

    class HearthLlama(llama_cpp.Llama):
        def __init__(self, *args, flash_attn_mode: int | None = None, **kwargs):
            self._flash_attn_mode = flash_attn_mode  # None: llama-cpp-python's own flash_attn=True/False
            super().__init__(*args, **kwargs)

        @property
        def context_params(self):
            return self._context_params

        @context_params.setter
        def context_params(self, params):
            if self._flash_attn_mode is not None and not isinstance(params, PinnedFlashAttn):
                params = PinnedFlashAttn.from_buffer_copy(params)
                flash_field.__set__(params, self._flash_attn_mode)
            self._context_params = params

        def _init_sampler(self, top_k=40, top_p=0.95, min_p=0.05, typical_p=1.0, temp=0.80, repeat_penalty=1.0,
                          frequency_penalty=0.0, presence_penalty=0.0, tfs_z=1.0, mirostat_mode=0, mirostat_eta=0.1,
                          mirostat_tau=5.0, penalize_nl=True, logits_processor=None, grammar=None):  # fmt: skip
            exact = (
                logits_processor is None
                and grammar is None
                and mirostat_mode == 0
                and temp >= 0.0
                and (temp == 0.0 or top_k > 0)
                and repeat_penalty >= 1.0
                and frequency_penalty >= 0.0
                and presence_penalty >= 0.0
            )
            if not exact:
                return super()._init_sampler(
                    top_k=top_k, top_p=top_p, min_p=min_p, typical_p=typical_p, temp=temp,
                    repeat_penalty=repeat_penalty, frequency_penalty=frequency_penalty,
                    presence_penalty=presence_penalty, tfs_z=tfs_z, mirostat_mode=mirostat_mode,
                    mirostat_eta=mirostat_eta, mirostat_tau=mirostat_tau, penalize_nl=penalize_nl,
                    logits_processor=logits_processor, grammar=grammar,
                )  # fmt: skip
            last_n = self.last_n_tokens_size
            sampler = _internals.LlamaSampler()
            sampler.add_top_k((1 if temp == 0.0 else top_k) + last_n)
            sampler.add_penalties(
                n_vocab=self._n_vocab,
                penalty_last_n=last_n,
                penalty_repeat=repeat_penalty,
                penalty_freq=frequency_penalty,
                penalty_present=presence_penalty,
            )
            if temp == 0.0:
                sampler.add_greedy()
                return sampler
            sampler.add_top_k(top_k)
            sampler.add_typical(typical_p, 1)
            sampler.add_top_p(top_p, 1)
            sampler.add_min_p(min_p, 1)
            sampler.add_temp(temp)
            sampler.add_dist(self._seed)
            return sampler

    return HearthLlama


def _piece_reader(llama_cpp, vocab):
    """The raw bytes of one token (a piece may be part of a UTF-8 character, or longer than 32 bytes)."""
    buffer = ctypes.create_string_buffer(256)

    def token_bytes(token: int) -> bytes:
        n = llama_cpp.llama_token_to_piece(vocab, token, buffer, len(buffer), 0, False)
        if n < 0:  # the piece is longer than the buffer: llama.cpp says how long
            bigger = ctypes.create_string_buffer(-n)
            n = llama_cpp.llama_token_to_piece(vocab, token, bigger, -n, 0, False)
            return bigger.raw[:n]
        return buffer.raw[:n]

    return token_bytes


class _LoadLog:
    """What llama.cpp says while a model loads: the KV cache it allocated, whether "auto" chose flash
    attention, and its error lines, which otherwise never reach the user (llama-cpp-python only says
    "Failed to create llama_context")."""

    _KV_BUFFER = re.compile(r"KV buffer size =\s*([0-9.]+) MiB")
    _FLASH = re.compile(r"Flash Attention (enabled|not supported)")

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []

    @contextlib.contextmanager
    def capture(self):
        import llama_cpp
        from llama_cpp import _logger

        @llama_cpp.llama_log_callback
        def keep(level: int, text: bytes, _user_data) -> None:
            self.lines.append((level, text.decode("utf-8", "replace")))

        llama_cpp.llama_log_set(keep, ctypes.c_void_p(0))
        try:
            yield self
        finally:
            llama_cpp.llama_log_set(_logger.llama_log_callback, ctypes.c_void_p(0))

    def errors(self) -> str:
        return "; ".join(text.strip().split(": ", 1)[-1] for level, text in self.lines if level == 3 and text.strip())

    def context_failed(self, exc: Exception) -> bool:
        return "llama_context" in str(exc)

    @property
    def kv_cache_bytes(self) -> int | None:
        sizes = [float(m[1]) for _, text in self.lines if (m := self._KV_BUFFER.search(text))]
        return int(sum(sizes) * 1024 * 1024) if sizes else None

    def flash_attn_used(self, compute: ComputeOptions) -> bool | None:
        if compute.flash_attn != "auto" or compute.type_v != "f16":
            return compute.flash_attn != "off"  # "auto" with a quantized V cache: llama.cpp forces it on
        said = [m[1] for _, text in self.lines if (m := self._FLASH.search(text))]
        return said[-1] == "enabled" if said else None


class LlmEngine:
    def __init__(self) -> None:
        self._llm = None
        self.model: LoadedModel | None = None
        self._is_eog = lambda token: False

    # --- loading ---------------------------------------------------------------------------

    def load(
        self,
        path: str | Path,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int | None = None,
        n_gpu_layers: int = 0,
        compute: ComputeOptions | None = None,
    ) -> LoadedModel:
        """Load a GGUF file. Raises ModelFileError/ModelLoadError/ComputeSettingsError with a message for the user."""
        path = Path(path)
        compute = compute or ComputeOptions()
        info = read_gguf_info(path)  # rejects non-GGUF, truncated and GGML-era files with a clear message
        compute.check(info.head_dim)  # before unloading: refused settings leave the old model loaded
        self.unload()
        import llama_cpp

        # llama.cpp narrates every load on stderr; failures reach the user as exceptions instead.
        logging.getLogger("llama-cpp-python").setLevel(logging.CRITICAL)
        threads = n_threads or default_threads("chat")
        if n_ctx <= 0:
            n_ctx = info.context_length or DEFAULT_N_CTX
        if info.context_length:
            n_ctx = min(n_ctx, info.context_length)
        start = time.perf_counter()
        log = _LoadLog()
        try:
            with log.capture():
                llm = _llama_class()(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    n_gpu_layers=n_gpu_layers,
                    n_batch=compute.n_batch,
                    n_ubatch=compute.n_ubatch,
                    flash_attn_mode=FLASH_ATTN_MODES[compute.flash_attn],
                    type_k=KV_CACHE_TYPES[compute.type_k],
                    type_v=KV_CACHE_TYPES[compute.type_v],
                    verbose=False,
                )
        except jinja2.TemplateError as exc:  # llama-cpp-python compiles the file's template on load
            raise ModelLoadError(
                f"{path.name} has a broken chat template ({exc}), so it cannot be used for chat. "
                "Download a fixed version of the model."
            ) from exc
        except (ValueError, RuntimeError, OSError) as exc:
            if log.context_failed(exc):  # the model loaded; its context (these settings) did not
                raise ModelLoadError(
                    f"llama.cpp could not set up {path.name} with these compute settings "
                    f"({log.errors() or exc}): change them in the model's compute settings."
                ) from exc
            raise ModelLoadError(
                f"llama.cpp could not load {path.name} (architecture '{info.architecture}', "
                f"{info.file_type_name}): {exc}. The file may be damaged, or this llama.cpp build may "
                "not support that architecture yet."
            ) from exc
        load_ms = (time.perf_counter() - start) * 1000
        self._llm = llm
        template_source = "model" if info.chat_template else f"inferred:{self._family(info)}"
        self.model = LoadedModel(
            path=path,
            info=info,
            n_ctx=llm.n_ctx(),
            n_threads=threads,
            n_gpu_layers=n_gpu_layers,
            load_ms=load_ms,
            template_source=template_source,
            compute=compute,
            flash_attn_used=log.flash_attn_used(compute),
            kv_cache_bytes=log.kv_cache_bytes,
        )
        self._is_eog = functools.partial(llama_cpp.llama_vocab_is_eog, llm._model.vocab)
        self._token_bytes = _piece_reader(llama_cpp, llm._model.vocab)
        return self.model

    @staticmethod
    def _family(info: GgufInfo) -> str:
        return render_chat([], template=None, architecture=info.architecture).template_source.split(":", 1)[1]

    def unload(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self._llm = None
        self.model = None

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    # --- tokens ----------------------------------------------------------------------------

    def tokenize_prompt(self, text: str, *, special: bool) -> list[int]:
        llm = self._require()
        tokens = llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)
        bos = llm.token_bos()
        if llm._model.add_bos_token() and bos >= 0 and (not tokens or tokens[0] != bos):
            tokens.insert(0, bos)
        return tokens

    def count_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def render(self, messages: list[dict]) -> RenderedPrompt:
        llm, model = self._require(), self.model
        return render_chat(
            messages,
            template=model.info.chat_template,
            architecture=model.info.architecture,
            bos_token=self._token_text(llm.token_bos()),
            eos_token=self._token_text(llm.token_eos()),
        )

    def _token_text(self, token: int) -> str:
        return self._llm._model.token_get_text(token) if token >= 0 else ""

    def _require(self):
        if self._llm is None:
            raise ModelLoadError("no model is loaded")
        return self._llm

    def _prefill(self, tokens: list[int], cancel: threading.Event) -> int:
        """Evaluate the prompt in cancellable batches, reusing the KV cache; return the cached count.

        Afterwards generate() finds the whole prompt evaluated and samples at once, so Stop works
        during a long prompt and the prompt costs exactly one pass, as in a bare llama.cpp loop.
        """
        llm = self._llm
        cached = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens], tokens):
            if a != b:
                break
            cached += 1
        if cached == len(tokens) == llm.n_tokens and not llm._requires_eval:
            return cached  # exactly this prompt was the last thing evaluated: its logits are current
        cached = min(cached, len(tokens) - 1)  # the last token must be evaluated for fresh logits
        if cached < llm.n_tokens:
            if not llm._ctx.kv_cache_seq_rm(-1, cached, -1):
                cached = 0
            llm.n_tokens = cached
        todo = tokens[cached:]
        step = llm.context_params.n_ubatch  # llama.cpp computes a batch this many at a time anyway
        for i in range(0, len(todo), step):
            if cancel.is_set():
                break
            llm.eval(todo[i : i + step])
        return cached

    # --- generation ------------------------------------------------------------------------

    def stream_chat(
        self, messages: list[dict], params: SamplingParams, cancel: threading.Event | None = None
    ) -> Generation:
        started = time.perf_counter()
        self._require()
        rendered, tokens, dropped = self._fit_to_context(messages, params)
        notice = ""
        if dropped:
            notice = (
                f"The conversation is longer than the model's {self.model.n_ctx}-token context: "
                f"the oldest {dropped} message{'s' if dropped != 1 else ''} were left out of this reply."
            )
        stats = GenerationStats(n_ctx=self.model.n_ctx, load_ms=self.model.load_ms, prompt_tokens=len(tokens))
        stats.dropped_messages = dropped
        return Generation(
            engine=self,
            tokens=tokens,
            params=params,
            cancel=cancel or threading.Event(),
            stops=rendered.stop,
            stats=stats,
            started=started,
            notice=notice,
            template_source=rendered.template_source,
        )

    def stream_completion(
        self, prompt: str, params: SamplingParams, cancel: threading.Event | None = None
    ) -> Generation:
        """The seed's `./main -p PROMPT -n N`: continue raw text, no chat template."""
        started = time.perf_counter()
        self._require()
        tokens = self.tokenize_prompt(prompt, special=False)
        if len(tokens) >= self.model.n_ctx:
            raise ContextOverflowError(
                f"the prompt is {len(tokens)} tokens; this model's context holds {self.model.n_ctx}. "
                "Shorten it or raise the context length."
            )
        stats = GenerationStats(n_ctx=self.model.n_ctx, load_ms=self.model.load_ms, prompt_tokens=len(tokens))
        return Generation(
            engine=self,
            tokens=tokens,
            params=params,
            cancel=cancel or threading.Event(),
            stops=[],
            stats=stats,
            started=started,
        )

    def _fit_to_context(self, messages: list[dict], params: SamplingParams):
        """Render the prompt; if it is too long, drop the oldest turns but keep the system prompt."""
        n_ctx = self.model.n_ctx
        reserve = min(params.max_tokens, n_ctx // 4)
        budget = n_ctx - reserve
        system = [m for m in messages[:1] if m["role"] == "system"]
        turns = messages[len(system) :]

        def attempt(drop: int):
            rendered = self.render(system + turns[drop:])
            return rendered, self.tokenize_prompt(rendered.text, special=True)

        rendered, tokens = attempt(0)
        if len(tokens) <= budget:
            return rendered, tokens, 0
        # Dropping more turns never makes the prompt longer, so binary-search the fewest to drop.
        low, high, best = 1, len(turns) - 1, None
        while low <= high:
            mid = (low + high) // 2
            candidate = attempt(mid)
            if len(candidate[1]) <= budget:
                best, high = (mid, candidate), mid - 1
            else:
                low = mid + 1
        if best is None:
            last = turns[-1]["content"] if turns else ""
            raise ContextOverflowError(
                f"your message is about {self.count_tokens(last):,} tokens, more than this model's "
                f"{n_ctx:,}-token context can take with room for a reply. Shorten it, or raise the "
                "context length in the model's settings."
            )
        drop, (rendered, tokens) = best
        # A reply must follow a user turn: never start the kept history with an assistant message.
        while drop < len(turns) - 1 and turns[drop]["role"] == "assistant":
            drop += 1
            rendered, tokens = attempt(drop)
        return rendered, tokens, drop
