"""Hearth's chat path against llama.cpp's own C llama-bench, on the same model and machine.

Alternating runs in one process run: each of C `llama-bench`'s pp512, tg128 and tg128 @ d512 as its own
invocation (its own warm-up included), each right beside the app's run it is compared with: the app's
engine (backend/llm.py: prefill in n_batch chunks, then llama-cpp-python's generate loop with sampling
and detokenisation, as the chat does) continuing a 512-token text for 128 tokens, and continuing a short
text for 128 tokens; the order flips every repeat. The C side gets the
chat engine's own threads and compute settings (flash attention, batch sizes, KV cache types: Hearth's
defaults, or those given), so the ratios measure the Python path, not a different configuration.

Each ratio compares the same work. llama-bench's tg128 decodes from an empty KV cache; generation after a
512-token prompt attends to 512 more positions and is slower in C too (tg128 @ d512), so the chat-like run
is compared with that, and the short-prompt run with plain tg128.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from backend.llm import ComputeOptions, LlmEngine, SamplingParams
from bench import llama_cpp_c
from bench.stats import summary

TEXT = (
    "The printing press changed how knowledge moved through Europe. Before it, books were copied by hand, "
    "slowly and with errors; after it, the same text could reach thousands of readers in a few months. "
    "Scientists could compare observations, correct each other's tables and build on results they had "
    "never seen in person. "
)


def _prompt_of(engine: LlmEngine, n_tokens: int) -> str:
    """Plain text that tokenises to about n_tokens (the exact count is reported)."""
    llm = engine._llm
    tokens = engine.tokenize_prompt(TEXT * (n_tokens // 40 + 2), special=False)[:n_tokens]  # BOS included
    return llm.detokenize(tokens[1:] if tokens and tokens[0] == llm.token_bos() else tokens).decode("utf-8", "ignore")


SHORT_PROMPT_TOKENS = 8


def _app_run(engine: LlmEngine, prompt: str, n_gen: int) -> dict:
    engine._llm.reset()  # a cold prompt, as llama-bench's cleared KV cache
    is_eog = engine._is_eog
    context = engine._llm._ctx
    decode = context.decode
    decoding = {"seconds": 0.0, "calls": 0}

    def never_ends(token: int) -> bool:
        """Like tg128, n_gen tokens whatever the model says; the per-token check still costs what it does."""
        is_eog(token)
        return False

    def timed_decode(batch):
        """llama_decode of one token, timed as llama-bench's tg times it: the C work alone."""
        if batch.batch.n_tokens != 1:
            return decode(batch)
        started = time.perf_counter()
        try:
            return decode(batch)
        finally:
            decoding["seconds"] += time.perf_counter() - started
            decoding["calls"] += 1

    engine._is_eog = never_ends
    context.decode = timed_decode
    generation = engine.stream_completion(
        prompt,
        SamplingParams(max_tokens=n_gen, seed=1),
        threading.Event(),  # the chat's default sampling
    )
    try:
        for _ in generation:
            pass
    finally:
        engine._is_eog = is_eog
        del context.decode
    stats = generation.stats
    return {
        "prompt_tokens": stats.prompt_eval_tokens,
        "prompt_tokens_per_second": stats.prompt_tokens_per_second,
        "generated_tokens": stats.generated_tokens,
        "tokens_per_second": stats.tokens_per_second,
        # the chat path's speed ÷ that of the llama_decode calls inside it: what the Python path and
        # the sampling cost, measured within the same tokens, so the machine's noise cancels out
        "own_decode_share": stats.tokens_per_second * decoding["seconds"] / decoding["calls"],
    }


TESTS = ("pp", "tg", "tg_deep")


