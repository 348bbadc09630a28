"""What a GGUF chat model is, read from its header alone: architecture, size, quantization, context.

The `gguf` package's GGUFReader turns every vocabulary entry into numpy views (about 14 s for
Gemma 3's 262k-token vocabulary here), far too slow for listing installed models. So this walks the
header itself over a memory map, using the package's type tables (value types, quantization block
sizes, file-type names), skips arrays it does not need, and never touches tensor data.
"""

from __future__ import annotations

import mmap
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gguf.constants import (
    GGML_QUANT_SIZES,
    GGUF_DEFAULT_ALIGNMENT,
    GGMLQuantizationType,
    GGUFValueType,
    LlamaFileType,
)

from backend.errors import ModelFileError

GGUF_MAGIC = b"GGUF"
# GGML-era files wrote their magic as a little-endian uint32, so 'ggml' appears on disk as 'lmgg'.
GGML_ERA_MAGICS = {b"lmgg": "ggml", b"fmgg": "ggmf", b"tjgg": "ggjt", b"ggml": "ggml", b"ggmf": "ggmf", b"ggjt": "ggjt"}
MAX_TENSOR_DIMS = 8
MAX_TENSORS = 1_000_000
MAX_KV_PAIRS = 100_000
# Numeric arrays longer than this (per-token scores, types) are skipped, not kept.
MAX_KEPT_ARRAY = 4096
# Bounds for a header that is hostile rather than merely damaged: real models nest arrays at most
# once, hold a few hundred thousand vocabulary entries and templates of a few KB.
MAX_ARRAY_DEPTH = 4
MAX_ARRAY_ITEMS = 16_000_000
MAX_STRING_BYTES = 16 << 20
MAX_HEADER_BYTES = 512 << 20

_SCALARS = {
    GGUFValueType.UINT8: "B",
    GGUFValueType.INT8: "b",
    GGUFValueType.UINT16: "H",
    GGUFValueType.INT16: "h",
    GGUFValueType.UINT32: "I",
    GGUFValueType.INT32: "i",
    GGUFValueType.FLOAT32: "f",
    GGUFValueType.BOOL: "?",
    GGUFValueType.UINT64: "Q",
    GGUFValueType.INT64: "q",
    GGUFValueType.FLOAT64: "d",
}


@dataclass(frozen=True)
class GgufInfo:
    path: Path
    file_size: int
    architecture: str
    name: str
    size_label: str | None
    parameter_count: int
    file_type_name: str
    bits_per_weight: float
    context_length: int | None
    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    embedding_length: int
    chat_template: str | None
    tensor_bytes: int

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    @property
    def parameter_label(self) -> str:
        """'494M' / '7.2B', from the counted tensors (size labels in files are sometimes wrong)."""
        n = self.parameter_count
        return f"{n / 1e9:.1f}B" if n >= 1e9 else f"{n / 1e6:.0f}M"


class _Truncated(Exception):
    pass


class _Hostile(Exception):
    """A header beyond any real model's bounds; the message says which."""


