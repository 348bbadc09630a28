"""The self-contained bundle, built once per test session and reused until its inputs change.

The build (PyInstaller, a few minutes) lands in .test-artifacts/bundle with a hash of everything
that goes into it: the code, the resources, the packaging files and the installed package versions.
Tests then use what a user gets: the archive, unpacked into a folder whose name has a space and
Chinese characters.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".test-artifacts" / "bundle"
INPUTS = (
    "main.py",
    "pyproject.toml",
    "backend",
    "gui",
    "resources",
    "packaging/hearth.spec",
    "packaging/build_bundle.py",
    "packaging/rthook_system_libraries.py",
    "packaging/install.sh",
    "packaging/uninstall.sh",
)


def need(condition: bool, why: str) -> None:
    """A missing prerequisite fails in CI (where everything must run) and skips elsewhere."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"missing prerequisite in CI: {why}")
    pytest.skip(why)


def inputs_digest() -> str:
    digest = hashlib.sha256()
    for name in INPUTS:
        root = REPO / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(versions).encode())
    return digest.hexdigest()


def build_if_needed() -> Path:
    """The archive for the current inputs, building it when they changed."""
    digest = inputs_digest()
    stamp = CACHE / "inputs.sha256"
    archives = sorted((CACHE / "dist").glob("Hearth-*.tar.gz"))
    if archives and stamp.exists() and stamp.read_text() == digest:
        return archives[-1]
    shutil.rmtree(CACHE / "dist", ignore_errors=True)
    stamp.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "packaging" / "build_bundle.py"),
            "--dist",
            str(CACHE / "dist"),
            "--work",
            str(CACHE / "work"),
        ],
        check=True,
        timeout=1500,
    )
    stamp.write_text(digest)
    return sorted((CACHE / "dist").glob("Hearth-*.tar.gz"))[-1]


@pytest.fixture(scope="session")
def bundle_archive() -> Path:
    need(importlib.util.find_spec("PyInstaller") is not None, "PyInstaller is not installed (the test extra has it)")
    return build_if_needed()


@pytest.fixture(scope="session")
def bundle(bundle_archive, tmp_path_factory) -> Path:
    """The unpacked archive: <tmp>/Apps 应用/Hearth."""
    where = tmp_path_factory.mktemp("unpacked") / "Apps 应用"
    where.mkdir()
    with tarfile.open(bundle_archive) as tar:
        tar.extractall(where, filter="tar")
    yield where / "Hearth"
    shutil.rmtree(where, ignore_errors=True)  # 0.9 GB; pytest would keep it for three runs


@pytest.fixture(scope="session")
def empty_home(tmp_path_factory) -> Path:
    """A user who never ran Hearth; shared by the bundle tests so the models are prepared once."""
    home = tmp_path_factory.mktemp("home")
    yield home
    shutil.rmtree(home, ignore_errors=True)  # the prepared models: 0.6 GB


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """What a desktop session gives a program it starts: no virtualenv, no PYTHONPATH, no test overrides."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    for name in ("DISPLAY", "XDG_RUNTIME_DIR", "PULSE_SERVER", "PULSE_SOURCE"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(extra)
    return env
