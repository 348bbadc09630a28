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

    def never_ends(token: int) -> bool:
        """Like tg128, n_gen tokens whatever the model says; the per-token check still costs what it does."""
        is_eog(token)
        return False

    engine._is_eog = never_ends
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
    stats = generation.stats
    return {
        "prompt_tokens": stats.prompt_eval_tokens,
        "prompt_tokens_per_second": stats.prompt_tokens_per_second,
        "generated_tokens": stats.generated_tokens,
        "tokens_per_second": stats.tokens_per_second,
    }


def run(
    model_path,
    cache,
    *,
    repeats: int,
    n_prompt: int = 512,
    n_gen: int = 128,
    compute: ComputeOptions | None = None,
    progress=print,
) -> dict:
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
    c_runs, app_runs, short_runs = [], [], []

    def c_test(n_p: int, n_g: int, depth: int) -> float:
        (record,) = llama_cpp_c.run(exe, model_path, n_prompt=n_p, n_gen=n_g, reps=1, depths=(depth,), **settings)
        return record["avg_ts"]

    # Each C test runs right beside the app's run it is compared with, and the order flips every
    # repeat: on a shared machine the speed drifts by 10% over a minute, much less over seconds.
    for i in range(repeats):
        c: dict[str, float] = {}
        if i % 2 == 0:
            c["pp"] = c_test(n_prompt, 0, 0)
            app_runs.append(_app_run(engine, prompt, n_gen))
            c["tg_deep"] = c_test(0, n_gen, n_prompt)
            c["tg"] = c_test(0, n_gen, 0)
            short_runs.append(_app_run(engine, short_prompt, n_gen))
        else:
            short_runs.append(_app_run(engine, short_prompt, n_gen))
            c["tg"] = c_test(0, n_gen, 0)
            c["tg_deep"] = c_test(0, n_gen, n_prompt)
            app_runs.append(_app_run(engine, prompt, n_gen))
            c["pp"] = c_test(n_prompt, 0, 0)
        c_runs.append(c)
        progress(
            f"  vs C llama-bench {i + 1}/{repeats}: prompt {app_runs[-1]['prompt_tokens_per_second']:.1f}"
            f" vs pp{n_prompt} {c_runs[-1]['pp']:.1f} t/s; generation {short_runs[-1]['tokens_per_second']:.1f}"
            f" vs tg{n_gen} {c_runs[-1]['tg']:.1f} t/s, after the prompt {app_runs[-1]['tokens_per_second']:.1f}"
            f" vs tg{n_gen} @ d{n_prompt} {c_runs[-1]['tg_deep']:.1f} t/s"
        )
    engine.unload()
    return {
        "build": built,
        "settings": {**settings, "flash_attn_used": model.flash_attn_used},
        "n_prompt": n_prompt,
        "n_gen": n_gen,
        "app_prompt_tokens": app_runs[-1]["prompt_tokens"],
        "app_generated_tokens": min(r["generated_tokens"] for r in app_runs + short_runs),
        "short_prompt_tokens": short_runs[-1]["prompt_tokens"],
        "c_pp": summary([r["pp"] for r in c_runs]),
        "c_tg": summary([r["tg"] for r in c_runs]),
        "c_tg_deep": summary([r["tg_deep"] for r in c_runs]),
        "app_pp": summary([r["prompt_tokens_per_second"] for r in app_runs]),
        "app_tg": summary([r["tokens_per_second"] for r in short_runs]),
        "app_tg_deep": summary([r["tokens_per_second"] for r in app_runs]),
        "ratio_prompt": summary([a["prompt_tokens_per_second"] / c["pp"] for a, c in zip(app_runs, c_runs)]),
        "ratio_generation": summary([a["tokens_per_second"] / c["tg"] for a, c in zip(short_runs, c_runs)]),
        "ratio_generation_deep": summary([a["tokens_per_second"] / c["tg_deep"] for a, c in zip(app_runs, c_runs)]),
    }
