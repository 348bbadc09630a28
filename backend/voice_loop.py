"""Voice conversation, Qt-free: microphone -> live dictation -> a pause sends -> the chat model's reply
is spoken sentence by sentence -> listen again.

- The words come from the dictation policy (DictationSession), so silence never reaches Whisper and
  never becomes a message. A message is sent once no voice has been heard for `send_pause_seconds`
  after its last committed word; push-to-talk sends when the key is released instead.
- To be quick, the reply is started as soon as the phrase ends (the dictation's own short pause) and
  held back, unspoken and unseen, until the longer send pause confirms it; if the speaker goes on
  talking meanwhile, that reply is cancelled and thrown away.
- No echo: while a reply is being written or spoken, and for `mute_tail_seconds` after the speaker
  has really gone quiet, the microphone's audio is thrown away; then dictation starts afresh
  (talk-llama's audio.clear()), so Hearth never answers itself.
- Push-to-talk: with `push_to_talk` only the audio while the key is held counts; in hands-free mode a
  held key (the window's hold-to-talk) keeps the pause from sending, and letting go sends.
- A message that ends in "cancel" (or "cancelled", "cancel that") is dropped, not sent (as is
  drop_message(), the window's Esc).

Threads: `run()` reads the microphone and runs Whisper on the caller's thread (the speech engine's
one thread); the chat model runs on LlmService's thread; speech on SpeechOutput's threads. Events go
to `on_event` from those threads: a GUI marshals them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from backend.dictation import AudioSource, DictationConfig, DictationSession, Transcriber
from backend.llm import SamplingParams
from backend.llm_service import GenerationResult, LlmService
from backend.speakable import SentenceSplitter
from backend.speech import SAMPLE_RATE
from backend.speech_out import SpeechOutput, Spoken
from backend.vad import FRAME, FRAME_SECONDS, EnergyVAD
from backend.wer import normalize_words

VOICE_SYSTEM_PROMPT = (
    "You are a helpful assistant in a spoken conversation. Answer in one to three short sentences of "
    "plain speech: no lists, no code, no Markdown."
)


# A first sentence this many words long is spoken from its first clause on (a comma is enough): the
# reply's first sound need not wait for its first full stop.
FIRST_CLAUSE_WORDS = 6


@dataclass(frozen=True)
class VoiceConfig:
    send_pause_seconds: float = 1.2  # of silence after the last word before a message is sent
    mute_tail_seconds: float = 0.3  # the mic stays deaf this long after the speaker went quiet
    # Whisper often hears a final "cancel" as one of its inflections, or the speaker adds "that"/"it".
    cancel_words: tuple[str, ...] = ("cancel", "cancelled", "canceled", "cancelling", "canceling")
    push_to_talk: bool = False
    early_start: bool = True  # start the reply at the phrase's end, speak it once the pause confirms it
    dictation: DictationConfig = field(default_factory=DictationConfig)


@dataclass(frozen=True)
class VoiceEvent:
    """kind: heard (the message so far), sent, reply (the whole reply, once it ends), spoken (a sentence
    was heard to its end), dropped (a cancelled message), error."""

    kind: str
    text: str
    at: float  # time.monotonic()
    started_at: float | None = None  # spoken: when its sound began
    unconfirmed: str = ""  # heard: the words not yet final
    stop_reason: str | None = None  # reply


class Responder(Protocol):
    """Who answers: `start` begins a reply that stays unseen until `confirm` says its message was sent
    (an early start the speaker went on from is cancelled through `cancel` and never confirmed)."""

    def start(
        self, text: str, on_piece: Callable[[str], None], cancel: threading.Event
    ) -> Future[GenerationResult]: ...

    def confirm(self, reply: Future[GenerationResult]) -> None: ...

    def finished(self, text: str, reply: str) -> None: ...


class ChatResponder:
    """The conversation the voice loop holds with the chat model: its own history, on the one LlmService."""

    def __init__(
        self,
        service: LlmService,
        params: SamplingParams | None = None,
        system_prompt: str = VOICE_SYSTEM_PROMPT,
    ):
        self.service = service
        self.params = params or SamplingParams(max_tokens=160)
        self.system_prompt = system_prompt
        self.history: list[dict] = []

    def start(self, text: str, on_piece: Callable[[str], None], cancel: threading.Event) -> Future[GenerationResult]:
        messages = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        messages += self.history + [{"role": "user", "content": text}]
        return self.service.chat(messages, self.params, cancel=cancel, on_piece=lambda piece, _gen: on_piece(piece))

    def confirm(self, reply: Future[GenerationResult]) -> None:
        """Headless, nothing is shown: the reply's history is kept once it ends."""

    def finished(self, text: str, reply: str) -> None:
        """A sent message and its reply (possibly cut short) join the history."""
        self.history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]


