"""Transcript without a window or a model: text and cues across recordings, on one timeline."""

from __future__ import annotations

from backend.dictation import DictationUpdate
from backend.speech import Segment
from backend.subtitles import render
from backend.transcript import RecordingEnded, RecordingUpdate, Transcript


def _update(committed: str, unconfirmed: str, audio_time: float, cues=(), final=False) -> RecordingUpdate:
    dictation = DictationUpdate(
        committed=committed,
        unconfirmed=unconfirmed,
        audio_time=audio_time,
        commit_latency=None,
        dropped_seconds=0.0,
        real_time_factor=0.1,
        final=final,
    )
    return RecordingUpdate(dictation, tuple(Segment(a, b, t) for a, b, t in cues))


def test_updates_replace_each_other_and_show_the_grey_tail():
    transcript = Transcript()
    transcript.update(_update("", "ask not", 1.0))
    transcript.update(_update("Ask not", "what your", 2.0, [(0.2, 0.9, " Ask not")]))
    assert transcript.committed_text() == "Ask not"
    assert transcript.unconfirmed_text() == "what your"
    assert transcript.text() == "Ask not what your"


def test_recordings_follow_each_other_on_one_timeline():
    transcript = Transcript()
    transcript.update(_update("Ask not", "", 4.0, [(0.5, 1.5, " Ask not")]))
    transcript.end_recording(RecordingEnded(_update("Ask not what", "", 5.0, [(0.5, 2.0, " Ask not what")], True)))
    assert transcript.current is None and transcript.unconfirmed_text() == ""
    transcript.update(_update("your country", "can", 3.0, [(1.0, 2.0, " your country")]))
    assert transcript.committed_text() == "Ask not what your country"
    assert transcript.text() == "Ask not what your country can"
    cues = transcript.cues()
    assert [(c.start, c.end) for c in cues] == [(0.5, 2.0), (6.0, 7.0)], "the second recording starts at 5 s"
    srt = render(cues, "srt")
    assert "00:00:06,000 --> 00:00:07,000" in srt


def test_a_recording_that_failed_keeps_the_text_so_far():
    transcript = Transcript()
    transcript.update(_update("We choose", "to go", 2.0, [(0.0, 1.0, " We choose")]))
    transcript.end_recording(RecordingEnded(None, error="the microphone was disconnected"))
    assert transcript.committed_text() == "We choose" and transcript.unconfirmed_text() == ""
    transcript.end_recording(RecordingEnded(None, error="no microphone"))  # a recording that never started
    assert transcript.text() == "We choose" and len(transcript.cues()) == 1


def test_clear_starts_a_new_timeline():
    transcript = Transcript()
    transcript.end_recording(RecordingEnded(_update("Hello", "", 3.0, [(0.0, 1.0, " Hello")])))
    transcript.clear()
    transcript.end_recording(RecordingEnded(_update("Again", "", 2.0, [(0.5, 1.0, " Again")])))
    assert transcript.text() == "Again" and transcript.cues()[0].start == 0.5
