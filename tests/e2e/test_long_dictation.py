"""A dictation session longer than three minutes through the real microphone path: `main.py dictate
--json` reads PortAudio from PulseAudio's null-sink monitor while we play the held-out dev session
(real recordings and espeak-ng voices, one-word to 40 s phrases, pauses of 0.2-3 s, quiet, loud and
whispered speech) into the sink at real time. It was never used to tune the policy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from backend.wer import normalize_words, wer

ROOT = Path(__file__).resolve().parent.parent.parent
CI = os.environ.get("CI") == "true"

# Catching up after the playing ends: on a quiet 2-core machine the text is a second or two behind
# the voice; on one loaded by other programs it can be a minute behind, and nothing is dropped, so
# the last minute is transcribed after the Stop. That is what the room below is for.
CATCH_UP_SECONDS = 240
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300 + CATCH_UP_SECONDS)]


def _prerequisites() -> str | None:
    if not os.environ.get("HEARTH_TEST_SINK"):
        return "HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink"
    for tool in ("paplay", "espeak-ng"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None


@pytest.fixture(scope="module")
def sink() -> str:
    missing = _prerequisites()
    if missing:
        if CI:
            pytest.fail(missing)
        pytest.skip(missing)
    return os.environ["HEARTH_TEST_SINK"]


def write_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


def repeated_runs(text: str, reference: str) -> list[str]:
    words, ref = normalize_words(text), " ".join(normalize_words(reference))
    return [
        " ".join(words[i : i + n])
        for n in range(1, 6)
        for i in range(len(words) - 2 * n + 1)
        if words[i : i + n] == words[i + n : i + 2 * n] and " ".join(words[i : i + n] * 2) not in ref
    ]


@pytest.fixture(scope="module")
def dictated(sink, speech_model_path, tmp_path_factory):
    from bench.speech_sessions import held_out_session

    session = held_out_session()
    wav = tmp_path_factory.mktemp("long") / "session.wav"
    write_wav(wav, session.audio)
    env = os.environ | {"PULSE_SOURCE": f"{sink}.monitor", "PYTHONUNBUFFERED": "1"}
    # --seconds ends it, not Ctrl+C: a test runner started in the background ignores SIGINT, and so
    # would its children. It starts counting when the microphone is open, as the playing does.
    seconds = session.seconds + 4.0
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "dictate", "--json", "--seconds", f"{seconds:.1f}"]
        + ["-m", str(speech_model_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while "listening" not in (line := proc.stderr.readline()):
            assert line and time.monotonic() < deadline, f"dictate did not start: {line!r}"
        subprocess.run(["paplay", f"--device={sink}", str(wav)], check=True, timeout=session.seconds + 60)
        out, err = proc.communicate(timeout=CATCH_UP_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    updates = [json.loads(line) for line in out.splitlines() if line.strip()]
    return session, updates


def test_the_last_json_line_is_final_and_holds_the_whole_text(dictated):
    session, updates = dictated
    final = updates[-1]
    assert final["final"] is True and final["unconfirmed"] == ""
    assert sum(u["final"] for u in updates) == 1
    texts = [u["committed"] for u in updates]
    assert all(b.startswith(a) for a, b in zip(texts, texts[1:])), "committed text only ever grows"
    assert final["committed"] == texts[-1] and len(normalize_words(final["committed"])) > 300


def test_a_three_minute_session_comes_out_whole_without_repeats(dictated, speech_model_path):
    from backend.speech import FULL_AUDIO_CTX, WhisperEngine

    session, updates = dictated
    text = updates[-1]["committed"]
    assert session.seconds > 180
    assert repeated_runs(text, session.reference) == [], text
    # Against the same model transcribing each utterance alone with its full window (tiny.en finds
    # espeak-ng's voices hard, so that is far from perfect too). The benchmark's goal is 1.1x; the
    # test leaves room for one run's luck, not for lost or repeated phrases.
    engine = WhisperEngine(speech_model_path)
    offline = " ".join(
        s.text
        for u in session.utterances
        for s in engine.transcribe(session.utterance_audio(u), language="en", audio_ctx=FULL_AUDIO_CTX)
    )
    live_wer, offline_wer = wer(session.reference, text), wer(session.reference, offline)
    assert live_wer <= 1.25 * offline_wer + 0.02, (live_wer, offline_wer, text)


def test_nothing_was_dropped_and_every_line_says_the_lag(dictated):
    session, updates = dictated
    assert updates[-1]["dropped_seconds"] == 0
    assert all(u["lag"] >= 0 for u in updates), "every line says how far behind the voice it is"


def test_commits_kept_coming(dictated):
    session, updates = dictated
    commit_times = [u["audio_time"] for u in updates if u["latency"] is not None]
    gaps = np.diff([0.0, *commit_times])
    # The longest phrase runs 40 s without a pause; text must keep being committed during it.
    assert max(gaps) < 12.0, f"no commit for {max(gaps):.1f} s of audio"
