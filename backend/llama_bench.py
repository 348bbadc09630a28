"""llama.cpp's llama-bench, run on the engine build the app itself uses.

Same definitions as `llama-bench` (tools/llama-bench/llama-bench.cpp), so a user's figures compare
with the tables llama.cpp's users publish:
- random token ids, never text: tokenisation and sampling are not measured;
- `ppN`: N tokens decoded in batches of n_batch, one synchronisation at the end;
- `tgN`: N single-token decodes, synchronised after each (the logits of each token are ready);
- one warm-up per test (the full prompt for pp, one token for tg), then `repetitions` timed runs with
  the KV cache cleared before each; t/s = tokens ÷ run time, reported as mean ± sample stddev.

Each timed run is cross-checked against llama.cpp's own perf counters (llama_perf_context): the
decoded token counts must equal what the test asked for, so a number here is never a guess about
what llama.cpp did.

Not thread-safe: one thread runs a bench (in the app, the LLM service's engine thread, so a chat
waits while it runs). `cancel` may be set from any thread: it is checked between batches and tokens
and inside a batch through llama.cpp's abort callback.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import logging
import os
import platform
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from backend.errors import HearthError, ModelLoadError
from backend.models.gguf_info import read_gguf_info

FLASH_ATTN = {"auto": -1, "off": 0, "on": 1}
# llama-bench's KV cache types: ggml_type ids from ggml.h.
CACHE_TYPES = {"f32": 0, "f16": 1, "q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8, "bf16": 30}
LLAMA_DECODE_ABORTED = 2

Progress = Callable[[float, str], None]


class BenchError(HearthError):
    pass


def default_bench_threads() -> int:
    # llama-bench's default is the number of "math" cores; on hyper-threaded CPUs that is the physical
    # count. os.cpu_count() is logical cores, so prefer what sched_getaffinity says we may use.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclass(frozen=True)
class BenchSettings:
    """The llama-bench parameters Hearth exposes; defaults are llama-bench's own."""

    n_threads: int = field(default_factory=default_bench_threads)
    n_gpu_layers: int = 99
    n_batch: int = 2048
    n_ubatch: int = 512
    flash_attn: str = "auto"
    type_k: str = "f16"
    type_v: str = "f16"

    def __post_init__(self) -> None:
        if self.flash_attn not in FLASH_ATTN:
            raise BenchError(f"flash attention must be one of {', '.join(FLASH_ATTN)}, not {self.flash_attn!r}")
        for name in (self.type_k, self.type_v):
            if name not in CACHE_TYPES:
                raise BenchError(f"unknown KV cache type {name!r}; use one of {', '.join(CACHE_TYPES)}")
        if self.n_threads < 1 or self.n_batch < 1 or self.n_ubatch < 1:
            raise BenchError("threads, batch size and micro-batch size must be at least 1")

    def as_dict(self) -> dict:
        return {
            "n_threads": self.n_threads,
            "n_gpu_layers": self.n_gpu_layers,
            "n_batch": self.n_batch,
            "n_ubatch": self.n_ubatch,
            "flash_attn": self.flash_attn,
            "type_k": self.type_k,
            "type_v": self.type_v,
        }

    @classmethod
    def from_dict(cls, data: dict) -> BenchSettings:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class BenchTest:
    model: Path
    n_prompt: int
    n_gen: int
    settings: BenchSettings

    @property
    def name(self) -> str:
        if self.n_prompt and self.n_gen:
            return f"pp{self.n_prompt}+tg{self.n_gen}"
        return f"pp{self.n_prompt}" if self.n_prompt else f"tg{self.n_gen}"


@dataclass(frozen=True)
class ModelFacts:
    model_type: str  # llama_model_desc: "qwen2 1B Q4_K - Medium"
    model_size: int  # bytes of weights
    model_n_params: int


