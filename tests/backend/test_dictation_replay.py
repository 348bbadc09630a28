"""The text policy on recorded Whisper outputs: every hypothesis whisper.cpp (tiny.en) gave while the
live policy dictated a dev session, replayed into LocalAgreement. Whisper's word times on tiny.en are
loose (they pile up at the end of the audio), its last word is often cut, and it re-hears words
differently from one hypothesis to the next: these are the inputs that made live dictation repeat
and lose words. Recorded with `python -m bench.dictation_devset --record DIR`.

- dev_a_session.json: the dev-a session (3.3 min: real recordings and espeak-ng voices, pauses of
  0.2-3 s), every call in order;
- long_run.json: 42 s of speech with no pause (Lincoln's Gettysburg address, espeak-ng, slowly).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend.dictation import LocalAgreement
from backend.speech import Word
from backend.wer import normalize_words

RECORDED = Path(__file__).resolve().parent.parent / "data" / "speech" / "whisper_outputs"


def words(raw) -> list[Word]:
    return [Word(s, e, t) for s, e, t in raw]


def replay(events: list[dict]):
    """Feed the recorded calls; returns the agreement and each phrase: its committed words, its final
    hypothesis, how many words were committed before it ended, and whether its buffer was cut."""
    agreement = LocalAgreement()
    phrases, start, early, cut = [], 0, 0, False
    for event in events:
        kind = event["kind"]
        if kind == "new_buffer":
            if not event["mid_phrase"]:
                start, early, cut = len(agreement.committed), 0, False
            cut = cut or event["mid_phrase"]
            agreement.new_buffer(event["start"], event["mid_phrase"], event.get("keep", 0))
        elif kind == "insert":
            early += len(agreement.insert(words(event["words"])))
        elif kind == "commit_unconfirmed":
            early += len(agreement.commit_unconfirmed(event["n"]))
        elif kind == "commit_all":
            agreement.commit_all(words(event["words"]))
            phrases.append(
                {"committed": agreement.committed[start:], "final": words(event["words"]), "early": early, "cut": cut}
            )
    return agreement, phrases


def keys(ws: list[Word]) -> list[str]:
    return normalize_words("".join(w.text for w in ws))


def doubled(text_words: list[str], allowed) -> list[str]:
    """Runs of words said twice in a row that `allowed` (what Whisper heard) does not say twice."""
    allowed_text = " ".join(normalize_words(allowed) if isinstance(allowed, str) else allowed)
    return [
        " ".join(text_words[i : i + n])
        for n in range(1, 5)
        for i in range(len(text_words) - 2 * n + 1)
        if text_words[i : i + n] == text_words[i + n : i + 2 * n]
        and " ".join(text_words[i : i + n] * 2) not in allowed_text
    ]


def load(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


@pytest.fixture(scope="module")
def session():
    return replay(load("dev_a_session.json")["events"])


def whole(phrases):
    """Phrases that stayed in one buffer: their final hypothesis re-read all of their audio."""
    return [(p["committed"], p["final"], p["early"]) for p in phrases if p["final"] and not p["cut"]]


def test_the_recording_covers_the_failures(session):
    _, phrases = session
    assert len(phrases) >= 30
    assert sum(1 for _, final, early in whole(phrases) if 0 < early < len(final)) >= 10, "phrases committed in parts"
    assert any(len(final) == 1 for _, final, _ in whole(phrases)), "a one-word phrase"


def test_no_word_is_committed_twice_at_a_boundary(session):
    # Before: "It was my | my reports", "the young girl | girl gave": the phrase's last hypothesis
    # re-read the words committed from it a second earlier, with times 2 s later.
    agreement, phrases = session
    for committed, final, _ in whole(phrases):
        assert doubled(keys(committed), keys(final)) == [], (keys(committed), keys(final))
    assert doubled(keys(agreement.committed), load("dev_a_session.json")["reference"]) == []


def test_the_first_word_of_every_phrase_is_committed(session):
    _, phrases = session
    for committed, final, _ in whole(phrases):
        assert keys(committed)[:1] == keys(final)[:1], (keys(committed), keys(final))


def test_the_last_words_of_every_phrase_are_committed(session):
    # Before: "He turned sharply and faced Gregson across the table" -> "He turned sharply and".
    _, phrases = session
    for committed, final, _ in whole(phrases):
        assert keys(committed)[-2:] == keys(final)[-2:], (keys(committed), keys(final))


def test_a_phrase_comes_out_as_its_final_hypothesis_unless_words_were_committed_before(session):
    # A phrase that ends before two hypotheses agree is exactly what transcribing it alone gives.
    _, phrases = session
    alone = [(c, f) for c, f, early in whole(phrases) if not early]
    assert len(alone) >= 8
    for committed, final in alone:
        assert keys(committed) == keys(final)


def test_a_one_word_phrase_is_committed(session):
    _, phrases = session
    one_word = [(c, f) for c, f, _ in whole(phrases) if len(f) == 1]
    assert one_word and all(keys(c) == keys(f) for c, f in one_word)


def test_forty_seconds_without_a_pause_keep_committing():
    recorded = load("long_run.json")
    events = recorded["events"]
    agreement, _ = replay(events)
    cuts = [e for e in events if e["kind"] == "new_buffer" and e["mid_phrase"]]
    text = keys(agreement.committed)

    assert len(cuts) >= 2, "the buffer was cut along the way, so no call saw more than one window"
    since = 0
    for event in events:  # commits kept coming: never 6 hypotheses in a row without one
        if event["kind"] == "insert":
            since = 0 if event["committed"] else since + 1
            assert since < 6
    reference = normalize_words(recorded["reference"])
    assert doubled(text, reference) == []
    assert len(text) >= 0.9 * len(reference)
