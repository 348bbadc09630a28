"""Live dictation policy: 16 kHz audio chunks in, (committed, unconfirmed) text out. Qt-free.

- Voice activity detection: silence never reaches Whisper, and a pause ends a phrase, which is then
  transcribed once more and committed whole (the low-latency path for the last words of a phrase).
- Inside a phrase, LocalAgreement-2 (Macháček et al., whisper_streaming): the buffer is re-transcribed
  every `step_seconds`; words two consecutive hypotheses agree on are committed, the rest shown as
  unconfirmed. Committed words are never re-emitted: hypotheses are filtered by time and by n-gram
  overlap with the committed tail. Long phrases are trimmed at the end of a fully committed segment.
- Real time: `run_dictation` reads everything that queued up while Whisper was busy; beyond
  `max_lag_seconds` the older part is dropped (the phrase ends at the gap and the loss is counted),
  so the text never lags without bound.

The microphone (audio.MicrophoneCapture) and the tests' simulated clip player go through the same
`run_dictation` loop and `DictationSession`.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from backend.audio import AudioDeviceError
from backend.speech import SAMPLE_RATE, Segment, Word, audio_ctx_for
from backend.wer import normalize_words

FRAME = 320  # 20 ms: the VAD's unit
FRAME_SECONDS = FRAME / SAMPLE_RATE
TOKENS_PER_SECOND_MAX = 8  # fast speech is ~5 tokens/s; more than this is a decoding loop


@dataclass(frozen=True)
class DictationConfig:
    language: str = "auto"
    translate: bool = False
    step_seconds: float = 1.0  # new voiced audio between hypotheses inside a phrase
    pause_seconds: float = 0.5  # silence that ends a phrase: its words are committed then
    forget_seconds: float = 5.0  # silence after which the previous audio is no use as context
    preroll_seconds: float = 0.3  # audio kept before the first voiced frame (soft onsets)
    tail_seconds: float = 0.3  # silence kept after the last voiced frame
    min_speech_seconds: float = 0.1  # shorter bursts (clicks, coughs) are not sent to Whisper
    # Whisper's encoder sees this much audio (audio_ctx). It is fixed for the session: whisper.cpp
    # keeps state from a call with a larger window, so varying it makes the same audio give different
    # text depending on what came before. A buffer this long with nothing to cut at is committed.
    window_seconds: float = 15.0
    trim_seconds: float = 10.0  # longer buffers are cut where everything before is committed
    max_lag_seconds: float = 2.0


@dataclass(frozen=True)
class DictationUpdate:
    committed: str
    unconfirmed: str
    audio_time: float  # seconds of audio heard when this update was made
    commit_latency: float | None  # clock seconds from hearing the last committed word to committing it
    dropped_seconds: float
    real_time_factor: float  # of the last Whisper call: compute seconds / audio seconds
    final: bool = False


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


class VoiceActivity:
    """Energy VAD against an adaptive noise floor (a low percentile of recent frame levels)."""

    def __init__(
        self, window_seconds: float = 5.0, margin_db: float = 10.0, min_db: float = -60.0, max_floor_db: float = -45.0
    ):
        # The floor is capped so that a recording that starts mid-sentence (no silence seen yet)
        # still counts that sentence as speech.
        self.margin_db, self.min_db, self.max_floor_db = margin_db, min_db, max_floor_db
        self._history: deque[float] = deque(maxlen=int(window_seconds / FRAME_SECONDS))

    def is_speech(self, frame: np.ndarray) -> bool:
        power = float(np.mean(np.square(frame, dtype=np.float64)))
        db = 10.0 * np.log10(power) if power > 1e-10 else -100.0
        self._history.append(db)
        floor = min(float(np.percentile(self._history, 10)), self.max_floor_db)
        return db > max(floor + self.margin_db, self.min_db)


def _key(word: Word) -> str:
    return " ".join(normalize_words(word.text))


class LocalAgreement:
    """Commit the prefix two consecutive hypotheses agree on (LocalAgreement-2, as in whisper_streaming).

    Each hypothesis re-reads audio whose words are already committed. Those are recognised by
    aligning the hypothesis with the committed words (text alignment, confirmed by time), so a word
    the model now hears slightly differently ("dog" -> "doc") is not committed twice, and a
    repeated word later in the audio ("you ... you") is not mistaken for an old one.
    """

    TIME_TOLERANCE = 0.3  # seconds a word's start may drift between hypotheses

    def __init__(self):
        self.committed: list[Word] = []
        self.committed_in_buffer: list[Word] = []  # committed words whose audio is still buffered
        self.unconfirmed: list[Word] = []
        self.settled_until = 0.0  # nothing before this time can be new (an ended phrase)

    def _fresh(self, words: list[Word]) -> list[Word]:
        words = [w for w in words if w.start >= self.settled_until - 0.1]
        if not words:
            return words
        # Only committed words near the hypothesis' start can be re-read ones; aligning against older
        # ones lets a common word ("the") far back pull the alignment away from the real overlap.
        old = [w for w in self.committed_in_buffer if w.end >= words[0].start - 1.0]
        if not old:
            return words
        matcher = difflib.SequenceMatcher(None, [_key(w) for w in old], [_key(w) for w in words], autojunk=False)
        cut = 0
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag not in ("equal", "replace"):
                continue
            for d in range(min(j2 - j1, i2 - i1)):  # word for word: extra new words are not old ones
                if words[j1 + d].start <= old[i1 + d].end + self.TIME_TOLERANCE:
                    cut = j1 + d + 1
        words = words[cut:]
        return words[_repeated_tail(self.committed, words) :]

    def insert(self, words: list[Word]) -> list[Word]:
        """Take a new hypothesis; returns the words it commits."""
        new = self._fresh(words)
        agreed = 0
        while agreed < min(len(new), len(self.unconfirmed)) and _key(new[agreed]) == _key(self.unconfirmed[agreed]):
            agreed += 1
        commit, self.unconfirmed = new[:agreed], new[agreed:]
        self._commit(commit)
        return commit

    def commit_all(self, words: list[Word], until: float) -> list[Word]:
        """The phrase ended at `until`: its last hypothesis is taken whole."""
        commit = self._fresh(words)
        self.unconfirmed = []
        self._commit(commit)
        if commit:  # a phrase that gave no words stays open to the next hypothesis
            self.settled_until = max(self.settled_until, until)
        return commit

    def _commit(self, words: list[Word]) -> None:
        self.committed += words
        self.committed_in_buffer += words

    def forget_buffer_before(self, t: float) -> None:
        self.committed_in_buffer = [w for w in self.committed_in_buffer if w.end > t]


def _repeated_tail(committed: list[Word], words: list[Word], longest: int = 12) -> int:
    """How many leading `words` say again the last committed words (two or more).

    Whisper's word times drift by more than TIME_TOLERANCE on re-read audio at phrase boundaries,
    which let "from the North which | from the North which chiefly" through on the live microphone;
    a speaker repeating two or more words verbatim is far rarer than that.
    """
    tail = [_key(w) for w in committed[-longest:]]
    head = [_key(w) for w in words[:longest]]
    for n in range(min(len(tail), len(head)), 1, -1):
        if tail[-n:] == head[:n]:
            return n
    return 0


def _text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


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


class DictationSession:
    """Feed it audio as it arrives; it calls Whisper when a hypothesis is due and reports text.

    The buffer keeps the audio since the last cut, pauses included, so each hypothesis has the
    context of the phrases before it; committed words are filtered out by time. It is cut where
    everything before is committed once longer than `trim_seconds`, and dropped after a long silence.
    """

    def __init__(
        self,
        engine: Transcriber,
        config: DictationConfig = DictationConfig(),
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
    ):
        self.engine, self.config, self.clock, self.cancel = engine, config, clock, cancel
        self.vad = VoiceActivity()
        self.agreement = LocalAgreement()
        self.dropped_seconds = 0.0
        self.real_time_factor = 0.0
        self.phrases: list[Segment] = []  # committed text as subtitle cues
        self._pending = np.zeros(0, dtype=np.float32)
        self._heard = 0  # samples received, dropped ones included: the audio timeline
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0.0
        self._voiced_frames = 0  # since the phrase began
        self._silent_frames = 0  # since the last voiced frame
        self._since_hypothesis = 0  # samples
        self._phrase_ends: list[float] = []  # where ended phrases were cut: all before is committed
        self._segment_ends: list[float] = []  # of the latest hypothesis: cut points once committed
        self._cue_open = False
        self._arrivals: deque[tuple[float, float]] = deque()  # (audio time, clock) per chunk

    @property
    def audio_time(self) -> float:
        return self._heard / SAMPLE_RATE

    @property
    def committed_text(self) -> str:
        return _text(self.agreement.committed)

    @property
    def _in_phrase(self) -> bool:
        return self._voiced_frames > 0

    def feed(self, chunk: np.ndarray) -> DictationUpdate | None:
        """Take the next audio; returns an update if the text changed."""
        before = (len(self.agreement.committed), _text(self.agreement.unconfirmed))
        committed = False
        self._pending = np.concatenate([self._pending, np.asarray(chunk, dtype=np.float32)])
        n_frames = len(self._pending) // FRAME
        self._arrivals.append((self.audio_time + n_frames * FRAME / SAMPLE_RATE, self.clock()))
        for i in range(n_frames):
            committed = self._take_frame(self._pending[i * FRAME : (i + 1) * FRAME]) or committed
        self._pending = self._pending[n_frames * FRAME :]
        if self._in_phrase and self._since_hypothesis >= self.config.step_seconds * SAMPLE_RATE:
            committed = self._hypothesis() or committed
        after = (len(self.agreement.committed), _text(self.agreement.unconfirmed))
        return self._update(self._latency() if committed else None) if after != before else None

    def skip(self, seconds: float) -> DictationUpdate:
        """Audio was lost (we fell behind): end the phrase before the gap and move the timeline on."""
        self.dropped_seconds += seconds
        committed = self._end_phrase() if self._in_phrase else False
        self._heard += int(seconds * SAMPLE_RATE)
        self._forget()
        return self._update(self._latency() if committed else None)

    def finish(self) -> DictationUpdate:
        """Recording stopped: whatever is still pending is transcribed and committed."""
        committed = self._end_phrase() if self._in_phrase else False
        return self._update(self._latency() if committed else None, final=True)

    # --- internals ---------------------------------------------------------------------------

    def _take_frame(self, frame: np.ndarray) -> bool:
        """VAD bookkeeping for one frame; True if it ended a phrase with a commit."""
        speech = self.vad.is_speech(frame)
        self._heard += FRAME
        self._buffer = np.concatenate([self._buffer, frame])
        if self._in_phrase:
            self._since_hypothesis += FRAME
        if speech:
            self._voiced_frames += 1
            self._silent_frames = 0
            return False
        self._silent_frames += 1
        silence = self._silent_frames * FRAME_SECONDS
        if self._in_phrase and silence >= self.config.pause_seconds:
            return self._end_phrase()
        if not self._in_phrase and silence >= self.config.forget_seconds:
            self._forget()
        return False

    def _forget(self) -> None:
        """Drop the context: keep only the pre-roll for the next phrase's onset."""
        keep = min(len(self._buffer), int(self.config.preroll_seconds * SAMPLE_RATE))
        self._buffer = self._buffer[len(self._buffer) - keep :]
        self._buffer_start = self.audio_time - keep / SAMPLE_RATE
        self._phrase_ends, self._segment_ends = [], []
        self.agreement.forget_buffer_before(self._buffer_start)

    def _end_phrase(self) -> bool:
        """A pause: transcribe up to it and commit every word before it."""
        committed = False
        if self._voiced_frames * FRAME_SECONDS >= self.config.min_speech_seconds:
            extra = max(0.0, self._silent_frames * FRAME_SECONDS - self.config.tail_seconds)
            audio = self._buffer[: len(self._buffer) - int(extra * SAMPLE_RATE)]
            cut = self._buffer_start + len(audio) / SAMPLE_RATE
            committed = bool(self._record(self.agreement.commit_all(self._words(audio), until=cut)))
            self._phrase_ends.append(cut)
        self._cue_open = False
        self._voiced_frames = 0
        self._since_hypothesis = 0
        return committed

    def _hypothesis(self) -> bool:
        self._since_hypothesis = 0
        committed = bool(self._record(self.agreement.insert(self._words(self._buffer))))
        if len(self._buffer) / SAMPLE_RATE > self.config.trim_seconds:
            self._trim()
        if len(self._buffer) / SAMPLE_RATE > self.config.window_seconds - self.config.step_seconds:
            commit = self.agreement.commit_all(self.agreement.unconfirmed, until=self.audio_time)
            committed = bool(self._record(commit)) or committed
            self._cue_open = False
            self._forget()
        return committed

    def _trim(self) -> None:
        """Cut the buffer at the latest point that only committed words precede."""
        committed_until = max(
            self.agreement.settled_until, self.agreement.committed[-1].end if self.agreement.committed else 0.0
        )
        candidates = self._phrase_ends + self._segment_ends
        cut = max((c for c in candidates if c <= committed_until + 0.01), default=None)
        if cut is None or cut <= self._buffer_start:
            return
        self._buffer = self._buffer[int((cut - self._buffer_start) * SAMPLE_RATE) :]
        self._buffer_start = cut
        self._phrase_ends = [c for c in self._phrase_ends if c > cut]
        self.agreement.forget_buffer_before(cut)

    def _words(self, audio: np.ndarray) -> list[Word]:
        seconds = len(audio) / SAMPLE_RATE
        started = time.perf_counter()
        segments = self.engine.transcribe(
            audio,
            language=self.config.language,
            translate=self.config.translate,
            audio_ctx=audio_ctx_for(self.config.window_seconds),
            prompt="",
            word_times=True,
            fallback=False,
            max_tokens=int(TOKENS_PER_SECOND_MAX * seconds) + 8,
            cancel=self.cancel,
        )
        self.real_time_factor = (time.perf_counter() - started) / max(seconds, 1e-6)
        offset = self._buffer_start
        words = _without_inventions([w for s in segments for w in s.words], seconds)
        self._segment_ends = [min(s.end, seconds) + offset for s in segments if s.words]
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
        """Clock time since the audio holding the last committed word arrived."""
        if not self.agreement.committed:
            return None
        end = min(self.agreement.committed[-1].end, self.audio_time)
        while len(self._arrivals) > 1 and self._arrivals[1][0] <= end:
            self._arrivals.popleft()
        arrived = next((clock for t, clock in self._arrivals if t >= end), self.clock())
        return max(0.0, self.clock() - arrived)

    def _update(self, commit_latency: float | None, final: bool = False) -> DictationUpdate:
        return DictationUpdate(
            committed=self.committed_text,
            unconfirmed=_text(self.agreement.unconfirmed),
            audio_time=self.audio_time,
            commit_latency=commit_latency,
            dropped_seconds=self.dropped_seconds,
            real_time_factor=self.real_time_factor,
            final=final,
        )


