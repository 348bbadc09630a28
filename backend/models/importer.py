"""Bring a model the user already has into Hearth: a GGUF chat model, a whisper.cpp ggml `.bin`, or a
faster-whisper folder (converted to ggml). The header is checked before anything is written, and a
copy appears under its final name only when complete, so a bad or interrupted import leaves nothing.
"""

from __future__ import annotations

import enum
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from backend import paths
from backend.atomic import CHUNK, atomic_writer
from backend.errors import HearthError, ModelFileError
from backend.models import registry
from backend.models.downloads import safe_filename
from backend.models.whisper_convert import convert_ct2_to_ggml

Progress = Callable[[float], None] | None


class ImportMode(enum.Enum):
    COPY = "copy"  # the models folder holds its own copy; the original may be moved or deleted
    LINK = "link"  # listed where it lies; no disk space used, but it must stay there


class ImportCancelled(HearthError):
    pass


def _is_faster_whisper_dir(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def import_model(
    source: str | Path,
    mode: ImportMode = ImportMode.COPY,
    progress: Progress = None,
    cancel: threading.Event | None = None,
) -> registry.InstalledModel:
    source = Path(source).expanduser()
    if not source.exists():
        raise ModelFileError(f"{source} does not exist")
    if source.is_dir():
        return _import_faster_whisper(source, progress)
    model = registry.describe(source)  # refuses bad files before anything is written
    folder = paths.models_dir()
    if source.resolve().parent == folder.resolve():
        raise HearthError(f"{source.name} is already in the models folder")
    if mode is ImportMode.LINK:
        registry.record(source.resolve(), "linked", str(source))
        return registry.InstalledModel(**{**model.__dict__, "path": source.resolve(), "origin": "linked"})
    target = folder / safe_filename(source.name)
    if target.exists():
        raise HearthError(f"a model named {target.name} is already installed; delete it first or rename the file")
    _copy(source, target, progress, cancel)
    registry.record(target, "imported", str(source))
    return registry.InstalledModel(**{**model.__dict__, "path": target, "origin": "imported", "source": str(source)})


def _copy(source: Path, target: Path, progress: Progress, cancel: threading.Event | None) -> None:
    total = source.stat().st_size
    free = shutil.disk_usage(target.parent).free
    if free < total:
        raise HearthError(f"not enough disk space to copy {source.name}: it needs {total:,} bytes, {free:,} are free")
    done = 0
    with open(source, "rb") as src, atomic_writer(target) as out:
        while block := src.read(CHUNK * 8):
            if cancel is not None and cancel.is_set():
                raise ImportCancelled(f"import of {source.name} cancelled")
            out.write(block)
            done += len(block)
            if progress:
                progress(done / total)


def _import_faster_whisper(source: Path, progress: Progress) -> registry.InstalledModel:
    if not _is_faster_whisper_dir(source):
        raise ModelFileError(
            f"{source.name} is a folder but not a faster-whisper model (it needs model.bin and config.json)"
        )
    target = paths.models_dir() / f"ggml-{safe_filename(source.name)}.bin"
    if target.exists():
        raise HearthError(f"{target.name} is already installed; delete it first to convert again")
    convert_ct2_to_ggml(source, target, progress=progress)  # writes atomically
    try:
        model = registry.describe(target)
    except ModelFileError:
        target.unlink(missing_ok=True)
        raise
    registry.record(target, "imported", str(source))
    return registry.InstalledModel(**{**model.__dict__, "origin": "imported", "source": str(source)})
