"""The Benchmark tab: llama-bench's table for the installed models, Whisper's real-time factor, history, charts.

The run is one job on the LLM service's engine thread (backend/llama_bench.py), so a chat sent meanwhile
waits its turn instead of sharing the CPU with the measurement; the tab and the status bar say so.
Results cross to this thread as they finish and go straight into the SQLite history, so a cancelled
run keeps what it measured.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend import llama_bench, whisper_bench
from backend.bench_history import BenchHistory, StoredResult
from backend.errors import HearthError
from backend.llama_bench import CACHE_TYPES, FLASH_ATTN, BenchSettings
from backend.llama_bench_report import record, render, table_rows, whisper_rows
from gui import icons
from gui.backend_text import threads_text
from gui.error_text import error_text
from gui.widgets.bench_chart import BenchChart, Series

EXPORT_FORMATS = {
    "md": "Markdown (*.md)",
    "csv": "CSV (*.csv)",
    "json": "JSON (*.json)",
}  # format names: not translated
PAUSED = QT_TRANSLATE_NOOP("BenchmarkTab", "Benchmark running: chat replies wait until it ends")


class _Bridge(QObject):
    """Carries the engine thread's callbacks to the GUI thread (queued, since it lives here)."""

    progress = Signal(float, str)
    result_ready = Signal(object)  # a llama-bench record (dict)
    finished = Signal(str, str)  # status ("done", "cancelled", "failed"), message


def _numbers(text: str, name: str, minimum: int) -> list[int]:
    try:
        values = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise HearthError(
            QCoreApplication.translate(
                "BenchmarkTab", "{name}: write whole numbers separated by commas, like 512 or 256,512"
            ).format(name=name)
        ) from None
    if not values:
        raise HearthError(
            QCoreApplication.translate("BenchmarkTab", "{name}: give at least one number").format(name=name)
        )
    if any(v < minimum for v in values):
        raise HearthError(
            QCoreApplication.translate("BenchmarkTab", "{name}: every number must be at least {minimum}").format(
                name=name, minimum=minimum
            )
        )
    return values


def series_label(rec: dict) -> str:
    """Model plus the settings that tell two lines apart (threads always; the rest when not llama-bench's default)."""
    threads = threads_text(rec["n_threads"])
    if rec["kind"] == "whisper":
        return f"{rec['model_type']}, {threads}"
    defaults = BenchSettings(n_threads=1)
    parts = [threads]
    if rec["backends"] != "CPU":
        parts.append(f"ngl {rec['n_gpu_layers']}")
    for name, label in (("n_batch", "b"), ("n_ubatch", "ub"), ("flash_attn", "fa"), ("type_k", "K"), ("type_v", "V")):
        if rec.get(name, getattr(defaults, name)) != getattr(defaults, name):
            parts.append(f"{label} {rec[name]}")
    return f"{rec['model_type']}, " + ", ".join(parts)


