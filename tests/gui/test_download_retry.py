"""A download that fails on this machine's side (its bookkeeping file cannot be written) ends as
"failed" with a sentence and a Retry button in the Models tab's download list, and Retry then finishes
it: before, it stayed "running" for ever and Retry only paused it. Real downloader, real HTTP server."""

from __future__ import annotations

from model_server import ModelServer, Served
from synthetic_gguf import write_synthetic_gguf

from gui.download_list import DownloadList
from gui.model_jobs import JobRunner


def test_failed_download_says_why_and_retry_finishes_it(qtbot, empty_models_dir, tmp_path):
    model = write_synthetic_gguf(tmp_path / "remote.gguf", name="Remote")
    server = ModelServer().start()
    jobs = JobRunner()
    downloads = DownloadList(jobs)
    qtbot.addWidget(downloads)
    try:
        server.files["remote.gguf"] = Served(model.read_bytes())
        blocker = empty_models_dir / "remote.gguf.part.json"
        blocker.mkdir()
        with qtbot.waitSignal(downloads.failed, timeout=30_000) as failed:
            row = downloads.start(server.url("remote.gguf"), "Remote")
        assert "cannot write" in failed.args[0] and "remote.gguf.part.json" in failed.args[0]
        assert row.pause_button.text() == "Retry" and "failed:" in row.status.text()

        blocker.rmdir()
        with qtbot.waitSignal(downloads.installed, timeout=30_000):
            row.pause_button.click()
        assert (empty_models_dir / "remote.gguf").read_bytes() == model.read_bytes()
        assert "installed" in row.status.text()
    finally:
        jobs.wait()
        server.stop()
