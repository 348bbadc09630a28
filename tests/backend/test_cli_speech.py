"""`hearth transcribe` and `hearth dictate` as a user runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media import encode

from backend import cli
from backend.audio import decode_file
from backend.wer import wer

REPO = Path(__file__).resolve().parents[2]
SPEECH = REPO / "tests" / "data" / "speech"
JFK_TEXT = (SPEECH / "jfk_inaugural.txt").read_text()
SRT_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)$")


@pytest.fixture(scope="module")
def jfk_mp3(tmp_path_factory) -> Path:
    return encode(decode_file(SPEECH / "jfk_inaugural.wav"), tmp_path_factory.mktemp("media") / "jfk.mp3", "mp3", 44100)


def _seconds(h, m, s, ms) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_transcribe_writes_srt_with_sane_timestamps(jfk_mp3, tmp_path, speech_model_path, capsys):
    out = tmp_path / "jfk.srt"

    assert cli.run(["transcribe", str(jfk_mp3), "--srt", "-o", str(out)]) == 0

    blocks = [b.splitlines() for b in out.read_text().strip().split("\n\n")]
    assert [int(b[0]) for b in blocks] == list(range(1, len(blocks) + 1))
    times = [tuple(_seconds(*SRT_TIME.match(b[1]).groups()[i : i + 4]) for i in (0, 4)) for b in blocks]
    assert all(0 <= a < b <= 11.1 for a, b in times)
    assert all(prev[1] <= cur[0] for prev, cur in zip(times, times[1:]))
    assert wer(JFK_TEXT, " ".join(" ".join(b[2:]) for b in blocks)) <= 0.05
    assert "%" in capsys.readouterr().err  # progress went to stderr


def test_transcribe_vtt_txt_and_json(jfk_mp3, speech_model_path, capsys):
    assert cli.run(["transcribe", str(jfk_mp3), "--vtt"]) == 0
    vtt = capsys.readouterr().out
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")

    assert cli.run(["transcribe", str(jfk_mp3), "--txt"]) == 0
    assert wer(JFK_TEXT, capsys.readouterr().out) <= 0.05

    assert cli.run(["transcribe", str(jfk_mp3), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["segments"] and all({"start", "end", "text"} <= set(s) for s in report["segments"])
    timings = report["timings"]
    assert timings["audio_seconds"] == pytest.approx(11.0, abs=0.1)
    assert timings["real_time_factor"] == pytest.approx(
        timings["transcribe_seconds"] / timings["audio_seconds"], rel=0.01
    )
    assert timings["load_seconds"] > 0


def test_transcribe_bad_input_is_one_line_on_stderr(tmp_path, speech_model_path, capsys):
    not_audio = tmp_path / "notes.ogg"
    not_audio.write_text("no sound here " * 50)
    broken_model = tmp_path / "model.bin"
    broken_model.write_bytes(speech_model_path.read_bytes()[:100_000])

    assert cli.run(["transcribe", str(tmp_path / "missing.wav")]) == 1
    assert cli.run(["transcribe", str(not_audio)]) == 1
    assert cli.run(["transcribe", str(SPEECH / "jfk_inaugural.wav"), "-m", str(broken_model)]) == 1

    lines = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in lines if line.startswith("hearth: error:")]
    assert len(errors) == 3
    assert "missing.wav does not exist" in errors[0]
    assert "notes.ogg" in errors[1] and "truncated" in errors[2]


needs_sink = pytest.mark.skipif(
    not os.environ.get("HEARTH_TEST_SINK"),
    reason="HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink",
)


@needs_sink
@pytest.mark.e2e
def test_dictate_prints_json_updates_from_the_microphone(speech_model_path):
    proc = subprocess.Popen(
        [sys.executable, "main.py", "dictate", "--seconds", "9", "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    # Speak once it says it is listening (model loaded, stream open), as a user would.
    started = time.monotonic()
    while "listening" not in proc.stderr.readline():
        assert proc.poll() is None and time.monotonic() - started < 60, "dictate never started listening"
    subprocess.run(
        ["paplay", f"--device={os.environ['HEARTH_TEST_SINK']}", str(SPEECH / "arctic_aew_a0003.wav")], check=True
    )
    out, err = proc.communicate(timeout=60)

    assert proc.returncode == 0, err
    updates = [json.loads(line) for line in out.splitlines()]
    assert updates[-1]["final"] is True
    assert {"committed", "unconfirmed", "audio_time", "latency", "dropped_seconds"} <= set(updates[-1])
    assert wer("For the twentieth time that evening the two men shook hands.", updates[-1]["committed"]) <= 0.2
    assert any(u["latency"] is not None for u in updates)


@needs_sink
def test_dictate_lists_devices(capsys):
    assert cli.run(["dictate", "--list-devices"]) == 0
    assert re.search(r"^\* +\d+ ", capsys.readouterr().out, re.M)
