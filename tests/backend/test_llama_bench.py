"""llama-bench inside Hearth: real llama.cpp on the bundled test model, real Whisper on the bundled clip,
real SQLite history, and the `llama-bench` command run as a user runs it (a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backend import llama_bench, whisper_bench
from backend.bench_history import BenchHistory
from backend.errors import HearthError
from backend.llama_bench import BenchError, BenchSettings
from backend.llama_bench_report import record, render, table_rows

REPO = Path(__file__).resolve().parents[2]
THREADS = 1  # one thread: the figures stay meaningful while other processes load the machine


@pytest.fixture(scope="module")
def gemma_results(gemma_model_path):
    tests = llama_bench.plan([gemma_model_path], n_prompt=[64], n_gen=[16], settings=[BenchSettings(n_threads=THREADS)])
    seen = []
    results = list(llama_bench.run(tests, repetitions=2, on_progress=lambda f, m: seen.append((f, m))))
    return results, seen


def _raw_loop_speeds(model_path: Path) -> tuple[float, float]:
    """What the chat path's bare llama-cpp-python loop achieves: eval() of 64 tokens, then 16 single decodes."""
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=str(model_path), n_ctx=128, n_threads=THREADS, n_threads_batch=THREADS, verbose=False
    )
    try:
        rng = random.Random(1)
        prompt = [rng.randrange(llm.n_vocab()) for _ in range(64)]
        llm.eval(prompt[:8])  # warm-up
        llm.reset()
        start = time.perf_counter()
        llm.eval(prompt)
        pp = 64 / (time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(16):
            llm.eval([rng.randrange(llm.n_vocab())])
        tg = 16 / (time.perf_counter() - start)
        return pp, tg
    finally:
        llm.close()


def test_pp_and_tg_match_llama_cpp_perf_counters(gemma_results):
    results, _ = gemma_results
    assert [r.test.name for r in results] == ["pp64", "tg16"]
    pp, tg = results
    for r in results:
        assert len(r.samples_ns) == 2
        assert r.counters_match, r.perf_runs
        assert r.avg_ts > 0 and r.stddev_ts >= 0
        assert r.facts.model_type.startswith("gemma3")
        assert r.facts.model_n_params > 200e6 and r.facts.model_size > 100e6
        assert r.backend == "CPU"
    # llama.cpp's own count of what was decoded: 2 runs × 64 batched tokens, 2 runs × 16 single tokens.
    assert pp.perf_prompt_tokens == 128 and pp.perf_gen_tokens == 0
    assert tg.perf_gen_tokens == 32 and tg.perf_prompt_tokens == 0
    # Wall-clock t/s can only be slower than llama.cpp's compute timers, and not by much (no tokenising, no sampling).
    for r in results:
        assert 0.6 * r.perf_ts <= r.avg_ts <= 1.05 * r.perf_ts, (r.test.name, r.avg_ts, r.perf_ts)
    assert pp.avg_ts > tg.avg_ts  # batched decode beats one token at a time on every backend


def test_speeds_are_in_the_range_of_the_chat_paths_raw_loop(gemma_results, gemma_model_path):
    results, _ = gemma_results
    raw_pp, raw_tg = _raw_loop_speeds(gemma_model_path)
    pp, tg = results
    # Same engine, same machine: within a factor 3 even on a shared, noisy machine.
    assert raw_pp / 3 < pp.avg_ts < raw_pp * 3, (pp.avg_ts, raw_pp)
    assert raw_tg / 3 < tg.avg_ts < raw_tg * 3, (tg.avg_ts, raw_tg)


def test_progress_rises_to_the_end(gemma_results):
    _, seen = gemma_results
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == pytest.approx(1.0)
    assert any("warm-up" in m for _, m in seen) and any("run 2/2" in m for _, m in seen)


def test_cancel_stops_within_a_run(gemma_model_path):
    cancel = threading.Event()
    cancelled_at: list[float] = []
    tests = llama_bench.plan(
        [gemma_model_path], n_prompt=[512], n_gen=[256], settings=[BenchSettings(n_threads=THREADS)]
    )

    def stop() -> None:
        cancelled_at.append(time.perf_counter())
        cancel.set()

    def on_progress(_fraction, message):
        if "run 1/" in message and not cancelled_at:
            threading.Timer(0.05, stop).start()

    results = list(llama_bench.run(tests, repetitions=20, cancel=cancel, on_progress=on_progress))
    assert cancel.is_set()
    assert results == []  # the first test was cut short: nothing half-measured is reported
    # Inside the running batch (llama.cpp's abort callback), not after the 20 runs still to go: those
    # take minutes; the bound is loose so a loaded machine does not fail it.
    assert time.perf_counter() - cancelled_at[0] < 30


def test_several_models_and_settings_in_one_run(gemma_model_path, chat_model_path):
    settings = [BenchSettings(n_threads=1), BenchSettings(n_threads=1, n_batch=16, flash_attn="on")]
    tests = llama_bench.plan([gemma_model_path, chat_model_path], n_prompt=[48], n_gen=[4], settings=settings)
    results = list(llama_bench.run(tests, repetitions=1, warmup=False))
    assert len(results) == 8
    assert {r.facts.model_type.split()[0] for r in results} == {"gemma3", "qwen2"}
    assert all(r.counters_match for r in results)
    records = [record(r, llama_bench.build_info()) for r in results]
    table = render(records, "md")
    header = table.splitlines()[0]
    # Varying settings become columns, as in llama-bench; the defaults stay out of the table.
    assert "threads" in header and "n_batch" in header and "fa" in header and "type_k" not in header
    headers, rows = table_rows(records)
    assert sorted({row[headers.index("n_batch")] for row in rows}) == ["16", "2048"]
    assert table.count("pp48") == 4 and table.count("tg4") == 4


def test_bad_settings_are_refused_with_a_sentence(tmp_path):
    with pytest.raises(BenchError, match="at least one model"):
        llama_bench.plan([])
    with pytest.raises(BenchError, match="flash attention"):
        BenchSettings(flash_attn="maybe")
    with pytest.raises(BenchError, match="KV cache type"):
        BenchSettings(type_k="q3_z")
    with pytest.raises(BenchError, match="nothing to measure"):
        llama_bench.plan([tmp_path / "x.gguf"], n_prompt=[0], n_gen=[0])
    not_a_model = tmp_path / "notes.gguf"
    not_a_model.write_text("hello")
    with pytest.raises(HearthError, match="notes.gguf"):
        list(llama_bench.run(llama_bench.plan([not_a_model], n_prompt=[8], n_gen=[0]), repetitions=1))


def test_quantized_v_cache_without_flash_attention_is_explained(gemma_model_path):
    tests = llama_bench.plan(
        [gemma_model_path], n_prompt=[16], n_gen=[0], settings=[BenchSettings(flash_attn="off", type_v="q8_0")]
    )
    with pytest.raises(BenchError, match="flash attention"):
        list(llama_bench.run(tests, repetitions=1))


def test_whisper_real_time_factor_on_the_bundled_clip(speech_model_path):
    result = whisper_bench.run(speech_model_path, repetitions=1)
    assert result.model_type == "whisper tiny.en"
    assert result.audio_s == pytest.approx(11.0, abs=0.1)
    assert 0 < result.rtf < 5
    assert "ask not what your country can do for you" in result.text.lower()
    rec = result.record(llama_bench.build_info())
    assert rec["kind"] == "whisper" and rec["rtf"] == pytest.approx(result.rtf, rel=1e-3)
    assert "whisper tiny.en" in render([rec], "md")


def test_history_survives_a_restart(tmp_path, gemma_results):
    results, _ = gemma_results
    build = llama_bench.build_info()
    path = tmp_path / "history.sqlite3"
    history = BenchHistory(path)
    run_id = history.start_run(build, {"models": ["gemma"], "n_prompt": [64]})
    for r in results:
        history.add_result(run_id, record(r, build))
    history.finish_run(run_id, "done")
    unfinished = history.start_run(build, {"models": ["gemma"]})
    history.close()

    reopened = BenchHistory(path)
    runs = reopened.runs()
    assert [r.id for r in runs] == [unfinished, run_id]
    assert runs[1].status == "done" and runs[1].machine["cpu"] == build.cpu
    assert runs[1].build["llama_cpp_python"] == build.llama_cpp_python
    assert runs[0].status == "failed"  # the app stopped while it ran: not left "running" forever
    stored = reopened.results(run_id)
    assert [s.test for s in stored] == ["pp64", "tg16"]
    assert stored[0].value == pytest.approx(results[0].avg_ts)
    assert stored[0].record["samples_ns"] == list(results[0].samples_ns)
    reopened.delete_run(run_id)
    assert reopened.results(run_id) == [] and [r.id for r in reopened.runs()] == [unfinished]
    reopened.close()


# --- the command, as a user runs it ------------------------------------------------------------


def _main(*args, data_dir, timeout=300):
    env = {**os.environ, "HEARTH_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def test_cli_json_records_and_history(gemma_model_path, data_dir):
    out = _main(
        "llama-bench", "-m", str(gemma_model_path), "-p", "64", "-n", "16", "-r", "2", "-t", "1", "-o", "json",
        data_dir=data_dir,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert [r["test"] for r in records] == ["pp64", "tg16"]
    for r in records:
        assert r["counters_match"] is True and len(r["samples_ns"]) == 2 and r["avg_ts"] > 0
        assert r["n_threads"] == 1 and r["n_batch"] == 2048 and r["n_ubatch"] == 512
    assert records[0]["perf_prompt_tokens"] == 128 and records[1]["perf_gen_tokens"] == 32
    assert "100%" in out.stderr  # progress goes to stderr, never into the data
    history = BenchHistory(data_dir / "benchmarks.sqlite3")
    (run,) = history.runs()
    assert run.status == "done" and run.request["source"] == "cli"
    assert [s.test for s in history.results(run.id)] == ["pp64", "tg16"]
    history.close()


def test_cli_markdown_csv_and_jsonl(gemma_model_path, data_dir):
    args = ["llama-bench", "-m", str(gemma_model_path), "-p", "32", "-n", "4", "-r", "1", "-t", "1", "--no-save"]
    md = _main(*args, data_dir=data_dir)
    assert md.returncode == 0, md.stderr
    lines = md.stdout.splitlines()
    assert lines[0].startswith("| model") and lines[0].rstrip().endswith("t/s |")
    assert "pp32" in md.stdout and "tg4" in md.stdout and "±" in md.stdout
    assert "build: llama-cpp-python" in md.stdout

    out = _main(*args, "-o", "csv", data_dir=data_dir)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["test"] for r in rows] == ["pp32", "tg4"] and float(rows[0]["avg_ts"]) > 0

    out = _main(*args, "-o", "jsonl", data_dir=data_dir)
    assert [json.loads(line)["test"] for line in out.stdout.splitlines()] == ["pp32", "tg4"]
    assert not (data_dir / "benchmarks.sqlite3").exists()  # --no-save


def test_cli_bad_input_is_one_line_on_stderr(data_dir, tmp_path):
    out = _main("llama-bench", "-m", str(tmp_path / "missing.gguf"), data_dir=data_dir)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("hearth: error:") and "missing.gguf" in out.stderr
    out = _main("llama-bench", "-fa", "maybe", data_dir=data_dir)
    assert out.returncode == 1 and out.stderr.startswith("hearth: error:") and "-fa" in out.stderr
