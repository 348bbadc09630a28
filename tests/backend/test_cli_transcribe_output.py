"""`transcribe -o`: never replaces a file the user has without --force, and `-o -` is standard output.
Real whisper.cpp on a real recording, through the real CLI in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.file_transcription import OutputExistsError, check_output_path

REPO = Path(__file__).resolve().parents[2]
SPEECH = Path(__file__).resolve().parents[1] / "data" / "speech" / "sr_one_two_three.wav"


def transcribe(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "transcribe", str(SPEECH), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_existing_output_is_refused_without_force_and_kept(tmp_path, speech_model_path):
    mine = tmp_path / "talk.srt"
    mine.write_text("my own subtitles, hours of work\n")
    done = transcribe("--srt", "-o", str(mine), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"hearth: error: {mine} already exists; add --force to replace it"]
    assert mine.read_text() == "my own subtitles, hours of work\n"

    forced = transcribe("--srt", "-o", str(mine), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "-->" in mine.read_text()


def test_dash_output_is_standard_output_not_a_file_named_dash(tmp_path, speech_model_path):
    done = transcribe("--txt", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3" in done.stdout or "three" in done.stdout.lower(), done.stdout
    assert not (tmp_path / "-").exists()


def test_backend_check_is_what_the_window_asks_before_replacing(tmp_path):
    free = tmp_path / "new.vtt"
    check_output_path(free)  # nothing there: no question to ask
    free.write_text("x")
    with pytest.raises(OutputExistsError) as refused:
        check_output_path(free)
    assert refused.value.path == free and "already exists" in str(refused.value)
    check_output_path(free, overwrite=True)  # the user said yes
