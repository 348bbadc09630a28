"""The downloader against a real HTTP server on 127.0.0.1: verify, resume, reject, restart, cancel."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
from model_server import ConnectProxy, ModelServer, Served, make_local_certificate

from backend.models.downloads import Download, DownloadState, probe

SIZE = 2 * 1024 * 1024


@pytest.fixture
def payload() -> bytes:
    return os.urandom(SIZE)


@pytest.fixture
def dest(tmp_path):
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def server():
    srv = ModelServer().start()
    yield srv
    srv.stop()


def test_full_download_is_verified_and_installed(server, payload, dest):
    server.files["model.gguf"] = Served(payload)
    seen = []
    dl = Download(server.url("model.gguf"), dest, on_progress=seen.append)
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload
    assert dl.verified
    assert not list(dest.glob("*.part*"))
    assert seen[-1].state == DownloadState.DONE and seen[-1].done == SIZE
    assert [r.range for r in server.gets()] == [None]


def test_probe_reads_hash_and_size_from_the_redirect(server, payload):
    server.files["model.gguf"] = Served(payload)
    remote = probe(server.url("model.gguf"))
    assert remote.sha256 == hashlib.sha256(payload).hexdigest()
    assert remote.size == SIZE and remote.filename == "model.gguf"
    # HEAD stays HEAD across the redirect: nothing was downloaded to find this out.
    assert [r.method for r in server.log] == ["HEAD", "HEAD"]


def test_interrupted_download_resumes_from_the_part_after_restart(server, payload, dest):
    half = SIZE // 2 + 12345
    server.files["model.gguf"] = Served(payload, cut_after=half)
    first = Download(server.url("model.gguf"), dest)
    assert first.run() == DownloadState.FAILED
    assert "resume" in first.error
    assert (dest / "model.gguf.part").stat().st_size == half
    assert not (dest / "model.gguf").exists()

    # A new Download object, as after closing and reopening the app.
    again = Download(server.url("model.gguf"), dest)
    assert again.run() == DownloadState.DONE, again.error
    assert (dest / "model.gguf").read_bytes() == payload
    assert [r.range for r in server.gets()] == [None, f"bytes={half}-"]
    assert server.gets()[-1].status == 206


def test_wrong_hash_is_rejected_and_nothing_installed(server, payload, dest):
    server.files["model.gguf"] = Served(payload, sha256="0" * 64)
    dl = Download(server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.FAILED
    assert "damaged" in dl.error and "deleted" in dl.error
    assert list(dest.iterdir()) == []


def test_expected_hash_differing_from_server_stops_before_downloading(server, payload, dest):
    server.files["model.gguf"] = Served(payload)
    dl = Download(server.url("model.gguf"), dest, sha256="1" * 64)
    assert dl.run() == DownloadState.FAILED and "changed" in dl.error
    assert server.gets() == [] and list(dest.iterdir()) == []


def test_server_ignoring_range_restarts_cleanly(server, payload, dest):
    half = SIZE // 2
    server.files["model.gguf"] = Served(payload, cut_after=half, honor_range=False)
    assert Download(server.url("model.gguf"), dest).run() == DownloadState.FAILED
    # Spoil the kept part: if the client appended to it, the hash would not match.
    part = dest / "model.gguf.part"
    part.write_bytes(b"\xff" * half)

    dl = Download(server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload
    resumed = server.gets()[-1]
    assert resumed.range == f"bytes={half}-" and resumed.status == 200


def test_pause_keeps_the_part_and_resume_continues(server, payload, dest):
    server.files["model.gguf"] = Served(payload, chunk_delay_s=0.01)
    dl = Download(server.url("model.gguf"), dest)
    dl.on_progress = lambda p: p.state == DownloadState.RUNNING and p.done > 0 and dl.pause()
    assert dl.run() == DownloadState.PAUSED
    kept = (dest / "model.gguf.part").stat().st_size
    assert 0 < kept < SIZE

    dl.on_progress = None
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload
    assert server.gets()[-1].range == f"bytes={kept}-"


def test_cancel_leaves_no_installed_file(server, payload, dest):
    server.files["model.gguf"] = Served(payload, chunk_delay_s=0.01)
    dl = Download(server.url("model.gguf"), dest)
    dl.on_progress = lambda p: p.state == DownloadState.RUNNING and p.done > 0 and dl.cancel()
    assert dl.run() == DownloadState.CANCELLED
    assert list(dest.iterdir()) == []


def test_cancel_while_paused_removes_the_part(server, payload, dest):
    server.files["model.gguf"] = Served(payload, chunk_delay_s=0.01)
    dl = Download(server.url("model.gguf"), dest)
    dl.on_progress = lambda p: p.state == DownloadState.RUNNING and p.done > 0 and dl.pause()
    assert dl.run() == DownloadState.PAUSED
    dl.cancel()
    assert dl.state == DownloadState.CANCELLED
    assert list(dest.iterdir()) == []


def test_disk_space_shortfall_refuses_to_start(server, payload, dest):
    server.files["huge.gguf"] = Served(payload, claimed_size=10**16)  # 10 PB: no test disk has that
    dl = Download(server.url("huge.gguf"), dest)
    assert dl.run() == DownloadState.FAILED
    assert "not enough disk space" in dl.error
    assert server.gets() == [] and list(dest.iterdir()) == []


def test_several_downloads_at_once(server, dest):
    blobs = {f"m{i}.bin": os.urandom(SIZE // 2) for i in range(3)}
    for name, data in blobs.items():
        server.files[name] = Served(data, chunk_delay_s=0.02)
    downloads = [Download(server.url(name), dest) for name in blobs]
    threads = [threading.Thread(target=d.run) for d in downloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [d.state for d in downloads] == [DownloadState.DONE] * 3
    for name, data in blobs.items():
        assert (dest / name).read_bytes() == data
    gets = server.gets()
    assert max(g.start for g in gets) < min(g.end for g in gets), "transfers did not overlap"


def test_server_file_name_cannot_escape_the_models_folder(server, payload, dest):
    models = dest / "inner" / "models"
    models.mkdir(parents=True)
    server.files["x"] = Served(payload, content_disposition='attachment; filename="../../evil.gguf"')
    dl = Download(server.url("x", redirect=False), models)
    assert dl.run() == DownloadState.DONE, dl.error
    assert sorted(p.name for p in dest.rglob("*") if p.is_file()) == ["evil.gguf"]
    assert (models / "evil.gguf").read_bytes() == payload
    assert not dl.verified  # no X-Linked-ETag on a direct link: honest about it


def test_proxy_from_environment_is_used(server, payload, dest, monkeypatch):
    server.files["model.gguf"] = Served(payload)
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.port}")
    dl = Download("http://models.invalid/redirect/model.gguf", dest)
    assert dl.run() == DownloadState.DONE, dl.error
    # Only a proxy is sent the absolute URI.
    assert server.log[0].path == "http://models.invalid/redirect/model.gguf"


def test_failed_validation_installs_nothing(server, dest):
    server.files["page.gguf"] = Served(b"<html>not found</html>")

    def reject(path):
        from backend.models.gguf_info import read_gguf_info

        read_gguf_info(path)

    dl = Download(server.url("page.gguf"), dest, validate=reject)
    assert dl.run() == DownloadState.FAILED
    assert "not a usable model" in dl.error and "not a GGUF" in dl.error
    assert list(dest.iterdir()) == []


def test_unreachable_server_is_a_clear_error(dest):
    dl = Download("http://127.0.0.1:9/none.gguf", dest)
    assert dl.run() == DownloadState.FAILED
    assert "cannot reach 127.0.0.1" in dl.error


def test_non_http_links_refused(dest):
    dl = Download("file:///etc/passwd", dest)
    assert dl.run() == DownloadState.FAILED and "http" in dl.error


# --- TLS and proxies, as the README promises: a real HTTPS server and a real CONNECT proxy --------


@pytest.fixture
def certificate(tmp_path):
    return make_local_certificate(tmp_path)


@pytest.fixture
def tls_server(certificate):
    srv = ModelServer(tls=certificate).start()
    yield srv
    srv.stop()


@pytest.fixture
def proxy():
    srv = ConnectProxy()
    yield srv
    srv.stop()


@pytest.fixture
def no_proxy_settings(monkeypatch):
    for var in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def test_https_download_with_a_trusted_local_certificate(tls_server, certificate, payload, dest, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    tls_server.files["model.gguf"] = Served(payload)
    dl = Download(tls_server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload and dl.verified


def test_https_with_an_untrusted_certificate_is_refused(tls_server, payload, dest, no_proxy_settings):
    tls_server.files["model.gguf"] = Served(payload)
    dl = Download(tls_server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.FAILED
    assert "cannot reach 127.0.0.1" in dl.error and "CERTIFICATE_VERIFY_FAILED" in dl.error
    assert tls_server.gets() == [] and list(dest.iterdir()) == []


def test_https_proxy_from_the_environment_carries_the_download(
    tls_server, certificate, proxy, payload, dest, monkeypatch, no_proxy_settings
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("https_proxy", proxy.url)
    tls_server.files["model.gguf"] = Served(payload)
    dl = Download(tls_server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload
    # HEAD, its redirect, and the GET each went through the proxy's tunnel to the server.
    assert proxy.tunnels and set(proxy.tunnels) == {f"127.0.0.1:{tls_server.port}"}


def test_no_proxy_sends_listed_hosts_direct(
    tls_server, certificate, proxy, payload, dest, monkeypatch, no_proxy_settings
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    tls_server.files["model.gguf"] = Served(payload)
    dl = Download(tls_server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.DONE, dl.error
    assert proxy.tunnels == [], "NO_PROXY kept the proxy out"


# --- any failure ends failed, with a sentence, and Retry works ---------------------------------


def test_unwritable_part_metadata_fails_with_a_sentence_and_retry_works(server, payload, dest):
    server.files["model.gguf"] = Served(payload)
    blocker = dest / "model.gguf.part.json"
    blocker.mkdir()  # something in the way of the download's own bookkeeping file
    dl = Download(server.url("model.gguf"), dest)
    assert dl.run() == DownloadState.FAILED
    assert dl.error.startswith("cannot write") and "model.gguf.part.json" in dl.error
    blocker.rmdir()
    assert dl.run() == DownloadState.DONE, dl.error
    assert (dest / "model.gguf").read_bytes() == payload


def test_file_name_too_long_for_the_disk_fails_with_a_sentence(server, payload, dest):
    name = "m" * 300 + ".gguf"
    server.files[name] = Served(payload)
    dl = Download(server.url(name), dest)
    assert dl.run() == DownloadState.FAILED
    assert "file name is too long" in dl.error
    assert list(dest.iterdir()) == []


def test_a_header_check_that_crashes_fails_the_download_not_the_thread(server, payload, dest):
    server.files["model.gguf"] = Served(payload)

    def crashing_check(path):
        raise RecursionError("maximum recursion depth exceeded")  # what a crafted header once did

    dl = Download(server.url("model.gguf"), dest, validate=crashing_check)
    assert dl.run() == DownloadState.FAILED
    assert "not a usable model" in dl.error
    assert list(dest.iterdir()) == []
