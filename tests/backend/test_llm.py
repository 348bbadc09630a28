"""The real llama.cpp engine on the bundled models."""

from __future__ import annotations

import threading

import pytest

from backend.errors import ModelFileError, ModelLoadError
from backend.generation_stats import StopReason
from backend.llm import ContextOverflowError, LlmEngine, SamplingParams, _StopStringFilter

GREEDY = dict(temperature=0.0, seed=1)


@pytest.fixture(scope="module")
def engine(chat_model_path):
    e = LlmEngine()
    e.load(chat_model_path, n_ctx=2048)
    yield e
    e.unload()


def test_chat_streams_tokens_and_answers_sensibly(engine):
    gen = engine.stream_chat(
        [{"role": "user", "content": "What is the capital of France? Answer in one short sentence."}],
        SamplingParams(max_tokens=40, **GREEDY),
    )
    pieces = list(gen)
    assert len(pieces) > 3, "text should arrive in several pieces, not all at once"
    assert "Paris" in "".join(pieces)
    assert gen.stats.stop_reason == StopReason.DONE


def test_stats_add_up(engine):
    gen = engine.stream_chat(
        [{"role": "user", "content": "Write a long essay about the history of Rome."}],
        SamplingParams(max_tokens=30, **GREEDY),
    )
    text = "".join(gen)
    s = gen.stats
    assert s.stop_reason == StopReason.LENGTH and s.generated_tokens == 30
    assert s.tokens_per_second == pytest.approx(s.eval_tokens / (s.eval_ms / 1000), rel=1e-6)
    assert s.prompt_tokens_per_second == pytest.approx(s.prompt_eval_tokens / (s.prompt_eval_ms / 1000), rel=1e-6)
    assert 0 < s.ttft_ms <= s.total_ms
    assert s.prompt_eval_ms <= s.ttft_ms
    assert s.eval_ms < s.total_ms
    # prompt tokens are what the tokenizer makes of the rendered prompt
    rendered = engine.render([{"role": "user", "content": "Write a long essay about the history of Rome."}])
    assert s.prompt_tokens == len(engine.tokenize_prompt(rendered.text, special=True))
    # and the text is what those tokens say (within a token of rounding at the end)
    assert abs(engine.count_tokens(text) - s.generated_tokens) <= 2


def test_second_turn_reuses_the_cached_prefix(engine):
    history = [{"role": "user", "content": "Name a colour."}]
    gen = engine.stream_chat(history, SamplingParams(max_tokens=10, **GREEDY))
    reply = "".join(gen)
    history += [{"role": "assistant", "content": reply}, {"role": "user", "content": "Another one?"}]
    gen2 = engine.stream_chat(history, SamplingParams(max_tokens=10, **GREEDY))
    list(gen2)
    assert gen2.stats.cached_tokens > 10
    assert gen2.stats.prompt_eval_tokens < gen2.stats.prompt_tokens


def test_stop_ends_generation_within_a_token(engine):
    cancel = threading.Event()
    gen = engine.stream_chat(
        [{"role": "user", "content": "Write a long story about a dragon."}],
        SamplingParams(max_tokens=400, **GREEDY),
        cancel,
    )
    seen = 0
    for _ in gen:
        seen += 1
        if seen == 5:
            cancel.set()
    assert gen.stats.stop_reason == StopReason.STOPPED
    assert gen.stats.generated_tokens <= 7


def test_stop_before_start_generates_nothing(engine):
    cancel = threading.Event()
    cancel.set()
    gen = engine.stream_chat([{"role": "user", "content": "Hello"}], SamplingParams(max_tokens=50), cancel)
    assert list(gen) == []
    assert gen.stats.stop_reason == StopReason.STOPPED


def test_raw_completion_continues_the_prompt(engine):
    gen = engine.stream_completion("def fibonacci(n):", SamplingParams(max_tokens=24, **GREEDY))
    text = "".join(gen)
    assert text.strip(), "a completion should continue the text"
    assert gen.stats.generated_tokens == 24 or gen.stats.stop_reason == StopReason.DONE


