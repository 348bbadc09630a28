"""Live dictation policy: 16 kHz audio chunks in, (committed, unconfirmed) text out. Qt-free.

- Voice activity detection cuts the audio into phrases. Silence never reaches Whisper, and each
  phrase is transcribed on its own audio (plus a short pre-roll): a phrase never re-reads the audio of
  the one before, which is what repeated words at phrase boundaries ("on the left. left.") and lost
  first words when they were filtered out again.
- Inside a phrase, LocalAgreement-2 (Macháček et al., whisper_streaming): the phrase is re-transcribed
  every `step_seconds`; the words two consecutive hypotheses agree on are committed, the rest shown as
  unconfirmed. A pause ends the phrase: it is transcribed once more, whole, and everything after the
  words already committed is committed, so a short phrase comes out exactly as transcribing it alone.
- Speech without a pause: once the phrase is longer than `trim_seconds`, its audio is cut in the
  quietest spot after the last committed word and the rest goes on as a new buffer, so every call sees
  at most one encoder window and commits keep coming; if nothing agrees for a whole window, the
  hypothesis is committed as it stands.
- Real time, work-conserving: no audio is ever dropped to keep up. Hypotheses (the grey text) are
  only made while the loop is caught up (the audio fed was captured less than `catch_up_seconds`
  ago); phrase ends are always transcribed, and a phrase that fills the window is always cut, so a
  loop that fell behind (a slow or busy machine) does only the passes that commit text and catches
  up in the pauses, where silence costs nothing. How far behind it is goes out with every update.
- Each call's encoder window is fitted to its audio in steps of 256 frames (5.12 s), two steps at
  least: a 3 s phrase costs half of a 15 s window. Only multiples of 256 frames: whisper.cpp pads the
  window to that and leaves the padding holding an earlier call's encoder output, so other sizes make
  the same audio read differently depending on the call before (measured: 5 or 6 of 20 re-reads
  changed at steps of 32-128 frames, none at 256).

The microphone (audio.MicrophoneCapture) and the tests' simulated clip player go through the same
`run_dictation` loop and `DictationSession`.
"""

from __future__ import annotations

import difflib
import enum
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from backend.audio import AudioDeviceError
from backend.speech import FULL_AUDIO_CTX, SAMPLE_RATE, Segment, Word, audio_ctx_for
from backend.vad import FRAME, FRAME_SECONDS, EnergyVAD
from backend.wer import normalize_words

TOKENS_PER_SECOND_MAX = 8  # fast speech is ~5 tokens/s; more than this is a decoding loop
ENCODER_CTX_STEP = 256  # whisper.cpp pads the decoder's view of the encoder output to a multiple of this
# One step (5.12 s) made tiny.en loop on short phrases ("1. 1. 1.", "3, 3, 3, ..." from 0.7 s and 2.3 s
# of "one two three"), which two steps and more did not.
ENCODER_CTX_MIN = 2 * ENCODER_CTX_STEP
PIECE = 5 * FRAME  # a backlog is taken in 0.1 s pieces, each with its own capture time


