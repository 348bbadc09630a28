"""The installed models: every model file in the models folder (bundled, downloaded, copied in)
plus imports linked where they lie, each described from its own header.

A small index (`models.json` in the models folder) remembers where a file came from and which
imports live outside the folder; the files themselves are the truth for everything else.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from gguf.constants import LlamaFileType

from backend import paths
from backend.atomic import write_text_atomic
from backend.defaults import WHISPER_FULL_AUDIO_CTX
from backend.errors import HearthError, ModelFileError
from backend.models import bundled
from backend.models.downloads import Download, DownloadProgress
from backend.models.gguf_info import GGML_ERA_MAGICS, GGUF_MAGIC, guess_content, read_gguf_info
from backend.models.whisper_header import read_whisper_header

INDEX_NAME = "models.json"
MODEL_SUFFIXES = {".gguf", ".bin"}
# Files the app writes beside models, never models themselves.
SKIP_SUFFIXES = (".part", ".part.json", ".tmp", ".verified.json")
WHISPER_AUDIO_CTX = WHISPER_FULL_AUDIO_CTX  # every Whisper model's header says its full window
WHISPER_VOCABS = range(51864, 51867)  # english-only 51864, multilingual 51865, large-v3 51866
WHISPER_PARAMS = {"tiny": "39M", "base": "74M", "small": "244M", "medium": "769M", "large": "1550M"}


@dataclass(frozen=True)
class InstalledModel:
    path: Path
    kind: str  # "chat" or "speech"
    title: str
    origin: str  # "bundled", "downloaded", "imported", "linked", "found"
    file_size: int
    architecture: str = ""
    parameters: str = ""
    quantization: str = ""
    bits_per_weight: float | None = None
    context_length: int | None = None
    has_chat_template: bool | None = None
    languages: str = ""  # speech: "multilingual" / "English only"
    n_layers: int = 0
    n_kv_heads: int = 0
    head_dim: int = 0
    source: str | None = None

    @property
    def key(self) -> str:
        return self.path.name


_cache: dict[tuple[str, int, int], InstalledModel] = {}
_cache_lock = threading.Lock()


def _ftype_name(ftype: int) -> str:
    try:
        name = LlamaFileType(ftype % 1000).name  # quantized whisper files add 1000 × quant version
    except ValueError:
        return f"type {ftype}"
    return "F32" if name == "ALL_F32" else name.removeprefix("MOSTLY_")


def _looks_like_whisper(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(12)
    if len(head) < 12:
        return False
    n_vocab = int.from_bytes(head[4:8], "little")
    n_audio_ctx = int.from_bytes(head[8:12], "little")
    return n_vocab in WHISPER_VOCABS and n_audio_ctx == WHISPER_AUDIO_CTX


def describe(path: Path, origin: str = "found", source: str | None = None) -> InstalledModel:
    """Read a model file's header; ModelFileError (with a message for the user) if it is not usable."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except IsADirectoryError:
        raise ModelFileError(f"{path.name} is a folder; import it as a faster-whisper model folder") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    magic = head[:4]
    if magic == b"lmgg" and _looks_like_whisper(path):
        return _describe_whisper(path, origin, source)
    if magic in GGML_ERA_MAGICS or magic == GGUF_MAGIC or path.suffix == ".gguf" or not magic:
        return _describe_gguf(path, origin, source)
    raise ModelFileError(
        f"{path.name} is neither a GGUF chat model nor a whisper.cpp speech model: it looks like {guess_content(head)}."
    )


def _describe_gguf(path: Path, origin: str, source: str | None) -> InstalledModel:
    info = read_gguf_info(path)
    return InstalledModel(
        path=path,
        kind="chat",
        title=info.name,
        origin=origin,
        file_size=info.file_size,
        architecture=info.architecture,
        parameters=info.size_label or info.parameter_label,
        quantization=info.file_type_name,
        bits_per_weight=round(info.bits_per_weight, 2),
        context_length=info.context_length,
        has_chat_template=info.has_chat_template,
        n_layers=info.n_layers,
        n_kv_heads=info.n_kv_heads,
        head_dim=info.head_dim,
        source=source,
    )


def _describe_whisper(path: Path, origin: str, source: str | None) -> InstalledModel:
    header = read_whisper_header(path)
    english = not header.multilingual
    size = header.size_name
    return InstalledModel(
        path=path,
        kind="speech",
        title=f"Whisper {size}{'.en' if english else ''}",
        origin=origin,
        file_size=path.stat().st_size,
        architecture="whisper",
        parameters=WHISPER_PARAMS.get(size, ""),
        quantization=_ftype_name(header.ftype),
        context_length=header.n_audio_ctx,
        languages="English only" if english else "multilingual",
        n_layers=header.n_audio_layer + header.n_text_layer,
        source=source,
    )


def _cached_describe(path: Path, origin: str, source: str | None) -> InstalledModel:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is None:
        hit = describe(path)
        with _cache_lock:
            _cache[key] = hit
    return InstalledModel(**{**hit.__dict__, "origin": origin, "source": source})


