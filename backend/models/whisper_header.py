"""Read a whisper.cpp ggml model's header and check that the file is whole, without loading it.

whisper.cpp aborts the process on some malformed files, so anything a user points us at is
checked here first and refused with a message instead.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from backend.errors import ModelFileError

GGML_MAGIC = 0x67676D6C
MULTILINGUAL_MIN_VOCAB = 51865  # whisper.cpp's own rule
# ggml element sizes for the types whisper.cpp files use (f32, f16, and block-quantized ones).
_TYPE_BLOCKS = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
}
_SIZES = {4: "tiny", 6: "base", 12: "small", 24: "medium", 32: "large"}


@dataclass(frozen=True)
class WhisperHeader:
    n_vocab: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int
    n_mels: int
    ftype: int
    n_tensors: int

    @property
    def multilingual(self) -> bool:
        return self.n_vocab >= MULTILINGUAL_MIN_VOCAB

    @property
    def size_name(self) -> str:
        return _SIZES.get(self.n_audio_layer, f"{self.n_audio_layer}-layer")


def _truncated(path: Path) -> ModelFileError:
    return ModelFileError(f"{path.name} is truncated or damaged; download or convert it again")


def read_whisper_header(path: Path) -> WhisperHeader:
    path = Path(path)
    try:
        size = path.stat().st_size
        fh = open(path, "rb")
    except OSError as exc:
        raise ModelFileError(f"cannot open the speech model {path}: {exc.strerror or exc}") from exc
    with fh:

        def ints(n: int) -> tuple[int, ...]:
            raw = fh.read(4 * n)
            if len(raw) != 4 * n:
                raise _truncated(path)
            return struct.unpack(f"<{n}i", raw)

        def skip(n: int) -> None:
            if n < 0 or fh.tell() + n > size:
                raise _truncated(path)
            fh.seek(n, os.SEEK_CUR)

        (magic,) = ints(1)
        if magic != GGML_MAGIC:
            raise ModelFileError(f"{path.name} is not a whisper.cpp ggml model (wrong magic number)")
        fields = ints(11)
        n_mel, n_fft = ints(2)
        skip(4 * n_mel * n_fft)
        (n_tokens,) = ints(1)
        for _ in range(n_tokens):
            (length,) = ints(1)
            skip(length)
        n_tensors = 0
        while fh.tell() < size:
            n_dims, name_len, ttype = ints(3)
            if not 1 <= n_dims <= 4 or ttype not in _TYPE_BLOCKS:
                raise _truncated(path)
            count = 1
            for dim in ints(n_dims):
                count *= dim
            block, block_bytes = _TYPE_BLOCKS[ttype]
            skip(name_len + count // block * block_bytes)
            n_tensors += 1
    if n_tensors == 0:
        raise _truncated(path)
    return WhisperHeader(*fields, n_tensors=n_tensors)
