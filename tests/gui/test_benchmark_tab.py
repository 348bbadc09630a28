"""The Benchmark tab on the real LLM service and engine: runs, cancels, pauses the chat, keeps history, exports."""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from backend.bench_history import BenchHistory
from backend.llm import SamplingParams
from backend.llm_service import LlmService
from gui.benchmark_tab import PAUSED, BenchmarkTab

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".test-artifacts" / "screenshots"


@pytest.fixture
def service():
    service = LlmService()
    yield service
    service.close()


@pytest.fixture
def make_tab(qtbot, service, data_dir):
    tabs = []

    def make(history_path: Path | None = None) -> BenchmarkTab:
        tab = BenchmarkTab(service, BenchHistory(history_path or data_dir / "benchmarks.sqlite3"))
        qtbot.addWidget(tab)
        tab.resize(1400, 900)
        tab.show()
        qtbot.waitExposed(tab)
        tabs.append(tab)
        return tab

    yield make
    for tab in tabs:
        tab.cancel()
        qtbot.waitUntil(lambda t=tab: not t.running, timeout=60_000)
        tab.shutdown()


def _choose(tab: BenchmarkTab, chat: list[Path], speech: list[Path] = (), pp="32", tg="4", reps=2) -> None:
    tab.set_checked(tab.chat_models, [str(p) for p in chat])
    tab.set_checked(tab.speech_models, [str(p) for p in speech])
    tab.prompt_sizes.setText(pp)
    tab.gen_sizes.setText(tg)
    tab.repetitions.setValue(reps)
    tab.threads.setText("1")


def _table(table) -> list[list[str]]:
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    return [headers, *rows]


def test_lists_the_installed_models(make_tab, gemma_model_path, chat_model_path, speech_model_path):
    tab = make_tab()
    chat = [tab.chat_models.item(i).data(Qt.UserRole) for i in range(tab.chat_models.count())]
    speech = [tab.speech_models.item(i).data(Qt.UserRole) for i in range(tab.speech_models.count())]
    assert str(gemma_model_path) in chat and str(chat_model_path) in chat
    assert str(speech_model_path) in speech and str(speech_model_path) not in chat
    assert len(tab.checked_models(tab.chat_models)) == 1  # one model is ticked, so Run does something at once


def test_run_fills_table_chart_history_and_exports(
    qtbot, make_tab, gemma_model_path, speech_model_path, data_dir, tmp_path
):
    tab = make_tab()
    _choose(tab, [gemma_model_path], [speech_model_path], reps=2)
    states = []
    tab.run_state_changed.connect(lambda message, fraction: states.append((message, fraction)))
    assert tab.start()
    assert not tab.run_button.isEnabled() and tab.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.running, timeout=240_000)
    assert tab.status.text() == "Done."
    assert states[0][0] == PAUSED and states[-1] == ("", 0.0)  # the status bar said the chat waits, then cleared
    assert max(f for _, f in states) > 0.5

    headers, *rows = _table(tab.table)
    assert headers[:4] == ["model", "size", "params", "backend"] and headers[-2:] == ["test", "t/s"]
    assert [row[headers.index("test")] for row in rows] == ["pp32", "tg4"]
    assert all(row[0].startswith("gemma3") and "±" in row[-1] for row in rows)
    w_headers, *w_rows = _table(tab.whisper_table)
    assert tab.whisper_table.isVisible() and len(w_rows) == 1 and w_rows[0][0] == "whisper tiny.en"
    assert float(w_rows[0][w_headers.index("RTF")]) > 0

    assert [tab.chart_test.itemText(i) for i in range(tab.chart_test.count())] == ["pp32", "tg4", "rtf jfk.wav"]
    tab.chart_test.setCurrentText("tg4")
    assert len(tab.chart.series) == 1 and tab.chart.series[0].label.startswith("gemma3")
    (point,) = tab.chart.series[0].points
    assert point[1] > 0

    run = tab.history.runs()[0]
    assert run.status == "done" and run.request["source"] == "window" and run.request["repetitions"] == 2

    md = tab.export(tmp_path / "bench.md", "md").read_text()
    assert md.splitlines()[0].startswith("| model") and "pp32" in md and "whisper tiny.en" in md
    rows_csv = list(csv.DictReader(io.StringIO(tab.export(tmp_path / "bench.csv", "csv").read_text())))
    assert [r["test"] for r in rows_csv] == ["pp32", "tg4", "rtf jfk.wav"]
    records = json.loads(tab.export(tmp_path / "bench.json", "json").read_text())
    assert records[0]["counters_match"] is True and len(records[0]["samples_ns"]) == 2

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert tab.grab().save(str(SCREENSHOTS / "benchmark_tab.png"))