@dataclass(frozen=True)
class BenchResult:
    test: BenchTest
    facts: ModelFacts
    backend: str
    samples_ns: tuple[int, ...]
    # llama.cpp's own perf counters for each timed run: (prompt tokens, single-token decodes, prompt ms, gen ms)
    perf_runs: tuple[tuple[int, int, float, float], ...]
    test_time: str

    @property
    def n_tokens(self) -> int:
        return self.test.n_prompt + self.test.n_gen

    @property
    def samples_ts(self) -> list[float]:
        return [1e9 * self.n_tokens / ns for ns in self.samples_ns]

    @property
    def avg_ts(self) -> float:
        return statistics.fmean(self.samples_ts) if self.samples_ns else 0.0

    @property
    def stddev_ts(self) -> float:
        return statistics.stdev(self.samples_ts) if len(self.samples_ns) > 1 else 0.0

    @property
    def avg_ns(self) -> float:
        return statistics.fmean(self.samples_ns) if self.samples_ns else 0.0

    @property
    def stddev_ns(self) -> float:
        return statistics.stdev(self.samples_ns) if len(self.samples_ns) > 1 else 0.0

    @property
    def perf_prompt_tokens(self) -> int:
        """Prompt tokens llama.cpp counted over the timed runs (it reports a zero count as 1)."""
        return sum(run[0] for run in self.perf_runs) if self.test.n_prompt else 0

    @property
    def perf_gen_tokens(self) -> int:
        return sum(run[1] for run in self.perf_runs) if self.test.n_gen else 0

    @property
    def counters_match(self) -> bool:
        """Every timed run decoded exactly the tokens the test names, by llama.cpp's own count."""
        expected = (max(1, self.test.n_prompt), max(1, self.test.n_gen))
        return len(self.perf_runs) == len(self.samples_ns) and all(run[:2] == expected for run in self.perf_runs)

    @property
    def perf_ts(self) -> float:
        """t/s from llama.cpp's own compute timers (excludes Python's loop around the decode calls)."""
        tokens = self.perf_prompt_tokens + self.perf_gen_tokens
        ms = sum((run[2] if self.test.n_prompt else 0) + (run[3] if self.test.n_gen else 0) for run in self.perf_runs)
        return tokens / (ms / 1000) if ms > 0 else 0.0


@dataclass(frozen=True)
class BuildInfo:
    """What produced the numbers: which engine build, on what machine."""

    llama_cpp_python: str
    backend: str
    system_info: str
    cpu: str
    cores: int
    gpu: str
    os: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @property
    def label(self) -> str:
        return f"llama-cpp-python {self.llama_cpp_python} ({self.backend})"


def build_info() -> BuildInfo:
    import llama_cpp

    from backend.hardware import compute_backend

    backend = compute_backend()
    gpu = ""
    if backend.gpu_offload:
        gpu = backend.name + (f", {backend.vram_total / 2**30:.0f} GiB" if backend.vram_total else "")
    return BuildInfo(
        llama_cpp_python=llama_cpp.__version__,
        backend=backend.name,
        system_info=backend.system_info,
        cpu=_cpu_name(),
        cores=os.cpu_count() or 1,
        gpu=gpu,
        os=platform.platform(),
    )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def plan(
    models: Sequence[Path | str],
    *,
    n_prompt: Sequence[int] = (512,),
    n_gen: Sequence[int] = (128,),
    settings: Sequence[BenchSettings] = (BenchSettings(),),
) -> list[BenchTest]:
    """Every model × every settings × (each pp, then each tg), in llama-bench's order."""
    if not models:
        raise BenchError("choose at least one model to benchmark")
    if any(n < 0 for n in [*n_prompt, *n_gen]):
        raise BenchError("token counts cannot be negative")
    tests = []
    for model in models:
        for s in settings:
            tests += [BenchTest(Path(model), n, 0, s) for n in n_prompt if n > 0]
            tests += [BenchTest(Path(model), 0, n, s) for n in n_gen if n > 0]
    if not tests:
        raise BenchError("nothing to measure: give a prompt size (-p) or a generation length (-n) above 0")
    return tests


