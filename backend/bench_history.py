"""Benchmark history: every run, with the machine, the engine build and the settings, in SQLite.

A run is a row in `runs`; each measured test is a row in `results` holding its llama-bench record
(backend/llama_bench_report.record) as JSON, plus the columns the chart and table query on. Results are
written as each test finishes, so a cancelled or crashed run keeps what it measured. Only the thread
that opened a BenchHistory uses it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from backend import paths
from backend.errors import HearthError
from backend.llama_bench import BuildInfo

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
    build TEXT NOT NULL,
    machine TEXT NOT NULL,
    request TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('llm', 'whisper')),
    model TEXT NOT NULL,
    test TEXT NOT NULL,
    value REAL NOT NULL,
    spread REAL NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_run ON results(run_id, id);
"""


class HistoryError(HearthError):
    pass


def history_path() -> Path:
    return paths.data_dir() / "benchmarks.sqlite3"


@dataclass(frozen=True)
class Run:
    id: int
    started: float
    finished: float | None
    status: str
    build: dict
    machine: dict
    request: dict

    @property
    def label(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.started)) + (
            "" if self.status == "done" else f" ({self.status})"
        )


@dataclass(frozen=True)
class StoredResult:
    run_id: int
    started: float  # the run's start: the x axis of the history chart
    kind: str
    model: str
    test: str
    value: float  # t/s for llm results, real-time factor for whisper ones
    spread: float
    record: dict


class BenchHistory:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else history_path()
        try:
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(_SCHEMA)
            # A run that was still "running" when the app last stopped was cut short: say so.
            self._db.execute("UPDATE runs SET status = 'failed' WHERE status = 'running'")
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"cannot open the benchmark history {self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def start_run(self, build: BuildInfo, request: dict) -> int:
        machine = {"cpu": build.cpu, "cores": build.cores, "gpu": build.gpu, "os": build.os}
        with self._db:
            cursor = self._db.execute(
                "INSERT INTO runs (started, build, machine, request) VALUES (?, ?, ?, ?)",
                (time.time(), json.dumps(build.as_dict()), json.dumps(machine), json.dumps(request)),
            )
        return int(cursor.lastrowid)

    def add_result(self, run_id: int, record: dict) -> None:
        if record["kind"] == "whisper":
            value, spread = record["rtf"], record["stddev_s"] / record["audio_s"]
        else:
            value, spread = record["avg_ts"], record["stddev_ts"]
        with self._db:
            self._db.execute(
                "INSERT INTO results (run_id, kind, model, test, value, spread, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, record["kind"], record["model_type"], record["test"], value, spread, json.dumps(record)),
            )

    def finish_run(self, run_id: int, status: str) -> None:
        with self._db:
            self._db.execute("UPDATE runs SET finished = ?, status = ? WHERE id = ?", (time.time(), status, run_id))

    def delete_run(self, run_id: int) -> None:
        with self._db:
            self._db.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    def runs(self) -> list[Run]:
        """Newest first."""
        rows = self._db.execute(
            "SELECT id, started, finished, status, build, machine, request FROM runs ORDER BY started DESC, id DESC"
        )
        return [
            Run(id, started, finished, status, json.loads(build), json.loads(machine), json.loads(request))
            for id, started, finished, status, build, machine, request in rows
        ]

    def results(self, run_id: int | None = None) -> list[StoredResult]:
        """One run's results in the order measured, or every result, oldest run first."""
        query = (
            "SELECT r.run_id, runs.started, r.kind, r.model, r.test, r.value, r.spread, r.record "
            "FROM results r JOIN runs ON runs.id = r.run_id"
        )
        if run_id is None:
            rows = self._db.execute(query + " ORDER BY runs.started, r.id")
        else:
            rows = self._db.execute(query + " WHERE r.run_id = ? ORDER BY r.id", (run_id,))
        return [StoredResult(*row[:7], json.loads(row[7])) for row in rows]
