"""Fixtures for the fault suite: a real window on a chosen model, hostile model files, a tiny tmpfs."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from app_helpers import make_window


@pytest.fixture
def open_chat(qtbot, data_dir, chat_model_path):
    """Open the real MainWindow on the data dir with a chosen model; close every window at the end."""
    windows = []

    def open_(
        model: Path | None = None,
        sampling: dict | None = None,
        *,
        wait: str = "loaded",
        model_settings: dict | None = None,
    ):
        model = Path(model or chat_model_path)
        sampling = {"max_tokens": 32, **(sampling or {})}
        window = make_window(qtbot, data_dir, model, sampling=sampling, model_settings=model_settings)
        windows.append(window)
        pane = window.chat_pane
        if wait == "loaded":
            qtbot.waitUntil(lambda: pane.model_info is not None, timeout=60_000)
        elif wait == "failed":
            qtbot.waitUntil(lambda: pane.banner.property("kind") == "error", timeout=60_000)
        return window

    yield open_
    for window in windows:
        window.close()
        window.store.close()


def _mount_tmpfs(mount_point: Path, size: str) -> None:
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        # In CI (CI=true) tests/conftest.py turns this skip into a failure.
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB tmpfs: a disk that really fills up. Needs mount rights (root in CI's container)."""
    mount_point = tmp_path / f"small-disk-{uuid.uuid4().hex[:6]}"
    _mount_tmpfs(mount_point, "2m")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def roomy_disk(tmp_path):
    """An 8 MiB tmpfs: room for a download to start, small enough for a test to fill up mid-transfer."""
    mount_point = tmp_path / f"roomy-disk-{uuid.uuid4().hex[:6]}"
    _mount_tmpfs(mount_point, "8m")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)
