"""OpenAI's response and chunk shapes for chat completions and completions, plus llama.cpp's timings."""

from __future__ import annotations

import json
import time
import uuid

from backend.generation_stats import GenerationStats, StopReason

_MARK = "\u0000piece\u0000"  # stands for the text in a chunk's template; JSON escapes it, no text holds it

FINISH_REASONS = {
    StopReason.DONE: "stop",
    StopReason.LENGTH: "length",
    StopReason.CONTEXT: "length",
    StopReason.STOPPED: "stop",
}


def finish_reason(stats: GenerationStats) -> str:
    return FINISH_REASONS.get(stats.stop_reason, "stop")


def usage(stats: GenerationStats) -> dict:
    return {
        "prompt_tokens": stats.prompt_tokens,
        "completion_tokens": stats.generated_tokens,
        "total_tokens": stats.prompt_tokens + stats.generated_tokens,
    }


def timings(stats: GenerationStats) -> dict:
    """llama.cpp server's `timings`; prompt_n counts only tokens evaluated (the cached ones are cache_n)."""
    prompt_n, predicted_n = stats.prompt_eval_tokens, stats.generated_tokens
    return {
        "cache_n": stats.cached_tokens,
        "prompt_n": prompt_n,
        "prompt_ms": round(stats.prompt_eval_ms, 3),
        "prompt_per_token_ms": round(stats.prompt_eval_ms / prompt_n, 3) if prompt_n else 0.0,
        "prompt_per_second": round(stats.prompt_tokens_per_second, 3),
        "predicted_n": predicted_n,
        "predicted_ms": round(stats.eval_ms, 3),
        "predicted_per_token_ms": round(1000 / stats.tokens_per_second, 3) if stats.tokens_per_second else 0.0,
        "predicted_per_second": round(stats.tokens_per_second, 3),
        "ttft_ms": round(stats.ttft_ms, 3),
    }


class ChatShape:
    def __init__(self, model: str, include_usage: bool) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.created = int(time.time())
        self.model = model
        self.include_usage = include_usage
        self._piece_template: tuple[str, str] | None = None

    def _chunk(self, choices: list) -> dict:
        chunk = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": choices,
        }
        if self.include_usage:
            chunk["usage"] = None  # as OpenAI does: every chunk but the last carries usage: null
        return chunk

    def first_chunk(self) -> dict | None:
        return self._chunk(
            [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}]
        )

    def piece_chunk(self, text: str) -> dict:
        return self._chunk([{"index": 0, "delta": {"content": text}, "logprobs": None, "finish_reason": None}])

    def piece_event(self, text: str) -> bytes:
        """piece_chunk(text) as a whole server-sent event, filled into a template made once per response:
        a stream sends one per token, and building and dumping the dict each time was a cost per token."""
        if self._piece_template is None:
            head, tail = json.dumps(self.piece_chunk(_MARK), ensure_ascii=False).split(json.dumps(_MARK))
            self._piece_template = ("data: " + head, tail + "\n\n")
        head, tail = self._piece_template
        return (head + json.dumps(text, ensure_ascii=False) + tail).encode()

    def final_chunk(self, stats: GenerationStats) -> dict:
        chunk = self._chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish_reason(stats)}])
        chunk["timings"] = timings(stats)
        return chunk

    def usage_chunk(self, stats: GenerationStats) -> dict:
        chunk = self._chunk([])
        chunk["usage"] = usage(stats)
        return chunk

    def response(self, text: str, stats: GenerationStats) -> dict:
        return {
            "id": self.id,
            "object": "chat.completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": finish_reason(stats),
                }
            ],
            "usage": usage(stats),
            "timings": timings(stats),
        }


class CompletionShape(ChatShape):
    def __init__(self, model: str, include_usage: bool) -> None:
        super().__init__(model, include_usage)
        self.id = f"cmpl-{uuid.uuid4().hex[:24]}"

    def _chunk(self, choices: list) -> dict:
        chunk = {
            "id": self.id,
            "object": "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": choices,
        }
        if self.include_usage:
            chunk["usage"] = None
        return chunk

    def first_chunk(self) -> dict | None:
        return None  # a completion stream has no role to announce

    def piece_chunk(self, text: str) -> dict:
        return self._chunk([{"index": 0, "text": text, "logprobs": None, "finish_reason": None}])

    def final_chunk(self, stats: GenerationStats) -> dict:
        chunk = self._chunk([{"index": 0, "text": "", "logprobs": None, "finish_reason": finish_reason(stats)}])
        chunk["timings"] = timings(stats)
        return chunk

    def response(self, text: str, stats: GenerationStats) -> dict:
        return {
            "id": self.id,
            "object": "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
            "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason(stats)}],
            "usage": usage(stats),
            "timings": timings(stats),
        }
