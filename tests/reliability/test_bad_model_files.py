"""Bad model files reach the user as a sentence in the chat window, never as a crash or a silent no-op."""

from __future__ import annotations

import os
import shutil

import gguf
import numpy as np
import pytest
from synthetic_gguf import write_synthetic_gguf
from window_actions import send

from backend.errors import ModelFileError
from backend.speech import WhisperEngine


def _unknown_architecture(path):
    w = gguf.GGUFWriter(str(path), "tardigrade")
    w.add_name("Tardigrade")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", np.zeros((8, 8), np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def _truncated_copy(src, dest):
    with open(src, "rb") as fh:
        dest.write_bytes(fh.read(src.stat().st_size * 2 // 3))


BAD_FILES = {
    # fault: (how to make it, what the user must be told)
    "zero-bytes": (lambda p, real: p.write_bytes(b""), "empty (0 bytes)"),
    "truncated": (lambda p, real: _truncated_copy(real, p), "is truncated"),
    "text-renamed": (lambda p, real: p.write_text("These are my notes, not a model.\n" * 40), "looks like a text file"),
    "unknown-architecture": (lambda p, real: _unknown_architecture(p), "architecture 'tardigrade'"),
    # The seed's llama-2-7b-chat.ggmlv3.q4_1.bin begins like this: 'ggjt' as a little-endian uint32, version 3.
    "ggml-era-ggjt": (
        lambda p, real: p.write_bytes(b"tjgg" + (3).to_bytes(4, "little") + os.urandom(4096)),
        "convert_llama_ggml_to_gguf.py",
    ),
}


@pytest.mark.parametrize("fault", BAD_FILES, ids=list(BAD_FILES))
def test_bad_chat_model_is_explained_in_the_window(fault, tmp_path, open_chat, gemma_model_path):
    make, expected = BAD_FILES[fault]
    bad = tmp_path / "model.gguf"
    make(bad, gemma_model_path)
    window = open_chat(bad, wait="failed")
    pane = window.chat_pane
    assert expected in pane.banner.text()
    assert pane.banner.text().startswith("Could not load the model")
    assert not pane.send_button.isEnabled(), "nothing can be sent to a model that is not loaded"
    assert window.model_label.text() == "No chat model loaded"


def test_model_deleted_while_selected_is_reported_at_start(tmp_path, open_chat, gemma_model_path):
    chosen = tmp_path / "chosen.gguf"
    shutil.copy(gemma_model_path, chosen)
    window = open_chat(chosen)
    assert window.chat_pane.model_info.path == str(chosen)
    window.close()

    chosen.unlink()
    reopened = open_chat(chosen, wait="failed")
    assert f"{chosen} does not exist" in reopened.chat_pane.banner.text()


def test_model_file_replaced_while_loaded_keeps_answering(qtbot, tmp_path, open_chat, chat_model_path):
    """Replaced the way downloads and most tools do it (a new file renamed over the old): the loaded
    model keeps its open file, and the next load reads the new file and judges it on its own."""
    loaded = tmp_path / "model.gguf"
    shutil.copy(chat_model_path, loaded)
    window = open_chat(loaded)
    pane = window.chat_pane
    replacement = tmp_path / "replacement.tmp"
    replacement.write_text("not a model any more\n" * 50)
    os.replace(replacement, loaded)

    stats = send(qtbot, pane, "Say hello.")
    assert stats["stop_reason"] in ("done", "length") and stats["generated_tokens"] > 0
    assert pane.view.bubbles[-1].text().strip()

    pane.load_model(str(loaded))
    qtbot.waitUntil(lambda: pane.banner.property("kind") == "error", timeout=30_000)
    assert "looks like a text file" in pane.banner.text()


def test_path_with_spaces_and_chinese_characters_loads_and_chats(qtbot, tmp_path, open_chat, gemma_model_path):
    folder = tmp_path / "我的 模型" / "中文路径 with spaces"
    folder.mkdir(parents=True)
    model = folder / "杰玛 小模型.gguf"
    os.symlink(gemma_model_path, model)
    window = open_chat(model)
    assert window.chat_pane.model_info.path == str(model)
    stats = send(qtbot, window.chat_pane, "Hello!")
    assert stats["generated_tokens"] > 0 and window.chat_pane.view.bubbles[-1].text().strip()


def test_whisper_file_with_wrong_magic_is_refused_before_whisper_cpp_sees_it(tmp_path, speech_model_path):
    # whisper.cpp itself would crash or misread such a file; the header check must stop it first.
    bad = tmp_path / "ggml-base.en.bin"
    data = bytearray(speech_model_path.read_bytes()[: 1 << 20])
    data[:4] = b"GGUF"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="not a whisper.cpp ggml model"):
        WhisperEngine(bad)


def test_synthetic_model_is_a_real_model(tmp_path):
    """The hostile-template and invalid-UTF-8 tests rely on llama.cpp really loading this file."""
    from backend.llm import LlmEngine

    engine = LlmEngine()
    engine.load(write_synthetic_gguf(tmp_path / "tiny.gguf"), n_ctx=256)
    assert engine.loaded and engine.model.info.architecture == "llama"
    engine.unload()


def test_bundled_model_package_missing_is_a_sentence_in_the_window(qtbot, data_dir, empty_models_dir, monkeypatch):
    import dataclasses

    from backend.conversations import ConversationStore
    from backend.models import bundled
    from backend.settings import Settings
    from gui.main_window import MainWindow

    def build(target, progress):
        bundled._package_file("hearth_no_such_model_part1", "data/part01.bin")

    monkeypatch.setitem(
        bundled.BUNDLED, bundled.DEFAULT_CHAT, dataclasses.replace(bundled.BUNDLED[bundled.DEFAULT_CHAT], build=build)
    )
    store = ConversationStore(data_dir / "conversations.sqlite3")
    window = MainWindow(store, Settings(data_dir / "settings.json"))  # no model chosen: the bundled default
    qtbot.addWidget(window)
    window.show()
    pane = window.chat_pane
    try:
        qtbot.waitUntil(lambda: pane.banner.property("kind") == "error", timeout=60_000)
        assert "hearth-no-such-model-part1 is not installed; rerun the setup command" in pane.banner.text()
        assert "unexpected" not in pane.banner.text()
        assert not pane.send_button.isEnabled()
    finally:
        window.close()
        store.close()
