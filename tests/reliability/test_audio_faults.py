"""Audio faults: no microphone at all, a microphone that vanishes mid-sentence, a silent minute, a
shouted (clipped) sentence, and a 2-hour file cancelled half-way. Real PortAudio, real PulseAudio,
real Whisper; the clock is simulated where only the dictation policy is under test."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from window_actions import meter_level_db

from backend.audio import decode_file, list_input_devices
from backend.dictation import DictationSession, run_dictation
from backend.settings import Settings
from backend.speech import SAMPLE_RATE, WhisperEngine
from backend.wer import wer

REPO = Path(__file__).resolve().parents[2]
SPEECH = REPO / "tests" / "data" / "speech"
JFK = SPEECH / "jfk_inaugural.wav"
JFK_TEXT = (SPEECH / "jfk_inaugural.txt").read_text()
BLOCK = int(0.1 * SAMPLE_RATE)  # what the microphone worker typically gets per read

# A machine with no sound card and no sound server: PulseAudio unreachable, and ALSA given only its
# base configuration (no pulse plugin), so PortAudio finds no input device at all.
NO_AUDIO_ENV = {"PULSE_SERVER": "unix:/nonexistent/pulse/native", "ALSA_CONFIG_PATH": "/usr/share/alsa/alsa.conf"}


# --- helpers -------------------------------------------------------------------------------------


class Player:
    """An AudioSource that plays `audio` in 0.1 s blocks; its clock is the audio time, not the wall."""

    def __init__(self, audio: np.ndarray):
        self.audio, self.pos, self.dropped_seconds = audio, 0, 0.0

    def read(self, timeout: float = 0.2):
        if self.pos >= len(self.audio):
            return None
        chunk = self.audio[self.pos : self.pos + BLOCK]
        self.pos += len(chunk)
        return chunk

    def clock(self) -> float:
        return self.pos / SAMPLE_RATE


class CountingEngine:
    """The real engine, counting what reaches it."""

    def __init__(self, engine: WhisperEngine):
        self.engine, self.calls = engine, 0

    def transcribe(self, audio, **kwargs):
        self.calls += 1
        return self.engine.transcribe(audio, **kwargs)


def dictate(engine, audio: np.ndarray):
    player = Player(np.concatenate([audio, np.zeros(int(1.5 * SAMPLE_RATE), np.float32)]))
    session = DictationSession(engine, clock=player.clock)
    return run_dictation(player, session, lambda update: None, threading.Event())


@pytest.fixture(scope="module")
def engine(speech_model_path):
    return WhisperEngine(speech_model_path)


@pytest.fixture
def make_panel(qtbot, data_dir, speech_model_path):
    from gui.dictation_panel import DictationPanel

    panels = []

    def make():
        settings = Settings(data_dir / "settings.json")
        settings.set("speech_model", str(speech_model_path))
        panel = DictationPanel(settings)  # the real microphone factory
        qtbot.addWidget(panel)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def _hide_audio_devices(monkeypatch) -> None:
    for key, value in NO_AUDIO_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def restore_portaudio(monkeypatch):
    """PortAudio keeps the device list it found; look again with the real environment afterwards."""
    yield
    monkeypatch.undo()
    list_input_devices(rescan=True)


# --- no input device -----------------------------------------------------------------------------


def test_no_input_device_cli_dictate_exits_non_zero_with_one_line(tmp_path):
    env = {**os.environ, **NO_AUDIO_ENV}
    listed = subprocess.run(
        [sys.executable, "main.py", "dictate", "--list-devices"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    dictated = subprocess.run(
        [sys.executable, "main.py", "dictate", "--seconds", "2"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    for done in (listed, dictated):
        assert done.returncode == 1, done
        assert done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("hearth: error: no microphone found"), done.stderr


def test_no_input_device_panel_says_so_and_record_is_a_message(qtbot, make_panel, monkeypatch, restore_portaudio):
    _hide_audio_devices(monkeypatch)
    panel = make_panel()

    assert panel.device_combo.count() == 1, "only 'System default' is offered"
    assert "no microphone found" in panel.message.text().lower() and panel.message.isVisibleTo(panel)

    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    assert "no microphone found" in panel.message.text().lower()
    assert panel.record_button.text() == "Record" and panel.record_button.isEnabled()
    panel.file_edit.setText(str(JFK))
    assert panel.transcribe_button.isEnabled()

    if not os.environ.get("HEARTH_TEST_SINK"):
        # Said, not silent; in CI (CI=true) tests/conftest.py turns this skip into a failure.
        pytest.skip("the Refresh half needs HEARTH_TEST_SINK: run through ./hearth.sh test")
    # The sound server comes back (a microphone is plugged in): Refresh finds it without a restart.
    for key in NO_AUDIO_ENV:
        monkeypatch.delenv(key)
    panel.refresh_button.click()
    assert panel.device_combo.count() > 1, "Refresh looks for devices again"


# --- device removed while recording --------------------------------------------------------------


@pytest.fixture
def own_sink(monkeypatch):
    """A null sink of this test's own, made the process's default source (PULSE_SOURCE): removing it
    leaves the shared hearth_mic alone for other tests and other runs."""
    if not os.environ.get("HEARTH_TEST_SINK"):
        pytest.skip("HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink")
    name = f"hearth_fault_{os.getpid()}"
    modules = []

    def create() -> None:
        out = subprocess.run(
            ["pactl", "load-module", "module-null-sink", f"sink_name={name}"],
            check=True,
            capture_output=True,
            text=True,
        )
        modules.append(out.stdout.strip())

    def remove() -> None:
        subprocess.run(["pactl", "unload-module", modules.pop()], check=True)

    create()
    monkeypatch.setenv("PULSE_SOURCE", f"{name}.monitor")
    yield name, create, remove
    while modules:
        remove()


def _our_source_output() -> str:
    """The PulseAudio recording stream this process holds."""
    listing = subprocess.run(["pactl", "list", "source-outputs"], check=True, capture_output=True, text=True).stdout
    for block in listing.split("Source Output #")[1:]:
        if f'application.process.id = "{os.getpid()}"' in block:
            return block.split()[0]
    raise AssertionError(f"no recording stream of pid {os.getpid()} in:\n{listing}")


def _play(sink: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(["paplay", f"--device={sink}", str(path)], stderr=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.e2e
def test_device_removed_while_recording_keeps_the_text_and_record_works_again(qtbot, make_panel, own_sink):
    sink, create, remove = own_sink
    panel = make_panel()
    with qtbot.waitSignal(panel.worker.dictation_started, timeout=30_000):  # this recording's stream is open
        panel.record_button.click()
    player = _play(sink, JFK)
    try:
        qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 5, timeout=30_000)
    finally:
        player.kill()  # else PulseAudio rescues it onto the shared hearth_mic, into other tests' microphone
        player.wait()
    # The device goes away mid-sentence. PulseAudio moves a stream whose source is removed to the
    # fallback source when it has one (dictation then simply goes on from that microphone); with
    # none, the server ends the stream. That is the fault here, done the server's way.
    killed = subprocess.run(["pacmd", "kill-source-output", _our_source_output()], capture_output=True, text=True)
    assert killed.returncode == 0, killed.stderr
    remove()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    kept = panel.text()

    assert "disconnected" in panel.message.text() and "kept" in panel.message.text(), panel.message.text()
    assert panel.message.isVisibleTo(panel)
    assert len(kept.split()) >= 5 and wer(" ".join(JFK_TEXT.split()[: len(kept.split())]), kept) <= 0.3, kept
    assert kept.split()[0].lower().strip(",.") in panel.text_view.toPlainText().lower()
    panel.copy_button.click()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == kept
    assert panel.record_button.text() == "Record" and panel.record_button.isEnabled()

    create()  # plugged back in
    with qtbot.waitSignal(panel.worker.dictation_started, timeout=30_000):  # this recording's stream is open
        panel.record_button.click()
    assert not panel.message.isVisible(), "a new recording clears the old message"
    player = _play(sink, SPEECH / "sr_one_two_three.wav")
    try:
        qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= len(kept.split()) + 2, timeout=30_000)
    finally:
        player.wait(timeout=30)
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    assert panel.committed_text().startswith(kept), "the text from before the loss is still first"


# --- a silent minute -----------------------------------------------------------------------------


def _noise(seconds: float, dbfs: float, seed: int) -> np.ndarray:
    white = np.random.default_rng(seed).standard_normal(int(seconds * SAMPLE_RATE))
    return (white * 10 ** (dbfs / 20)).astype(np.float32)  # unit variance: RMS is `dbfs`


@pytest.mark.parametrize(
    "audio",
    [
        pytest.param(lambda: np.zeros(60 * SAMPLE_RATE, np.float32), id="digital-silence"),
        pytest.param(lambda: _noise(60, -50.0, seed=1), id="noise-50dBFS"),
    ],
)
def test_a_silent_minute_commits_no_text(engine, audio):
    samples = audio()
    counting = CountingEngine(engine)
    final = dictate(counting, samples)

    assert final.committed == "" and final.unconfirmed == ""
    assert counting.calls == 0, "silence never reaches Whisper"
    assert final.audio_time == pytest.approx(61.5, abs=0.1), "the whole minute was heard"


def test_whisper_itself_would_invent_text_from_the_silent_minute(speech_model_path):
    """Why the VAD matters: sent straight to Whisper, the same minute is not always empty."""
    engine = WhisperEngine(speech_model_path)  # full-window calls leave state the live engine must not see
    texts = [
        " ".join(s.text for s in engine.transcribe(audio, language="en")).strip()
        for audio in (np.zeros(30 * SAMPLE_RATE, np.float32), _noise(30, -50.0, seed=1))
    ]
    assert any(texts), texts


# --- clipping ------------------------------------------------------------------------------------


def test_clipped_speech_twenty_times_too_loud_still_transcribes(engine):
    clipped = np.clip(decode_file(JFK) * 20.0, -1.0, 1.0).astype(np.float32)
    assert np.mean(np.abs(clipped) >= 1.0) > 0.05, "the input really is clipped"

    final = dictate(engine, clipped)

    assert wer(JFK_TEXT, final.committed) <= 0.30, final.committed


@pytest.mark.slow
@pytest.mark.e2e
def test_clipped_speech_through_the_microphone_puts_the_level_meter_at_full_scale(
    qtbot, make_panel, own_sink, tmp_path
):
    sink, _, _ = own_sink
    clipped = np.clip(decode_file(JFK) * 20.0, -1.0, 1.0)
    shouted = tmp_path / "shouted.wav"
    with wave.open(str(shouted), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((clipped * 32767).astype("<i2").tobytes())
    panel = make_panel()
    highest = [-100.0]
    panel.worker.level_changed.connect(lambda _: highest.__setitem__(0, max(highest[0], meter_level_db(panel))))
    with qtbot.waitSignal(panel.worker.dictation_started, timeout=30_000):
        panel.record_button.click()
    assert meter_level_db(panel) < -40.0, "a silent microphone shows near the floor"
    player = _play(sink, shouted)
    try:
        qtbot.waitUntil(lambda: highest[0] > -1.0, timeout=30_000)  # what the widget itself shows
        qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 5, timeout=60_000)
    finally:
        player.kill()
        player.wait()
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    # Accuracy on clipped speech is the offline test's (above); live, the words must keep coming.
    assert len(panel.committed_text().split()) >= 5


# --- a 2-hour file, cancelled half-way -----------------------------------------------------------

TWO_HOURS = 2 * 60 * 60


def _write_two_hours(path: Path) -> Path:
    """2 h of 16 kHz FLAC: silence with jfk every 10 minutes (3.6 MB on disk, ~2 s to write)."""
    speech = decode_file(JFK)
    minute = 60 * SAMPLE_RATE
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        for m in range(TWO_HOURS // 60):
            block = np.zeros(minute, np.int16)
            if m % 10 == 5:
                block[: len(speech)] = (speech * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.pts = SAMPLE_RATE, m * minute
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
def test_two_hour_file_cancelled_half_way_stops_promptly_writes_nothing_and_stays_small(qtbot, make_panel, tmp_path):
    media = _write_two_hours(tmp_path / "two hours.flac")
    panel = make_panel()
    # A short file first, so the model and its compute buffers (~200 MB) are in the baseline.
    panel.file_edit.setText(str(JFK))
    panel.output_edit.setText(str(tmp_path / "before" / "jfk"))
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    assert (tmp_path / "before" / "jfk.txt").exists(), panel.file_status.text()
    panel.file_edit.setText(str(media))
    panel.output_edit.setText(str(tmp_path / "out" / "two hours"))
    baseline = _rss_mb()
    peak = [baseline]
    sampling = threading.Event()

    def sample_rss() -> None:
        while not sampling.wait(0.05):
            peak[0] = max(peak[0], _rss_mb())

    sampler = threading.Thread(target=sample_rss)
    sampler.start()
    try:
        panel.transcribe_button.click()
        qtbot.waitUntil(lambda: panel.file_progress.value() >= 50, timeout=120_000)
        cancelled_at = time.monotonic()
        panel.cancel_button.click()
        qtbot.waitUntil(lambda: not panel.transcribing, timeout=30_000)
        stopped_after = time.monotonic() - cancelled_at
    finally:
        sampling.set()
        sampler.join()

    assert stopped_after < 5.0, f"Cancel took {stopped_after:.1f} s"
    assert "Cancelled; nothing was written" in panel.file_status.text()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir()), "no half-written transcript"
    # 2 h decoded whole is 460 MB of float32 (twice that while joined); a window at a time is ~2 MB.
    assert peak[0] - baseline < 120, f"memory grew by {peak[0] - baseline:.0f} MB"

    # The panel and the engine are usable again: a short file transcribes in full.
    panel.file_edit.setText(str(JFK))
    panel.output_edit.setText(str(tmp_path / "after" / "jfk"))
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    assert wer(JFK_TEXT, (tmp_path / "after" / "jfk.txt").read_text()) <= 0.1, panel.file_status.text()
    assert panel.record_button.isEnabled()


def test_long_file_transcript_has_the_speech_at_its_place_on_the_timeline(engine, tmp_path):
    """The windowed path keeps timestamps on the file's timeline and sends no silence to Whisper."""
    from backend.file_transcription import transcribe_file

    speech = decode_file(JFK)
    audio = np.zeros(200 * SAMPLE_RATE, np.float32)
    at = 95  # seconds: the third 30 s window, so both the offsets and the cuts are exercised
    audio[at * SAMPLE_RATE : at * SAMPLE_RATE + len(speech)] = speech
    path = tmp_path / "long.flac"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=SAMPLE_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray((audio * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in list(stream.encode(frame)) + list(stream.encode(None)):
            out.mux(packet)
    counting = CountingEngine(engine)

    result = transcribe_file(counting, path)

    text = " ".join(s.text for s in result.segments)
    assert wer(JFK_TEXT, text) <= 0.15, text
    assert at - 1 <= result.segments[0].start <= at + 2 and result.segments[-1].end <= at + 13
    assert counting.calls <= 2, "windows of silence are not sent"
    assert result.audio_seconds == pytest.approx(200, abs=0.1)
