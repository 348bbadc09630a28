"""Convert a faster-whisper (CTranslate2) model directory into a whisper.cpp ggml file.

No ggml Whisper model ships on the registries we reach, but CTranslate2 ones do; the two formats
hold the same weights under different names, with Q/K/V fused in CT2. The output loads in
whisper.cpp (pywhispercpp) and decodes the same tokens as CTranslate2's own greedy search.
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from backend.atomic import atomic_writer
from backend.defaults import SAMPLE_RATE
from backend.errors import ModelFileError

Progress = Callable[[float], None] | None

GGML_MAGIC = 0x67676D6C
GGML_F32, GGML_F16 = 0, 1
FTYPE_F16 = 1
END_OF_TEXT = "<|endoftext|>"

# CTranslate2's DataType enum; only the float types hold weights we can copy or cast.
CT2_FLOAT32, CT2_INT8, CT2_INT16, CT2_INT32, CT2_FLOAT16, CT2_BFLOAT16 = range(6)
CT2_ITEM_SIZE = {CT2_FLOAT32: 4, CT2_INT8: 1, CT2_INT16: 2, CT2_INT32: 4, CT2_FLOAT16: 2, CT2_BFLOAT16: 2}
CT2_FLOAT_TYPES = {CT2_FLOAT32, CT2_FLOAT16, CT2_BFLOAT16}

# Whisper's log-mel front end: 25 ms windows at 16 kHz give 201 FFT bins.
N_FFT = 400


@dataclass(frozen=True)
class Ct2Variable:
    name: str
    shape: tuple[int, ...]
    dtype: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class GgmlTensor:
    name: str
    source: Ct2Variable
    ggml_type: int
    rows: slice | None = None  # a slice of the first axis, for fused Q/K/V weights
    column: bool = False  # conv biases become [n, 1]


# --- reading CTranslate2's model.bin ----------------------------------------------------------


class _Reader:
    def __init__(self, fh: BinaryIO, size: int, path: Path):
        self.fh, self.size, self.path = fh, size, path

    def read(self, n: int) -> bytes:
        data = self.fh.read(n)
        if len(data) != n:
            raise ModelFileError(f"{self.path} is truncated (ends at byte {self.size}); reinstall or re-download it")
        return data

    def unpack(self, fmt: str):
        return struct.unpack("<" + fmt, self.read(struct.calcsize(fmt)))

    def string(self) -> str:
        (length,) = self.unpack("H")
        return self.read(length).rstrip(b"\0").decode("utf-8", errors="replace")


def read_ct2_index(model_bin: Path) -> dict[str, Ct2Variable]:
    """Index the variables of a CT2 Whisper model.bin without loading the weights."""
    size = model_bin.stat().st_size
    with open(model_bin, "rb") as fh:
        r = _Reader(fh, size, model_bin)
        (version,) = r.unpack("I")
        if not 1 <= version <= 6:
            raise ModelFileError(f"{model_bin} is not a CTranslate2 model (format version {version})")
        spec = r.string() if version >= 2 else ""
        if spec and spec != "WhisperSpec":
            raise ModelFileError(f"{model_bin} holds a {spec}, not a Whisper model")
        if version >= 2:
            r.unpack("I")  # spec revision: the layout below has not changed across revisions
        (count,) = r.unpack("I")
        variables: dict[str, Ct2Variable] = {}
        for _ in range(count):
            name = r.string()
            (rank,) = r.unpack("B")
            shape = tuple(r.unpack(f"{rank}I")) if rank else ()
            (dtype,) = r.unpack("B")
            (nbytes,) = r.unpack("I")
            offset = fh.tell()
            if offset + nbytes > size:
                raise ModelFileError(f"{model_bin} is truncated (ends at byte {size}); reinstall or re-download it")
            expected = int(np.prod(shape, dtype=np.int64)) * CT2_ITEM_SIZE.get(dtype, 0)
            if rank and expected != nbytes:
                raise ModelFileError(f"{model_bin} is damaged: {name} has {nbytes} bytes, its shape needs {expected}")
            variables[name] = Ct2Variable(name, shape, dtype, offset, nbytes)
            fh.seek(nbytes, os.SEEK_CUR)
    _reject_quantized(model_bin, variables)
    return variables


def _reject_quantized(model_bin: Path, variables: dict[str, Ct2Variable]) -> None:
    for var in variables.values():
        if len(var.shape) >= 1 and var.dtype not in CT2_FLOAT_TYPES:
            kind = {CT2_INT8: "int8", CT2_INT16: "int16"}.get(var.dtype, f"type {var.dtype}")
            raise ModelFileError(
                f"{model_bin.parent.name}: this faster-whisper model is quantized ({kind}); "
                "only float16/float32 models can be converted — use its float16 version"
            )


def _load(fh: BinaryIO, var: Ct2Variable) -> np.ndarray:
    fh.seek(var.offset)
    raw = fh.read(var.nbytes)
    if var.dtype == CT2_FLOAT16:
        arr = np.frombuffer(raw, dtype="<f2")
    elif var.dtype == CT2_BFLOAT16:
        arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        arr = np.frombuffer(raw, dtype="<f4")
    return arr.reshape(var.shape)


def _scalar(fh: BinaryIO, var: Ct2Variable) -> int:
    fh.seek(var.offset)
    raw = fh.read(var.nbytes)
    return int.from_bytes(raw, "little", signed=True)


# --- vocabulary ---------------------------------------------------------------------------------


def _byte_decoder() -> dict[str, int]:
    """Invert GPT-2's byte-to-unicode table: token text is printable stand-ins for raw bytes."""
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    )
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, codes)}


