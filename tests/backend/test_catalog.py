"""The curated catalog: well-formed entries, the seed's Whisper figures, working filters."""

from __future__ import annotations

import pytest

from backend.errors import HearthError
from backend.hardware import FITS, WONT_FIT, Memory
from backend.models import catalog

GIB = 1 << 30


@pytest.fixture(scope="module")
def entries():
    return catalog.load_catalog()


def test_every_entry_downloads_from_a_hugging_face_file_url(entries):
    assert len({e.key for e in entries}) == len(entries)
    for e in entries:
        assert e.url.startswith("https://huggingface.co/") and "/resolve/main/" in e.url
        assert e.url.endswith("/" + e.filename) and e.size > 10**7


def test_requested_models_are_present(entries):
    families = {e.family for e in entries if e.kind == "chat"}
    assert {
        "llama-3.2-1b-instruct",
        "llama-3.2-3b-instruct",
        "qwen2.5-0.5b-instruct",
        "qwen2.5-1.5b-instruct",
        "qwen2.5-7b-instruct",
        "gemma-3-1b-it",
        "gemma-3-4b-it",
        "llama-2-7b-chat",
    } <= families
    assert {e.quant for e in entries if e.kind == "chat"} == {"Q4_K_M", "Q5_K_M", "Q8_0"}
    speech = {e.key for e in entries if e.kind == "speech"}
    assert {
        "whisper-tiny",
        "whisper-tiny.en",
        "whisper-medium.en",
        "whisper-large-v3",
        "whisper-base.en-q5_1",
        "whisper-small-q8_0",
    } <= speech


@pytest.mark.parametrize(
    "size,params,memory,speed",
    [
        ("tiny", "39M", 1, 32),
        ("base", "74M", 1, 16),
        ("small", "244M", 2, 6),
        ("medium", "769M", 5, 2),
        ("large-v3", "1550M", 10, 1),
    ],
)
def test_whisper_entries_carry_the_seed_figures(entries, size, params, memory, speed):
    entry = catalog.find(f"whisper-{size}", entries)
    assert (entry.params, entry.memory_gb, entry.relative_speed) == (params, memory, speed)
    assert entry.languages == ("multilingual",)
    if size != "large-v3":
        assert catalog.find(f"whisper-{size}.en", entries).english_only


@pytest.mark.parametrize(
    "filename,size", [("ggml-base.en.bin", 147_964_211), ("ggml-small.bin", 487_601_967), ("ggml-tiny.bin", 77_691_713)]
)
def test_whisper_sizes_are_the_files_bytes(entries, filename, size):
    entry = catalog.find(filename, entries)
    assert entry.size == size and entry.sha256 and len(entry.sha256) == 64


def test_whisper_fit_uses_whisper_cpp_memory_not_pytorch_vram(entries):
    assert [
        catalog.find(f"whisper-{s}", entries).memory_mb for s in ("tiny", "base", "small", "medium", "large-v3")
    ] == [
        273,
        388,
        852,
        2100,
        3900,
    ]
    # 700 MB free, 2 GB in all: whisper.cpp runs tiny and base here; PyTorch's 1 GB figure said otherwise.
    small_machine = Memory(total=2 * GIB, available=700 * 2**20)
    assert catalog.find("whisper-tiny", entries).fit(mem=small_machine).verdict == FITS
    assert catalog.find("whisper-base.en", entries).fit(mem=small_machine).verdict == FITS
    assert catalog.find("whisper-large-v3", entries).fit(mem=small_machine).verdict == WONT_FIT
    assert catalog.find("whisper-large-v3-turbo", entries).params == "809M"


def test_filters(entries):
    speech = catalog.filter_entries(entries, kind="speech")
    assert speech and all(e.kind == "speech" for e in speech)
    english = catalog.filter_entries(entries, kind="speech", language="en-only")
    assert english and all(".en" in e.key for e in english)
    multi = catalog.filter_entries(entries, language="multilingual")
    assert not any(e.english_only for e in multi) and len(multi) < len(entries)
    small_machine = Memory(total=4 * GIB, available=3 * GIB)
    fitting = catalog.filter_entries(entries, kind="chat", fits_only=True, mem=small_machine)
    assert "qwen2.5-0.5b-instruct-q4_k_m" in {e.key for e in fitting}
    assert not {e.key for e in fitting} & {"qwen2.5-7b-instruct-q8_0", "llama-2-7b-chat-q8_0"}
    assert catalog.find("llama-2-7b-chat-q8_0", entries).fit(4096, small_machine).verdict == WONT_FIT


def test_unknown_name_suggests_close_ones(entries):
    with pytest.raises(HearthError, match="did you mean.*whisper-tiny"):
        catalog.find("tiny", entries)
