"""The installed-model list: real headers of the bundled models, broken files shown, safe deletes."""

from __future__ import annotations

import pytest
from synthetic_gguf import write_synthetic_gguf

from backend.errors import HearthError
from backend.models import registry
from backend.models.importer import ImportMode, import_model


def test_bundled_models_listed_with_their_headers(chat_model_path, gemma_model_path, speech_model_path):
    models, broken = registry.list_installed()
    by_path = {m.path.name: m for m in models}
    qwen = by_path[chat_model_path.name]
    assert (qwen.kind, qwen.origin, qwen.architecture, qwen.quantization) == ("chat", "bundled", "qwen2", "Q4_K_M")
    assert qwen.has_chat_template and qwen.context_length == 32768
    gemma = by_path[gemma_model_path.name]
    assert gemma.architecture == "gemma3" and gemma.has_chat_template is False
    whisper = by_path[speech_model_path.name]
    assert (whisper.kind, whisper.languages, whisper.parameters) == ("speech", "English only", "39M")
    assert not [b for b in broken if b.path.name in by_path]


def test_folder_scan_lists_good_files_and_explains_bad_ones(empty_models_dir):
    write_synthetic_gguf(empty_models_dir / "tiny.gguf", name="Tiny test")
    (empty_models_dir / "notes.gguf").write_text("not a model")
    (empty_models_dir / "half.gguf.part").write_bytes(b"GGUF")
    (empty_models_dir / "readme.txt").write_text("ignored")
    models, broken = registry.list_installed()
    assert [(m.path.name, m.title, m.origin) for m in models] == [("tiny.gguf", "Tiny test", "found")]
    assert [b.path.name for b in broken] == ["notes.gguf"]
    assert "not a GGUF model file" in broken[0].problem


def test_delete_removes_the_file(empty_models_dir):
    path = write_synthetic_gguf(empty_models_dir / "tiny.gguf")
    registry.delete(path)
    assert not path.exists()
    assert registry.list_installed() == ([], [])


def test_model_in_use_is_never_deleted(empty_models_dir):
    path = write_synthetic_gguf(empty_models_dir / "tiny.gguf")
    with pytest.raises(HearthError, match="in use"):
        registry.delete(path, in_use=[empty_models_dir / "." / "tiny.gguf"])
    assert path.exists()


def test_deleting_a_linked_import_keeps_the_users_file(empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "mine.gguf")
    import_model(original, ImportMode.LINK)
    assert [m.path for m in registry.list_installed()[0]] == [original.resolve()]
    message = registry.delete(original)
    assert "stays" in message and original.exists()
    assert registry.list_installed() == ([], [])


def test_files_outside_the_models_folder_are_not_deleted(empty_models_dir, tmp_path):
    stray = write_synthetic_gguf(tmp_path / "elsewhere.gguf")
    with pytest.raises(HearthError, match="not in the models folder"):
        registry.delete(stray)
    assert stray.exists()


def test_find_installed_by_name(empty_models_dir):
    path = write_synthetic_gguf(empty_models_dir / "tiny.gguf")
    assert registry.find_installed("tiny.gguf") == path
    assert registry.find_installed("tiny") == path
    with pytest.raises(HearthError, match="no installed model"):
        registry.find_installed("nothing-like-it")