class _Cursor:
    def __init__(self, buf, endian: str):
        self.buf = buf
        self.pos = 0
        self.endian = endian

    def _advance_to(self, end: int) -> None:
        if end > len(self.buf):
            raise _Truncated
        if end > MAX_HEADER_BYTES:
            raise _Hostile(f"its header is larger than {MAX_HEADER_BYTES >> 20} MB")
        self.pos = end

    def take(self, fmt: str):
        fmt = self.endian + fmt
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise _Truncated
        values = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return values[0] if len(values) == 1 else values

    def string(self) -> str:
        raw = self.raw_string()
        return raw.decode("utf-8", errors="replace")

    def _string_length(self) -> int:
        length = self.take("Q")
        if length > MAX_STRING_BYTES:
            raise _Hostile(f"it claims a {length:,}-byte string")
        return length

    def raw_string(self) -> bytes:
        length = self._string_length()
        start = self.pos
        self._advance_to(start + length)
        return bytes(self.buf[start : start + length])

    def skip_string(self) -> None:
        length = self._string_length()  # first: reading it moves the cursor
        self._advance_to(self.pos + length)

    def value(self, vtype: int) -> Any:
        if vtype == GGUFValueType.STRING:
            return self.string()
        if vtype == GGUFValueType.ARRAY:
            return self.array()
        fmt = _SCALARS.get(vtype)
        if fmt is None:
            raise ValueError(f"unknown metadata value type {vtype}")
        return self.take(fmt)

    def array(self, depth: int = 1) -> list | None:
        # Iterative bounds, not Python's recursion limit: a crafted file nests arrays thousands deep.
        if depth > MAX_ARRAY_DEPTH:
            raise _Hostile(f"it nests arrays more than {MAX_ARRAY_DEPTH} deep")
        item_type, count = self.take("IQ")
        if count > MAX_ARRAY_ITEMS:
            raise _Hostile(f"it claims an array of {count:,} items")
        if item_type == GGUFValueType.STRING:
            for _ in range(count):
                self.skip_string()
            return None
        if item_type == GGUFValueType.ARRAY:
            for _ in range(count):
                self.array(depth + 1)
            return None
        fmt = _SCALARS.get(item_type)
        if fmt is None:
            raise ValueError(f"unknown array item type {item_type}")
        size = struct.calcsize(fmt) * count
        if self.pos + size > len(self.buf):
            raise _Truncated
        if count > MAX_KEPT_ARRAY:
            self._advance_to(self.pos + size)
            return None
        values = list(struct.unpack_from(f"{self.endian}{count}{fmt}", self.buf, self.pos))
        self.pos += size
        return values


def _reject_non_gguf(path: Path, head: bytes) -> None:
    if head[:4] in GGML_ERA_MAGICS:
        raise ModelFileError(
            f"{path.name} is in the old GGML format ('{GGML_ERA_MAGICS[head[:4]]}'), which llama.cpp no "
            "longer loads. Download a GGUF version of this model, or convert it with llama.cpp's "
            "convert_llama_ggml_to_gguf.py."
        )
    if head[:4] != GGUF_MAGIC:
        raise ModelFileError(
            f"{path.name} is not a GGUF model file: it looks like {guess_content(head)}, not 'GGUF' data."
        )


def guess_content(head: bytes) -> str:
    """A few words on what a non-model file seems to be, for error messages."""
    looks_like_text = all(32 <= b < 127 or b in (9, 10, 13) for b in head[:64])
    return "a text file" if looks_like_text else "an unknown format"


def _scalar(meta: dict, key: str) -> int | None:
    value = meta.get(key)
    if isinstance(value, list):  # some architectures store per-layer head counts
        value = max(value) if value else None
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _file_type_name(meta: dict, tensor_types: Counter) -> str:
    file_type = meta.get("general.file_type")
    try:
        name = LlamaFileType(file_type).name
        return "F32" if name == "ALL_F32" else name.removeprefix("MOSTLY_")
    except ValueError:
        pass
    if not tensor_types:
        return "unknown"
    # No declared type: name the file after the type holding most of its bytes.
    dominant = tensor_types.most_common(1)[0][0]
    try:
        return GGMLQuantizationType(dominant).name
    except ValueError:
        return f"type {dominant}"


def _tensor_bytes(ggml_type: int, n_elements: int) -> int:
    try:
        block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError):
        raise ModelFileError(f"uses tensor type {ggml_type}, which this version of Hearth does not know") from None
    return n_elements // block * type_size


