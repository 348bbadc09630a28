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


def test_one_hostile_file_is_its_own_row_and_the_rest_still_list(empty_models_dir):
    import struct

    write_synthetic_gguf(empty_models_dir / "good.gguf", name="Good one")
    value = struct.pack("<IQ", 0, 0)
    for _ in range(5000):  # deeper than Python's recursion limit
        value = struct.pack("<IQ", 9, 1) + value
    key = b"general.evil"
    (empty_models_dir / "crafted.gguf").write_bytes(
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<I", 9) + value
    )
    models, broken = registry.list_installed()
    assert [m.title for m in models] == ["Good one"]
    assert [b.path.name for b in broken] == ["crafted.gguf"]
    assert "not a usable model" in broken[0].problem


def test_concurrent_index_updates_lose_no_entry(empty_models_dir, tmp_path):
    import threading

    errors = []

    def record_many(worker: int) -> None:
        try:
            for i in range(25):
                registry.record(tmp_path / f"linked-{worker}-{i}.gguf", "linked", None)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=record_many, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(registry._read_index()) == 6 * 25
    assert not list(empty_models_dir.glob(".*.tmp")), "no temp file is left behind"