class BenchmarkTab(QWidget):
    # For the window's status bar: a message while a run holds the engine ("" when idle) and its progress.
    run_state_changed = Signal(str, float)

    def __init__(self, service, history: BenchHistory | None = None, parent=None):
        super().__init__(parent)
        self.service = service
        self._history = history
        self._run_id: int | None = None
        self._cancel: threading.Event | None = None
        self._future = None
        self._models_listed = False
        self._bridge = _Bridge(self)
        self._bridge.progress.connect(self._on_bench_progress)
        self._bridge.result_ready.connect(self._on_bench_result_ready)
        self._bridge.finished.connect(self._on_bench_finished)
        self._build_ui()

    # --- layout ----------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.chat_models = QListWidget()
        self.chat_models.setObjectName("bench_chat_models")
        self.chat_models.setAccessibleName(self.tr("Chat models to measure"))
        self.speech_models = QListWidget()
        self.speech_models.setAccessibleName(self.tr("Speech models to measure"))
        self.speech_models.setObjectName("bench_speech_models")
        for widget in (self.chat_models, self.speech_models):
            widget.setMaximumHeight(110)

        self.prompt_sizes = QLineEdit("512")
        self.gen_sizes = QLineEdit("128")
        self.repetitions = QSpinBox()
        self.repetitions.setRange(1, 100)
        self.repetitions.setValue(5)
        self.threads = QLineEdit(str(llama_bench.default_bench_threads()))
        self.gpu_layers = QLineEdit("99")
        self.batch = QLineEdit("2048")
        self.ubatch = QLineEdit("512")
        self.flash_attn = QComboBox()
        flash_labels = {"auto": self.tr("auto"), "on": self.tr("on"), "off": self.tr("off")}
        for value in FLASH_ATTN:
            self.flash_attn.addItem(flash_labels.get(value, value), value)
        self.type_k = QComboBox()
        self.type_v = QComboBox()
        self.batch.setAccessibleName(self.tr("Batch"))
        self.ubatch.setAccessibleName(self.tr("Micro-batch"))
        self.type_k.setAccessibleName(self.tr("K cache type"))
        self.type_v.setAccessibleName(self.tr("V cache type"))
        for combo in (self.type_k, self.type_v):
            combo.addItems(list(CACHE_TYPES))
            combo.setCurrentText("f16")
        form = QFormLayout()
        form.addRow(self.tr("Prompt tokens (pp)"), self.prompt_sizes)
        form.addRow(self.tr("Generated tokens (tg)"), self.gen_sizes)
        form.addRow(self.tr("Repetitions"), self.repetitions)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("GPU layers"), self.gpu_layers)
        form.addRow(self.tr("Batch / micro-batch"), self._pair(self.batch, self.ubatch))
        form.addRow(self.tr("Flash attention"), self.flash_attn)
        form.addRow(self.tr("KV cache K / V"), self._pair(self.type_k, self.type_v))
        hint = QLabel(
            self.tr("Comma-separated lists (e.g. threads 1,2) measure every combination, as llama-bench does.")
        )
        hint.setWordWrap(True)

        self.run_button = QPushButton(self.tr("Run"))
        icons.set_icon(self.run_button, "benchmark")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        icons.set_icon(self.cancel_button, "stop")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.status = QLabel(self.tr("Choose models and press Run."))
        self.status.setObjectName("bench_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)

        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Chat models (llama-bench)")))
        left.addWidget(self.chat_models)
        left.addWidget(QLabel(self.tr("Speech models (real-time factor on an 11 s clip)")))
        left.addWidget(self.speech_models)
        left.addLayout(form)
        left.addWidget(hint)
        left.addLayout(self._pair(self.run_button, self.cancel_button, layout_only=True))
        left.addWidget(self.progress)
        left.addWidget(self.status)
        left.addStretch(1)
        left_box = QGroupBox(self.tr("Measure"))
        left_box.setLayout(left)

        self.runs = QComboBox()
        self.runs.setObjectName("bench_runs")
        self.runs.setAccessibleName(self.tr("Run", "a past benchmark run"))
        self.runs.currentIndexChanged.connect(self._on_runs_current_index_changed)
        self.export_button = QPushButton(self.tr("Export…"))
        icons.set_icon(self.export_button, "export")
        menu = QMenu(self.export_button)
        for fmt, label in EXPORT_FORMATS.items():
            menu.addAction(label.split(" (")[0], lambda f=fmt: self._on_export_chosen(f))
        self.export_button.setMenu(menu)
        self.delete_button = QPushButton(self.tr("Delete run"))
        icons.set_icon(self.delete_button, "delete")
        self.delete_button.clicked.connect(self._on_delete_clicked)
        run_row = QHBoxLayout()
        run_row.addWidget(QLabel(self.tr("Run", "a past benchmark run")))
        run_row.addWidget(self.runs, 1)
        run_row.addWidget(self.export_button)
        run_row.addWidget(self.delete_button)

        self.table = self._make_table("bench_table")
        self.whisper_table = self._make_table("bench_whisper_table")
        self.whisper_table.setVisible(False)
        self.chart_test = QComboBox()
        self.chart_test.setObjectName("bench_chart_test")
        self.chart_test.setAccessibleName(self.tr("Test shown in the chart"))
        self.chart_test.currentTextChanged.connect(self._refresh_chart)
        self.chart = BenchChart()
        chart_row = QHBoxLayout()
        chart_row.addWidget(QLabel(self.tr("Chart of test")))
        chart_row.addWidget(self.chart_test, 1)

        right = QVBoxLayout()
        right.addLayout(run_row)
        right.addWidget(self.table, 2)
        right.addWidget(self.whisper_table, 1)
        right.addLayout(chart_row)
        right.addWidget(self.chart, 3)
        right_box = QGroupBox(self.tr("Results and history"))
        right_box.setLayout(right)

        splitter = QSplitter()
        splitter.addWidget(left_box)
        splitter.addWidget(right_box)
        splitter.setStretchFactor(1, 1)
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)

    @staticmethod
    def _pair(a: QWidget, b: QWidget, layout_only: bool = False):
        row = QHBoxLayout()
        row.addWidget(a)
        row.addWidget(b)
        if layout_only:
            return row
        holder = QWidget()
        row.setContentsMargins(0, 0, 0, 0)
        holder.setLayout(row)
        return holder

    @staticmethod
    def _make_table(name: str) -> QTableWidget:
        table = QTableWidget()
        table.setObjectName(name)
        table.setAccessibleName(QCoreApplication.translate("BenchmarkTab", "Results"))
        table.setTabKeyNavigation(False)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        return table

    # --- state -----------------------------------------------------------------------------

    @property
    def history(self) -> BenchHistory:
        if self._history is None:
            self._history = BenchHistory()  # opened on first use: the window's start-up never waits for it
        return self._history

    @property
    def running(self) -> bool:
        return self._future is not None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._models_listed:
            self.refresh()

    def refresh(self) -> None:
        """Re-read the installed models and the history."""
        from backend.models.registry import list_installed

        self._models_listed = True
        try:
            models, _broken = list_installed()
        except HearthError as exc:
            models = []
            self.status.setText(str(exc))
        checked = self.checked_models(self.chat_models) + self.checked_models(self.speech_models)
        self.chat_models.clear()
        self.speech_models.clear()
        for model in models:
            target = self.chat_models if model.kind == "chat" else self.speech_models
            item = QListWidgetItem(f"{model.title} ({model.path.name})")
            item.setToolTip(str(model.path))
            item.setData(Qt.UserRole, str(model.path))
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            first = target.count() == 0 and target is self.chat_models and not checked
            item.setCheckState(Qt.Checked if str(model.path) in checked or first else Qt.Unchecked)
            target.addItem(item)
        self._reload_runs()

    @staticmethod
    def checked_models(widget: QListWidget) -> list[str]:
        return [
            widget.item(i).data(Qt.UserRole) for i in range(widget.count()) if widget.item(i).checkState() == Qt.Checked
        ]

    def set_checked(self, widget: QListWidget, paths: list[str]) -> None:
        for i in range(widget.count()):
            item = widget.item(i)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in paths else Qt.Unchecked)

    def _tests(self) -> list[llama_bench.BenchTest]:
        import itertools

        models = [Path(p) for p in self.checked_models(self.chat_models)]
        if not models:
            return []
        settings = [
            BenchSettings(
                t, ngl, b, ub, self.flash_attn.currentData(), self.type_k.currentText(), self.type_v.currentText()
            )
            for t, ngl, b, ub in itertools.product(
                _numbers(self.threads.text(), self.tr("Threads"), 1),
                _numbers(self.gpu_layers.text(), self.tr("GPU layers"), 0),
                _numbers(self.batch.text(), self.tr("Batch"), 1),
                _numbers(self.ubatch.text(), self.tr("Micro-batch"), 1),
            )
        ]
        return llama_bench.plan(
            models,
            n_prompt=_numbers(self.prompt_sizes.text(), self.tr("Prompt tokens"), 0),
            n_gen=_numbers(self.gen_sizes.text(), self.tr("Generated tokens"), 0),
            settings=settings,
        )

    # --- running ---------------------------------------------------------------------------

    def start(self) -> bool:
        """Queue a run on the engine; False (with the reason shown) when the input cannot run."""
        if self.running:
            return False
        speech = [Path(p) for p in self.checked_models(self.speech_models)]
        try:
            tests = self._tests()
            if not tests and not speech:
                raise HearthError(self.tr("Tick at least one chat or speech model to measure."))
            build = llama_bench.build_info()
        except HearthError as exc:
            self.status.setText(error_text(exc))
            return False
        repetitions = self.repetitions.value()
        request = {
            "models": sorted({str(t.model) for t in tests}),
            "tests": sorted({t.name for t in tests}),
            "settings": [s.as_dict() for s in dict.fromkeys(t.settings for t in tests)],
            "repetitions": repetitions,
            "whisper": [str(p) for p in speech],
            "source": "window",
        }
        cancel = threading.Event()
        bridge = self._bridge

        def emit(signal, *args) -> None:
            try:
                signal.emit(*args)
            except RuntimeError:  # the tab was deleted while the engine still ran the job
                cancel.set()

        def job(_engine) -> str:
            # The engine thread is ours until this returns: no chat token is computed meanwhile.
            steps = len(tests) + len(speech)
            for result in llama_bench.run(
                tests,
                repetitions=repetitions,
                cancel=cancel,
                on_progress=lambda f, m: emit(bridge.progress, f * len(tests) / steps, m),
            ):
                emit(bridge.result_ready, record(result, build))
            for i, model in enumerate(speech):
                if cancel.is_set():
                    break
                done = (len(tests) + i) / steps
                timed = whisper_bench.run(
                    model,
                    repetitions=repetitions,
                    cancel=cancel,
                    on_progress=lambda m, name=model.name, d=done: emit(bridge.progress, d, f"{name}: {m}"),
                )
                if timed is not None:
                    emit(bridge.result_ready, timed.record(build))
            return "cancelled" if cancel.is_set() else "done"

        try:
            future = self.service.run(job, cancel=cancel)
        except HearthError as exc:  # the engine's queue is full
            self.status.setText(error_text(exc))
            return False
        self._run_id = self.history.start_run(build, request)
        self._cancel, self._future = cancel, future
        self._reload_runs(select=self._run_id)
        self._set_running(True)
        self.status.setText(self.tr("Waiting for the engine…") if self.service.busy else self.tr("Starting…"))
        future.add_done_callback(lambda f: self._on_future_done(f, emit))
        return True

    def _on_future_done(self, future, emit) -> None:  # on the engine thread (or here, if cancelled while queued)
        if future.cancelled():
            emit(self._bridge.finished, "cancelled", self.tr("Cancelled before it started."))
            return
        error = future.exception()
        if error is None:
            status = future.result()
            emit(
                self._bridge.finished,
                status,
                self.tr("Cancelled: the results so far are kept.") if status == "cancelled" else "",
            )
        else:
            message = (
                error_text(error)
                if isinstance(error, HearthError)
                else self.tr("The benchmark failed: {error}").format(error=repr(error))
            )
            emit(self._bridge.finished, "failed", message)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.status.setText(self.tr("Cancelling after the current batch…"))

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        self.progress.setValue(0)
        self.run_state_changed.emit(self._paused() if running else "", 0.0)

    def _on_bench_progress(self, fraction: float, message: str) -> None:
        if not self.running:
            return
        self.progress.setValue(int(fraction * 100))
        self.status.setText(
            self.tr("{progress}\nBenchmark running: chat replies wait until it ends.").format(progress=message)
        )
        self.run_state_changed.emit(self._paused(), fraction)

    def _on_bench_result_ready(self, rec: dict) -> None:
        if self._run_id is None:
            return
        self.history.add_result(self._run_id, rec)
        if self.runs.currentData() == self._run_id:
            self._show_run(self._run_id)
        self._reload_chart_tests(prefer=rec["test"])

    def _on_bench_finished(self, status: str, message: str) -> None:
        if self._run_id is not None:
            self.history.finish_run(self._run_id, status)
        finished_run = self._run_id
        self._run_id, self._cancel, self._future = None, None, None
        self._set_running(False)
        done = {"done": self.tr("Done."), "cancelled": self.tr("Cancelled."), "failed": self.tr("Failed.")}
        self.status.setText(message or done.get(status, status))
        self._reload_runs(select=finished_run)

    def _paused(self) -> str:
        return self.tr(PAUSED)  # tr-lint: marked

    def shutdown(self) -> None:
        """Cancel a run in progress; the engine thread finishes it at its next check."""
        if self._cancel is not None:
            self._cancel.set()
        if self._history is not None and not self.running:
            self._history.close()
            self._history = None

    # --- history, table, chart, export -----------------------------------------------------

    def _reload_runs(self, select: int | None = None) -> None:
        current = select if select is not None else self.runs.currentData()
        self.runs.blockSignals(True)
        self.runs.clear()
        for run in self.history.runs():
            self.runs.addItem(run.label, run.id)
        index = self.runs.findData(current)
        self.runs.setCurrentIndex(index if index >= 0 else 0)
        self.runs.blockSignals(False)
        self._show_run(self.runs.currentData())
        self._reload_chart_tests()

    def _on_runs_current_index_changed(self, _index: int) -> None:
        self._show_run(self.runs.currentData())

    def shown_records(self) -> list[dict]:
        run_id = self.runs.currentData()
        return [] if run_id is None else [s.record for s in self.history.results(run_id)]

    def _show_run(self, run_id: int | None) -> None:
        records = [] if run_id is None else [s.record for s in self.history.results(run_id)]
        self._fill(self.table, *table_rows(records))
        headers, rows = whisper_rows(records)
        self._fill(self.whisper_table, headers, rows)
        self.whisper_table.setVisible(bool(rows))
        self.export_button.setEnabled(bool(records))
        self.delete_button.setEnabled(run_id is not None and run_id != self._run_id)

    @staticmethod
    def _fill(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if headers[c] not in ("model", "backend", "clip"):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                table.setItem(r, c, item)

    def _reload_chart_tests(self, prefer: str | None = None) -> None:
        tests = list(dict.fromkeys(s.test for s in self.history.results()))
        current = prefer or self.chart_test.currentText()
        self.chart_test.blockSignals(True)
        self.chart_test.clear()
        self.chart_test.addItems(tests)
        if current in tests:
            self.chart_test.setCurrentText(current)
        self.chart_test.blockSignals(False)
        self._refresh_chart(self.chart_test.currentText())

    def _refresh_chart(self, test: str) -> None:
        stored: list[StoredResult] = [s for s in self.history.results() if s.test == test]
        run_ids = list(dict.fromkeys(s.run_id for s in stored))
        labels = {run.id: run.label for run in self.history.runs()}
        x_labels = [labels.get(i, str(i)).split(" (")[0] for i in run_ids]
        lines: dict[str, list[tuple[int, float, float]]] = {}
        for s in stored:
            lines.setdefault(series_label(s.record), []).append((run_ids.index(s.run_id), s.value, s.spread))
        whisper = bool(stored) and stored[0].kind == "whisper"
        self.chart.set_data(
            test,
            self.tr("real-time factor, lower is faster") if whisper else self.tr("tokens/s, mean ± stddev"),
            x_labels,
            [Series(label, tuple(points)) for label, points in lines.items()],
        )

    def export(self, path: str | Path, fmt: str) -> Path:
        path = Path(path)
        path.write_text(render(self.shown_records(), fmt), encoding="utf-8")
        return path

    def _on_export_chosen(self, fmt: str) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export benchmark"), f"llama-bench.{fmt}", EXPORT_FORMATS[fmt]
        )
        if not name:
            return
        try:
            self.status.setText(self.tr("Saved {path}").format(path=self.export(name, fmt)))
        except OSError as exc:
            self.status.setText(self.tr("Could not save {name}: {error}").format(name=name, error=exc.strerror or exc))

    def _on_delete_clicked(self) -> None:
        run_id = self.runs.currentData()
        if run_id is not None and run_id != self._run_id:
            self.history.delete_run(run_id)
            self._reload_runs()