class _Model:
    """One llama_model, shared by the tests that load it with the same GPU layers (as llama-bench does)."""

    def __init__(self, path: Path, n_gpu_layers: int):
        import llama_cpp

        read_gguf_info(path)  # a clear sentence for a file that is not a model, before llama.cpp sees it
        params = llama_cpp.llama_model_default_params()
        params.n_gpu_layers = n_gpu_layers
        self.path = path
        self.n_gpu_layers = n_gpu_layers
        self.ptr = llama_cpp.llama_model_load_from_file(str(path).encode(), params)
        if not self.ptr:
            raise ModelLoadError(f"llama.cpp could not load {path.name}")
        buf = ctypes.create_string_buffer(256)
        llama_cpp.llama_model_desc(self.ptr, buf, len(buf))
        self.facts = ModelFacts(
            model_type=buf.value.decode("utf-8", "replace"),
            model_size=int(llama_cpp.llama_model_size(self.ptr)),
            model_n_params=int(llama_cpp.llama_model_n_params(self.ptr)),
        )
        vocab = llama_cpp.llama_model_get_vocab(self.ptr)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(vocab))
        self.bos = int(llama_cpp.llama_vocab_bos(vocab)) if llama_cpp.llama_vocab_get_add_bos(vocab) else None

    def close(self) -> None:
        import llama_cpp

        if self.ptr:
            llama_cpp.llama_model_free(self.ptr)
            self.ptr = None


class _Context:
    def __init__(self, model: _Model, test: BenchTest, cancel: threading.Event):
        import llama_cpp

        s = test.settings
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = test.n_prompt + test.n_gen
        params.n_batch = s.n_batch
        params.n_ubatch = s.n_ubatch
        params.n_threads = s.n_threads
        params.n_threads_batch = s.n_threads
        params.flash_attn_type = FLASH_ATTN[s.flash_attn]
        params.type_k = CACHE_TYPES[s.type_k]
        params.type_v = CACHE_TYPES[s.type_v]
        params.no_perf = False
        # Checked by ggml between graph nodes: Cancel interrupts even a long prompt batch.
        self._abort = llama_cpp.ggml_abort_callback(lambda _data: cancel.is_set())
        params.abort_callback = self._abort
        self.ptr = llama_cpp.llama_init_from_model(model.ptr, params)
        if not self.ptr:
            raise BenchError(
                f"llama.cpp could not create a context for {test.name} on {model.path.name} with "
                f"{_describe(s)} (a quantized V cache needs flash attention on)"
            )
        self.model = model
        self.cancel = cancel
        self.memory = llama_cpp.llama_get_memory(self.ptr)
        self.rng = random.Random(0)  # llama-bench uses std::rand() unseeded: fixed, arbitrary ids

    def close(self) -> None:
        import llama_cpp

        if self.ptr:
            llama_cpp.llama_free(self.ptr)
            self.ptr = None

    def clear(self) -> None:
        import llama_cpp

        llama_cpp.llama_memory_clear(self.memory, False)

    def _decode(self, tokens: list[int]) -> bool:
        import llama_cpp

        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        status = llama_cpp.llama_decode(self.ptr, llama_cpp.llama_batch_get_one(array, len(tokens)))
        if status == LLAMA_DECODE_ABORTED or self.cancel.is_set():
            return False
        if status != 0:
            raise BenchError(f"llama.cpp failed to decode a batch (status {status})")
        return True

    def prompt(self, n_prompt: int, n_batch: int) -> bool:
        import llama_cpp

        done = 0
        while done < n_prompt:
            n = min(n_prompt - done, n_batch)
            first = self.model.bos if done == 0 and self.model.bos is not None else self._random()
            if not self._decode([first] + [self._random() for _ in range(n - 1)]):
                return False
            done += n
        llama_cpp.llama_synchronize(self.ptr)
        return True

    def generate(self, n_gen: int) -> bool:
        import llama_cpp

        token = self.model.bos if self.model.bos is not None else self._random()
        for _ in range(n_gen):
            if not self._decode([token]):
                return False
            llama_cpp.llama_synchronize(self.ptr)
            token = self._random()
        return True

    def _random(self) -> int:
        return self.rng.randrange(self.model.n_vocab)

    def perf(self):
        import llama_cpp

        return llama_cpp.llama_perf_context(self.ptr)

    def perf_reset(self) -> None:
        import llama_cpp

        llama_cpp.llama_perf_context_reset(self.ptr)