def test_history_survives_a_restart_and_charts_across_runs(qtbot, make_tab, gemma_model_path, data_dir):
    path = data_dir / "history.sqlite3"
    tab = make_tab(path)
    for _ in range(2):
        _choose(tab, [gemma_model_path], pp="16", tg="0", reps=1)
        assert tab.start()
        qtbot.waitUntil(lambda: not tab.running, timeout=120_000)
    tab.shutdown()

    reopened = make_tab(path)
    assert reopened.runs.count() == 2
    headers, *rows = _table(reopened.table)
    assert [row[headers.index("test")] for row in rows] == ["pp16"]
    reopened.chart_test.setCurrentText("pp16")
    assert len(reopened.chart.x_labels) == 2 and len(reopened.chart.series[0].points) == 2
    reopened.delete_button.click()
    assert reopened.runs.count() == 1


def test_cancel_keeps_the_tab_usable_and_marks_the_run(qtbot, make_tab, gemma_model_path):
    tab = make_tab()
    _choose(tab, [gemma_model_path], pp="512", tg="64", reps=20)
    assert tab.start()
    qtbot.waitUntil(lambda: "run 1/20" in tab.status.text(), timeout=120_000)
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=30_000)
    assert "Cancelled" in tab.status.text()
    assert tab.run_button.isEnabled() and not tab.cancel_button.isEnabled() and not tab.progress.isVisible()
    assert tab.history.runs()[0].status == "cancelled"
    _choose(tab, [gemma_model_path], pp="8", tg="0", reps=1)  # and the next run works
    assert tab.start()
    qtbot.waitUntil(lambda: not tab.running, timeout=60_000)
    assert tab.status.text() == "Done." and tab.table.rowCount() == 1


def test_chat_waits_for_the_benchmark(qtbot, make_tab, service, gemma_model_path):
    service.load(str(gemma_model_path), n_ctx=512, n_threads=1, n_gpu_layers=0).result(timeout=120)
    tab = make_tab()
    _choose(tab, [gemma_model_path], pp="128", tg="16", reps=3)
    assert tab.start()
    qtbot.waitUntil(lambda: "run 1/3" in tab.status.text(), timeout=120_000)
    reply = service.chat(
        [{"role": "user", "content": "Say hi."}],
        SamplingParams(temperature=0.0, max_tokens=4, seed=1),
        cancel=threading.Event(),
    )
    assert tab.running and not reply.done()  # queued behind the benchmark, not sharing the CPU with it
    qtbot.waitUntil(lambda: not tab.running, timeout=240_000)
    result = reply.result(timeout=120)
    assert result.stats.generated_tokens > 0


def test_bad_input_is_explained_and_nothing_runs(make_tab, gemma_model_path):
    tab = make_tab()
    _choose(tab, [gemma_model_path])
    tab.threads.setText("two")
    assert not tab.start() and "Threads" in tab.status.text()
    tab.threads.setText("1")
    tab.prompt_sizes.setText("-5")
    assert not tab.start() and "Prompt tokens" in tab.status.text()
    _choose(tab, [])
    assert not tab.start() and "Tick at least one" in tab.status.text()
    assert tab.history.runs() == [] and tab.run_button.isEnabled()
