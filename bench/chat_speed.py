"""Chat: the app's whole path (ChatPane → LlmService's engine thread → batched signals → painted bubble)
against a bare llama-cpp-python loop on the same model, threads, context, prompt and token count.

Runs are interleaved and their order alternates (raw-app, app-raw, …), so a slow patch of a shared
machine lands on both sides; each repeat gives one paired ratio, and the repeats continue (up to a
maximum) until the 95% interval of every ratio's median is clear of its goal. TTFT is measured to the
end of the first paint of the reply's text on screen (the pane is a shown window on the X server the
bench runs on), not to the arrival of the signal that carries it.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

from backend.llm import KV_CACHE_TYPES, SamplingParams
from bench.stats import decided, percentile, summary

PROMPT = "Write a detailed essay about the history of the printing press and its effect on science."
GOALS = {"ratio_prompt": ">= 0.97", "ratio_generation": ">= 0.97", "ttft_overhead_ms": "<= 30 ms"}


def _raw_run(llm, tokens: list[int], n_tokens: int, params: SamplingParams, is_eog) -> dict:
    llm.reset()  # no KV reuse between runs: both sides evaluate the whole prompt each time
    start = time.perf_counter()
    first = last = None
    count = 0
    for token in llm.generate(
        tokens,
        top_k=params.top_k,
        top_p=params.top_p,
        min_p=params.min_p,
        temp=params.temperature,
        repeat_penalty=params.repeat_penalty,
    ):
        now = time.perf_counter()
        if first is None:
            first = now
        if is_eog(token):
            break
        count += 1
        last = now
        llm.detokenize([token])
        if count >= n_tokens:
            break
    return {
        "ttft_ms": (first - start) * 1000,
        "prompt_tokens_per_second": len(tokens) / (first - start),
        "tokens_per_second": (count - 1) / (last - first) if count > 1 else 0.0,
        "generated_tokens": count,
    }


class _PaintProbe(QObject):
    """When the reply's text is first painted: the end of the first paint of its bubble with text in it.

    An event filter sees the paint before it happens; a zero timer started there fires once the event
    loop is free again, that is after the paint (and the flush to the X server) — an upper bound.
    """

    def __init__(self, bubble):
        super().__init__()
        self.bubble = bubble
        self.painted_at: float | None = None
        self._armed = False
        bubble.body.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Paint and not self._armed and self.bubble.text():
            self._armed = True
            QTimer.singleShot(0, self._on_painted)
        return False

    def _on_painted(self) -> None:
        self.painted_at = time.perf_counter()


def _app_run(pane, n_tokens: int, stall_probe_ms: int | None = None) -> dict:
    """Send PROMPT through the real ChatPane and wait for the reply, timing what the user sees."""
    pane.llm_service.run(lambda engine: engine._llm.reset()).result()  # same cold prompt as the raw loop
    pane.new_conversation()
    pane.input.setPlainText(PROMPT)
    seen = {"signal": None}
    gaps: list[float] = []
    loop = QEventLoop()
    result = {}

    def on_tokens(_id, _text):
        if seen["signal"] is None:
            seen["signal"] = time.perf_counter()

    def on_finished(stats):
        result.update(stats)
        QTimer.singleShot(50, loop.quit)  # let the last paint land

    pane.worker.tokens_received.connect(on_tokens)
    pane.generation_finished.connect(on_finished)
    probe = None
    if stall_probe_ms:
        last = [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        probe = QTimer()
        probe.setInterval(stall_probe_ms)
        probe.timeout.connect(tick)
        probe.start()
    sent = time.perf_counter()
    pane.send()
    paint = _PaintProbe(pane.view.bubbles[-1])
    loop.exec()
    if probe:
        probe.stop()
    pane.worker.tokens_received.disconnect(on_tokens)
    pane.generation_finished.disconnect(on_finished)
    if result.get("stop_reason") == "error":
        raise RuntimeError(f"the app's reply failed: {result.get('error')}")
    result["signal_ttft_ms"] = (seen["signal"] - sent) * 1000
    result["painted_ttft_ms"] = ((paint.painted_at or seen["signal"]) - sent) * 1000
    result["painted"] = paint.painted_at is not None
    result["stall_gaps_ms"] = gaps[1:]
    return result


def run(
    model_path,
    *,
    min_repeats: int,
    max_repeats: int,
    n_tokens: int,
    n_ctx: int = 2048,
    stall_runs: int = 3,
    progress=print,
) -> dict:
    import functools

    import llama_cpp

    from backend.conversations import ConversationStore
    from backend.defaults import default_threads
    from backend.llm_service import LlmService
    from backend.settings import Settings
    from gui.chat_pane import ChatPane

    threads = default_threads("chat")
    params = SamplingParams(temperature=0.0, max_tokens=n_tokens, seed=1)
    settings = Settings()
    settings.set_model_settings(str(model_path), {"n_ctx": n_ctx, "n_threads": threads})
    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": n_tokens})
    store = ConversationStore(":memory:")
    service = LlmService()
    pane = ChatPane(store, settings, service)
    pane.resize(1100, 760)
    pane.show()  # a window on the bench's display: paints are real paints
    loop = QEventLoop()
    pane.model_status_changed.connect(lambda _info: loop.quit())
    pane.load_model(str(model_path))
    loop.exec()
    if not pane.model_info:
        raise RuntimeError("the app could not load the model")

    # The bare loop runs what the app's engine runs: the same batch sizes, KV cache types and flash
    # attention as llama.cpp resolved it (plain llama-cpp-python can only say on or off).
    loaded = service.loaded_model
    compute = loaded.compute
    raw = llama_cpp.Llama(
        model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
        n_batch=compute.n_batch, n_ubatch=compute.n_ubatch, flash_attn=bool(loaded.flash_attn_used),
        type_k=KV_CACHE_TYPES[compute.type_k], type_v=KV_CACHE_TYPES[compute.type_v], verbose=False,
    )  # fmt: skip
    is_eog = functools.partial(llama_cpp.llama_vocab_is_eog, raw._model.vocab)
    tokens = service.run(
        lambda engine: engine.tokenize_prompt(engine.render([{"role": "user", "content": PROMPT}]).text, special=True)
    ).result()

    app_runs, raw_runs = [], []
    _app_run(pane, 8)  # warm-up: first-touch page faults and thread start-up, on both sides
    _raw_run(raw, tokens, 8, params, is_eog)

    def ratios(key: str, app_key: str | None = None) -> list[float]:
        return [a[app_key or key] / r[key] for a, r in zip(app_runs, raw_runs) if r[key]]

    def overheads() -> list[float]:
        return [a["painted_ttft_ms"] - r["ttft_ms"] for a, r in zip(app_runs, raw_runs)]

    for i in range(max_repeats):
        pair = [lambda: raw_runs.append(_raw_run(raw, tokens, n_tokens, params, is_eog)),
                lambda: app_runs.append(_app_run(pane, n_tokens))]  # fmt: skip
        for step in pair if i % 2 == 0 else reversed(pair):
            step()
        progress(
            f"  chat repeat {i + 1}: app {app_runs[-1]['tokens_per_second']:.1f} t/s,"
            f" raw {raw_runs[-1]['tokens_per_second']:.1f} t/s"
        )
        if i + 1 >= min_repeats and all(
            decided(values, GOALS[key])
            for key, values in (
                ("ratio_prompt", ratios("prompt_tokens_per_second")),
                ("ratio_generation", ratios("tokens_per_second")),
                ("ttft_overhead_ms", overheads()),
            )
        ):
            break

    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": 256})
    stalls = [_app_run(pane, 256, stall_probe_ms=5) for _ in range(stall_runs)]
    pane.shutdown()
    pane.close()
    service.close()
    raw.close()
    store.close()

    worst = {
        "p50": max(percentile(s["stall_gaps_ms"], 50) for s in stalls),
        "p99": max(percentile(s["stall_gaps_ms"], 99) for s in stalls),
        "max": max(max(s["stall_gaps_ms"], default=0.0) for s in stalls),
    }
    return {
        "threads": threads,
        "n_ctx": n_ctx,
        "compute": {**dataclasses.asdict(compute), "flash_attn_used": loaded.flash_attn_used},
        "prompt_tokens": len(tokens),
        "generated_tokens": app_runs[-1]["generated_tokens"],
        "repeats": len(app_runs),
        "painted_every_run": all(a["painted"] for a in app_runs),
        "app": {
            k: summary([r[k] for r in app_runs])
            for k in ("prompt_tokens_per_second", "tokens_per_second", "painted_ttft_ms", "signal_ttft_ms")
        },
        "raw": {
            k: summary([r[k] for r in raw_runs]) for k in ("prompt_tokens_per_second", "tokens_per_second", "ttft_ms")
        },
        "ratio_prompt": summary(ratios("prompt_tokens_per_second")),
        "ratio_generation": summary(ratios("tokens_per_second")),
        "ttft_overhead_ms": summary(overheads()),
        "gui_stalls_chat_ms": {"tokens": stalls[-1]["generated_tokens"], "runs": len(stalls), **worst},
    }
