"""The Dictation tab transcribes a file on a server added in Models → Servers: Hearth's own `main.py serve`
in a separate process on 127.0.0.1 is the server, so the file really travels over HTTP."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from app_helpers import FakeMicrophone
from remote_peers import KEY, hearth_serve

from backend import remote_servers
from backend.remote_servers import ServerStore
from backend.settings import Settings
from backend.wer import wer

SPEECH = Path(__file__).resolve().parent.parent / "data" / "speech"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    peer = hearth_serve(tmp_path_factory.mktemp("transcription-server-data"))
    yield peer
    peer.stop()


@pytest.fixture
def panel(qtbot, data_dir, speech_model_path):
    from gui.dictation_panel import DictationPanel

    remote_servers._session_keys.clear()
    settings = Settings(data_dir / "settings.json")
    settings.speech_model = str(speech_model_path)
    panel = DictationPanel(settings, source_factory=lambda device: FakeMicrophone(np.zeros(1, np.float32)))
    qtbot.addWidget(panel)
    yield panel
    panel.shutdown()
    remote_servers._session_keys.clear()


def _choose(panel, text: str) -> None:
    panel._fill_where()
    index = panel.where_combo.findText(text)
    assert index >= 0, [panel.where_combo.itemText(i) for i in range(panel.where_combo.count())]
    panel.where_combo.setCurrentIndex(index)


def test_a_file_is_transcribed_on_a_server_into_subtitles(qtbot, panel, server, tmp_path):
    assert panel.where_combo.count() == 1, "no server added: only this computer is offered"
    ServerStore(panel.settings).add("Desk", server.url, KEY)
    _choose(panel, "On Desk (remote)")
    panel.file_edit.setText(str(SPEECH / "jfk_inaugural.wav"))
    panel.output_edit.setText(str(tmp_path / "jfk"))

    panel.transcribe_button.click()
    assert "on Desk" in panel.file_status.text()
    assert not panel.where_combo.isEnabled() and panel.where_combo.toolTip()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=180_000)

    assert "Wrote" in panel.file_status.text(), panel.file_status.text()
    assert server.wait_for_line(r"/v1/audio/transcriptions")
    assert wer((SPEECH / "jfk_inaugural.txt").read_text(), (tmp_path / "jfk.txt").read_text()) <= 0.25
    assert (tmp_path / "jfk.srt").read_text().startswith("1\n00:00:")
    assert panel.where_combo.isEnabled() and panel.file_progress.maximum() == 100


def test_a_wrong_key_is_a_sentence_and_nothing_is_written(qtbot, panel, server, tmp_path):
    ServerStore(panel.settings).add("Desk", server.url, "wrong-key")
    _choose(panel, "On Desk (remote)")
    panel.file_edit.setText(str(SPEECH / "jfk_inaugural.wav"))
    panel.output_edit.setText(str(tmp_path / "jfk"))

    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: not panel.transcribing, timeout=60_000)

    assert "API key" in panel.file_status.text(), panel.file_status.text()
    assert "Traceback" not in panel.file_status.text()
    assert not list(tmp_path.glob("jfk.*"))