def read_vocabulary(source_dir: Path) -> list[str]:
    """Tokens in id order, from whichever vocabulary file the converter version wrote."""
    txt, js, tok = source_dir / "vocabulary.txt", source_dir / "vocabulary.json", source_dir / "tokenizer.json"
    try:
        if txt.exists():
            return txt.read_text(encoding="utf-8").split("\n")
        if js.exists():
            return list(json.loads(js.read_text(encoding="utf-8")))
        if tok.exists():
            data = json.loads(tok.read_text(encoding="utf-8"))
            by_id = dict(data["model"]["vocab"])
            by_id.update({t["content"]: t["id"] for t in data.get("added_tokens", [])})
            tokens = [""] * (max(by_id.values()) + 1)
            for token, idx in by_id.items():
                tokens[idx] = token
            return tokens
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{source_dir}: the vocabulary file is unreadable ({exc})") from exc
    raise ModelFileError(
        f"{source_dir} has no vocabulary (vocabulary.txt, vocabulary.json or tokenizer.json); "
        "copy the whole faster-whisper model folder"
    )


def _token_bytes(tokens: list[str], source_dir: Path) -> list[bytes]:
    try:
        end = tokens.index(END_OF_TEXT)
    except ValueError:
        raise ModelFileError(f"{source_dir}: the vocabulary has no {END_OF_TEXT} token; it is not Whisper's") from None
    decoder = _byte_decoder()
    try:
        # whisper.cpp appends the special tokens itself, from <|endoftext|> on.
        return [bytes(decoder[ch] for ch in tok) for tok in tokens[:end]]
    except KeyError as exc:
        raise ModelFileError(f"{source_dir}: the vocabulary is not byte-level BPE (character {exc})") from None


