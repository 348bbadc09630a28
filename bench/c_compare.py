"""Hearth's chat path against llama.cpp's own C llama-bench, on the same model and machine.

Alternating runs in one process run: a C `llama-bench -p 512 -n 128 -d 0,512 -r 1` (its own warm-up
included), then the app's engine (backend/llm.py: prefill in n_batch chunks, then llama-cpp-python's
generate loop with sampling and detokenisation, as the chat does) twice: continuing a 512-token text for
128 tokens, and continuing a short text for 128 tokens; the order flips every repeat. The C side gets the
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
    generation = engine.stream_completion(
        prompt,
        SamplingParams(max_tokens=n_gen, seed=1),
        threading.Event(),  # the chat's default sampling
    )
    for _ in generation:
        pass
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

    def c_side() -> None:
        records = llama_cpp_c.run(
            exe, model_path, n_prompt=n_prompt, n_gen=n_gen, reps=1, depths=(0, n_prompt), **settings
        )
        by_test = {(r["n_prompt"], r["n_gen"], r["n_depth"]): r["avg_ts"] for r in records}
        c_runs.append(
            {"pp": by_test[(n_prompt, 0, 0)], "tg": by_test[(0, n_gen, 0)], "tg_deep": by_test[(0, n_gen, n_prompt)]}
        )

    def app_side() -> None:
        app_runs.append(_app_run(engine, prompt, n_gen))
        short_runs.append(_app_run(engine, short_prompt, n_gen))

    for i in range(repeats):
        for step in (c_side, app_side) if i % 2 == 0 else (app_side, c_side):
            step()
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
