"""Download faults not already in tests/backend/test_downloads.py (dropped connection, wrong hash, HTML
instead of a model and a `../` file name are there), against the real downloader and a real local server."""

from __future__ import annotations

import os

import pytest
from model_server import ModelServer, Served

from backend.models.downloads import Download, DownloadState


@pytest.fixture
def server():
    srv = ModelServer().start()
    yield srv
    srv.stop()


def test_missing_file_404_is_a_clear_error_and_installs_nothing(server, tmp_path):
    dest = tmp_path / "models"
    dest.mkdir()
    dl = Download(server.url("gone.gguf", redirect=False), dest)
    assert dl.run() == DownloadState.FAILED
    assert "404" in dl.error
    assert list(dest.iterdir()) == []


def test_content_length_that_lies_is_caught_and_nothing_installed(server, tmp_path):
    data = os.urandom(1 << 20)
    server.files["model.gguf"] = Served(data, claimed_size=len(data) + 4096)
    dl = Download(server.url("model.gguf"), tmp_path)
    assert dl.run() == DownloadState.FAILED
    # Fewer bytes than announced reads as a cut connection: kept as a part to resume, never installed.
    assert "closed the connection" in dl.error
    assert not (tmp_path / "model.gguf").exists()


def test_disk_full_mid_download_fails_clearly_and_resumes_after_space_is_freed(server, small_disk):
    data = os.urandom(3 << 20)  # more than the 2 MiB disk holds
    server.files["model.gguf"] = Served(data, claimed_size=1 << 20)  # the server understates: space check passes
    dl = Download(server.url("model.gguf", redirect=False), small_disk)
    assert dl.run() == DownloadState.FAILED
    assert "space" in dl.error.lower()
    assert not (small_disk / "model.gguf").exists(), "a half file is never installed under the final name"