def encoder_ctx_for(seconds: float, cap: int = FULL_AUDIO_CTX) -> int:
    """The encoder window of one live call: fitted to its audio, in whole steps of 256 frames, 512 at
    least, and never more than `cap` (the window the model's "Audio context" setting allows).

    whisper.cpp's decoder attends to the encoder output padded to a multiple of 256 frames, and the
    padding still holds what an earlier, longer call wrote there, so with any other size the same audio
    reads differently depending on the call before. Whole steps have no padding (nor has the full 30 s
    window: its padding rows are never written)."""
    steps = -(-audio_ctx_for(seconds) // ENCODER_CTX_STEP)
    return min(cap, FULL_AUDIO_CTX, max(ENCODER_CTX_MIN, steps * ENCODER_CTX_STEP))


class PassKind(enum.Enum):
    HYPOTHESIS = "hypothesis"  # the grey text: only while caught up
    PHRASE_END = "phrase end"  # a pause: the phrase whole, committed
    FULL_WINDOW = "full window"  # speech with no pause filled the window while behind: commit and cut


@dataclass(frozen=True)
class WhisperPass:
    """One Whisper call of a session (the profile in bench/dictation_profile.py reads these)."""

    kind: PassKind
    audio_seconds: float
    audio_ctx: int
    seconds: float  # compute time
    lag_seconds: float  # how long ago the newest audio taken in was captured, when the call began
    threads: int | None = None  # what whisper.cpp ran on, where the engine says


@dataclass(frozen=True)
class DictationConfig:
    language: str = "auto"
    translate: bool = False
    # New audio between hypotheses inside a phrase. Two hypotheses 0.5 s apart agree often enough to
    # commit every 0.5 s, but at the start of a phrase they agreed on wrong first words ("Reduce our
    # lemons" for "The juice of lemons") that the phrase's final pass would have got right: no hypothesis
    # until the phrase has `first_hypothesis_seconds` of audio (dev sessions: WER 1.00x offline, where
    # 1 s steps gave 0.93-0.98x at 0.4 s more latency).
    step_seconds: float = 0.5
    first_hypothesis_seconds: float = 1.5
    pause_seconds: float = 0.5  # silence that ends a phrase: its words are committed then
    preroll_seconds: float = 0.3  # audio kept before the first voiced frame (soft onsets)
    tail_seconds: float = 0.3  # silence kept after the last voiced frame
    min_speech_seconds: float = 0.1  # shorter bursts (clicks, coughs) are not sent to Whisper
    # The most audio one call is given: the knob the per-model "Audio context" setting turns
    # (backend.speech_jobs.live_window_seconds). Each call's encoder window is fitted to its audio.
    window_seconds: float = 15.0
    # Longer phrases are cut after their committed words. With a step on top a pass then holds at most
    # 7.5 s, which with its margin fits two encoder steps (10.24 s) rather than three: 0.36 s of compute
    # instead of 0.63 on 2 cores, and the loop no longer falls behind in long phrases (held-out session
    # at real time: lag p90 1.0 -> 0.45 s, commit latency p90 2.15 -> 1.84 s).
    trim_seconds: float = 7.0
    # Hypotheses only while the audio fed was captured less than this long ago: behind that, only the
    # passes that commit (phrase ends, a full window) run, so the loop catches up instead of dropping audio.
    catch_up_seconds: float = 1.0
    # Committed text given to Whisper as a phrase's context (whisper_streaming does). Off: on tiny.en a
    # prompt saying "what your country can do" made it skip "ask what you can do for your" when
    # those words came again, and it made word times worse.
    prompt_chars: int = 0

    @property
    def buffer_seconds(self) -> float:
        """The most audio one call is given."""
        return self.window_seconds

    @property
    def trim_after_seconds(self) -> float:
        return min(self.trim_seconds, 0.7 * self.buffer_seconds)


@dataclass(frozen=True)
class DictationUpdate:
    committed: str
    unconfirmed: str
    audio_time: float  # seconds of audio heard when this update was made
    commit_latency: float | None  # seconds from capturing the last committed word's audio to committing it
    dropped_seconds: float
    real_time_factor: float  # of the last Whisper call: compute seconds / audio seconds
    final: bool = False
    lag_seconds: float = 0.0  # how long ago the newest audio taken in was captured: how far behind the text is


class Transcriber(Protocol):
    def transcribe(
        self,
        audio: np.ndarray,
        *,
        language: str,
        translate: bool,
        audio_ctx: int,
        prompt: str,
        word_times: bool,
        fallback: bool,
        max_tokens: int,
        cancel: threading.Event | None,
    ) -> list[Segment]: ...


def _key(word: Word) -> str:
    return " ".join(normalize_words(word.text))


def _text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


class LocalAgreement:
    """The text side of the policy: hypotheses of the current buffer in, committed words out.

    A hypothesis re-reads the words already committed from the same buffer (`in_buffer`); they are
    found by aligning the texts and skipped. Whisper's word times (whisper.cpp's token timestamps)
    are too loose to decide this: on tiny.en they pile up at the end of the audio, a second or more
    late, which once let "It was my | my reports" through. So the text decides, and a word heard
    differently ("dog" -> "doc") counts as the old one only if it is spelt alike. When a buffer starts
    where committed audio was cut, its first words may say again the last committed ones.
    """

    def __init__(self):
        self.committed: list[Word] = []
        self.in_buffer: list[Word] = []  # committed words whose audio is still in the buffer
        self.unconfirmed: list[Word] = []
        self.settled = 0  # leading words of the latest hypothesis that are committed
        self._buffer_start = 0.0
        self._cut_mid_phrase = False

    def new_buffer(self, start: float, mid_phrase: bool, keep: int = 0) -> None:
        """The buffer now starts at `start`: a new phrase, or the same one cut after committed words
        (`keep` of which, the last ones, may still have audio in it)."""
        self._buffer_start, self._cut_mid_phrase = start, mid_phrase
        self.in_buffer = self.in_buffer[len(self.in_buffer) - keep :] if mid_phrase and keep else []
        if not mid_phrase:
            self.unconfirmed = []

    def insert(self, words: list[Word]) -> list[Word]:
        """Take a new hypothesis; returns the words it commits.

        Its last word is never agreed on: it is where the audio stops, often cut mid-word.
        """
        start = self._fresh_start(words)
        new = words[start:]
        agreed = 0
        limit = min(len(new) - 1, len(self.unconfirmed))
        while agreed < limit and _key(new[agreed]) == _key(self.unconfirmed[agreed]):
            agreed += 1
        commit, self.unconfirmed = new[:agreed], new[agreed:]
        self.settled = start + agreed
        self._commit(commit)
        return commit

    def commit_all(self, words: list[Word]) -> list[Word]:
        """The phrase ended (or must be committed as it stands): take all of `words` that is new."""
        commit = words[self._fresh_start(words) :]
        self.unconfirmed = []
        self.settled = len(words)
        self._commit(commit)
        return commit

    def commit_unconfirmed(self, n: int) -> list[Word]:
        """Nothing agreed for a whole window: commit the first `n` words of the latest hypothesis' new part."""
        commit, self.unconfirmed = self.unconfirmed[:n], self.unconfirmed[n:]
        self.settled += len(commit)
        self._commit(commit)
        return commit

    def _commit(self, words: list[Word]) -> None:
        self.committed += words
        self.in_buffer += words

    def prompt(self, chars: int) -> str:
        """The committed text before the buffer, as Whisper's context."""
        if chars <= 0:
            return ""
        before = self.committed[: len(self.committed) - len(self.in_buffer)]
        return _text(before)[-chars:].lstrip()

    def _fresh_start(self, words: list[Word]) -> int:
        """Where the new words of a hypothesis begin."""
        start = self._reread(words)
        if self.in_buffer or start >= len(words):
            return start
        # A new buffer: its first words may say again what was committed just before its start.
        near_cut = self._cut_mid_phrase and words[start].start < self._buffer_start + 1.0
        return start + _repeated_tail(self.committed, words[start:], shortest=1 if near_cut else 2)

    def _reread(self, words: list[Word]) -> int:
        """How many leading `words` re-read the committed words of this buffer."""
        old = self.in_buffer
        if not old or not words:
            return 0
        # Re-read words come first: a match far past them is the speaker saying a word again.
        head = words[: len(old) + 3]
        matcher = difflib.SequenceMatcher(None, [_key(w) for w in old], [_key(w) for w in head], autojunk=False)
        cut = 0
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                cut = j2
            elif tag == "replace":
                for d in range(min(i2 - i1, j2 - j1)):  # word for word: extra new words are not old ones
                    if _spelt_alike(_key(old[i1 + d]), _key(head[j1 + d])):
                        cut = j1 + d + 1
        return cut


def _spelt_alike(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def _repeated_tail(committed: list[Word], words: list[Word], shortest: int, longest: int = 8) -> int:
    """How many leading `words` say again the last committed words (`shortest` or more of them)."""
    tail = [_key(w) for w in committed[-longest:]]
    head = [_key(w) for w in words[:longest]]
    for n in range(min(len(tail), len(head)), shortest - 1, -1):
        if n and tail[-n:] == head[:n]:
            return n
    return 0


SENTENCE_END = (".", "?", "!")
ANNOTATION = re.compile(r"^\s*[\[(*♪].*[\])*♪]\W*$")
MAX_CUE_SECONDS = 7.0


def _without_inventions(words: list[Word], audio_seconds: float) -> list[Word]:
    """Drop what Whisper invents on short audio: words timed past its end, bare punctuation, sound
    annotations ("[BLANK_AUDIO]", "(music)"), and immediate repeats of a run of words."""
    out: list[Word] = []
    keys: list[str] = []
    for word in words:
        key = _key(word)
        if not key or word.start > audio_seconds or ANNOTATION.match(word.text):
            continue
        out.append(word)
        keys.append(key)
        if len(keys) >= 3 and keys[-1] == keys[-2] == keys[-3]:
            del out[-2:], keys[-2:]
            continue
        for n in range(len(keys) // 2, 1, -1):
            if keys[-n:] == keys[-2 * n : -n]:
                del out[-n:], keys[-n:]
                break
    return out


class _Samples:
    """A growing float32 buffer: appending a 20 ms frame must not copy what is already held."""

    def __init__(self):
        self._data = np.zeros(SAMPLE_RATE * 4, dtype=np.float32)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, samples: np.ndarray) -> None:
        need = self._n + len(samples)
        if need > len(self._data):
            grown = np.zeros(max(need, 2 * len(self._data)), dtype=np.float32)
            grown[: self._n] = self._data[: self._n]
            self._data = grown
        self._data[self._n : need] = samples
        self._n = need

    def view(self) -> np.ndarray:
        return self._data[: self._n]

    def keep_last(self, n: int) -> int:
        """Drop all but the last `n` samples; returns how many were dropped."""
        dropped = max(0, self._n - n)
        if dropped:
            self._data[: self._n - dropped] = self._data[dropped : self._n].copy()
            self._n -= dropped
        return dropped


class DictationSession:
    """Feed it audio as it arrives; it calls Whisper when a hypothesis is due and reports text.

    The buffer holds the current phrase (since its pre-roll, or since the last cut of a long one);
    between phrases only the pre-roll is kept, so clicks and noise never make it grow.
    """

    def __init__(
        self,
        engine: Transcriber,
        config: DictationConfig = DictationConfig(),
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
        vad=None,
    ):
        self.engine, self.config, self.clock, self.cancel = engine, config, clock, cancel
        self.vad = vad or EnergyVAD()
        self.agreement = LocalAgreement()
        self.real_time_factor = 0.0
        self.whisper_calls = 0
        self.passes: deque[WhisperPass] = deque(maxlen=20_000)
        self.phrases: list[Segment] = []  # committed text as subtitle cues
        self._pending = np.zeros(0, dtype=np.float32)
        self._heard = 0  # samples received, dropped ones included: the audio timeline
        self._buffer = _Samples()
        self._buffer_start = 0.0
        self._voiced_frames = 0  # since the phrase began
        self._silent_frames = 0  # since the last voiced frame
        self._since_hypothesis = 0  # samples
        self._segment_ends: list[tuple[int, float]] = []  # latest hypothesis: (words up to here, time)
        self._cue_open = False
        # The phrase-end pass made as soon as the pause is tail-long: (voiced frames then, words, segment
        # ends). If the pause goes on to end the phrase with no voice since, its audio is exactly what the
        # phrase end would transcribe, so the commit does not wait for Whisper.
        self._early: tuple[int, list[Word], list[tuple[int, float]]] | None = None
        self._captures: deque[tuple[float, float]] = deque()  # (audio time at a chunk's end, its capture clock)

    @property
    def audio_time(self) -> float:
        return self._heard / SAMPLE_RATE

    @property
    def buffered_seconds(self) -> float:
        return len(self._buffer) / SAMPLE_RATE

    @property
    def committed_text(self) -> str:
        return _text(self.agreement.committed)

    @property
    def _in_phrase(self) -> bool:
        return self._voiced_frames > 0

    @property
    def lag_seconds(self) -> float:
        """How long ago the newest audio taken in was captured: how far the text is behind the voice."""
        return max(0.0, self.clock() - self._captures[-1][1]) if self._captures else 0.0

    def pieces(self, chunk: np.ndarray, captured_at: float | None = None) -> Iterator[tuple[np.ndarray, float]]:
        """`chunk` in 0.1 s pieces, each with the time its last sample was captured (the samples after
        it came later, at the audio rate): a backlog is then cut, and its lag known, where it happens."""
        chunk = np.asarray(chunk, dtype=np.float32)
        captured_at = self.clock() if captured_at is None else captured_at
        for at in range(0, len(chunk), PIECE):
            piece = chunk[at : at + PIECE]
            yield piece, captured_at - (len(chunk) - at - len(piece)) / SAMPLE_RATE

    def feed(self, chunk: np.ndarray, captured_at: float | None = None) -> DictationUpdate | None:
        """Take the next audio; returns an update if the text changed.

        `captured_at` is the clock time the chunk's last sample was captured (the audio device's
        block time); without it, now. Commit latency and lag are counted from it.
        """
        before = (len(self.agreement.committed), _text(self.agreement.unconfirmed))
        committed = False
        for piece, at in self.pieces(chunk, captured_at):
            committed = self._take(piece, at) or committed
        after = (len(self.agreement.committed), _text(self.agreement.unconfirmed))
        return self._update(self._latency() if committed else None) if after != before else None

    def finish(self) -> DictationUpdate:
        """Recording stopped: whatever is still pending is transcribed and committed."""
        committed = self._end_phrase() if self._in_phrase else False
        return self._update(self._latency() if committed else None, final=True)

    # --- internals ---------------------------------------------------------------------------

    def _take(self, piece: np.ndarray, captured_at: float) -> bool:
        """VAD over a piece, then the pass it makes due, if any; True if something was committed."""
        # Capture times older than the buffer are never asked for again (latency is of words in it).
        while len(self._captures) > 1 and self._captures[1][0] <= self._buffer_start - 1.0:
            self._captures.popleft()
        committed = False
        self._pending = np.concatenate([self._pending, piece])
        self._captures.append(((self._heard + len(self._pending)) / SAMPLE_RATE, captured_at))
        n_frames = len(self._pending) // FRAME
        for i in range(n_frames):
            committed = self._take_frame(self._pending[i * FRAME : (i + 1) * FRAME]) or committed
        self._pending = self._pending[n_frames * FRAME :]
        if not self._in_phrase:
            return committed
        # No hypothesis once a pause has begun: the phrase may be about to end, and its final pass should
        # not wait behind one that commits nothing new. Once the pause is as long as the tail kept after
        # speech, the phrase-end pass itself is made, ahead of the pause that ends the phrase.
        silence = self._silent_frames * FRAME_SECONDS
        if silence >= self.config.tail_seconds and self._early_pass() is None and self._long_enough:
            words = self._words(self._phrase_audio(), PassKind.PHRASE_END)
            self._early = (self._voiced_frames, words, self._segment_ends)
        if silence >= self.config.pause_seconds / 2:
            return committed
        if self.buffered_seconds >= self._full_seconds:
            return self._hypothesis(PassKind.FULL_WINDOW) or committed
        caught_up = self.lag_seconds <= self.config.catch_up_seconds
        if (
            caught_up
            and self._since_hypothesis >= self.config.step_seconds * SAMPLE_RATE
            and self.buffered_seconds >= self.config.first_hypothesis_seconds
        ):
            return self._hypothesis(PassKind.HYPOTHESIS) or committed
        return committed

    @property
    def _full_seconds(self) -> float:
        """A buffer this long is committed and cut whether or not the loop is caught up: one step past the
        trim length. Waiting for the whole window left 13 s of a long phrase without a committed word when
        its growing passes put the loop behind, which stops the hypotheses that would have trimmed it."""
        return min(self.config.buffer_seconds, self.config.trim_after_seconds + self.config.step_seconds)

    def _take_frame(self, frame: np.ndarray) -> bool:
        """VAD bookkeeping for one frame; True if it ended a phrase with a commit."""
        speech = self.vad.is_speech(frame)
        self._heard += FRAME
        self._buffer.append(frame)
        if self._in_phrase:
            self._since_hypothesis += FRAME
        if speech:
            self._voiced_frames += 1
            self._silent_frames = 0
            return False
        self._silent_frames += 1
        if self._in_phrase and self._silent_frames * FRAME_SECONDS >= self.config.pause_seconds:
            return self._end_phrase()
        if not self._in_phrase and len(self._buffer) > 2 * self._preroll:
            self._drop_front(self._buffer.keep_last(self._preroll))
        return False

    @property
    def _preroll(self) -> int:
        return int(self.config.preroll_seconds * SAMPLE_RATE)

    def _drop_front(self, samples: int) -> None:
        self._buffer_start += samples / SAMPLE_RATE

    def _end_phrase(self) -> bool:
        """A pause: transcribe the phrase whole and commit every new word of it."""
        committed = False
        if self._long_enough:
            if early := self._early_pass():
                _, words, self._segment_ends = early
            else:
                words = self._words(self._phrase_audio(), PassKind.PHRASE_END)
            committed = bool(self._record(self.agreement.commit_all(words)))
        self._early = None
        self._cue_open = False
        self._voiced_frames = 0
        self._since_hypothesis = 0
        self._drop_front(self._buffer.keep_last(self._preroll))
        self.agreement.new_buffer(self._buffer_start, mid_phrase=False)
        return committed

    def _early_pass(self):
        """The early phrase-end pass of this pause, if one was made and no voice has come since."""
        return self._early if self._early is not None and self._early[0] == self._voiced_frames else None

    @property
    def _long_enough(self) -> bool:
        return self._voiced_frames * FRAME_SECONDS >= self.config.min_speech_seconds

    def _phrase_audio(self) -> np.ndarray:
        """The phrase up to its last voiced frame and the tail after it."""
        extra = max(0.0, self._silent_frames * FRAME_SECONDS - self.config.tail_seconds)
        return self._buffer.view()[: len(self._buffer) - int(extra * SAMPLE_RATE)]

    def _hypothesis(self, kind: PassKind) -> bool:
        self._early = None
        self._since_hypothesis = 0
        committed = bool(self._record(self.agreement.insert(self._words(self._buffer.view(), kind))))
        if self.buffered_seconds > self.config.trim_after_seconds:
            committed = self._trim() or committed
        return committed

    def _trim(self) -> bool:
        """Cut a long phrase after its committed words; if none have agreed by `_full_seconds`, commit the
        hypothesis."""
        committed = False
        cut = self._cut_point()
        if cut is None and self.buffered_seconds >= self._full_seconds:
            # Commit the hypothesis up to the end of its last whole segment but one (or all of it).
            ends = [n for n, _ in self._segment_ends if n > self.agreement.settled]
            n = ends[-2] if len(ends) > 1 else len(self.agreement.unconfirmed) + self.agreement.settled
            committed = bool(self._record(self.agreement.commit_unconfirmed(n - self.agreement.settled)))
            end = self._buffer_start + self.buffered_seconds
            cut = self._cut_point() or self._quietest(end - 1.5, end - 0.5)
        if cut is None or cut <= self._buffer_start:
            return committed
        self._buffer.keep_last(len(self._buffer) - int(round((cut - self._buffer_start) * SAMPLE_RATE)))
        self._buffer_start = cut
        # Committed words timed after the cut (the times are loose) may be read again from what is left.
        keep = sum(1 for w in self.agreement.in_buffer if w.end > cut)
        self.agreement.new_buffer(cut, mid_phrase=True, keep=keep)
        return committed

    def _cut_point(self) -> float | None:
        """The end of the latest Whisper segment whose words are all committed, moved to the quietest
        spot near it, if that leaves a second of audio on either side. Segment ends come from Whisper's
        timestamp tokens, which are much closer to the audio than its word times."""
        end = self._buffer_start + self.buffered_seconds
        for n, t in reversed(self._segment_ends):
            if n <= self.agreement.settled and self._buffer_start + 1.0 <= t <= end - 1.0:
                return self._quietest(t - 0.15, t + 0.15)
        return None

    def _quietest(self, start: float, end: float) -> float | None:
        """The start of the quietest 20 ms frame between `start` and `end` (timeline seconds)."""
        audio = self._buffer.view()
        lo = max(0, int((start - self._buffer_start) * SAMPLE_RATE))
        hi = min(len(audio), int((end - self._buffer_start) * SAMPLE_RATE))
        if hi - lo < FRAME:
            return None
        frames = audio[lo : lo + (hi - lo) // FRAME * FRAME].reshape(-1, FRAME)
        quietest = int(np.argmin(np.mean(np.square(frames), axis=1)))
        return self._buffer_start + (lo + quietest * FRAME + FRAME // 2) / SAMPLE_RATE

    def _words(self, audio: np.ndarray, kind: PassKind) -> list[Word]:
        seconds = len(audio) / SAMPLE_RATE
        lag = self.lag_seconds
        ctx = encoder_ctx_for(seconds, audio_ctx_for(self.config.window_seconds))
        started = time.perf_counter()
        segments = self.engine.transcribe(
            audio,
            language=self.config.language,
            translate=self.config.translate,
            audio_ctx=ctx,
            prompt=self.agreement.prompt(self.config.prompt_chars),
            word_times=True,
            fallback=False,
            max_tokens=int(TOKENS_PER_SECOND_MAX * seconds) + 8,
            cancel=self.cancel,
        )
        spent = time.perf_counter() - started
        self.whisper_calls += 1
        self.passes.append(WhisperPass(kind, seconds, ctx, spent, lag, getattr(self.engine, "last_threads", None)))
        self.real_time_factor = spent / max(seconds, 1e-6)
        offset = self._buffer_start
        words: list[Word] = []
        self._segment_ends = []
        for segment in segments:
            words = _without_inventions(words + list(segment.words), seconds)
            if words:
                self._segment_ends.append((len(words), min(segment.end, seconds) + offset))
        return [Word(w.start + offset, min(w.end, seconds) + offset, w.text) for w in words]

    def _record(self, words: list[Word]) -> list[Word]:
        """Keep committed words as subtitle cues: one per phrase, split at sentence ends and at 7 s."""
        for word in words:
            last = self.phrases[-1] if self.phrases else None
            if (
                self._cue_open
                and last
                and not last.text.endswith(SENTENCE_END)
                and word.end - last.start <= MAX_CUE_SECONDS
            ):
                self.phrases[-1] = Segment(last.start, word.end, last.text + word.text)
            else:
                self.phrases.append(Segment(word.start, word.end, word.text.strip()))
                self._cue_open = True
        return words

    def _latency(self) -> float | None:
        """Clock time since the audio holding the end of the last committed word was captured."""
        if not self.agreement.committed:
            return None
        t = min(self.agreement.committed[-1].end, self.audio_time)
        while len(self._captures) > 1 and self._captures[0][0] < t:
            self._captures.popleft()
        chunk_end, captured = self._captures[0]
        # Within a chunk the samples came at the audio rate, so the word's end was captured earlier
        # than the chunk's last sample by the audio between them.
        return max(0.0, self.clock() - (captured - max(0.0, chunk_end - t)))

    def _update(self, commit_latency: float | None, final: bool = False) -> DictationUpdate:
        return DictationUpdate(
            committed=self.committed_text,
            unconfirmed=_text(self.agreement.unconfirmed),
            audio_time=self.audio_time,
            commit_latency=commit_latency,
            dropped_seconds=0.0,  # the session drops nothing; run_dictation adds what the source lost
            real_time_factor=self.real_time_factor,
            final=final,
            lag_seconds=self.lag_seconds,
        )


class AudioSource(Protocol):
    """What run_dictation reads: the microphone, or a clip played at real-time pace in tests.

    A source may also have `captured_at`: the clock time its last read's final sample was captured.
    """

    dropped_seconds: float  # audio the source itself lost (a full queue)

    def read(self, timeout: float = 0.2) -> np.ndarray | None:
        """All audio since the last read (empty if none yet); None once the source has ended."""


def run_dictation(
    source: AudioSource, session: DictationSession, on_update: Callable[[DictationUpdate], None], stop: threading.Event
) -> DictationUpdate:
    """Pump `source` through `session` until `stop` is set or the source ends.

    Everything read is taken in, however far behind the loop is (the session leaves out the grey
    hypotheses until it has caught up), and on Stop what was captured before it is still taken in:
    nothing said is dropped. If the device fails, the pending text is still committed and reported
    before the error propagates.
    """

    def report(update: DictationUpdate | None) -> None:
        if update is not None:
            on_update(replace(update, dropped_seconds=source.dropped_seconds))

    def take(chunk: np.ndarray) -> None:
        for piece, captured_at in session.pieces(chunk, getattr(source, "captured_at", None)):
            report(session.feed(piece, captured_at))

    try:
        ended = False
        while not stop.is_set():
            chunk = source.read()
            if chunk is None:
                ended = True
                break
            take(chunk)
        if not ended:
            # Stopped: what was captured before the Stop and not read yet is still what the user said.
            chunk = source.read(timeout=0)
            if chunk is not None:
                take(chunk)
    except AudioDeviceError:
        report(session.finish())
        raise
    final = replace(session.finish(), dropped_seconds=source.dropped_seconds)
    on_update(final)
    return final