def test_context_overflow_drops_oldest_turns_keeps_system(chat_model_path):
    e = LlmEngine()
    e.load(chat_model_path, n_ctx=512)
    system = {"role": "system", "content": "You are a pirate. Always say arr."}
    history = [system]
    for i in range(12):
        history.append({"role": "user", "content": f"Question {i}: " + "tell me about the sea " * 8})
        history.append({"role": "assistant", "content": f"Answer {i}: " + "the sea is wide and deep " * 8})
    history.append({"role": "user", "content": "Final question: what is your name?"})
    gen = e.stream_chat(history, SamplingParams(max_tokens=16, **GREEDY))
    assert gen.stats.dropped_messages > 0
    assert "left out" in gen.notice
    assert gen.stats.prompt_tokens <= 512 - 16
    kept = history[:1] + history[1 + gen.stats.dropped_messages :]
    prompt_text = e.render(kept).text
    assert "You are a pirate" in prompt_text and "Final question" in prompt_text
    assert kept[1]["role"] == "user", "history after the system prompt must start with a user turn"
    list(gen)
    assert gen.stats.stop_reason in (StopReason.DONE, StopReason.LENGTH)
    e.unload()


def test_one_message_too_long_for_the_context_is_refused_clearly(chat_model_path):
    e = LlmEngine()
    e.load(chat_model_path, n_ctx=256)
    with pytest.raises(ContextOverflowError, match="context"):
        e.stream_chat([{"role": "user", "content": "word " * 2000}], SamplingParams(max_tokens=16))
    e.unload()


def test_multibyte_characters_split_across_tokens_decode_whole(engine):
    # Emoji and CJK are often several byte-level tokens each; a naive per-token decode yields U+FFFD.
    gen = engine.stream_chat(
        [{"role": "user", "content": "Repeat exactly, nothing else: 🎉🚀 你好世界 ééé"}],
        SamplingParams(max_tokens=30, **GREEDY),
    )
    pieces = list(gen)
    text = "".join(pieces)
    assert "\ufffd" not in text
    assert "🎉" in text or "你好" in text
    split_pieces = [p for p in pieces if p and len(p.encode()) != len(p)]
    assert split_pieces, "expected multi-byte characters among the streamed pieces"


def test_base_model_without_template_gets_one_inferred(gemma_model_path):
    e = LlmEngine()
    model = e.load(gemma_model_path, n_ctx=1024)
    assert model.template_source == "inferred:Gemma"
    gen = e.stream_chat([{"role": "user", "content": "Hi"}], SamplingParams(max_tokens=12, **GREEDY))
    text = "".join(gen)
    assert gen.template_source == "inferred:Gemma"
    assert "<end_of_turn>" not in text and "<start_of_turn>" not in text
    e.unload()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"GGUF\x03\x00\x00\x00", "truncated|incomplete|damaged"),
        (b"hello, this is a text file\n" * 10, "text"),
        (b"\x00\x01\x02\x03" * 64, "not a GGUF"),
    ],
    ids=["zero-bytes", "truncated", "text", "random-bytes"],
)
def test_bad_files_give_a_clear_error(tmp_path, content, expected):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(content)
    with pytest.raises((ModelFileError, ModelLoadError), match=f"(?i){expected}"):
        LlmEngine().load(bad)


def test_truncated_real_model_is_refused(tmp_path, gemma_model_path):
    cut = tmp_path / "cut.gguf"
    with open(gemma_model_path, "rb") as src:
        cut.write_bytes(src.read(gemma_model_path.stat().st_size // 2))
    with pytest.raises((ModelFileError, ModelLoadError)):
        LlmEngine().load(cut)


def test_stop_string_filter_never_leaks_a_marker():
    f = _StopStringFilter(["<end_of_turn>"])
    out = []
    for chunk in ["Hello", " world<", "end_of", "_turn>ignored"]:
        text, hit = f.feed(chunk)
        out.append(text)
        if hit:
            break
    assert "".join(out) == "Hello world"
    assert hit


def test_regenerating_the_same_prompt_reuses_the_cache_and_gives_the_same_greedy_reply(engine):
    # The KV cache then holds prompt + old reply: it must be cut back to the prompt, not reused blindly.
    messages = [{"role": "user", "content": "Give me three words that rhyme with cat."}]
    first = engine.stream_chat(messages, SamplingParams(max_tokens=20, **GREEDY))
    text1 = "".join(first)
    second = engine.stream_chat(messages, SamplingParams(max_tokens=20, **GREEDY))
    text2 = "".join(second)
    assert text1 == text2
    assert second.stats.cached_tokens == second.stats.prompt_tokens - 1