def read_gguf_info(path: str | Path) -> GgufInfo:
    path = Path(path)
    try:
        file_size = path.stat().st_size
    except FileNotFoundError:
        raise ModelFileError(f"{path} does not exist.") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror}") from None
    if path.is_dir():
        raise ModelFileError(f"{path.name} is a folder, not a GGUF model file.")
    if file_size == 0:
        raise ModelFileError(f"{path.name} is empty (0 bytes): the download or copy did not finish.")
    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            return _parse(path, file_size, buf)
    except _Truncated:
        raise ModelFileError(
            f"{path.name} is truncated: its header ends early ({file_size:,} bytes). Download it again."
        ) from None
    except _Hostile as exc:
        raise ModelFileError(f"{path.name} is not a usable model: {exc}, beyond any real GGUF file.") from None
    except (ValueError, OverflowError, struct.error) as exc:
        raise ModelFileError(f"{path.name} has a damaged GGUF header: {exc}.") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def _parse(path: Path, file_size: int, buf) -> GgufInfo:
    _reject_non_gguf(path, bytes(buf[:64]))
    if len(buf) < 24:
        raise _Truncated
    # Big-endian GGUF files exist (s390x); their version reads absurdly large as little-endian.
    endian = "<" if struct.unpack_from("<I", buf, 4)[0] < 0x10000 else ">"
    cur = _Cursor(buf, endian)
    cur.pos = 4
    version = cur.take("I")
    if version == 1:
        raise ModelFileError(
            f"{path.name} is GGUF version 1, which llama.cpp no longer loads. Download a current GGUF version."
        )
    if version > 3:
        raise ModelFileError(f"{path.name} is GGUF version {version}, newer than this version of Hearth reads.")
    tensor_count, kv_count = cur.take("QQ")
    # Far beyond any real model: a damaged header, which would otherwise read as merely truncated.
    if tensor_count > MAX_TENSORS or kv_count > MAX_KV_PAIRS:
        raise ModelFileError(f"{path.name} has a damaged GGUF header (impossible entry counts).")

    meta: dict[str, Any] = {}
    try:
        for _ in range(kv_count):
            key = cur.string()
            meta[key] = cur.value(cur.take("I"))
    except ValueError as exc:
        raise ModelFileError(f"{path.name} has a damaged GGUF header: {exc}.") from None

    n_params = 0
    total_bytes = 0
    data_end = 0
    type_bytes: Counter = Counter()
    for _ in range(tensor_count):
        cur.skip_string()
        n_dims = cur.take("I")
        if n_dims > MAX_TENSOR_DIMS:
            raise ModelFileError(f"{path.name} has a damaged GGUF header (a tensor with {n_dims} dimensions).")
        n_elements = 1
        for _ in range(n_dims):
            n_elements *= cur.take("Q")
        ggml_type, offset = cur.take("IQ")
        try:
            size = _tensor_bytes(ggml_type, n_elements)
        except ModelFileError as exc:
            raise ModelFileError(f"{path.name} {exc}.") from None
        n_params += n_elements
        total_bytes += size
        type_bytes[ggml_type] += size
        data_end = max(data_end, offset + size)

    alignment = _scalar(meta, "general.alignment") or GGUF_DEFAULT_ALIGNMENT
    data_start = -(-cur.pos // alignment) * alignment
    if data_start + data_end > file_size:
        missing = data_start + data_end - file_size
        raise ModelFileError(
            f"{path.name} is truncated: {missing:,} bytes of model weights are missing "
            f"(have {file_size:,} of {data_start + data_end:,}). Download it again."
        )

    arch = meta.get("general.architecture")
    if not isinstance(arch, str) or not arch:
        raise ModelFileError(f"{path.name} does not say which model architecture it is (no general.architecture).")
    n_layers = _scalar(meta, f"{arch}.block_count") or 0
    embedding = _scalar(meta, f"{arch}.embedding_length") or 0
    n_heads = _scalar(meta, f"{arch}.attention.head_count") or 0
    n_kv_heads = _scalar(meta, f"{arch}.attention.head_count_kv") or n_heads
    head_dim = _scalar(meta, f"{arch}.attention.key_length") or (embedding // n_heads if n_heads else 0)
    template = meta.get("tokenizer.chat_template")
    size_label = meta.get("general.size_label")
    return GgufInfo(
        path=path,
        file_size=file_size,
        architecture=arch,
        name=str(meta.get("general.name") or path.stem),
        size_label=size_label if isinstance(size_label, str) else None,
        parameter_count=n_params,
        file_type_name=_file_type_name(meta, type_bytes),
        bits_per_weight=total_bytes * 8 / n_params if n_params else 0.0,
        context_length=_scalar(meta, f"{arch}.context_length"),
        n_layers=n_layers,
        n_heads=n_heads,
        n_kv_heads=n_kv_heads,
        head_dim=head_dim,
        embedding_length=embedding,
        chat_template=template if isinstance(template, str) and template.strip() else None,
        tensor_bytes=total_bytes,
    )
