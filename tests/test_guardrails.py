"""The house rules, checked with the suite: lint, formatting and the import contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["lint-imports"],
    ],
    ids=["ruff-check", "ruff-format", "import-contracts"],
)
def test_guardrail_passes(command):
    tool = BIN / command[0]
    assert tool.exists(), f"{command[0]} is not installed in the virtualenv: run ./hearth.sh test"
    result = subprocess.run([str(tool), *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
