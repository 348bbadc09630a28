"""The downloads in progress: one row each with progress, speed, ETA, pause/resume and cancel.

Each transfer runs on the job pool; the GUI thread only paints what the backend reports (at most
10 times a second). Parts left by an earlier session show up paused, ready to resume.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from backend import paths
from backend.models import registry
from backend.models.downloads import Download, DownloadProgress, DownloadState
from gui.error_text import message_text
from gui.model_jobs import JobRunner


def _mb(n: int | None) -> str:
    return "?" if n is None else f"{QLocale().toString(n / 1e6, 'f', 1)} MB"


class DownloadRow(QWidget):
    def __init__(self, title: str, download: Download, parent=None):
        super().__init__(parent)
        self.download = download
        self.title = QLabel(title)
        self.title.setTextFormat(Qt.PlainText)  # a pasted link's file name
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.status = QLabel(self.tr("waiting…"))
        self.status.setTextFormat(Qt.PlainText)  # quotes what the server answered
        self.pause_button = QPushButton(self.tr("Pause"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)

    def show_progress(self, p: DownloadProgress) -> None:
        if p.fraction is not None:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        else:
            self.bar.setRange(0, 0)
        if p.state == DownloadState.VERIFYING:
            self.status.setText(self.tr("checking SHA-256…"))
            return
        speed = QLocale().toString(p.speed_bps / 1e6, "f", 1)
        self.status.setText(
            self.tr("{done} of {total} at {speed} MB/s, {seconds} s left").format(
                done=_mb(p.done), total=_mb(p.total), speed=speed, seconds=f"{p.eta_s:.0f}"
            )
            if p.eta_s is not None
            else self.tr("{done} of {total} at {speed} MB/s").format(done=_mb(p.done), total=_mb(p.total), speed=speed)
        )


class DownloadList(QWidget):
    installed = Signal(str)  # path of a verified, installed model
    failed = Signal(str)  # a message for the user

    def __init__(self, jobs: JobRunner, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.rows: list[DownloadRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(self.tr("No downloads. Pick a model in the catalog or paste a link."))
        self._layout.addWidget(self.empty_label)
        self._layout.addStretch(1)

    def start(self, url: str, title: str, sha256: str | None = None, filename: str | None = None) -> DownloadRow:
        """Only ever called from a user's click: nothing downloads on its own."""
        row = self._add_row(title, registry.model_download(url, sha256=sha256, filename=filename))
        self._run(row)
        return row

    def restore_parts(self) -> None:
        """Offer to resume what an earlier session left half-downloaded (no network until asked)."""
        known = {r.download.part_path for r in self.rows}
        for meta_path in sorted(paths.models_dir().glob("*.part.json")):
            try:
                meta = json.loads(meta_path.read_text())
            except (OSError, ValueError):
                continue
            name = meta_path.name.removesuffix(".part.json")
            download = registry.model_download(meta["url"], sha256=meta.get("sha256"), filename=name)
            if download.part_path in known or not download.part_path.exists():
                continue
            download.total = meta.get("size")
            download.done = download.part_path.stat().st_size
            download.state = DownloadState.PAUSED
            row = self._add_row(name, download)
            self._show_stopped(
                row,
                self.tr("paused at {done} of {total} (from an earlier session)").format(
                    done=_mb(download.done), total=_mb(download.total)
                ),
            )

    def _add_row(self, title: str, download: Download) -> DownloadRow:
        row = DownloadRow(title, download)
        row.pause_button.clicked.connect(lambda: self._on_row_pause_clicked(row))
        row.cancel_button.clicked.connect(lambda: self._on_row_cancel_clicked(row))
        self.rows.append(row)
        self._layout.insertWidget(self._layout.count() - 1, row)
        self.empty_label.hide()
        return row

    def _run(self, row: DownloadRow) -> None:
        row.pause_button.setText(self.tr("Pause"))
        row.status.setText(self.tr("connecting…"))
        download = row.download

        def work(report):
            download.on_progress = report
            return download.run()

        self.jobs.start(
            work,
            lambda state: self._on_job_finished(row, state),
            lambda message: self._on_job_failed(row, message),
            row.show_progress,
        )

    def _on_row_pause_clicked(self, row: DownloadRow) -> None:
        if row.download.state in (DownloadState.PAUSED, DownloadState.FAILED):
            self._run(row)
        else:
            row.download.pause()
            row.status.setText(self.tr("pausing…"))

    def _on_row_cancel_clicked(self, row: DownloadRow) -> None:
        row.download.cancel()
        if row.download.state == DownloadState.CANCELLED:
            self._remove(row)  # it was not running: nothing else will report

    def _on_job_finished(self, row: DownloadRow, state: DownloadState) -> None:
        if state == DownloadState.DONE:
            row.bar.setRange(0, 1000)
            row.bar.setValue(1000)
            row.status.setText(
                self.tr("installed (SHA-256 verified)")
                if row.download.verified
                else self.tr("installed (no checksum published: size checked)")
            )
            row.pause_button.hide()
            row.cancel_button.setText(self.tr("Clear"))
            row.cancel_button.clicked.disconnect()
            row.cancel_button.clicked.connect(lambda: self._remove(row))
            self.installed.emit(str(row.download.target))
        elif state == DownloadState.CANCELLED:
            self._remove(row)
        elif state == DownloadState.PAUSED:
            self._show_stopped(
                row,
                self.tr("paused at {done} of {total}").format(
                    done=_mb(row.download.done), total=_mb(row.download.total)
                ),
            )
        else:
            self._on_job_failed(row, row.download.error or self.tr("failed"))

    def _on_job_failed(self, row: DownloadRow, message: str) -> None:
        message = message_text(message)
        self._show_stopped(row, self.tr("failed: {error}").format(error=message))
        row.pause_button.setText(self.tr("Retry"))
        self.failed.emit(f"{row.title.text()}: {message}")

    def _show_stopped(self, row: DownloadRow, text: str) -> None:
        row.status.setText(text)
        row.pause_button.setText(self.tr("Resume"))
        if row.download.total:
            row.bar.setRange(0, 1000)
            row.bar.setValue(int(row.download.done / row.download.total * 1000))

    def _remove(self, row: DownloadRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            row.setParent(None)
            row.deleteLater()
        self.empty_label.setVisible(not self.rows)

    def active(self) -> list[Download]:
        return [r.download for r in self.rows if r.download.state in (DownloadState.RUNNING, DownloadState.VERIFYING)]

    def shutdown(self) -> None:
        # Pausing (not cancelling) keeps the parts, so the next session can resume them.
        for download in self.active():
            download.pause()
