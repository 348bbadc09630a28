"""The real microphone path in the real window: PortAudio reads PulseAudio's null-sink monitor (the
default source ./hearth.sh test sets up), we play speech into the sink, and the Dictation tab's
Record shows the words."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.conversations import ConversationStore
from backend.settings import Settings
from backend.wer import wer

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"
ESPEAK_SENTENCE = "Please send the report to the office before noon."

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not os.environ.get("HEARTH_TEST_SINK"),
        reason="HEARTH_TEST_SINK unset: run through ./hearth.sh test, which starts PulseAudio with a null sink",
    ),
]


def play(path: Path) -> None:
    subprocess.run(["paplay", f"--device={os.environ['HEARTH_TEST_SINK']}", str(path)], check=True, timeout=60)


@pytest.fixture
def window(qtbot, data_dir, speech_model_path):
    from gui.main_window import MainWindow

    settings = Settings(data_dir / "settings.json")
    settings.set("speech_model", str(speech_model_path))
    store = ConversationStore(data_dir / "conversations.sqlite3")
    win = MainWindow(store, settings, load_models=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    store.close()


def _record(qtbot, panel, play_speech, expect_words: int) -> float:
    """Record while `play_speech` plays; returns the loudest level the meter showed."""
    # Wait for this recording's stream: the status line may still show the last recording's figures.
    with qtbot.waitSignal(panel.worker.dictation_started, timeout=30_000):
        panel.record_button.click()
    before = len(panel.committed_text().split())
    play_speech()
    peaks = []

    def enough() -> bool:
        peaks.append(panel.level_meter.peak_db)
        return len(panel.committed_text().split()) - before >= expect_words

    try:
        qtbot.waitUntil(enough, timeout=30_000)
    except Exception as exc:
        raise AssertionError(f"heard {panel.text()!r}; status {panel.stats.text()!r}") from exc
    panel.record_button.click()
    qtbot.waitUntil(lambda: not panel.recording, timeout=30_000)
    return max(peaks)


def test_record_in_the_window_shows_what_the_microphone_hears(qtbot, window, tmp_path):
    panel = window.dictation_panel
    window.tabs.setCurrentWidget(panel)

    peak = _record(qtbot, panel, lambda: play(SPEECH / "jfk_inaugural.wav"), expect_words=20)
    jfk = panel.committed_text()

    assert wer((SPEECH / "jfk_inaugural.txt").read_text(), jfk) <= 0.15, jfk
    assert peak > -40, "the level meter moved with the speech"
    assert "dropped" not in panel.stats.text()

    # In CI the espeak-ng half always runs (a missing espeak-ng then fails the test, not skips it).
    if shutil.which("espeak-ng") or os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        sentence = tmp_path / "espeak.wav"
        subprocess.run(["espeak-ng", "-w", str(sentence), ESPEAK_SENTENCE], check=True)
        _record(qtbot, panel, lambda: play(sentence), expect_words=8)
        assert panel.committed_text().startswith(jfk), "a second recording adds to the text"
        assert wer(ESPEAK_SENTENCE, panel.committed_text()[len(jfk) :]) <= 0.2, panel.committed_text()

    panel.send_button.click()
    assert window.tabs.currentWidget() is window.chat_pane
    assert window.chat_pane.input.toPlainText().strip() == panel.text()
