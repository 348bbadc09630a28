"""The engine's cheaper sampler chain picks exactly the tokens llama-cpp-python's own chain picks."""

from __future__ import annotations

import itertools
import threading

import pytest

from backend.llm import LlmEngine, SamplingParams, _llama_class

CASES = [
    dict(temp=0.8, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.1),  # the chat's defaults
    dict(temp=0.0, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=1.3),  # greedy, strong penalty
    dict(temp=1.2, top_k=8, top_p=0.9, min_p=0.0, repeat_penalty=1.5, frequency_penalty=0.4),
    dict(temp=0.7, top_k=40, top_p=0.95, min_p=0.05, repeat_penalty=0.9),  # a boost: llama-cpp-python's chain
]


@pytest.fixture(scope="module")
def pair(gemma_model_path):
    import llama_cpp

    kwargs = dict(model_path=str(gemma_model_path), n_ctx=256, n_threads=1, n_threads_batch=1, verbose=False)
    stock, ours = llama_cpp.Llama(**kwargs), _llama_class()(**kwargs)
    yield stock, ours
    stock.close()
    ours.close()


def _tokens(llm, prompt: list[int], seed: int, case: dict, n: int = 32) -> list[int]:
    llm.reset()
    llm.set_seed(seed)
    return list(itertools.islice(llm.generate(prompt, **case), n))


@pytest.mark.parametrize("case", CASES, ids=["defaults", "greedy", "hot-penalised", "boost"])
def test_same_seed_same_tokens(pair, case):
    stock, ours = pair
    # Repetitive text, so the penalties have many recent tokens to act on.
    prompt = stock.tokenize(b"the cat sat on the mat. the cat sat on the mat. the cat sat on the", add_bos=True)
    for seed in (1, 2):
        assert _tokens(ours, prompt, seed, case) == _tokens(stock, prompt, seed, case), (case, seed)


def test_engine_uses_the_cheaper_chain_and_still_streams(gemma_model_path):
    engine = LlmEngine()
    engine.load(gemma_model_path, n_ctx=256, n_threads=1)
    assert isinstance(engine._llm, _llama_class())
    generation = engine.stream_completion("Once upon a time", SamplingParams(max_tokens=12, seed=4), threading.Event())
    text = "".join(generation)
    assert text and generation.stats.generated_tokens == 12
    engine.unload()
