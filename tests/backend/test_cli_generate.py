"""`main.py complete` and `main.py chat`, run as a user runs them: a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _main(*args, timeout=180):
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, timeout=timeout
    )


def test_complete_json_stats_add_up(chat_model_path):
    out = _main(
        "complete",
        "-m",
        str(chat_model_path),
        "-p",
        "Building a website can be done in 10 simple steps:",
        "-n",
        "32",
        "--temp",
        "0",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    stats = result["stats"]
    assert result["text"].strip()
    assert stats["generated_tokens"] <= 32 and stats["generated_tokens"] > 0
    assert stats["prompt_tokens"] == stats["prompt_eval_tokens"] + stats["cached_tokens"]
    assert stats["eval_tokens"] == stats["generated_tokens"] - 1
    assert abs(stats["tokens_per_second"] - stats["eval_tokens"] / (stats["eval_ms"] / 1000)) < 0.05
    assert (
        abs(stats["prompt_tokens_per_second"] - stats["prompt_eval_tokens"] / (stats["prompt_eval_ms"] / 1000)) < 0.05
    )
    assert stats["ttft_ms"] <= stats["total_ms"]
    assert stats["context_used"] == stats["prompt_tokens"] + stats["generated_tokens"]
    assert result["quantization"] == "Q4_K_M" and result["architecture"] == "qwen2"


def test_complete_streams_text_then_timings_block(chat_model_path):
    out = _main(
        "complete", "-m", str(chat_model_path), "-p", "The three primary colours are", "-n", "16", "--temp", "0"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("The three primary colours are")
    assert len(out.stdout) > len("The three primary colours are") + 5
    for line in ("load time", "prompt eval time", "eval time", "total time"):
        assert line in out.stderr
    assert "tokens per second" in out.stderr


def test_chat_uses_the_bundled_model_by_default():
    out = _main("chat", "-p", "What is the capital of Japan? One word.", "-n", "12", "--temp", "0", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert "Tokyo" in result["text"]
    assert result["template"] == "model"


def test_bad_model_path_is_one_line_error(tmp_path):
    out = _main("complete", "-m", str(tmp_path / "nope.gguf"), "-p", "hi")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hearth: error:") and "nope.gguf" in lines[0]
    assert out.stdout == ""


def test_not_a_model_file_is_one_line_error(tmp_path):
    bogus = tmp_path / "notes.gguf"
    bogus.write_text("shopping list: eggs, milk\n")
    out = _main("chat", "-m", str(bogus), "-p", "hi")
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a GGUF" in lines[0]