# --- the index ----------------------------------------------------------------------------------


def _index_path() -> Path:
    return paths.models_dir() / INDEX_NAME


def _read_index() -> dict:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


# Read-modify-write of the index from several threads (imports, a finishing download, a delete) must
# not interleave, or one update silently drops another's entry.
_index_lock = threading.Lock()


def record(path: Path, origin: str, source: str | None = None) -> None:
    """Remember where an installed file came from (and, for links, that it lives elsewhere)."""
    with _index_lock:
        index = _read_index()
        index[str(Path(path).resolve())] = {"origin": origin, "source": source}
        write_text_atomic(_index_path(), json.dumps(index, indent=2, sort_keys=True))


def _forget(path: Path) -> None:
    with _index_lock:
        index = _read_index()
        if index.pop(str(Path(path).resolve()), None) is not None:
            write_text_atomic(_index_path(), json.dumps(index, indent=2, sort_keys=True))


# --- listing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenModel:
    path: Path
    problem: str


def _candidates() -> list[Path]:
    folder = paths.models_dir()
    files = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix in MODEL_SUFFIXES
        and not p.name.startswith(".")
        and not p.name.endswith(SKIP_SUFFIXES)
    ]
    linked = [Path(p) for p, meta in _read_index().items() if meta.get("origin") == "linked"]
    return sorted(files, key=lambda p: p.name.lower()) + [p for p in linked if p not in files]


def list_installed() -> tuple[list[InstalledModel], list[BrokenModel]]:
    """Usable models, and files that look like models but are not (shown so they can be removed)."""
    index = _read_index()
    bundled_names = {m.filename: m for m in bundled.BUNDLED.values()}
    models, broken = [], []
    for path in _candidates():
        meta = index.get(str(path.resolve()), {})
        origin = meta.get("origin") or ("bundled" if path.name in bundled_names else "found")
        try:
            model = _cached_describe(path, origin, meta.get("source"))
        except FileNotFoundError:
            broken.append(BrokenModel(path, f"{path} no longer exists (it was imported as a link)"))
            continue
        except (ModelFileError, OSError) as exc:
            broken.append(BrokenModel(path, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one hostile file is its own row, never the end of the list
            broken.append(BrokenModel(path, f"{path.name} is not a usable model: {type(exc).__name__}: {exc}"))
            continue
        if path.name in bundled_names:
            model = InstalledModel(**{**model.__dict__, "title": bundled_names[path.name].title})
        models.append(model)
    return models, broken


@dataclass(frozen=True)
class InstalledModels:
    """What a scan of the models folder found, as one frozen object (it crosses from a job thread)."""

    models: tuple[InstalledModel, ...]
    broken: tuple[BrokenModel, ...]


def scan_installed() -> InstalledModels:
    models, broken = list_installed()
    return InstalledModels(tuple(models), tuple(broken))


def find_installed(name: str) -> Path:
    """A model by file name, path, or bundled key."""
    if name in bundled.BUNDLED:
        return bundled.BUNDLED[name].path
    models, broken = list_installed()
    for item in [*models, *broken]:
        if name in (item.path.name, str(item.path), item.path.stem):
            return item.path
    raise HearthError(f"no installed model named {name!r}; `models list` shows them")


# --- downloading ------------------------------------------------------------------------------


def model_download(
    url: str,
    sha256: str | None = None,
    filename: str | None = None,
    on_progress: Callable[[DownloadProgress], None] | None = None,
) -> Download:
    """A download into the models folder that installs only a file whose header reads as a model."""
    return Download(
        url,
        paths.models_dir(),
        sha256=sha256,
        filename=filename,
        validate=describe,
        on_progress=on_progress,
        on_installed=lambda path: record(path, "downloaded", url),
    )


# --- deleting -----------------------------------------------------------------------------------


def same_file(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        return Path(a).resolve() == Path(b).resolve()
    return str(a) == str(b)


def delete(path: Path, in_use: Iterable[Path] = ()) -> str:
    """Remove an installed model; a linked import is only forgotten (the user's own file stays).
    Returns what was done, in words."""
    path = Path(path)
    for used in in_use:
        if used and same_file(path, used):
            raise HearthError(f"{path.name} is in use; choose another model (or unload it) before deleting it")
    index = _read_index()
    meta = index.get(str(path.resolve()), {})
    if meta.get("origin") == "linked":
        _forget(path)
        return f"removed {path.name} from the list; the file itself stays at {path}"
    folder = paths.models_dir().resolve()
    if path.resolve().parent != folder:
        raise HearthError(f"{path} is not in the models folder {folder}; Hearth deletes only its own files")
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise HearthError(f"could not delete {path}: {exc.strerror or exc}") from None
    with contextlib.suppress(FileNotFoundError):
        path.with_name(path.name + ".verified.json").unlink()
    _forget(path)
    return f"deleted {path}"
