"""Conversation export: Markdown and JSON with each reply's timings, from the store and from `main.py export`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend.conversations import ConversationStore
from backend.export import ExportError, find_conversation, load_export
from backend.generation_stats import GenerationStats, StopReason

REPO = Path(__file__).resolve().parents[2]


def _stats(**values) -> dict:
    return GenerationStats(n_ctx=2048, **values).to_dict() | {"template_source": "model"}


@pytest.fixture
def store(data_dir):
    store = ConversationStore(data_dir / "conversations.sqlite3")
    conv = store.create_conversation("Rust lifetimes", system_prompt="Be brief.", settings={"temperature": 0.2})
    store.add_message(conv.id, "user", "How do lifetimes work? <b>not bold</b>")
    reply = store.add_message(conv.id, "assistant", "", complete=False, model="Qwen2.5 Coder")
    timings = _stats(
        prompt_tokens=30,
        prompt_eval_ms=150.0,
        generated_tokens=41,
        eval_ms=1000.0,
        ttft_ms=180.0,
        total_ms=1200.0,
        stop_reason=StopReason.DONE,
    )
    store.finish_message(reply.id, "They are **scopes** of borrows.\n\n```rust\nfn f<'a>() {}\n```", timings)
    store.add_message(conv.id, "user", "And 'static?")
    store.add_message(conv.id, "assistant", "It lives for", complete=False, model="Qwen2.5 Coder")
    store.create_conversation("Pasta recipe")
    yield store
    store.close()


def test_markdown_has_every_message_and_each_replys_timings(store):
    conv = find_conversation(store, "Rust lifetimes")
    text = load_export(store, conv.id).render("md")
    assert text.startswith("# Rust lifetimes\n")
    assert "> **System prompt:** Be brief." in text
    assert text.count("## You") == 2 and text.count("## Assistant (Qwen2.5 Coder)") == 2
    assert "How do lifetimes work? <b>not bold</b>" in text
    assert "```rust\nfn f<'a>() {}\n```" in text, "code blocks survive as code blocks"
    assert "41 tokens · 40.0 t/s · prompt 30 tokens at 200.0 t/s · first token after 180 ms · total 1.20 s" in text
    assert "interrupted" in text, "a reply cut by a crash says so"


def test_json_keeps_contents_and_full_timings(store):
    conv = find_conversation(store, "1")
    data = json.loads(load_export(store, conv.id).render("json"))
    assert data["title"] == "Rust lifetimes" and data["system_prompt"] == "Be brief."
    assert data["sampling"] == {"temperature": 0.2}
    assert [m["role"] for m in data["messages"]] == ["user", "assistant", "user", "assistant"]
    timings = data["messages"][1]["timings"]
    assert timings["generated_tokens"] == 41 and timings["tokens_per_second"] == 40.0
    assert timings["ttft_ms"] == 180.0 and timings["stop_reason"] == "done"
    assert data["messages"][3]["complete"] is False and data["messages"][3]["timings"] is None


def test_a_conversation_is_found_by_number_title_or_words(store):
    assert find_conversation(store, "2").title == "Pasta recipe"
    assert find_conversation(store, "pasta").title == "Pasta recipe"
    with pytest.raises(ExportError, match="no conversation is titled"):
        find_conversation(store, "Haskell")
    with pytest.raises(ExportError, match="no conversation 99"):
        find_conversation(store, "99")
    store.create_conversation("Pasta sauce")
    with pytest.raises(ExportError, match="matches 2 conversations"):
        find_conversation(store, "pasta")


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {"HEARTH_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "export", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_exports_markdown_and_json(store, data_dir, tmp_path):
    md = _cli("Rust lifetimes", "--md", data_dir=data_dir)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Rust lifetimes") and "40.0 t/s" in md.stdout
    out = tmp_path / "chat.json"
    js = _cli("1", "--json", "-o", str(out), data_dir=data_dir)
    assert js.returncode == 0, js.stderr
    assert json.loads(out.read_text())["messages"][1]["timings"]["generated_tokens"] == 41
    listed = _cli("--list", data_dir=data_dir)
    assert "1\tRust lifetimes" in listed.stdout and "2\tPasta recipe" in listed.stdout


def test_cli_errors_are_one_line(store, data_dir, tmp_path):
    missing = _cli("Haskell", data_dir=data_dir)
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and missing.stderr.startswith("hearth: error: no conversation is titled")
    empty = _cli("1", data_dir=tmp_path / "nothing-here")
    assert empty.returncode == 1 and "no conversations yet" in empty.stderr