def _describe(s: BenchSettings) -> str:
    return (
        f"{s.n_threads} threads, ngl {s.n_gpu_layers}, batch {s.n_batch}/{s.n_ubatch}, "
        f"flash attention {s.flash_attn}, KV {s.type_k}/{s.type_v}"
    )


def run(
    tests: Sequence[BenchTest],
    *,
    repetitions: int = 5,
    warmup: bool = True,
    cancel: threading.Event | None = None,
    on_progress: Progress | None = None,
) -> Iterator[BenchResult]:
    """Yield one result per test as it completes; stop early (yielding nothing more) when cancelled."""
    import llama_cpp

    if repetitions < 1:
        raise BenchError("repetitions must be at least 1")
    logging.getLogger("llama-cpp-python").setLevel(logging.CRITICAL)
    llama_cpp.llama_backend_init()
    cancel = cancel or threading.Event()
    backend = build_info().backend
    progress = _Progress(on_progress, max(1, len(tests) * (repetitions + (1 if warmup else 0))))
    model: _Model | None = None
    try:
        for index, test in enumerate(tests):
            if cancel.is_set():
                return
            label = f"{index + 1}/{len(tests)} {test.model.name} {test.name}"
            if model is None or model.path != test.model or model.n_gpu_layers != test.settings.n_gpu_layers:
                if model is not None:
                    model.close()
                    model = None
                progress.say(f"{label}: loading the model")
                model = _Model(test.model, test.settings.n_gpu_layers)
            context = _Context(model, test, cancel)
            try:
                result = _run_test(context, test, repetitions, warmup, backend, label, progress)
            finally:
                context.close()
            if result is None:
                return
            progress.say(f"{label}: {result.avg_ts:.2f} ± {result.stddev_ts:.2f} t/s")
            yield result
    finally:
        if model is not None:
            model.close()


class _Progress:
    """Fraction of warm-ups and timed runs done, with what is happening now."""

    def __init__(self, callback: Progress | None, total: int):
        self.callback, self.total, self.done = callback, total, 0

    def say(self, message: str) -> None:
        if self.callback:
            self.callback(self.done / self.total, message)

    def step(self) -> None:
        self.done += 1


def _run_test(context, test, repetitions, warmup, backend, label, progress: _Progress) -> BenchResult | None:
    s = test.settings
    if warmup:
        progress.say(f"{label}: warm-up")
        context.clear()
        if test.n_prompt and not context.prompt(test.n_prompt, s.n_batch):
            return None
        if test.n_gen and not context.generate(1):
            return None
        progress.step()
    samples: list[int] = []
    perf_runs = []
    for rep in range(repetitions):
        progress.say(f"{label}: run {rep + 1}/{repetitions}")
        context.clear()
        context.perf_reset()
        start = time.perf_counter_ns()
        if test.n_prompt and not context.prompt(test.n_prompt, s.n_batch):
            return None
        if test.n_gen and not context.generate(test.n_gen):
            return None
        samples.append(time.perf_counter_ns() - start)
        perf = context.perf()
        perf_runs.append((perf.n_p_eval, perf.n_eval, perf.t_p_eval_ms, perf.t_eval_ms))
        progress.step()
    return BenchResult(
        test=test,
        facts=context.model.facts,
        backend=backend,
        samples_ns=tuple(samples),
        perf_runs=tuple(perf_runs),
        test_time=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
