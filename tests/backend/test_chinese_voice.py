"""Chinese replies are spoken so that they can be understood: from their pinyin by espeak-ng's Mandarin
pinyin voice (Debian's espeak-ng reads Chinese characters as English letter names), whatever voice the
user chose for English. Judged by ear, by the bundled multilingual Whisper base."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from backend.cer import cer
from backend.speech import SAMPLE_RATE, WhisperEngine
from backend.speech_out import (
    MandarinSynthesizer,
    SpeechOutput,
    default_voice_id,
    resample,
    to_pinyin,
)

SENTENCE = "请把这份报告发给我的同事。"


@pytest.fixture(scope="module")
def base(multilingual_speech_model_path) -> WhisperEngine:
    return WhisperEngine(str(multilingual_speech_model_path), n_threads=2)


def heard(engine: WhisperEngine, samples: np.ndarray, rate: int) -> str:
    return "".join(s.text for s in engine.transcribe(resample(samples, rate, SAMPLE_RATE), language="zh")).strip()


class Recorder:
    """The speaker: keeps what it is given to play."""

    audible_until = 0.0

    def __init__(self):
        self.played: list[tuple[np.ndarray, int]] = []

    def play(self, samples, rate, cancel: threading.Event) -> bool:
        self.played.append((samples, rate))
        return True

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_chinese_text_becomes_tone_numbered_pinyin():
    assert to_pinyin(SENTENCE).split() == "qing3 ba3 zhe4 fen4 bao4 gao4 fa1 gei3 wo3 de5 tong2 shi4 .".split()


def test_a_chinese_sentence_in_an_english_voiced_reply_is_read_in_mandarin(base):
    player = Recorder()
    out = SpeechOutput(default_voice_id(), player=player)  # Piper's English Joe where installed
    out.say(SENTENCE)
    out.say("Spiders have eight legs.")
    assert out.wait_idle(120)
    out.close()
    (chinese, rate), (english, _) = player.played
    understood = heard(base, chinese, rate)
    assert cer(SENTENCE, understood) <= 0.75, understood  # the bound of the multilingual Whisper test
    assert np.array_equal(chinese, MandarinSynthesizer().synthesize(SENTENCE)[0]), "not the pinyin voice"
    assert len(english) > 0.5 * rate, "the English sentence after it is still spoken"
