"""GGUF header reading on the bundled models, on files written by the gguf package, and on the bad
files users actually end up with."""

from __future__ import annotations

import struct
import time

import gguf
import pytest
from synthetic_gguf import write_synthetic_gguf

from backend.errors import ModelFileError
from backend.models.gguf_info import read_gguf_info


def test_bundled_qwen_header(chat_model_path):
    info = read_gguf_info(chat_model_path)
    assert info.architecture == "qwen2"
    assert info.file_type_name == "Q4_K_M"
    assert info.context_length == 32768
    assert (info.n_layers, info.n_heads, info.n_kv_heads, info.head_dim) == (24, 14, 2, 64)
    assert info.has_chat_template and "<|im_start|>" in info.chat_template
    assert info.file_size == chat_model_path.stat().st_size
    # Q4_K_M mixes 4- to 8-bit blocks; anything outside this band means the byte accounting is wrong.
    assert 4.5 < info.bits_per_weight < 8


def test_bundled_gemma_header_has_no_template(gemma_model_path):
    info = read_gguf_info(gemma_model_path)
    assert info.architecture == "gemma3"
    assert info.file_type_name == "Q4_K_M"
    assert info.context_length == 32768
    assert (info.n_layers, info.n_heads, info.n_kv_heads, info.head_dim) == (18, 4, 1, 256)
    assert info.chat_template is None and not info.has_chat_template
    assert info.size_label == "270M" and 250e6 < info.parameter_count < 300e6


def test_header_read_is_fast_on_a_large_vocabulary(gemma_model_path):
    start = time.perf_counter()
    read_gguf_info(gemma_model_path)
    assert time.perf_counter() - start < 2.0  # gguf.GGUFReader needs ~14 s on this file


def test_matches_the_gguf_package_reader(tmp_path):
    path = write_synthetic_gguf(
        tmp_path / "s.gguf",
        layers=3,
        embd=128,
        ff=256,
        heads=8,
        kv_heads=2,
        context=8192,
        chat_template="{{ messages }}",
        name="tiny-test",
    )
    reference = gguf.GGUFReader(path)
    info = read_gguf_info(path)
    assert info.parameter_count == sum(int(t.n_elements) for t in reference.tensors)
    assert info.tensor_bytes == sum(int(t.n_bytes) for t in reference.tensors)
    assert info.file_type_name == "F16"
    assert (info.name, info.context_length, info.n_layers) == ("tiny-test", 8192, 3)
    assert (info.n_heads, info.n_kv_heads, info.head_dim, info.embedding_length) == (8, 2, 16, 128)
    assert info.chat_template == "{{ messages }}"


def test_empty_file_rejected(tmp_path):
    path = tmp_path / "empty.gguf"
    path.touch()
    with pytest.raises(ModelFileError, match="empty"):
        read_gguf_info(path)


def test_truncated_weights_rejected(tmp_path):
    good = write_synthetic_gguf(tmp_path / "good.gguf")
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ModelFileError, match="truncated.*missing"):
        read_gguf_info(cut)


def test_truncated_header_rejected(tmp_path):
    good = write_synthetic_gguf(tmp_path / "good.gguf")
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="truncated"):
        read_gguf_info(cut)


def test_text_file_renamed_rejected(tmp_path):
    path = tmp_path / "notes.gguf"
    path.write_text("These are my notes, not a model.\n" * 10)
    with pytest.raises(ModelFileError, match="not a GGUF model file.*text file"):
        read_gguf_info(path)


def test_html_error_page_saved_as_model_rejected(tmp_path):
    path = tmp_path / "model.gguf"
    path.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    with pytest.raises(ModelFileError, match="not a GGUF"):
        read_gguf_info(path)


def test_wrong_magic_rejected(tmp_path):
    path = tmp_path / "random.gguf"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ModelFileError, match="not a GGUF model file.*unknown format"):
        read_gguf_info(path)


@pytest.mark.parametrize("magic", [0x67676D6C, 0x67676D66, 0x67676A74])  # 'ggml', 'ggmf', 'ggjt'
def test_ggml_era_file_explained(tmp_path, magic):
    path = tmp_path / "llama-2-7b-chat.ggmlv3.q4_1.bin"
    path.write_bytes(struct.pack("<II", magic, 3) + bytes(4096))
    with pytest.raises(ModelFileError, match="old GGML format.*no longer loads.*GGUF version"):
        read_gguf_info(path)


def test_missing_file_and_folder_rejected(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        read_gguf_info(tmp_path / "nope.gguf")
    with pytest.raises(ModelFileError, match="folder"):
        read_gguf_info(tmp_path)


def test_impossible_counts_rejected(tmp_path):
    good = write_synthetic_gguf(tmp_path / "good.gguf")
    data = bytearray(good.read_bytes())
    struct.pack_into("<Q", data, 8, 2**40)  # tensor_count
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="damaged"):
        read_gguf_info(bad)


def _nested_array_gguf(path, depth: int):
    """A 'GGUF' whose one metadata value is an array nested `depth` deep (a few dozen KB)."""
    value = struct.pack("<IQ", gguf.GGUFValueType.UINT8, 0)
    for _ in range(depth - 1):
        value = struct.pack("<IQ", gguf.GGUFValueType.ARRAY, 1) + value
    key = b"general.evil"
    header = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key
    path.write_bytes(header + struct.pack("<I", gguf.GGUFValueType.ARRAY) + value)
    return path


def test_arrays_nested_thousands_deep_are_refused_with_a_sentence(tmp_path):
    bad = _nested_array_gguf(tmp_path / "nested.gguf", depth=3000)
    assert bad.stat().st_size < 40_000
    with pytest.raises(ModelFileError, match="not a usable model: it nests arrays"):
        read_gguf_info(bad)


def test_absurd_string_and_array_claims_are_refused_quickly(tmp_path):
    good = write_synthetic_gguf(tmp_path / "good.gguf")
    data = good.read_bytes()
    key_len_at = 4 + 4 + 8 + 8  # magic, version, tensor count, kv count: the first key's length
    huge_string = bytearray(data)
    struct.pack_into("<Q", huge_string, key_len_at, 2**62)
    (tmp_path / "string.gguf").write_bytes(bytes(huge_string))
    with pytest.raises(ModelFileError, match="string"):
        read_gguf_info(tmp_path / "string.gguf")

    key = b"general.evil"
    many = b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key
    many += struct.pack("<IIQ", gguf.GGUFValueType.ARRAY, gguf.GGUFValueType.ARRAY, 2**40)
    (tmp_path / "many.gguf").write_bytes(many)
    started = time.perf_counter()
    with pytest.raises(ModelFileError, match="items"):
        read_gguf_info(tmp_path / "many.gguf")
    assert time.perf_counter() - started < 1
