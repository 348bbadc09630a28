"""The Dictation panel on a first run (no speech model chosen): Chinese and auto-detection use the
bundled multilingual base, English the bundled tiny.en, and choosing English never locks the choice."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import FakeMicrophone
from media import encode
from voice_helpers import spoken

from backend.cer import cer
from backend.settings import Settings

SENTENCE = "请把这份报告发给我的同事。"
PINYIN = "qing3 ba3 zhe4 fen4 bao4 gao4 fa1 gei3 wo3 de5 tong2 shi4."  # espeak-ng speaks Mandarin from pinyin


@pytest.fixture
def panel(qtbot, data_dir, speech_model_path, multilingual_speech_model_path):
    from gui.dictation_panel import DictationPanel

    panel = DictationPanel(Settings(data_dir / "settings.json"), source_factory=lambda d: FakeMicrophone(np.zeros(1)))
    qtbot.addWidget(panel)
    yield panel
    panel.shutdown()


def _choose(panel, code: str) -> None:
    panel.language_combo.setCurrentIndex(panel.language_combo.findData(code))


def test_a_mandarin_file_is_transcribed_in_simplified_chinese(qtbot, panel, tmp_path):
    media = encode(spoken(PINYIN, "cmn-latn-pinyin"), tmp_path / "speech.ogg", "libopus", 48000)
    _choose(panel, "zh")
    panel.file_edit.setText(str(media))
    panel.output_edit.setText(str(tmp_path / "out" / "speech"))

    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=120_000)

    heard = (tmp_path / "out" / "speech.txt").read_text(encoding="utf-8")
    assert cer(SENTENCE, heard) <= 0.75, heard
    assert "报告发给" in heard, heard  # Simplified, where Whisper left alone writes 報告發給
    assert "Whisper base" in panel.stats.text()


def test_english_uses_tiny_en_and_leaves_the_language_free(qtbot, panel):
    _choose(panel, "zh")
    qtbot.waitUntil(lambda: "Whisper base" in panel.stats.text(), timeout=60_000)
    _choose(panel, "en")
    qtbot.waitUntil(lambda: "Whisper tiny" in panel.stats.text(), timeout=60_000)
    assert panel.language_combo.isEnabled()
    _choose(panel, "zh")
    qtbot.waitUntil(lambda: "Whisper base" in panel.stats.text(), timeout=60_000)
    assert panel.language_combo.currentData() == "zh"