class _Turn:
    """One message and its reply; its sentences are held until the message is confirmed as sent."""

    def __init__(self, text: str, speech: SpeechOutput):
        self.text, self.speech = text, speech
        self.cancel = threading.Event()
        self.splitter = SentenceSplitter(first_clause_words=FIRST_CLAUSE_WORDS)
        self.sent = False
        self.held: list[str] = []
        self.lock = threading.Lock()
        self.future: Future[GenerationResult] | None = None
        self.claimed = False  # one thread finishes it
        self.completed = False  # its last sentences were handed to the speaker

    def on_piece(self, piece: str) -> None:  # on the engine thread
        self._say(self.splitter.feed(piece))

    def finish(self) -> None:
        self._say(self.splitter.flush())

    @property
    def replying(self) -> bool:
        """Sent, and the reply is not yet all handed to the speaker."""
        return self.sent and not self.completed

    def _say(self, sentences: list[str]) -> None:
        with self.lock:
            if self.cancel.is_set():
                return
            if not self.sent:
                self.held += sentences
                for sentence in sentences:  # ready to play the moment the message is confirmed
                    self.speech.prefetch(sentence)
                return
        for sentence in sentences:
            self.speech.say(sentence)

    def confirm(self) -> None:
        with self.lock:
            self.sent, held, self.held = True, self.held, []
        for sentence in held:
            self.speech.say(sentence)

    @property
    def generating(self) -> bool:
        return self.future is not None and not self.future.done()


