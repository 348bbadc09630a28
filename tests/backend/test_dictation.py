"""The live dictation policy: real Whisper on the real clips through the microphone's code path,
with a simulated clock so that the result does not depend on how busy the machine is."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from backend.audio import AudioDeviceError, decode_file
from backend.dictation import DictationConfig, DictationSession, LocalAgreement, PassKind, run_dictation
from backend.speech import SAMPLE_RATE, Segment, WhisperEngine, Word
from backend.wer import normalize_words, word_errors

BLOCK_SECONDS = 0.1  # what the microphone worker typically gets per read
PAUSE_AFTER_CLIP = 1.5  # the speaker stops talking; the text must be committed within this


class ClipPlayer:
    """An AudioSource that plays a clip in real-time-sized blocks; its clock is the audio time."""

    def __init__(self, audio: np.ndarray, block_seconds: float = BLOCK_SECONDS, fail_at: float | None = None):
        self.audio, self.block = audio, int(block_seconds * SAMPLE_RATE)
        self.pos = 0
        self.dropped_seconds = 0.0
        self.fail_at = fail_at

    def read(self, timeout: float = 0.2):
        if self.fail_at is not None and self.pos >= self.fail_at * SAMPLE_RATE:
            raise AudioDeviceError("the input device stopped (was it disconnected?)")
        if self.pos >= len(self.audio):
            return None
        chunk = self.audio[self.pos : self.pos + self.block]
        self.pos += len(chunk)
        return chunk

    def clock(self) -> float:
        return self.pos / SAMPLE_RATE


def repeated_phrase(text: str) -> list[str] | None:
    """The first run of words said twice in a row ("country country", "and so my and so my")."""
    words = normalize_words(text)
    for n in range(1, len(words) // 2 + 1):
        for i in range(len(words) - 2 * n + 1):
            if words[i : i + n] == words[i + n : i + 2 * n]:
                return words[i : i + n]
    return None


def dictate(engine, audio: np.ndarray, config: DictationConfig = DictationConfig()):
    player = ClipPlayer(np.concatenate([audio, np.zeros(int(PAUSE_AFTER_CLIP * SAMPLE_RATE), np.float32)]))
    session = DictationSession(engine, config, clock=player.clock)
    updates = []
    final = run_dictation(player, session, updates.append, threading.Event())
    return final, updates, session


@pytest.fixture(scope="module")
def live_engine(speech_model_path):
    # Its own engine: whisper.cpp carries state from calls with another window size.
    return WhisperEngine(speech_model_path)


@pytest.fixture(scope="module")
def clip_results(live_engine):
    speech = Path(__file__).resolve().parent.parent / "data" / "speech"
    results = {}
    for wav in sorted(speech.glob("*.wav")):
        results[wav.stem] = (wav.with_suffix(".txt").read_text(), *dictate(live_engine, decode_file(wav)))
    return results


@pytest.mark.slow
def test_clip_set_word_error_rate_is_within_ten_percent(clip_results):
    errors = words = 0
    for reference, final, _, _ in clip_results.values():
        e, n = word_errors(reference, final.committed)
        errors, words = errors + e, words + n

    assert words == 121
    assert errors / words <= 0.10, {k: v[1].committed for k, v in clip_results.items()}


@pytest.mark.slow
def test_committed_text_never_repeats_a_phrase(clip_results):
    for name, (_, final, _, _) in clip_results.items():
        assert repeated_phrase(final.committed) is None, (name, final.committed)


@pytest.mark.slow
def test_committed_text_only_grows_and_everything_is_committed_after_the_pause(clip_results):
    for name, (_, final, updates, _) in clip_results.items():
        texts = [u.committed for u in updates]
        assert all(b.startswith(a) for a, b in zip(texts, texts[1:])), name
        assert final.unconfirmed == "" and final.final
        # The last update before the stop already had everything: the pause committed it.
        assert updates[-2].committed == final.committed, name


@pytest.mark.slow
def test_commits_follow_the_words_within_two_seconds(clip_results):
    latencies = [
        u.commit_latency for _, _, ups, _ in clip_results.values() for u in ups if u.commit_latency is not None
    ]
    assert latencies and max(latencies) <= 2.0
    assert float(np.median(latencies)) <= 1.2


@pytest.mark.slow
def test_unconfirmed_words_show_before_they_are_committed(clip_results):
    _, final, updates, _ = clip_results["libri_2412_153948_0000"]
    assert any(u.unconfirmed for u in updates)
    first_commit = next(u.audio_time for u in updates if u.committed)
    assert first_commit < 6.0, "an 11 s sentence starts committing before it ends"


@pytest.mark.slow
def test_subtitle_cues_cover_the_text_in_order(clip_results):
    _, final, _, session = clip_results["jfk_inaugural"]
    cues = session.phrases
    assert normalize_words(" ".join(c.text for c in cues)) == normalize_words(final.committed)
    assert all(0 <= c.start <= c.end <= 11.5 for c in cues)
    assert all(a.end <= b.start + 0.5 for a, b in zip(cues, cues[1:]))


# --- the policy's mechanics, with a scripted transcriber -----------------------------------------


class ScriptedEngine:
    """Says `words` spread over whatever audio it is given; counts calls."""

    def __init__(self, words: str = "hello there"):
        self.words = words.split()
        self.calls = 0

    def transcribe(self, audio, **kwargs):
        self.calls += 1
        seconds = len(audio) / SAMPLE_RATE
        step = seconds / (len(self.words) + 1)
        ws = tuple(Word(i * step, (i + 1) * step, " " + w) for i, w in enumerate(self.words))
        return [Segment(0.0, seconds, " ".join(self.words), ws)]


def tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def silence(seconds: float, level: float = 1e-4) -> np.ndarray:
    return (level * np.random.default_rng(0).standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)


def test_silence_never_reaches_whisper():
    engine = ScriptedEngine()
    final, updates, _ = dictate(engine, silence(8.0))

    assert engine.calls == 0 and final.committed == ""


class SlowMachine:
    """Real time on a machine where each Whisper call takes `cost(audio seconds)` of clock time: the
    microphone keeps capturing meanwhile, and a read returns everything captured since the last one."""

    def __init__(self, audio: np.ndarray, engine, cost):
        self.audio, self.engine, self.cost = audio, engine, cost
        self.now = self.captured_at = self.dropped_seconds = 0.0
        self.pos = 0

    def clock(self) -> float:
        return self.now

    def read(self, timeout: float = 0.2):
        if self.pos >= len(self.audio):
            return None
        if int(self.now * SAMPLE_RATE) <= self.pos:
            self.now += min(timeout, 0.05)  # waiting for the next block
        end = min(len(self.audio), int(self.now * SAMPLE_RATE))
        chunk, self.pos = self.audio[self.pos : end], max(self.pos, end)
        self.captured_at = self.pos / SAMPLE_RATE
        return chunk

    def transcribe(self, audio, **kwargs):
        self.now += self.cost(len(audio) / SAMPLE_RATE)
        return self.engine.transcribe(audio, **kwargs)


class PitchEngine:
    """Names the pitch of a tone ("hz220"): each phrase of the test says its own word."""

    def transcribe(self, audio, **kwargs):
        seconds = len(audio) / SAMPLE_RATE
        spectrum = np.abs(np.fft.rfft(audio))
        hz = int(round(np.argmax(spectrum) * SAMPLE_RATE / len(audio) / 20) * 20)
        return [Segment(0.0, seconds, f" hz{hz}", (Word(0.2, seconds - 0.2, f" hz{hz}"),))]


def tone_at(seconds: float, hz: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_a_machine_too_slow_for_hypotheses_still_loses_no_phrase():
    # Every Whisper call takes 2.5 s: slower than the 1 s step of the grey hypotheses. The loop falls
    # behind, leaves them out, commits each phrase at its pause and catches up in the silences.
    hz = [220 + 40 * i for i in range(12)]
    audio = np.concatenate([np.concatenate([tone_at(2.0, f), silence(1.0)]) for f in hz] + [silence(3.0)])
    machine = SlowMachine(audio, PitchEngine(), cost=lambda seconds: 2.5)
    session = DictationSession(machine, clock=machine.clock)
    updates = []

    final = run_dictation(machine, session, updates.append, threading.Event())

    assert final.committed.split() == [f"hz{f}" for f in hz], "every phrase, once, in order"
    assert final.dropped_seconds == 0 and final.audio_time == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.02)
    hypotheses = [p for p in session.passes if p.kind is PassKind.HYPOTHESIS]
    assert all(p.lag_seconds <= session.config.catch_up_seconds for p in hypotheses)
    lags = [u.lag_seconds for u in updates]
    assert max(lags) > 2.0, "the lag it ran at was reported"
    assert max(lags[len(lags) // 2 :]) <= max(lags[: len(lags) // 2]) + 0.5, "it catches up in the pauses"


class StepEngine:
    """Hears a tone that steps up every second as one word per step ("ab", "ac", …, spelt unlike each
    other), timed where the step is in the audio it is given, like Whisper reading speech."""

    def transcribe(self, audio, **kwargs):
        hop = FRAME_HOP
        ks = [_step_of(audio[i : i + hop]) for i in range(0, len(audio) - hop + 1, hop)]
        words, start = [], 0
        for i in range(1, len(ks) + 1):
            if i == len(ks) or ks[i] != ks[start]:
                if (i - start) * hop >= 0.3 * SAMPLE_RATE:
                    k = ks[start]
                    words.append(Word(start * hop / SAMPLE_RATE, i * hop / SAMPLE_RATE, f" {STEP_WORDS[k]}"))
                start = i
        seconds = len(audio) / SAMPLE_RATE
        return [Segment(0.0, seconds, "".join(w.text for w in words), tuple(words))]


FRAME_HOP = 800  # 50 ms
STEP_WORDS = [chr(97 + k // 26) + chr(97 + k % 26) for k in range(26 * 4)]


def _step_of(frame: np.ndarray) -> int:
    hz = np.argmax(np.abs(np.fft.rfft(frame))) * SAMPLE_RATE / len(frame)
    return int(round((hz - 200) / 40))


def steps(seconds: int) -> np.ndarray:
    return np.concatenate([tone_at(1.0, 200 + 40 * k) for k in range(seconds)])


def test_long_speech_on_a_slow_machine_is_still_committed_within_one_window():
    # 60 s without a pause, every call 3 s: hypotheses only now and then, so the buffer is committed
    # and cut each time it fills the window, and every word still comes out once, in order.
    machine = SlowMachine(np.concatenate([steps(60), silence(2.0)]), StepEngine(), lambda s: 3.0)
    session = DictationSession(machine, clock=machine.clock)
    largest, committed_at = [0.0], []

    def watch(update):
        largest[0] = max(largest[0], session.buffered_seconds)
        if update.commit_latency is not None:
            committed_at.append(update.audio_time)

    final = run_dictation(machine, session, watch, threading.Event())

    assert final.committed.split() == STEP_WORDS[:60]
    assert final.dropped_seconds == 0
    assert largest[0] <= session.config.buffer_seconds
    assert max(p.audio_seconds for p in session.passes) <= session.config.buffer_seconds
    assert max(np.diff([0.0, *committed_at])) <= session.config.buffer_seconds, committed_at


def test_stop_takes_in_what_was_captured_before_it():
    # The first phrase's final pass takes 5 s, and Stop comes when it is committed: the second phrase
    # was said meanwhile, captured but not read yet. It is what the user just said, and is kept.
    audio = np.concatenate([tone_at(1.5, 300), silence(1.0), tone_at(1.5, 500), silence(2.0)])
    machine = SlowMachine(audio, PitchEngine(), cost=lambda seconds: 5.0 if seconds > 1.6 else 0.1)
    stop = threading.Event()
    session = DictationSession(machine, clock=machine.clock)

    def on_update(update):
        if update.committed and not stop.is_set():
            assert update.committed.split() == ["hz300"] and machine.now >= 4.0, "the second was said meanwhile"
            stop.set()

    final = run_dictation(machine, session, on_update, stop)

    assert final.committed.split() == ["hz300", "hz500"]


def test_a_phrase_is_committed_when_its_pause_ends_not_a_whisper_call_later():
    # Each call takes 0.3 s. The phrase-end pass starts once the pause is as long as the tail kept after
    # speech (0.3 s), so when the pause reaches 0.5 s the words are already there to commit.
    hz = [300, 420, 540]
    audio = np.concatenate([np.concatenate([tone_at(2.0, f), silence(1.5)]) for f in hz])
    machine = SlowMachine(audio, PitchEngine(), cost=lambda seconds: 0.3)
    no_hypotheses = DictationConfig(first_hypothesis_seconds=60.0)  # only the phrase ends are timed here
    session = DictationSession(machine, no_hypotheses, clock=machine.clock)
    latencies = []

    final = run_dictation(machine, session, lambda u: latencies.append(u.commit_latency), threading.Event())

    assert final.committed.split() == [f"hz{f}" for f in hz]
    latencies = [x for x in latencies if x is not None]
    # PitchEngine's word ends 0.1 s after the voice: committed 0.5 - 0.1 s after it (plus a read block and a
    # piece), where waiting for a call after the pause would be 0.3 s more.
    assert len(latencies) == 3 and max(latencies) <= session.config.pause_seconds + 0.1, latencies
    ends = [p for p in session.passes if p.kind is PassKind.PHRASE_END]
    assert len(ends) == 3, "one phrase-end pass per phrase: the early one was used"


def test_speech_resuming_after_a_short_pause_is_not_committed_early():
    # A 0.4 s pause: long enough for the early phrase-end pass, too short to end the phrase. The phrase
    # goes on, and is committed whole at its real end (PitchEngine names its loudest pitch: 500 Hz).
    audio = np.concatenate([tone_at(1.0, 300), silence(0.4), tone_at(3.0, 500), silence(1.5)])
    machine = SlowMachine(audio, PitchEngine(), cost=lambda seconds: 0.05)
    session = DictationSession(machine, clock=machine.clock)

    final = run_dictation(machine, session, lambda u: None, threading.Event())

    assert final.committed.split() == ["hz500"]
    assert len([p for p in session.passes if p.kind is PassKind.PHRASE_END]) == 2, "early pass, then the real one"


@pytest.mark.slow
def test_real_speech_on_a_much_slower_machine_loses_nothing(live_engine):
    # The eight real clips, 1.5 s apart, on a machine where a Whisper call takes 1 s plus 0.3 s per
    # second of audio (several times this one): behind most of the time, it must still commit every
    # phrase, whole, as well as a fast machine does.
    speech = Path(__file__).resolve().parent.parent / "data" / "speech"
    wavs = sorted(speech.glob("*.wav"))
    audio = np.concatenate([np.concatenate([decode_file(w), silence(1.5)]) for w in wavs])
    reference = " ".join(w.with_suffix(".txt").read_text() for w in wavs)
    machine = SlowMachine(audio, live_engine, cost=lambda seconds: 1.0 + 0.3 * seconds)
    session = DictationSession(machine, DictationConfig(language="en"), clock=machine.clock)
    updates = []

    final = run_dictation(machine, session, updates.append, threading.Event())

    errors, words = word_errors(reference, final.committed)
    assert final.dropped_seconds == 0 and repeated_phrase(final.committed) is None, final.committed
    assert errors / words <= 0.10, final.committed
    assert max(u.lag_seconds for u in updates) > session.config.catch_up_seconds, "it did fall behind"
    assert all(
        p.lag_seconds <= session.config.catch_up_seconds for p in session.passes if p.kind is PassKind.HYPOTHESIS
    )


def test_device_loss_keeps_the_text_so_far():
    engine = ScriptedEngine("kept words")
    player = ClipPlayer(np.concatenate([silence(0.5), tone(1.5), silence(3.0)]), fail_at=1.8)
    session = DictationSession(engine, clock=player.clock)
    updates = []

    with pytest.raises(AudioDeviceError):
        run_dictation(player, session, updates.append, threading.Event())

    assert updates[-1].committed == "kept words" and updates[-1].final


def test_stop_commits_what_is_pending():
    engine = ScriptedEngine("still speaking")
    stop = threading.Event()
    player = ClipPlayer(tone(30.0))
    session = DictationSession(engine, clock=player.clock)

    def on_update(update):
        if update.unconfirmed:
            stop.set()

    final = run_dictation(player, session, on_update, stop)

    assert final.committed == "still speaking" and final.unconfirmed == ""


def test_agreement_does_not_recommit_a_word_heard_differently():
    agreement = LocalAgreement()
    first = [Word(0.2, 0.35, " She"), Word(0.35, 0.7, " had"), Word(0.7, 1.1, " your"), Word(1.1, 1.3, " dog")]
    agreement.insert(first)
    agreement.insert(first + [Word(1.3, 1.5, " suit")])
    again = [
        Word(0.2, 0.3, " She"),
        Word(0.3, 0.6, " had"),
        Word(0.6, 1.0, " your"),
        Word(1.25, 1.4, " doc"),
        Word(1.4, 1.7, " suit"),
        Word(1.7, 1.9, " in"),
    ]

    agreement.insert(again)

    assert [w.text.strip() for w in agreement.committed] == ["She", "had", "your", "dog", "suit"]


def test_agreement_keeps_a_word_said_again_later():
    agreement = LocalAgreement()
    said = [Word(6.9, 7.0, " for"), Word(7.0, 7.5, " you")]
    agreement.insert(said)
    agreement.insert(said)
    later = said + [Word(8.3, 8.4, " ask"), Word(8.4, 8.7, " what"), Word(8.7, 9.0, " you")]

    agreement.insert(later)
    agreement.insert(later)
    agreement.commit_all(later)

    assert [w.text.strip() for w in agreement.committed] == ["for", "you", "ask", "what", "you"]


def test_a_buffer_cut_inside_a_word_does_not_commit_it_again():
    # A long phrase is cut after its committed words; Whisper timestamps are loose, so the cut can
    # leave the end of "which" in the new buffer, and the next hypothesis reads it as a word again.
    agreement = LocalAgreement()
    said = [Word(8.0, 8.3, " from"), Word(8.3, 8.5, " the"), Word(8.5, 8.9, " North"), Word(8.9, 9.3, " which")]
    agreement.insert(said)
    agreement.insert(said + [Word(9.4, 9.8, " chiefly")])
    agreement.new_buffer(9.25, mid_phrase=True)

    rest = [Word(9.25, 9.3, " which"), Word(9.4, 9.8, " chiefly"), Word(9.8, 10.3, " induced")]
    agreement.insert(rest)
    agreement.commit_all(rest)

    assert [w.text for w in agreement.committed] == [" from", " the", " North", " which", " chiefly", " induced"]


def test_a_new_phrase_may_start_with_the_word_the_last_one_ended_with():
    # "Stop. Stop." is dictation; only a run of two or more words at a phrase start is a re-read.
    agreement = LocalAgreement()
    agreement.commit_all([Word(0.0, 0.4, " Stop.")])
    agreement.new_buffer(1.5, mid_phrase=False)

    assert [w.text for w in agreement.commit_all([Word(1.6, 2.0, " Stop.")])] == [" Stop."]


# --- brief noises (issue 10, item 11) -------------------------------------------------------------


def click_track(seconds: float, every: float) -> np.ndarray:
    audio = silence(seconds)
    rng = np.random.default_rng(1)
    n = int(0.02 * SAMPLE_RATE)
    for at in np.arange(0.5, seconds - 0.1, every):
        i = int(at * SAMPLE_RATE)
        audio[i : i + n] += (0.3 * np.exp(-np.arange(n) / (n / 4)) * rng.standard_normal(n)).astype(np.float32)
    return audio


class BufferWatch:
    """Feeds a session and notes the largest buffer it ever held."""

    def __init__(self, engine, config=DictationConfig()):
        self.player = None
        self.engine, self.config = engine, config
        self.largest = 0.0

    def run(self, audio):
        self.player = ClipPlayer(audio, block_seconds=1.0)
        session = DictationSession(self.engine, self.config, clock=self.player.clock)

        def watch(_update):
            self.largest = max(self.largest, session.buffered_seconds)

        original = session.feed

        def feed(chunk, captured_at=None):
            update = original(chunk, captured_at)
            self.largest = max(self.largest, session.buffered_seconds)
            return update

        session.feed = feed
        return run_dictation(self.player, session, watch, threading.Event())


def test_clicks_a_few_seconds_apart_neither_reach_whisper_nor_grow_the_buffer():
    # 15 minutes of one 20 ms key click every 3 s: each is shorter than a word, and the pause after it
    # ends it; between phrases only the pre-roll is kept (it used to hold all 900 s, copied per frame).
    engine = ScriptedEngine()
    watch = BufferWatch(engine)

    final = watch.run(click_track(900.0, every=3.0))

    assert engine.calls == 0 and final.committed == ""
    assert watch.largest <= 2.0, f"the buffer held {watch.largest:.1f} s"


def test_clicks_closer_than_a_pause_keep_the_buffer_within_one_window():
    # Clicks every 0.3 s never leave a 0.5 s pause, so the phrase stays open: the buffer is still cut
    # at the encoder window, whatever Whisper makes of the clicks.
    engine = ScriptedEngine("")
    config = DictationConfig()
    watch = BufferWatch(engine, config)

    watch.run(click_track(120.0, every=0.3))

    assert watch.largest <= config.buffer_seconds + 1.0, f"the buffer held {watch.largest:.1f} s"
