"""WhisperEngine on the bundled tiny.en and the real clips."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from backend.audio import decode_file
from backend.speech import FULL_AUDIO_CTX, WhisperEngine, audio_ctx_for
from backend.wer import word_errors

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"


@pytest.fixture(scope="module")
def engine(speech_model_path):
    return WhisperEngine(speech_model_path)


@pytest.mark.slow
def test_offline_word_error_rate_on_the_clip_set(engine):
    errors = words = 0
    for wav in sorted(SPEECH.glob("*.wav")):
        text = " ".join(s.text for s in engine.transcribe(decode_file(wav)))
        e, n = word_errors(wav.with_suffix(".txt").read_text(), text)
        errors, words = errors + e, words + n

    assert errors / words <= 0.05  # measured: 3/121


def test_segments_and_words_are_timed_inside_the_audio(engine):
    audio = decode_file(SPEECH / "libri_2412_153948_0000.wav")
    seconds = len(audio) / 16000

    segments = engine.transcribe(audio, word_times=True)

    assert len(segments) >= 2
    assert all(0 <= s.start < s.end <= seconds + 0.05 for s in segments)
    assert all(a.end <= b.start + 0.01 for a, b in zip(segments, segments[1:]))
    words = [w for s in segments for w in s.words]
    assert "".join(w.text for w in words).split() == " ".join(s.text for s in segments).split()
    assert all(a.start <= b.start for a, b in zip(words, words[1:]))


def test_cancel_stops_a_transcription_early(engine):
    # 46 s: whisper.cpp reports segments per 30 s window, so a cancel after the first one saves the second.
    audio = np.concatenate(
        [
            decode_file(SPEECH / name)
            for name in (
                "libri_2412_153948_0000.wav",
                "libri_2412_153948_0000.wav",
                "libri_2412_153948_0000.wav",
                "jfk_inaugural.wav",
            )
        ]
    )
    cancel = threading.Event()

    partial = engine.transcribe(audio, cancel=cancel, on_segment=lambda s: cancel.set())

    assert partial and partial[-1].end <= 30.5


def test_cancel_set_before_the_start_returns_at_once(engine):
    cancel = threading.Event()
    cancel.set()
    started = time.perf_counter()

    assert engine.transcribe(decode_file(SPEECH / "jfk_inaugural.wav"), cancel=cancel) == []
    assert time.perf_counter() - started < 2.0


def test_transcription_does_not_hold_the_gil(engine):
    """The GUI thread keeps painting while Whisper works in the worker thread."""
    audio = decode_file(SPEECH / "jfk_inaugural.wav")
    gaps = []
    worker = threading.Thread(target=engine.transcribe, args=(audio,))
    worker.start()
    while worker.is_alive():
        before = time.perf_counter()
        time.sleep(0.01)
        gaps.append(time.perf_counter() - before)
    worker.join()

    assert len(gaps) > 10 and max(gaps) < 0.25


def test_short_window_still_transcribes_a_short_chunk(engine):
    audio = decode_file(SPEECH / "arctic_aew_a0003.wav")

    text = " ".join(s.text for s in engine.transcribe(audio, audio_ctx=audio_ctx_for(len(audio) / 16000)))

    assert word_errors("For the twentieth time that evening the two men shook hands.", text)[0] <= 1


def test_audio_ctx_covers_the_audio_and_is_capped():
    assert audio_ctx_for(3.0) == 3 * 50 + 128
    assert audio_ctx_for(60.0) == FULL_AUDIO_CTX


def test_english_only_model_ignores_language_and_translate(engine):
    audio = decode_file(SPEECH / "sr_one_two_three.wav")

    assert not engine.multilingual
    text = " ".join(s.text for s in engine.transcribe(audio, language="de", translate=True))
    assert word_errors("one two three", text)[0] == 0
