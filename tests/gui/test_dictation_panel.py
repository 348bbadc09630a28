"""The Dictation panel with the real Whisper engine; the microphone is a clip player here (the real
microphone path is tests/e2e/test_microphone.py)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from app_helpers import FakeMicrophone
from media import encode

from backend.audio import AudioDeviceError, decode_file
from backend.settings import Settings
from backend.wer import wer

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"
AEW_TEXT = "For the twentieth time that evening the two men shook hands."


@pytest.fixture
def make_panel(qtbot, data_dir, speech_model_path):
    from gui.dictation_panel import DictationPanel

    panels = []

    def make(factory):
        settings = Settings(data_dir / "settings.json")
        settings.set("speech_model", str(speech_model_path))
        panel = DictationPanel(settings, source_factory=factory)
        qtbot.addWidget(panel)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def _record_until_committed(qtbot, panel, words: int) -> bool:
    """Record until `words` words are committed, then Stop; True if grey (unconfirmed) text showed."""
    grey_seen = []

    def done() -> bool:
        grey_seen.append("#8a8a8a" in panel.text_view.toHtml())
        return len(panel.committed_text().split()) >= words

    panel.record_button.click()
    qtbot.waitUntil(done, timeout=60_000)
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    return any(grey_seen)


def test_record_shows_words_grey_then_black_and_exports(qtbot, make_panel, tmp_path):
    mic = FakeMicrophone(decode_file(SPEECH / "arctic_aew_a0003.wav"))
    panel = make_panel(lambda device: mic)

    grey_seen = _record_until_committed(qtbot, panel, words=10)

    assert wer(AEW_TEXT, panel.text()) <= 0.1
    assert mic.closed and panel.record_button.text() == "Record"
    assert grey_seen, "unconfirmed words are shown differently"
    assert "#8a8a8a" not in panel.text_view.toHtml(), "after Stop everything is committed"
    assert panel.level_meter.peak_db > -60 and "RTF" in panel.stats.text()

    panel.export(tmp_path / "d.srt")
    panel.export(tmp_path / "d.vtt")
    panel.export(tmp_path / "d.txt")
    srt = (tmp_path / "d.srt").read_text()
    assert srt.startswith("1\n00:00:0") and "-->" in srt
    assert (tmp_path / "d.vtt").read_text().startswith("WEBVTT")
    assert wer(AEW_TEXT, (tmp_path / "d.txt").read_text()) <= 0.1


class LateMicrophone(FakeMicrophone):
    """Each block reaches the reader 5 s after it was captured: a computer that fell behind."""

    @property
    def captured_at(self) -> float:
        return time.monotonic() - 5.0


def test_a_recogniser_behind_the_voice_says_how_far_and_still_commits(qtbot, make_panel):
    mic = LateMicrophone(decode_file(SPEECH / "arctic_aew_a0003.wav"))
    panel = make_panel(lambda device: mic)

    _record_until_committed(qtbot, panel, words=10)

    assert wer(AEW_TEXT, panel.text()) <= 0.1
    assert "s behind, catching up in the pauses" in panel.stats.text()


def test_send_to_chat_copy_and_clear(qtbot, make_panel):
    panel = make_panel(lambda device: FakeMicrophone(decode_file(SPEECH / "sr_one_two_three.wav")))
    _record_until_committed(qtbot, panel, words=3)

    with qtbot.waitSignal(panel.send_to_chat_requested) as sent:
        panel.send_button.click()
    panel.copy_button.click()

    assert sent.args == [panel.text()]
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == panel.text()
    panel.clear_button.click()
    assert panel.text() == "" and not panel.send_button.isEnabled()


def test_a_vanishing_device_keeps_the_text_and_says_so(qtbot, make_panel):
    mic = FakeMicrophone(
        np.concatenate([decode_file(SPEECH / "arctic_aew_a0003.wav"), np.zeros(16000, np.float32)]), fail_after=4.6
    )
    panel = make_panel(lambda device: mic)

    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=60_000)

    assert "disconnected" in panel.message.text() and panel.message.isVisibleTo(panel)
    assert wer(AEW_TEXT, panel.text()) <= 0.2, "the words heard before the loss are kept"
    assert panel.record_button.text() == "Record" and panel.record_button.isEnabled()


def test_no_microphone_is_a_message_not_a_crash(qtbot, make_panel):
    def no_device(device):
        raise AudioDeviceError("no microphone found: connect one or pick an input device")

    panel = make_panel(no_device)
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)

    assert "no microphone found" in panel.message.text().lower()
    assert not panel.recording and panel.record_button.isEnabled()


@pytest.fixture
def jfk_ogg(tmp_path) -> Path:
    return encode(decode_file(SPEECH / "jfk_inaugural.wav"), tmp_path / "jfk.ogg", "libopus", 48000)


def test_file_transcription_writes_all_three_formats(qtbot, make_panel, jfk_ogg, tmp_path):
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    panel.file_edit.setText(str(jfk_ogg))
    panel.output_edit.setText(str(tmp_path / "out" / "jfk"))

    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)

    assert panel.file_progress.value() == 100
    for fmt in ("srt", "vtt", "txt"):
        assert (tmp_path / "out" / f"jfk.{fmt}").exists(), panel.file_status.text()
    assert wer((SPEECH / "jfk_inaugural.txt").read_text(), (tmp_path / "out" / "jfk.txt").read_text()) <= 0.05
    assert "Wrote" in panel.file_status.text()


def test_file_transcription_cancel_writes_nothing(qtbot, make_panel, jfk_ogg, tmp_path):
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    panel.file_edit.setText(str(jfk_ogg))
    panel.output_edit.setText(str(tmp_path / "cancelled"))

    panel.transcribe_button.click()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)

    assert "Cancelled" in panel.file_status.text()
    assert not list(tmp_path.glob("cancelled.*"))
    assert panel.transcribe_button.isEnabled() and panel.record_button.isEnabled()


def test_bad_file_is_a_message(qtbot, make_panel, tmp_path):
    bad = tmp_path / "song.mp3"
    bad.write_text("not really a song " * 40)
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    panel.file_edit.setText(str(bad))

    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)

    assert "song.mp3" in panel.file_status.text()
    assert not list(tmp_path.glob("song.srt"))