class AudioSource(Protocol):
    """What run_dictation reads: the microphone, or a clip played at real-time pace in tests."""

    dropped_seconds: float  # audio the source itself lost (a full queue)

    def read(self, timeout: float = 0.2) -> np.ndarray | None:
        """All audio since the last read (empty if none yet); None once the source has ended."""


def run_dictation(
    source: AudioSource, session: DictationSession, on_update: Callable[[DictationUpdate], None], stop: threading.Event
) -> DictationUpdate:
    """Pump `source` through `session` until `stop` is set or the source ends.

    If the device fails, the pending text is still committed and reported before the error
    propagates, so nothing said so far is lost.
    """
    max_lag = int(session.config.max_lag_seconds * SAMPLE_RATE)

    def report(update: DictationUpdate | None) -> None:
        if update is not None:
            on_update(replace(update, dropped_seconds=update.dropped_seconds + source.dropped_seconds))

    try:
        while not stop.is_set():
            chunk = source.read()
            if chunk is None:
                break
            if len(chunk) > max_lag:
                report(session.skip((len(chunk) - max_lag) / SAMPLE_RATE))
                chunk = chunk[-max_lag:]
            report(session.feed(chunk))
    except AudioDeviceError:
        report(session.finish())
        raise
    final = session.finish()
    report(final)
    return replace(final, dropped_seconds=final.dropped_seconds + source.dropped_seconds)
