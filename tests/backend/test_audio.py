"""Audio in: decoding files of any format, resampling, and the real PortAudio input on PulseAudio."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from media import encode

from backend.audio import (
    AudioDeviceError,
    AudioFileError,
    MicrophoneCapture,
    Resampler,
    decode_file,
    level_dbfs,
    list_input_devices,
)

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"
JFK = SPEECH / "jfk_inaugural.wav"


@pytest.mark.parametrize(
    "suffix,codec,rate", [(".mp3", "mp3", 44100), (".ogg", "libopus", 48000), (".flac", "flac", 22050)]
)
def test_any_format_decodes_to_16k_mono(tmp_path, suffix, codec, rate):
    original = decode_file(JFK)
    path = encode(original, tmp_path / f"jfk{suffix}", codec, rate)

    audio = decode_file(path)

    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / 16000 == pytest.approx(11.0, abs=0.1)
    assert level_dbfs(audio) == pytest.approx(level_dbfs(original), abs=1.0)


def test_a_video_files_sound_track_is_decoded(tmp_path):
    path = encode(decode_file(JFK), tmp_path / "jfk.mp4", "aac", 44100, video=True)

    assert len(decode_file(path)) / 16000 == pytest.approx(11.0, abs=0.15)


def test_decoding_reports_progress_and_stops_on_cancel(tmp_path):
    import threading

    seen = []
    cancel = threading.Event()

    def progress(fraction):
        seen.append(fraction)
        if fraction > 0.3:
            cancel.set()

    audio = decode_file(encode(decode_file(JFK), tmp_path / "jfk.mp3", "mp3", 44100), progress=progress, cancel=cancel)

    assert seen == sorted(seen) and 0.3 < seen[-1] < 0.6
    assert len(audio) / 16000 < 7


def test_bad_files_give_clear_errors(tmp_path):
    text = tmp_path / "notes.mp3"
    text.write_text("this is not audio at all " * 100)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")

    with pytest.raises(AudioFileError, match="does not exist"):
        decode_file(tmp_path / "missing.wav")
    with pytest.raises(AudioFileError, match="notes.mp3"):
        decode_file(text)
    with pytest.raises(AudioFileError, match="empty.wav"):
        decode_file(empty)


def test_resampler_keeps_pitch_and_duration():
    rate = 44100
    t = np.arange(rate) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    resample = Resampler(rate)

    out = np.concatenate([resample(block) for block in np.array_split(tone, 20)])

    assert len(out) == pytest.approx(16000, abs=64)
    spectrum = np.abs(np.fft.rfft(out[1000:15000]))
    peak_hz = np.argmax(spectrum) * 16000 / len(out[1000:15000])
    assert peak_hz == pytest.approx(440, abs=3)


def test_level_meter_scale():
    assert level_dbfs(np.zeros(100, np.float32)) == -100.0
    assert level_dbfs(np.ones(100, np.float32) * 0.1) == pytest.approx(-20.0, abs=0.01)


# --- the real input path: PortAudio reading PulseAudio's null-sink monitor ----------------------

needs_sink = pytest.mark.skipif(
    not os.environ.get("HEARTH_TEST_SINK"),
    reason="HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink",
)


@needs_sink
def test_capture_hears_what_is_played_into_the_sink():
    clip = decode_file(SPEECH / "arctic_aew_a0003.wav")
    with MicrophoneCapture() as capture:
        pieces = [capture.read(timeout=5.0)]  # the stream is live before the speaker starts
        player = subprocess.Popen(
            ["paplay", f"--device={os.environ['HEARTH_TEST_SINK']}", str(SPEECH / "arctic_aew_a0003.wav")]
        )
        deadline = time.monotonic() + len(clip) / 16000 + 2.0
        while time.monotonic() < deadline:
            pieces.append(capture.read())
        player.wait(timeout=10)
    heard = np.concatenate(pieces)

    assert capture.rate >= 16000 and capture.dropped_seconds == 0.0
    # The clip's loud part arrives: cross-correlate its envelope with what was heard.
    env = lambda x: np.sqrt(np.convolve(x**2, np.ones(800) / 800, mode="valid"))[::160]  # noqa: E731
    a, b = env(clip), env(heard)
    best = max(np.corrcoef(a, b[i : i + len(a)])[0, 1] for i in range(0, len(b) - len(a), 2))
    assert best > 0.9


@needs_sink
def test_devices_are_listed_with_a_default():
    devices = list_input_devices()

    assert devices and any(d.is_default for d in devices)
    assert all(d.channels > 0 and d.default_rate >= 8000 for d in devices)


@needs_sink
def test_a_missing_device_is_a_clear_error():
    with pytest.raises(AudioDeviceError, match="input device"):
        MicrophoneCapture(device=9999).start()