class VoiceLoop:
    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        responder: Responder,
        speech: SpeechOutput,
        config: VoiceConfig = VoiceConfig(),
        on_event: Callable[[VoiceEvent], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.source, self.transcriber, self.responder, self.speech = source, transcriber, responder, speech
        self.config, self.clock = config, clock
        self.on_event = on_event or (lambda event: None)
        previous = speech.on_spoken
        speech.on_spoken = lambda spoken: (previous and previous(spoken), self._on_spoken(spoken))
        self._turn: _Turn | None = None
        self._keys = threading.Lock()
        self._pressed_at: float | None = None  # push-to-talk: when the key went down (clock time)
        self._released_at: float | None = None  # and up
        self._hold_dropped = False  # Esc while the key is held: nothing until it is let go is sent
        self._drop = threading.Event()
        self._deaf_until = 0.0  # monotonic: audio captured before this is thrown away
        self.turns = 0  # messages sent
        self._new_session()

    # --- from any thread (the window's buttons) ----------------------------------------------

    def set_talking(self, talking: bool) -> None:
        """Push-to-talk: the key went down (listen) or up (send what was said)."""
        # Stamped, not applied: the loop may be behind, still reading audio from before the key moved.
        with self._keys:
            if talking and self._pressed_at is None:
                self._pressed_at, self._released_at = self.clock(), None
            elif not talking and self._pressed_at is not None and self._released_at is None:
                self._released_at = self.clock()

    def drop_message(self) -> None:
        """Esc: forget what was said so far (and, while the key is held, until it is let go)."""
        with self._keys:
            if self._pressed_at is not None and self._released_at is None:
                self._hold_dropped = True
        self._drop.set()

    def stop_reply(self) -> None:
        """Stop: end the reply being written and silence the speaker at once."""
        turn = self._turn
        if turn is not None:
            turn.cancel.set()
        self.speech.stop()

    @property
    def speaking(self) -> bool:
        turn = self._turn
        return self.speech.busy or (turn is not None and turn.replying)

    # --- the loop (the speech engine's thread) -------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                chunk = self.source.read()
                if chunk is None:
                    break
                self._take(chunk, getattr(self.source, "captured_at", None) or self.clock())
        finally:
            self.stop_reply()
            if self._turn is not None and self._turn.future is not None:
                self._turn.future.cancel()

    def _take(self, chunk: np.ndarray, captured_at: float) -> None:
        if self._drop.is_set():
            self._drop.clear()
            self._discard("dropped")
        if self._deaf(captured_at):
            return
        heard_from = captured_at - len(chunk) / SAMPLE_RATE
        if heard_from < self._deaf_until:  # the chunk began while the mic was still deaf
            chunk = chunk[len(chunk) - int((captured_at - self._deaf_until) * SAMPLE_RATE) :]
        with self._keys:
            pressed, release, hold_dropped = self._pressed_at, self._released_at, self._hold_dropped
        if self.config.push_to_talk:
            chunk = _within(chunk, captured_at, pressed, release)
        holding = pressed is not None and pressed <= captured_at and (release is None or captured_at < release)
        if release is not None and captured_at >= release:
            with self._keys:
                self._pressed_at = self._released_at = None
                self._hold_dropped = False
        else:
            release = None
        if hold_dropped and (holding or release is not None):
            chunk = chunk[:0]
        update = self.session.feed(chunk, captured_at) if len(chunk) else None
        self._watch_voice(chunk)
        if update is not None:
            message = self.session.committed_text
            if message != self._heard or update.unconfirmed:
                self._heard = message
                self.on_event(VoiceEvent("heard", message, self.clock(), unconfirmed=update.unconfirmed))
        if release is not None and not hold_dropped:  # the key is up and all audio until then is in: send
            self.session.finish()
            self._decide(self.session.committed_text, send=True)
        elif not self.config.push_to_talk:
            self._maybe_send(holding)

    def _deaf(self, captured_at: float) -> bool:
        """While Hearth speaks (and a tail after), the microphone's audio is thrown away."""
        turn = self._turn
        if (turn is not None and turn.replying) or self.speech.busy:
            self._deaf_until = float("inf")
            return True
        if self._deaf_until == float("inf"):  # it just went quiet: a fresh start after the tail
            self._deaf_until = self.speech.quiet_since + self.config.mute_tail_seconds
            self._new_session()
        return captured_at <= self._deaf_until

    def _watch_voice(self, chunk: np.ndarray) -> None:
        self._samples = np.concatenate([self._samples, chunk]) if len(self._samples) else chunk
        n = len(self._samples) // FRAME
        for i in range(n):
            self._audio_time += FRAME_SECONDS
            if self._vad.is_speech(self._samples[i * FRAME : (i + 1) * FRAME]):
                self._last_voice = self._audio_time
                if self._turn is not None and not self._turn.sent:
                    self._abandon_early_reply()
        self._samples = self._samples[n * FRAME :]

    def _maybe_send(self, holding: bool = False) -> None:
        message = self.session.committed_text
        silent = self._audio_time - self._last_voice
        if not message or self.session.agreement.unconfirmed or silent < self.config.dictation.pause_seconds:
            return
        self._decide(message, send=not holding and silent >= self.config.send_pause_seconds)

    def _decide(self, message: str, send: bool) -> None:
        """The phrase has ended: start the reply early, or send (or drop) the message."""
        if not message:
            return
        if self._is_cancel(message):
            self._discard("dropped", message)
            return
        if self._turn is not None and not self._turn.sent and self._turn.text != message:
            self._abandon_early_reply()  # more words came (the last pass of a released key): answer them all
        if self._turn is None and (send or self.config.early_start):
            self._start_turn(message)
        if send and self._turn is not None and not self._turn.sent:
            self._send()

    def _start_turn(self, message: str) -> None:
        turn = _Turn(message, self.speech)
        self._turn = turn
        turn.future = self.responder.start(message, turn.on_piece, turn.cancel)
        turn.future.add_done_callback(lambda _future: self._maybe_complete(turn))

    def _send(self) -> None:
        turn = self._turn
        assert turn is not None
        self.turns += 1
        self.on_event(VoiceEvent("sent", turn.text, self.clock()))
        assert turn.future is not None
        self.responder.confirm(turn.future)
        turn.confirm()
        self._new_session(keep_turn=True)
        self._maybe_complete(turn)

    def _maybe_complete(self, turn: _Turn) -> None:
        """Once a reply has ended and its message was sent (in either order): speak the rest, report it."""
        with turn.lock:
            if not turn.sent or turn.future is None or not turn.future.done() or turn.claimed:
                return
            turn.claimed = True
        try:
            result = turn.future.result()
        except Exception as exc:  # the chat model failed (or the reply was cancelled): say so, listen again
            turn.completed = True
            if not turn.cancel.is_set():
                self.on_event(VoiceEvent("error", str(exc) or type(exc).__name__, self.clock()))
            return
        turn.finish()
        turn.completed = True  # after finish(): the speaker is busy with its last sentences by now
        self.responder.finished(turn.text, result.text)
        reason = result.stats.stop_reason
        self.on_event(VoiceEvent("reply", result.text, self.clock(), stop_reason=getattr(reason, "value", str(reason))))

    def _abandon_early_reply(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.cancel.set()

    def _discard(self, kind: str, text: str | None = None) -> None:
        if self._turn is not None and not self._turn.sent:
            self._abandon_early_reply()
        text = self.session.committed_text if text is None else text
        self._new_session(keep_turn=True)
        self.on_event(VoiceEvent(kind, text, self.clock()))

    def _is_cancel(self, message: str) -> bool:
        words = normalize_words(message)
        if len(words) > 1 and words[-1] in ("that", "it"):
            words = words[:-1]
        return bool(words) and words[-1] in self.config.cancel_words

    def _new_session(self, keep_turn: bool = False) -> None:
        self.session = DictationSession(self.transcriber, self.config.dictation)
        self._vad = EnergyVAD()
        self._samples = np.zeros(0, dtype=np.float32)
        self._audio_time = 0.0
        self._last_voice = 0.0
        self._heard = ""
        if not keep_turn and self._turn is not None and not self._turn.replying:
            self._turn = None

    def _on_spoken(self, spoken: Spoken) -> None:
        self.on_event(VoiceEvent("spoken", spoken.text, spoken.ended_at, started_at=spoken.started_at))


def _within(chunk: np.ndarray, captured_at: float, start: float | None, end: float | None) -> np.ndarray:
    """The part of `chunk` (its last sample captured at `captured_at`) between clock times start and end."""
    if start is None:
        return chunk[:0]
    begins = captured_at - len(chunk) / SAMPLE_RATE
    lo = max(0, int((start - begins) * SAMPLE_RATE))
    hi = len(chunk) if end is None else max(0, min(len(chunk), int((end - begins) * SAMPLE_RATE)))
    return chunk[lo:hi]