def run(
    model_path,
    cache,
    *,
    repeats: int,
    n_prompt: int = 512,
    n_gen: int = 128,
    compute: ComputeOptions | None = None,
    tests: tuple[str, ...] = TESTS,
    progress=print,
) -> dict:
    """`tests` picks comparisons (pp, tg, tg_deep): on a shared machine one of them may need many more
    repeats than the others for an interval narrower than the margin, and each repeat of all three
    costs about 47 s here, a tg pair alone about 14 s. `main.py bench --c-tests` checks the names."""
    exe, built = llama_cpp_c.build(cache, progress)
    progress(
        f"  llama-bench {'cached' if built['cached'] else 'built'}: the build took {built['seconds']} s"
        f" with {built['jobs']} jobs"
    )
    engine = LlmEngine()
    model = engine.load(model_path, compute=compute)
    settings = {"threads": model.n_threads, **dataclasses.asdict(model.compute)}
    prompt = _prompt_of(engine, n_prompt)
    short_prompt = _prompt_of(engine, SHORT_PROMPT_TOKENS)
    _app_run(engine, prompt, 8)  # warm-up (the C side warms up inside each invocation)
    c_args = {"pp": (n_prompt, 0, 0), "tg": (0, n_gen, 0), "tg_deep": (0, n_gen, n_prompt)}
    c_runs: dict[str, list[float]] = {test: [] for test in tests}
    app_runs, short_runs = [], []

    def c_test(test: str) -> None:
        n_p, n_g, depth = c_args[test]
        (record,) = llama_cpp_c.run(exe, model_path, n_prompt=n_p, n_gen=n_g, reps=1, depths=(depth,), **settings)
        c_runs[test].append(record["avg_ts"])

    # Each C test runs right beside the app's run it is compared with (the long-prompt run serves pp
    # and tg_deep, one on each side), and the order flips every repeat: on a shared machine the
    # speed drifts by 10% over a minute, much less over seconds.
    steps = []
    if "pp" in tests:
        steps.append(lambda: c_test("pp"))
    if "pp" in tests or "tg_deep" in tests:
        steps.append(lambda: app_runs.append(_app_run(engine, prompt, n_gen)))
    if "tg_deep" in tests:
        steps.append(lambda: c_test("tg_deep"))
    if "tg" in tests:
        steps += [lambda: c_test("tg"), lambda: short_runs.append(_app_run(engine, short_prompt, n_gen))]
    for i in range(repeats):
        for step in steps if i % 2 == 0 else reversed(steps):
            step()
        seen = []
        if "pp" in tests:
            seen.append(f"prompt {app_runs[-1]['prompt_tokens_per_second']:.1f} vs pp{n_prompt} {c_runs['pp'][-1]:.1f}")
        if "tg" in tests:
            seen.append(f"generation {short_runs[-1]['tokens_per_second']:.1f} vs tg{n_gen} {c_runs['tg'][-1]:.1f}")
        if "tg_deep" in tests:
            seen.append(
                f"after the prompt {app_runs[-1]['tokens_per_second']:.1f}"
                f" vs tg{n_gen} @ d{n_prompt} {c_runs['tg_deep'][-1]:.1f}"
            )
        progress(f"  vs C llama-bench {i + 1}/{repeats}: " + "; ".join(seen) + " t/s")
    engine.unload()

    def ratios(app: list[dict], key: str, test: str) -> dict:
        return summary([a[key] / c for a, c in zip(app, c_runs.get(test, []))])

    return {
        "build": built,
        "settings": {**settings, "flash_attn_used": model.flash_attn_used},
        "tests": list(tests),
        "n_prompt": n_prompt,
        "n_gen": n_gen,
        "app_prompt_tokens": app_runs[-1]["prompt_tokens"] if app_runs else None,
        "app_generated_tokens": min(r["generated_tokens"] for r in app_runs + short_runs),
        "short_prompt_tokens": short_runs[-1]["prompt_tokens"] if short_runs else None,
        "c_pp": summary(c_runs.get("pp", [])),
        "c_tg": summary(c_runs.get("tg", [])),
        "c_tg_deep": summary(c_runs.get("tg_deep", [])),
        "app_pp": summary([r["prompt_tokens_per_second"] for r in app_runs] if "pp" in tests else []),
        "app_tg": summary([r["tokens_per_second"] for r in short_runs]),
        "app_tg_deep": summary([r["tokens_per_second"] for r in app_runs] if "tg_deep" in tests else []),
        "ratio_prompt": ratios(app_runs, "prompt_tokens_per_second", "pp"),
        "ratio_generation": ratios(short_runs, "tokens_per_second", "tg"),
        "ratio_generation_deep": ratios(app_runs, "tokens_per_second", "tg_deep"),
        "own_decode_share": summary([r["own_decode_share"] for r in short_runs or app_runs]),
    }
