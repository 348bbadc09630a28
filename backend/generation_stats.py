"""Timings of one generation, defined as llama.cpp defines them (see llama_print_timings)."""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass


class StopReason(str, enum.Enum):
    DONE = "done"  # the model ended its turn
    LENGTH = "length"  # max tokens reached
    STOPPED = "stopped"  # the user pressed Stop
    CONTEXT = "context_full"  # the context window filled up
    ERROR = "error"


@dataclass
class GenerationStats:
    n_ctx: int = 0
    load_ms: float = 0.0
    prompt_tokens: int = 0  # every token of the prompt, as the tokenizer counts them
    cached_tokens: int = 0  # of those, already in the KV cache from the last turn (not evaluated again)
    prompt_eval_ms: float = 0.0
    generated_tokens: int = 0
    eval_ms: float = 0.0  # from the first generated token to the last (prefill excluded)
    ttft_ms: float = 0.0  # request to first token
    total_ms: float = 0.0
    dropped_messages: int = 0  # oldest turns left out to fit the context
    stop_reason: StopReason | None = None

    @property
    def prompt_eval_tokens(self) -> int:
        return self.prompt_tokens - self.cached_tokens

    @property
    def prompt_tokens_per_second(self) -> float:
        return self.prompt_eval_tokens / (self.prompt_eval_ms / 1000) if self.prompt_eval_ms > 0 else 0.0

    @property
    def eval_tokens(self) -> int:
        """Tokens produced after the first one: the ones the eval time covers."""
        return max(self.generated_tokens - 1, 0)

    @property
    def tokens_per_second(self) -> float:
        return self.eval_tokens / (self.eval_ms / 1000) if self.eval_ms > 0 else 0.0

    @property
    def context_used(self) -> int:
        return self.prompt_tokens + self.generated_tokens

    def to_dict(self) -> dict:
        data = asdict(self)
        data["stop_reason"] = self.stop_reason.value if self.stop_reason else None
        data.update(
            prompt_eval_tokens=self.prompt_eval_tokens,
            prompt_tokens_per_second=round(self.prompt_tokens_per_second, 2),
            eval_tokens=self.eval_tokens,
            tokens_per_second=round(self.tokens_per_second, 2),
            context_used=self.context_used,
        )
        return data

    @classmethod
    def from_dict(cls, data: dict) -> GenerationStats:
        names = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in names}
        if values.get("stop_reason"):
            values["stop_reason"] = StopReason(values["stop_reason"])
        return cls(**values)

    def timings_block(self) -> str:
        """The seed's llama_print_timings block, for the CLI."""

        def per(ms: float, n: int) -> str:
            if n <= 0 or ms <= 0:
                return "(      n/a ms per token,      n/a tokens per second)"
            return f"({ms / n:9.2f} ms per token, {n / (ms / 1000):8.2f} tokens per second)"

        return "\n".join(
            [
                f"hearth_print_timings:        load time = {self.load_ms:10.2f} ms",
                f"hearth_print_timings: prompt eval time = {self.prompt_eval_ms:10.2f} ms / "
                f"{self.prompt_eval_tokens:5d} tokens {per(self.prompt_eval_ms, self.prompt_eval_tokens)}",
                f"hearth_print_timings:        eval time = {self.eval_ms:10.2f} ms / "
                f"{self.eval_tokens:5d} runs   {per(self.eval_ms, self.eval_tokens)}",
                f"hearth_print_timings:       time to first token = {self.ttft_ms:10.2f} ms",
                f"hearth_print_timings:       total time = {self.total_ms:10.2f} ms / "
                f"{self.prompt_eval_tokens + self.generated_tokens:5d} tokens",
            ]
        )


class TimedPieces:
    """What every engine's generation shares: live t/s, and final timings however the stream ends.

    A subclass (a dataclass) has `stats`, `started`, `first_token_at`, `last_token_at` and yields its
    text pieces from `_run()`."""

    stats: GenerationStats
    started: float
    first_token_at: float | None
    last_token_at: float | None

    def live_tokens_per_second(self, now: float | None = None) -> float:
        if self.first_token_at is None or self.stats.generated_tokens < 2:
            return 0.0
        elapsed = (now or time.perf_counter()) - self.first_token_at
        return (self.stats.generated_tokens - 1) / elapsed if elapsed > 0 else 0.0

    def __iter__(self) -> Iterator[str]:
        stats = self.stats
        try:
            yield from self._run()
        except Exception:
            stats.stop_reason = StopReason.ERROR
            raise
        finally:
            stats.total_ms = (time.perf_counter() - self.started) * 1000
            measured = self.first_token_at is not None and self.last_token_at is not None
            if measured and not self._eval_reported():
                stats.eval_ms = (self.last_token_at - self.first_token_at) * 1000
            if stats.stop_reason is None:
                stats.stop_reason = StopReason.STOPPED

    def _run(self) -> Iterator[str]:
        raise NotImplementedError

    def _eval_reported(self) -> bool:
        """True when the engine reported its own generation time (a server's timings), kept as is."""
        return False