# --- the mel filterbank ------------------------------------------------------------------------


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    # Slaney's scale: linear to 1 kHz, logarithmic above.
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    hz = np.asarray(hz, dtype=np.float64)
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, hz / f_sp)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def mel_filters(n_mels: int) -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=n_mels) with Slaney norm, as Whisper uses."""
    fft_freqs = np.fft.rfftfreq(N_FFT, d=1.0 / SAMPLE_RATE)
    mel_points = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), n_mels + 2))
    widths = np.diff(mel_points)
    ramps = mel_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_points[2:] - mel_points[:-2]))[:, None]
    return weights.astype(np.float32)


# --- names and hyper-parameters ----------------------------------------------------------------


def _count_layers(variables: dict[str, Ct2Variable], side: str) -> int:
    indices = {int(m.group(1)) for name in variables if (m := re.match(rf"{side}/layer_(\d+)/", name))}
    if not indices or indices != set(range(len(indices))):
        raise ModelFileError(f"the {side} layers are missing or not numbered 0..N-1")
    return len(indices)


def _require(variables: dict[str, Ct2Variable], name: str) -> Ct2Variable:
    try:
        return variables[name]
    except KeyError:
        raise ModelFileError(f"model.bin lacks {name}; it is not a complete Whisper model") from None


def _split(var: Ct2Variable, parts: int, index: int) -> slice:
    step = var.shape[0] // parts
    return slice(index * step, (index + 1) * step)


def _layer_norm(variables, ct2: str, ggml: str) -> list[GgmlTensor]:
    return [
        GgmlTensor(f"{ggml}.weight", _require(variables, f"{ct2}/gamma"), GGML_F32),
        GgmlTensor(f"{ggml}.bias", _require(variables, f"{ct2}/beta"), GGML_F32),
    ]


def _linear(variables, ct2: str, ggml: str, rows: slice | None = None, bias: bool = True) -> list[GgmlTensor]:
    out = [GgmlTensor(f"{ggml}.weight", _require(variables, f"{ct2}/weight"), GGML_F16, rows)]
    if bias:
        out.append(GgmlTensor(f"{ggml}.bias", _require(variables, f"{ct2}/bias"), GGML_F32, rows))
    return out


def _fused(variables, ct2: str, ggml_names: list[str]) -> list[GgmlTensor]:
    """Split a fused projection; whisper.cpp has no key bias (CT2 stores zeros there)."""
    weight = _require(variables, f"{ct2}/weight")
    out = []
    for i, name in enumerate(ggml_names):
        out += _linear(variables, ct2, name, _split(weight, len(ggml_names), i), bias=not name.endswith(".key"))
    return out


def tensor_plan(variables: dict[str, Ct2Variable]) -> list[GgmlTensor]:
    """Every ggml tensor whisper.cpp expects, with the CT2 variable it comes from."""
    plan = [
        GgmlTensor(
            "encoder.positional_embedding", _require(variables, "encoder/position_encodings/encodings"), GGML_F32
        ),
    ]
    for conv in ("conv1", "conv2"):
        plan.append(GgmlTensor(f"encoder.{conv}.weight", _require(variables, f"encoder/{conv}/weight"), GGML_F16))
        plan.append(
            GgmlTensor(f"encoder.{conv}.bias", _require(variables, f"encoder/{conv}/bias"), GGML_F32, column=True)
        )
    for i in range(_count_layers(variables, "encoder")):
        ct2, ggml = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        plan += _layer_norm(variables, f"{ct2}/self_attention/layer_norm", f"{ggml}.attn_ln")
        plan += _fused(
            variables, f"{ct2}/self_attention/linear_0", [f"{ggml}.attn.{p}" for p in ("query", "key", "value")]
        )
        plan += _linear(variables, f"{ct2}/self_attention/linear_1", f"{ggml}.attn.out")
        plan += _layer_norm(variables, f"{ct2}/ffn/layer_norm", f"{ggml}.mlp_ln")
        plan += _linear(variables, f"{ct2}/ffn/linear_0", f"{ggml}.mlp.0")
        plan += _linear(variables, f"{ct2}/ffn/linear_1", f"{ggml}.mlp.2")
    plan += _layer_norm(variables, "encoder/layer_norm", "encoder.ln_post")

    plan.append(
        GgmlTensor(
            "decoder.positional_embedding", _require(variables, "decoder/position_encodings/encodings"), GGML_F32
        )
    )
    plan.append(
        GgmlTensor("decoder.token_embedding.weight", _require(variables, "decoder/embeddings/weight"), GGML_F16)
    )
    for i in range(_count_layers(variables, "decoder")):
        ct2, ggml = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        plan += _layer_norm(variables, f"{ct2}/self_attention/layer_norm", f"{ggml}.attn_ln")
        plan += _fused(
            variables, f"{ct2}/self_attention/linear_0", [f"{ggml}.attn.{p}" for p in ("query", "key", "value")]
        )
        plan += _linear(variables, f"{ct2}/self_attention/linear_1", f"{ggml}.attn.out")
        plan += _layer_norm(variables, f"{ct2}/attention/layer_norm", f"{ggml}.cross_attn_ln")
        plan += _linear(variables, f"{ct2}/attention/linear_0", f"{ggml}.cross_attn.query")
        plan += _fused(variables, f"{ct2}/attention/linear_1", [f"{ggml}.cross_attn.{p}" for p in ("key", "value")])
        plan += _linear(variables, f"{ct2}/attention/linear_2", f"{ggml}.cross_attn.out")
        plan += _layer_norm(variables, f"{ct2}/ffn/layer_norm", f"{ggml}.mlp_ln")
        plan += _linear(variables, f"{ct2}/ffn/linear_0", f"{ggml}.mlp.0")
        plan += _linear(variables, f"{ct2}/ffn/linear_1", f"{ggml}.mlp.2")
    plan += _layer_norm(variables, "decoder/layer_norm", "decoder.ln")
    return plan


def hparams(variables: dict[str, Ct2Variable], fh: BinaryIO) -> list[int]:
    """whisper.cpp's header fields, in file order, read off the weights themselves."""
    audio_pos = _require(variables, "encoder/position_encodings/encodings").shape
    text_pos = _require(variables, "decoder/position_encodings/encodings").shape
    n_vocab = _require(variables, "decoder/embeddings/weight").shape[0]
    n_mels = _require(variables, "encoder/conv1/weight").shape[1]
    enc_heads = _scalar(fh, _require(variables, "encoder/num_heads"))
    dec_heads = _scalar(fh, _require(variables, "decoder/num_heads"))
    return [
        n_vocab,
        audio_pos[0],
        audio_pos[1],
        enc_heads,
        _count_layers(variables, "encoder"),
        text_pos[0],
        text_pos[1],
        dec_heads,
        _count_layers(variables, "decoder"),
        n_mels,
        FTYPE_F16,
    ]


