"""Download faults not already in tests/backend/test_downloads.py (dropped connection, wrong hash, HTML
instead of a model and a `../` file name are there), against the real downloader and a real local server."""

from __future__ import annotations

import contextlib
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


def test_disk_full_mid_download_says_disk_full_keeps_the_part_and_resumes_after_space_is_freed(server, roomy_disk):
    data = os.urandom(3 << 20)
    server.files["model.gguf"] = Served(data, chunk_delay_s=0.01)  # the server is honest about the size
    filler = roomy_disk / "other-program.bin"
    filled = []

    def fill_the_disk_part_way(progress):
        # Another program takes the rest of the disk once a third of the file has arrived.
        if progress.done >= 1 << 20 and not filled:
            filled.append(True)
            with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as fh:
                while True:
                    fh.write(b"\0" * 65536)

    dl = Download(
        server.url("model.gguf", redirect=False), roomy_disk, disk_margin=0, on_progress=fill_the_disk_part_way
    )
    assert dl.run() == DownloadState.FAILED
    assert dl.error.startswith("disk full"), dl.error
    assert "connection" not in dl.error
    part = roomy_disk / "model.gguf.part"
    kept = part.stat().st_size
    assert 1 << 20 <= kept < len(data), "the part written so far is kept"
    assert not (roomy_disk / "model.gguf").exists(), "a half file is never installed under the final name"

    filler.unlink()  # the user frees space; Retry resumes from the part
    assert dl.run() == DownloadState.DONE, dl.error
    assert (roomy_disk / "model.gguf").read_bytes() == data
    assert server.gets()[-1].range == f"bytes={kept}-"
