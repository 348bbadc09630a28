"""Chat: the app's whole path (ChatPane → worker thread → engine → batched signals → painted
bubble) against a bare llama-cpp-python loop on the same model, threads, context, prompt and
token count, alternating, several repeats."""

from __future__ import annotations

import time

from PySide6.QtCore import QEventLoop, QTimer

from backend.llm import SamplingParams, default_threads
from bench.stats import percentile, summary

PROMPT = "Write a detailed essay about the history of the printing press and its effect on science."


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


def _app_run(pane, n_tokens: int, stall_probe_ms: int | None = None) -> dict:
    """Send PROMPT through the real ChatPane and wait for the reply, timing what the GUI sees."""
    pane.worker.engine._llm.reset()  # the worker is idle between runs; same cold prompt as the raw loop
    pane.new_conversation()
    pane.input.setPlainText(PROMPT)
    seen = {"first": None}
    gaps: list[float] = []
    loop = QEventLoop()
    result = {}

    def on_tokens(_id, _text):
        if seen["first"] is None:
            seen["first"] = time.perf_counter()

    def on_finished(stats):
        result.update(stats)
        loop.quit()

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
    loop.exec()
    if probe:
        probe.stop()
    pane.worker.tokens_received.disconnect(on_tokens)
    pane.generation_finished.disconnect(on_finished)
    result["gui_ttft_ms"] = (seen["first"] - sent) * 1000
    result["stall_gaps_ms"] = gaps[1:]
    return result


def run(model_path, *, repeats: int, n_tokens: int, n_ctx: int = 2048, progress=print) -> dict:
    import functools

    import llama_cpp

    from backend.conversations import ConversationStore
    from backend.settings import Settings
    from gui.chat_pane import ChatPane

    threads = default_threads()
    params = SamplingParams(temperature=0.0, max_tokens=n_tokens, seed=1)
    settings = Settings()
    settings.set_model_settings(str(model_path), {"n_ctx": n_ctx, "n_threads": threads})
    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": n_tokens})
    store = ConversationStore(":memory:")
    pane = ChatPane(store, settings)
    loop = QEventLoop()
    pane.model_status_changed.connect(lambda _info: loop.quit())
    pane.load_model(str(model_path))
    loop.exec()
    if not pane.model_info:
        raise RuntimeError("the app could not load the model")

    raw = llama_cpp.Llama(
        model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, verbose=False
    )
    is_eog = functools.partial(llama_cpp.llama_vocab_is_eog, raw._model.vocab)
    rendered = pane.worker.engine.render([{"role": "user", "content": PROMPT}])
    tokens = pane.worker.engine.tokenize_prompt(rendered.text, special=True)

    app_runs, raw_runs = [], []
    _app_run(pane, 8)  # warm-up: first-touch page faults and thread start-up, on both sides
    _raw_run(raw, tokens, 8, params, is_eog)
    for i in range(repeats):
        raw_runs.append(_raw_run(raw, tokens, n_tokens, params, is_eog))
        app_runs.append(_app_run(pane, n_tokens))
        progress(
            f"  chat repeat {i + 1}/{repeats}: app {app_runs[-1]['tokens_per_second']:.1f} t/s,"
            f" raw {raw_runs[-1]['tokens_per_second']:.1f} t/s"
        )

    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": 256})
    stall_run = _app_run(pane, 256, stall_probe_ms=5)
    pane.shutdown()
    raw.close()
    store.close()

    def ratio(key):
        return summary([a[key] / r[key] for a, r in zip(app_runs, raw_runs) if r[key]])

    gaps = stall_run["stall_gaps_ms"]
    return {
        "threads": threads,
        "n_ctx": n_ctx,
        "prompt_tokens": len(tokens),
        "generated_tokens": app_runs[-1]["generated_tokens"],
        "app": {
            k: summary([r[k] for r in app_runs])
            for k in ("prompt_tokens_per_second", "tokens_per_second", "gui_ttft_ms")
        },
        "raw": {
            k: summary([r[k] for r in raw_runs]) for k in ("prompt_tokens_per_second", "tokens_per_second", "ttft_ms")
        },
        "ratio_prompt": ratio("prompt_tokens_per_second"),
        "ratio_generation": ratio("tokens_per_second"),
        "ttft_overhead_ms": summary([a["gui_ttft_ms"] - r["ttft_ms"] for a, r in zip(app_runs, raw_runs)]),
        "gui_stalls_chat_ms": {
            "tokens": stall_run["generated_tokens"],
            "p50": percentile(gaps, 50),
            "p99": percentile(gaps, 99),
            "max": max(gaps) if gaps else 0.0,
        },
    }
