"""The curated list of models one can download (resources/catalog.json), with fit estimates.

Chat entries carry the few architecture numbers the fit estimate needs, so it can be shown before
anything is downloaded.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from backend import hardware, paths
from backend.defaults import DEFAULT_N_CTX
from backend.errors import HearthError

CATALOG_PATH = paths.RESOURCES_DIR / "catalog.json"
DEFAULT_FIT_CONTEXT = DEFAULT_N_CTX
GB = 10**9


@dataclass(frozen=True)
class CatalogEntry:
    key: str
    kind: str  # "chat" or "speech"
    title: str
    family: str
    params: str
    quant: str
    filename: str
    url: str
    size: int  # approximate; the server's HEAD gives the real one
    languages: tuple[str, ...]
    sha256: str | None = None
    context_length: int | None = None
    n_layers: int | None = None
    n_kv_heads: int | None = None
    head_dim: int | None = None
    memory_mb: int | None = None  # speech: whisper.cpp's memory for this file, what the fit estimate uses
    memory_gb: float | None = None  # speech: openai-whisper's PyTorch VRAM figure (the seed's table), information only
    relative_speed: float | None = None  # speech: the seed's speed relative to large, information only

    @property
    def english_only(self) -> bool:
        return tuple(self.languages) == ("en",)

    def fit(
        self,
        n_ctx: int = DEFAULT_FIT_CONTEXT,
        mem: hardware.Memory | None = None,
        gpu_layers: int = 0,
        vram_free: int | None = None,
    ) -> hardware.FitEstimate:
        if self.kind == "speech":
            # whisper.cpp's own figure, not PyTorch's: tiny needs ~273 MB here, not the 1 GB PyTorch quotes.
            return hardware.estimate_whisper_fit(int((self.memory_mb or 0) * 10**6) or self.size * 2, mem)
        n_ctx = min(n_ctx, self.context_length or n_ctx)
        return hardware.estimate_fit(
            self.size, self.n_layers, self.n_kv_heads, self.head_dim, n_ctx, mem, gpu_layers, vram_free
        )


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    path = path or CATALOG_PATH
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return [CatalogEntry(**{**item, "languages": tuple(item["languages"])}) for item in raw["models"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HearthError(f"the model catalog {path} is unreadable: {exc}") from None


def find(name: str, entries: list[CatalogEntry] | None = None) -> CatalogEntry:
    """An entry by key ('qwen2.5-0.5b-instruct-q4_k_m', 'whisper-base.en') or file name."""
    entries = entries if entries is not None else load_catalog()
    for entry in entries:
        if name in (entry.key, entry.filename):
            return entry
    keys = [e.key for e in entries]
    close = [k for k in keys if name.lower() in k.lower()] or difflib.get_close_matches(name.lower(), keys, n=5)
    hint = f"; did you mean {', '.join(close[:5])}?" if close else "; `models list --catalog` shows them all"
    raise HearthError(f"no catalog model named {name!r}{hint}")


def filter_entries(
    entries: list[CatalogEntry],
    kind: str | None = None,
    language: str | None = None,
    fits_only: bool = False,
    n_ctx: int = DEFAULT_FIT_CONTEXT,
    mem: hardware.Memory | None = None,
) -> list[CatalogEntry]:
    """language: 'multilingual' hides English-only models, 'en-only' shows only them."""
    mem = mem or hardware.memory()
    out = []
    for entry in entries:
        if kind and entry.kind != kind:
            continue
        if language == "multilingual" and entry.english_only:
            continue
        if language == "en-only" and not entry.english_only:
            continue
        if fits_only and entry.fit(n_ctx, mem).verdict == hardware.WONT_FIT:
            continue
        out.append(entry)
    return out
