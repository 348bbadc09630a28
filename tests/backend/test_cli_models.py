"""`python main.py models …` over the real backend: list, info, import, download, delete."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from model_server import ModelServer, Served
from synthetic_gguf import write_synthetic_gguf

from backend import cli
from backend.models import catalog

REPO = cli.__file__.rsplit("/backend/", 1)[0]


def run(capsys, *argv):
    code = cli.run(["models", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def server():
    srv = ModelServer().start()
    yield srv
    srv.stop()


def test_info_on_bundled_gemma_as_json(capsys, gemma_model_path):
    code, out, _ = run(capsys, "info", str(gemma_model_path), "--n-ctx", "2048", "--json")
    assert code == 0
    info = json.loads(out)
    assert (info["architecture"], info["quantization"], info["context_length"]) == ("gemma3", "Q4_K_M", 32768)
    assert info["has_chat_template"] is False
    assert info["fit"]["kv_cache"] == 2 * 18 * 2048 * 1 * 256 * 2
    assert info["compute_backend"]["name"]


def test_info_on_a_bad_file_is_one_line_on_stderr(capsys, tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("just text")
    code, out, err = run(capsys, "info", str(bad))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("hearth: error:") and "not a GGUF" in err


def test_import_list_delete(capsys, empty_models_dir, tmp_path):
    original = write_synthetic_gguf(tmp_path / "mine.gguf", name="Mine")
    code, out, _ = run(capsys, "import", str(original), "--json")
    assert code == 0 and json.loads(out)["origin"] == "imported"

    code, out, _ = run(capsys, "list", "--json")
    [model] = json.loads(out)["installed"]
    assert (model["title"], model["kind"]) == ("Mine", "chat")

    code, out, _ = run(capsys, "delete", "mine.gguf")
    assert code == 0 and "deleted" in out
    assert not (empty_models_dir / "mine.gguf").exists()
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out)["installed"] == []


def test_catalog_listing_filters(capsys):
    code, out, _ = run(capsys, "list", "--catalog", "--kind", "speech", "--language", "en-only", "--json")
    rows = json.loads(out)["catalog"]
    assert code == 0 and rows and all(r["kind"] == "speech" and r["languages"] == ["en"] for r in rows)
    assert all(r["fit"] in ("fits", "tight", "won't fit") for r in rows)


def test_download_by_url_with_progress_on_stderr(capsys, empty_models_dir, tmp_path, server):
    model = write_synthetic_gguf(tmp_path / "served.gguf")
    server.files["served.gguf"] = Served(model.read_bytes())
    code, out, err = run(capsys, "download", server.url("served.gguf"), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["verified"] and (empty_models_dir / "served.gguf").read_bytes() == model.read_bytes()
    assert "done" in err and "MB" in err

    code, out, _ = run(capsys, "list", "--json")
    [listed] = json.loads(out)["installed"]
    assert listed["origin"] == "downloaded" and listed["source"] == server.url("served.gguf")


def test_download_by_catalog_name(capsys, empty_models_dir, tmp_path, server, monkeypatch):
    model = write_synthetic_gguf(tmp_path / "served.gguf")
    server.files["tiny-chat.gguf"] = Served(model.read_bytes())
    entry = {
        "key": "tiny-chat-f16",
        "kind": "chat",
        "title": "Tiny chat",
        "family": "tiny",
        "params": "1M",
        "quant": "F16",
        "filename": "tiny-chat.gguf",
        "url": server.url("tiny-chat.gguf"),
        "size": model.stat().st_size,
        "languages": ["en"],
        "context_length": 4096,
        "n_layers": 2,
        "n_kv_heads": 4,
        "head_dim": 16,
    }
    test_catalog = tmp_path / "catalog.json"
    test_catalog.write_text(json.dumps({"models": [entry]}))
    monkeypatch.setattr(catalog, "CATALOG_PATH", test_catalog)
    code, out, err = run(capsys, "download", "tiny-chat-f16")
    assert code == 0, err
    assert (empty_models_dir / "tiny-chat.gguf").exists() and "SHA-256 verified" in out


def test_download_of_a_non_model_installs_nothing(capsys, empty_models_dir, server):
    server.files["page.gguf"] = Served(b"<html>Sign in to continue</html>")
    code, _, err = run(capsys, "download", server.url("page.gguf"))
    assert code == 1 and "not a usable model" in err
    assert list(empty_models_dir.iterdir()) == []


def test_unknown_catalog_name(capsys):
    code, _, err = run(capsys, "download", "whisper-tiny-en")
    assert code == 1 and "did you mean" in err


def test_entry_point_runs_headless(empty_models_dir, tmp_path):
    write_synthetic_gguf(empty_models_dir / "tiny.gguf", name="Tiny")
    proc = subprocess.run(
        [sys.executable, "main.py", "models", "list"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("tiny.gguf\tchat\tllama")


def test_list_with_a_crafted_file_shows_it_as_broken_and_lists_the_rest(capsys, empty_models_dir):
    import struct

    write_synthetic_gguf(empty_models_dir / "good.gguf", name="Good")
    value = struct.pack("<IQ", 0, 0)
    for _ in range(3000):
        value = struct.pack("<IQ", 9, 1) + value  # arrays nested 3000 deep
    key = b"general.x"
    (empty_models_dir / "crafted.gguf").write_bytes(
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", len(key)) + key + struct.pack("<I", 9) + value
    )
    code, out, err = run(capsys, "list")
    assert code == 0 and "Traceback" not in err
    assert "good.gguf" in out
    [broken] = [line for line in out.splitlines() if line.startswith("crafted.gguf")]
    assert "BROKEN" in broken and "not a usable model" in broken
