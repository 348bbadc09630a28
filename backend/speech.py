"""WhisperEngine: a whisper.cpp model (via pywhispercpp) that turns 16 kHz float32 audio into timed text.

One engine belongs to one thread: whisper.cpp contexts are not thread-safe. Transcription releases
the GIL, so other Python threads keep running while it works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backend.defaults import SAMPLE_RATE as SAMPLE_RATE  # re-exported: callers import it from here
from backend.defaults import WHISPER_FRAMES_PER_SECOND, WHISPER_FULL_AUDIO_CTX, default_threads
from backend.errors import ModelLoadError
from backend.idle_cores import IdleCores
from backend.models.whisper_header import WhisperHeader, read_whisper_header

# 100 mel frames/s, halved by the encoder's strided conv; FULL_AUDIO_CTX is the 30 s window whisper.cpp
# encodes unless told otherwise
ENCODER_FRAMES_PER_SECOND = WHISPER_FRAMES_PER_SECOND
FULL_AUDIO_CTX = WHISPER_FULL_AUDIO_CTX
SIMPLIFIED_CHINESE_PROMPT = "以下是普通话的句子。"
MAX_PROMPT_TOKENS = 224  # whisper.cpp keeps at most half its 448-token text context for the prompt
AUDIO_CTX_MARGIN = 128  # below +128 frames tiny.en was seen to repeat a phrase at the cut


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str  # with its leading space, as Whisper writes it


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = field(default=(), compare=False)


def audio_ctx_for(seconds: float) -> int:
    """The encoder window that covers `seconds` of audio: the main CPU saving on short chunks."""
    return min(FULL_AUDIO_CTX, int(np.ceil(seconds * ENCODER_FRAMES_PER_SECOND)) + AUDIO_CTX_MARGIN)


class WhisperEngine:
    def __init__(self, model_path: Path | str, n_threads: int | None = None, audio_ctx: int = 0):
        from pywhispercpp.model import Model

        self.model_path = Path(model_path)
        self.audio_ctx = audio_ctx  # the encoder window when a call names none (0: the full 30 s)
        # whisper.cpp gives no error for a damaged file (it crashes later), so check it first.
        self.header: WhisperHeader = read_whisper_header(self.model_path)
        # Pinned by the user, or chosen call by call from the cores that were free (n_threads the most).
        self.pinned_threads = n_threads
        self.n_threads = n_threads or default_threads("speech")
        self.last_threads = self.n_threads
        self._idle = IdleCores()
        self._vocab: dict[bytes, int] | None = None  # built on the first prompt
        self._longest = 0
        try:
            self._model = Model(
                str(self.model_path),
                redirect_whispercpp_logs_to=None,
                n_threads=self.n_threads,
                print_progress=False,
                print_realtime=False,
                print_timestamps=False,
            )
        except Exception as exc:  # pywhispercpp raises bare Exceptions
            raise ModelLoadError(f"whisper.cpp could not load {self.model_path.name}: {exc}") from exc

    @property
    def multilingual(self) -> bool:
        return self.header.multilingual

    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str = "auto",
        translate: bool = False,
        audio_ctx: int = 0,
        prompt: str = "",
        word_times: bool = False,
        fallback: bool = True,
        max_tokens: int = 0,
        cancel: threading.Event | None = None,
        on_segment: Callable[[Segment], None] | None = None,
    ) -> list[Segment]:
        """Segments of `audio` (mono float32 at 16 kHz), times in seconds from its start.

        If `cancel` gets set, whisper.cpp stops at its next check and the segments so far are returned.
        `fallback` re-decodes doubtful windows at rising temperatures (better text, unbounded time);
        live use turns it off and caps `max_tokens` per segment, which also stops repetition loops.
        """
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        if not self.multilingual:
            language, translate = "en", False
        if language == "zh" and not prompt:
            # Whisper writes Mandarin in Traditional or Simplified characters at random; a Simplified
            # prompt tips it to Simplified (measured on base: README, "Speech models by language").
            prompt = SIMPLIFIED_CHINESE_PROMPT
        params = dict(
            language=language,
            translate=translate,
            audio_ctx=audio_ctx or self.audio_ctx,
            # Token ids rather than `initial_prompt`, whose string pywhispercpp hands to whisper.cpp as a
            # bare pointer; users report crashes with it (pywhispercpp#141).
            prompt_tokens=self._prompt_tokens(prompt) if prompt else None,
            token_timestamps=word_times,
            temperature_inc=0.2 if fallback else 0.0,
            max_tokens=max_tokens,
            no_context=True,
            n_threads=self.pinned_threads or self._idle.threads(cap=self.n_threads),
        )
        self.last_threads = params["n_threads"]
        abort = cancel.is_set if cancel is not None else None
        callback = None
        if on_segment is not None:

            def callback(s):
                on_segment(Segment(s.t0 / 100, s.t1 / 100, s.text))

        try:
            raw = self._model.transcribe(audio, abort_callback=abort, new_segment_callback=callback, **params)
        finally:
            self._idle.mark()
        if not word_times:
            return [Segment(s.t0 / 100, s.t1 / 100, s.text) for s in raw]
        return [Segment(s.t0 / 100, s.t1 / 100, s.text, self._words(i)) for i, s in enumerate(raw)]

    def _prompt_tokens(self, text: str) -> list[int]:
        """`text` as vocabulary tokens, longest match first over its UTF-8 bytes.

        whisper.cpp's own tokenizer is not reachable through pywhispercpp (its binding takes the output
        buffer as an int); a greedy match over the same vocabulary gives tokens that decode to exactly
        `text`, which is all a prompt needs.
        """
        import _pywhispercpp as pw

        if self._vocab is None:
            ctx = self._model._ctx
            n_vocab = pw.whisper_token_eot(ctx)  # text tokens end where the special ones begin
            self._vocab = {pw.whisper_token_to_bytes(ctx, i): i for i in range(n_vocab)}
            self._longest = max(map(len, self._vocab))
        data, tokens, at = text.encode(), [], 0
        while at < len(data):
            for size in range(min(self._longest, len(data) - at), 0, -1):
                token = self._vocab.get(data[at : at + size])
                if token is not None:
                    tokens.append(token)
                    at += size
                    break
            else:
                at += 1  # a byte no token holds (none in Whisper's byte-level vocabulary)
        return tokens[-MAX_PROMPT_TOKENS:]

    def _words(self, segment_index: int) -> tuple[Word, ...]:
        """Words with the token-level times of the last transcription (tokens joined at spaces)."""
        import _pywhispercpp as pw

        ctx = self._model._ctx  # pywhispercpp keeps token data out of its API; the context holds it
        eot = pw.whisper_token_eot(ctx)
        words: list[list] = []  # [start, end, bytes]
        for j in range(pw.whisper_full_n_tokens(ctx, segment_index)):
            data = pw.whisper_full_get_token_data(ctx, segment_index, j)
            if data.id >= eot:  # timestamps and other special tokens
                continue
            piece = pw.whisper_token_to_bytes(ctx, data.id)
            if not words or piece.startswith(b" "):
                words.append([data.t0 / 100, data.t1 / 100, piece])
            else:
                words[-1][1] = data.t1 / 100
                words[-1][2] += piece
        return tuple(Word(a, b, t.decode("utf-8", errors="replace")) for a, b, t in words if t.strip())