# --- writing ------------------------------------------------------------------------------------


def _tensor_bytes(fh: BinaryIO, tensor: GgmlTensor) -> tuple[tuple[int, ...], bytes]:
    arr = _load(fh, tensor.source)
    if tensor.rows is not None:
        arr = arr[tensor.rows]
    if tensor.column:
        arr = arr.reshape(-1, 1)
    dtype = "<f4" if tensor.ggml_type == GGML_F32 else "<f2"
    return arr.shape, np.ascontiguousarray(arr, dtype=dtype).tobytes()


def _write_tensors(out: BinaryIO, src: BinaryIO, plan: list[GgmlTensor], progress: Progress) -> None:
    total = sum(t.source.nbytes for t in plan) or 1
    done = 0
    for tensor in plan:
        shape, data = _tensor_bytes(src, tensor)
        name = tensor.name.encode("utf-8")
        out.write(struct.pack("<iii", len(shape), len(name), tensor.ggml_type))
        out.write(struct.pack(f"<{len(shape)}i", *reversed(shape)))  # ggml lists the fastest axis first
        out.write(name)
        out.write(data)
        done += tensor.source.nbytes
        if progress:
            progress(min(1.0, done / total))


def _iter_vocab(tokens: list[bytes]) -> Iterator[bytes]:
    yield struct.pack("<i", len(tokens))
    for tok in tokens:
        yield struct.pack("<i", len(tok)) + tok


def convert_ct2_to_ggml(
    source_dir: Path, target: Path, progress: Progress = None, model_bin: Path | None = None
) -> None:
    """Write `target` (a whisper.cpp ggml f16 model) from a faster-whisper model directory.

    `model_bin` stands in for the folder's own model.bin where a package ships it split in parts."""
    source_dir, target = Path(source_dir), Path(target)
    model_bin = Path(model_bin) if model_bin is not None else source_dir / "model.bin"
    if not model_bin.is_file():
        raise ModelFileError(f"{source_dir} has no {model_bin.name}; it is not a faster-whisper model folder")
    variables = read_ct2_index(model_bin)
    tokens = _token_bytes(read_vocabulary(source_dir), source_dir)
    plan = tensor_plan(variables)
    with open(model_bin, "rb") as src:
        header = hparams(variables, src)
        if len(tokens) > header[0]:
            raise ModelFileError(f"{source_dir}: the vocabulary has more tokens than the model's embedding rows")
        with atomic_writer(target) as out:
            out.write(struct.pack("<i", GGML_MAGIC))
            out.write(struct.pack("<11i", *header))
            filters = mel_filters(header[9])
            out.write(struct.pack("<ii", *filters.shape))
            out.write(filters.astype("<f4").tobytes())
            for chunk in _iter_vocab(tokens):
                out.write(chunk)
            _write_tensors(out, src, plan, progress)
