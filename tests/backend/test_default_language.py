"""Dictation expects the desktop's language before the user picks one, not detection."""

from __future__ import annotations

import pytest

from backend.defaults import default_spoken_language
from backend.models import bundled


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "sw_KE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_default_spoken_language_follows_the_desktop(environ, expected):
    assert default_spoken_language(environ) == expected


def test_an_english_desktop_gets_the_fast_english_model_and_a_chinese_one_the_multilingual():
    assert bundled.speech_for(default_spoken_language({"LANG": "en_US.UTF-8"})) == bundled.ENGLISH_SPEECH
    assert bundled.speech_for(default_spoken_language({"LANG": "zh_CN.UTF-8"})) == bundled.MULTILINGUAL_SPEECH
