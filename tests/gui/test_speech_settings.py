"""The Whisper settings in Models really reach whisper.cpp, in file transcription and in live dictation;
"Use for dictation" really switches the model; an existing transcript is never replaced unasked
(issue 10, items 9 and 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from app_helpers import FakeMicrophone
from PySide6.QtWidgets import QMessageBox

from backend.audio import decode_file
from backend.settings import ModelSettings, Settings
from backend.speech import WhisperEngine, audio_ctx_for
from backend.speech_jobs import live_window_seconds

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"


@pytest.fixture
def whisper_calls(monkeypatch):
    """What each real whisper.cpp call was given (the engine's threads, the encoder window)."""
    calls = []
    real = WhisperEngine.transcribe

    def spy(self, audio, **kwargs):
        calls.append({"threads": self.n_threads, "audio_ctx": kwargs.get("audio_ctx") or self.audio_ctx})
        return real(self, audio, **kwargs)

    monkeypatch.setattr(WhisperEngine, "transcribe", spy)
    return calls


@pytest.fixture
def make_panel(qtbot, data_dir, speech_model_path):
    from gui.dictation_panel import DictationPanel

    panels = []

    def make(factory, model_settings: ModelSettings | None = None, model: Path | None = None):
        settings = Settings(data_dir / "settings.json")
        settings.speech_model = str(model or speech_model_path)
        if model_settings:
            settings.set_model_settings(model or speech_model_path, model_settings)
        panel = DictationPanel(settings, source_factory=factory)
        qtbot.addWidget(panel)
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()


def test_threads_and_audio_context_apply_to_file_transcription(qtbot, make_panel, whisper_calls, tmp_path):
    saved = ModelSettings(n_threads=1, audio_ctx=768)
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)), saved)
    panel.file_edit.setText(str(SPEECH / "sr_one_two_three.wav"))
    panel.output_edit.setText(str(tmp_path / "out"))
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    assert "Wrote" in panel.file_status.text(), panel.file_status.text()
    assert whisper_calls and all(c == {"threads": 1, "audio_ctx": 768} for c in whisper_calls), whisper_calls
    assert "1 threads" in panel.stats.text() or "1 thread" in panel.stats.text()
    assert "up to" not in panel.stats.text(), "a pinned count is what every call uses"


def test_threads_and_audio_context_apply_to_live_dictation(qtbot, make_panel, whisper_calls):
    saved = ModelSettings(n_threads=1, audio_ctx=640)
    panel = make_panel(lambda device: FakeMicrophone(decode_file(SPEECH / "sr_one_two_three.wav")), saved)
    panel.record_button.click()
    qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 2, timeout=60_000)
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    window = audio_ctx_for(live_window_seconds(saved))
    assert window == 640, "the live window is the saved audio context"
    # Each pass's window is fitted to its audio (backend.dictation.encoder_ctx_for), within the setting.
    assert whisper_calls and all(c["threads"] == 1 and c["audio_ctx"] <= 640 for c in whisper_calls), whisper_calls


def test_without_settings_files_get_the_full_window_and_dictation_its_own(qtbot, make_panel, whisper_calls, tmp_path):
    panel = make_panel(lambda device: FakeMicrophone(decode_file(SPEECH / "sr_one_two_three.wav")))
    panel.record_button.click()
    qtbot.waitUntil(lambda: len(panel.committed_text().split()) >= 2, timeout=60_000)
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    live = {c["audio_ctx"] for c in whisper_calls}
    assert live and max(live) <= audio_ctx_for(live_window_seconds(ModelSettings())), live
    whisper_calls.clear()
    panel.file_edit.setText(str(SPEECH / "sr_one_two_three.wav"))
    panel.output_edit.setText(str(tmp_path / "out"))
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    assert {c["audio_ctx"] for c in whisper_calls} == {1500}
    assert "up to" in panel.stats.text(), "unpinned, each call takes the cores that are free, up to the count shown"


def test_use_for_dictation_switches_the_model(qtbot, data_dir, speech_model_path, tmp_path, chat_model_path):
    from app_helpers import make_window

    other = shutil.copy(speech_model_path, tmp_path / "ggml-other.bin")
    window = make_window(qtbot, data_dir, chat_model_path, speech_model=speech_model_path, load_models=False)
    try:
        panel = window.dictation_panel
        window.settings.speech_model = str(other)  # what Models' "Use for dictation" saves, then announces
        window.model_manager.speech_model_chosen.emit(str(other))
        qtbot.waitUntil(lambda: "Whisper" in panel.stats.text(), timeout=60_000)
        assert str(panel.worker.engine.model_path) == str(other)
    finally:
        window.close()
        window.store.close()


def _answer(monkeypatch, button) -> list[str]:
    asked = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_an_existing_transcript_is_not_replaced_unless_the_user_agrees(qtbot, make_panel, tmp_path, monkeypatch):
    media = shutil.copy(SPEECH / "sr_one_two_three.wav", tmp_path / "talk.wav")
    mine = tmp_path / "talk.txt"
    mine.write_text("my own notes, not a transcript\n")
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    panel.file_edit.setText(str(media))
    for check in ("srt", "vtt"):
        panel.format_checks[check].setChecked(False)

    asked = _answer(monkeypatch, QMessageBox.Cancel)
    panel.transcribe_button.click()
    assert asked and "talk.txt" in asked[0]
    assert not panel.transcribing and mine.read_text() == "my own notes, not a transcript\n"

    asked = _answer(monkeypatch, QMessageBox.Yes)
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    replaced = mine.read_text()
    assert asked and replaced.strip() and "my own notes" not in replaced, "replaced once the user said yes"


def test_no_question_when_nothing_would_be_replaced(qtbot, make_panel, tmp_path, monkeypatch):
    media = shutil.copy(SPEECH / "sr_one_two_three.wav", tmp_path / "fresh.wav")
    panel = make_panel(lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    panel.file_edit.setText(str(media))
    asked = _answer(monkeypatch, QMessageBox.Cancel)
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)
    assert not asked and (tmp_path / "fresh.srt").exists()
