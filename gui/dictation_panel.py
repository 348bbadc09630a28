"""The Dictation tab: live dictation from a microphone, and transcription of audio/video files.

Words appear grey while unconfirmed and turn black once committed; committed text never changes.
All speech work happens in the SpeechWorker's thread: this widget only sends requests and paints.
The text and its cues across recordings are a backend.transcript.Transcript.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from backend.audio import AudioDeviceError, list_input_devices
from backend.defaults import SPOKEN_LANGUAGES, WHISPER_FRAMES_PER_SECOND, default_spoken_language
from backend.file_transcription import OutputExistsError, check_output_path
from backend.models import bundled
from backend.settings import Settings
from backend.speech import Segment
from backend.speech_jobs import (
    DictationRequest,
    FileJobRequest,
    FileJobResult,
    SpeechModelRequest,
    SpeechModelStatus,
    SpeechOptions,
)
from backend.subtitles import FORMATS, write
from backend.transcript import RecordingEnded, RecordingUpdate, Transcript
from gui.speech_worker import SourceFactory, SpeechWorker, open_microphone
from gui.threads import start_worker_thread, stop_worker_thread
from gui.widgets.level_meter import LevelMeter

LANGUAGES = [("auto", "Detect language"), *SPOKEN_LANGUAGES.items()]
DEFAULT_DEVICE = -1  # the combo's data for "the system default"


class DictationPanel(QWidget):
    send_to_chat_requested = Signal(str)
    _load_requested = Signal(object)  # SpeechModelRequest
    _dictate_requested = Signal(object)  # DictationRequest
    _transcribe_requested = Signal(object)  # FileJobRequest

    def __init__(self, settings: Settings, parent=None, source_factory: SourceFactory = open_microphone):
        super().__init__(parent)
        self.settings = settings
        self.transcript = Transcript()
        self._dictation: DictationRequest | None = None  # the recording in progress
        self._file_job: FileJobRequest | None = None  # the file being transcribed
        self._multilingual: bool | None = None  # unknown until the model is loaded

        self.worker = SpeechWorker(source_factory)
        self.thread = start_worker_thread(self.worker, "speech-worker")
        self._load_requested.connect(self.worker.load_model)
        self._dictate_requested.connect(self.worker.dictate)
        self._transcribe_requested.connect(self.worker.transcribe)
        self.worker.model_loading.connect(self._on_worker_model_loading)
        self.worker.model_loaded.connect(self._on_worker_model_loaded)
        self.worker.dictation_started.connect(self._on_worker_dictation_started)
        self.worker.dictation_updated.connect(self._on_worker_dictation_updated)
        self.worker.dictation_finished.connect(self._on_worker_dictation_finished)
        self.worker.level_changed.connect(self._on_worker_level_changed)
        self.worker.file_progress.connect(self._on_worker_file_progress)
        self.worker.file_finished.connect(self._on_worker_file_finished)
        self.setAcceptDrops(True)
        self._build()
        self.refresh_devices()

    # --- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.device_combo = QComboBox()
        self.device_combo.setMinimumWidth(220)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh_devices)
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(default_spoken_language()))
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        self.translate_check = QCheckBox("Translate to English")
        self.record_button = QPushButton("Record")
        self.record_button.setToolTip("Start or stop dictation (Ctrl+R)")
        self.record_button.clicked.connect(self.toggle_recording)
        QShortcut(QKeySequence("Ctrl+R"), self, self.toggle_recording)
        self.level_meter = LevelMeter()

        top = QHBoxLayout()
        top.addWidget(QLabel("Microphone:"))
        top.addWidget(self.device_combo, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.language_combo)
        top.addWidget(self.translate_check)
        meter = QHBoxLayout()
        meter.addWidget(self.record_button)
        meter.addWidget(self.level_meter, 1)

        self.message = QLabel()
        self.message.setObjectName("dictation_message")
        self.message.setTextFormat(Qt.PlainText)  # errors quote device and file names
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("dictation_text")
        self.text_view.setPlaceholderText(
            "Press Record and speak. Unconfirmed words are grey; they turn black once final."
        )
        self.stats = QLabel()
        self.stats.setObjectName("dictation_stats")
        self.stats.setTextFormat(Qt.PlainText)

        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy_text)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_text)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save as TXT, SRT or VTT (with timestamps)")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.send_button = QPushButton("Send to chat")
        self.send_button.clicked.connect(self._on_send_clicked)
        actions = QHBoxLayout()
        actions.addWidget(self.stats, 1)
        for button in (self.copy_button, self.clear_button, self.export_button, self.send_button):
            actions.addWidget(button)

        self.file_edit = QLineEdit()
        self.file_edit.setPlaceholderText("An audio or video file (or drop one here)")
        self.file_edit.textChanged.connect(self._on_file_edit_changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText("Output path without extension")
        save_as = QPushButton("Save as…")
        save_as.clicked.connect(self._on_save_as_clicked)
        self.format_checks = {fmt: QCheckBox(fmt.upper()) for fmt in FORMATS}
        for check in self.format_checks.values():
            check.setChecked(True)
        self.transcribe_button = QPushButton("Transcribe")
        self.transcribe_button.clicked.connect(self.start_file_transcription)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_file_transcription)
        self.file_progress = QProgressBar()
        self.file_status = QLabel()
        self.file_status.setObjectName("file_status")
        self.file_status.setTextFormat(Qt.PlainText)  # it quotes file names
        self.file_status.setWordWrap(True)

        box = QGroupBox("Transcribe a file")
        grid = QVBoxLayout(box)
        row1 = QHBoxLayout()
        row1.addWidget(self.file_edit, 1)
        row1.addWidget(browse)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel("Write to:"))
        row2.addWidget(self.output_edit, 1)
        row2.addWidget(save_as)
        for check in self.format_checks.values():
            row2.addWidget(check)
        row3 = QHBoxLayout()
        row3.addWidget(self.transcribe_button)
        row3.addWidget(self.cancel_button)
        row3.addWidget(self.file_progress, 1)
        for row in (row1, row2, row3):
            grid.addLayout(row)
        grid.addWidget(self.file_status)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(meter)
        layout.addWidget(self.message)
        layout.addWidget(self.text_view, 1)
        layout.addLayout(actions)
        layout.addWidget(box)
        self._update_buttons()

    @property
    def recording(self) -> bool:
        return self._dictation is not None

    @property
    def transcribing(self) -> bool:
        return self._file_job is not None

    def _update_buttons(self) -> None:
        busy = self.recording or self.transcribing
        stopping = self.recording and self._dictation.stop.is_set()
        self.record_button.setText("Finishing…" if stopping else "Stop" if self.recording else "Record")
        self.record_button.setEnabled(not self.transcribing and not stopping)
        self.device_combo.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy)
        for widget in (self.language_combo, self.translate_check):
            widget.setEnabled(not busy and self._multilingual is not False)
        has_text = bool(self.text())
        for button in (self.copy_button, self.send_button):
            button.setEnabled(has_text)
        self.export_button.setEnabled(has_text and not self.recording)
        self.clear_button.setEnabled(has_text and not self.recording)
        self.transcribe_button.setEnabled(not busy and bool(self.file_edit.text().strip()))
        self.cancel_button.setEnabled(self.transcribing)

    def _show_message(self, text: str) -> None:
        self.message.setText(text[:1].upper() + text[1:])
        self.message.setVisible(bool(text))

    # --- devices and options -----------------------------------------------------------------

    @Slot()
    def refresh_devices(self) -> None:
        self.device_combo.clear()
        try:
            devices = list_input_devices(rescan=True)  # a microphone plugged in after start-up must show
        except AudioDeviceError as exc:
            devices = []
            self._show_message(str(exc))
        self.device_combo.addItem("System default", DEFAULT_DEVICE)
        for dev in devices:
            self.device_combo.addItem(f"{dev.name} ({dev.default_rate} Hz)", dev.index)
        if not devices:
            self._show_message("No microphone found: connect one and press Refresh. Files can still be transcribed.")

    def _options(self) -> SpeechOptions:
        return SpeechOptions(self.language_combo.currentData(), self.translate_check.isChecked())

    def _model(self) -> SpeechModelRequest:
        """The chosen speech model with its saved compute settings (threads, audio context), read afresh."""
        path = self.settings.speech_model
        language = self.language_combo.currentData()
        settings = self.settings.model_settings(path or bundled.BUNDLED[bundled.speech_for(language)].path)
        return SpeechModelRequest(path, settings, language)

    @Slot(str)
    def on_speech_model_chosen(self, path: str) -> None:
        """Models chose another speech model: load it now (when idle), so this tab shows what it can do."""
        if not self.recording and not self.transcribing:
            self._load_requested.emit(self._model())

    @Slot()
    def _on_language_changed(self) -> None:
        if not self.settings.speech_model:  # the bundled model follows the language (bundled.speech_for)
            self.on_speech_model_chosen("")

    # --- dictation ---------------------------------------------------------------------------

    @Slot()
    def toggle_recording(self) -> None:
        if self.recording:
            self.stop_recording()
        elif not self.transcribing:
            self.start_recording()

    def start_recording(self) -> None:
        device = self.device_combo.currentData()
        self._show_message("")
        self._dictation = DictationRequest(
            self._model(), None if device in (None, DEFAULT_DEVICE) else device, self._options(), threading.Event()
        )
        self._update_buttons()
        self._dictate_requested.emit(self._dictation)

    def stop_recording(self) -> None:
        # Set directly: a queued request would wait behind the running dictation loop.
        if self._dictation is not None:
            self._dictation.stop.set()
        self._update_buttons()

    @Slot(str)
    def _on_worker_model_loading(self, message: str) -> None:
        self.stats.setText(message)

    @Slot(object)
    def _on_worker_model_loaded(self, status: SpeechModelStatus) -> None:
        self.stats.setText(
            f"Whisper {status.size} · {status.n_threads} threads · "
            f"window {status.audio_ctx / WHISPER_FRAMES_PER_SECOND:.0f} s for files, {status.live_window_s:.0f} s live"
        )
        # The bundled models are chosen by language, so an English-only one never narrows the choice.
        self._multilingual = status.multilingual or not self.settings.speech_model
        self.language_combo.setToolTip("" if self._multilingual else "This model understands English only")
        if not self._multilingual:
            self.language_combo.setCurrentIndex(self.language_combo.findData("en"))
            self.translate_check.setChecked(False)
        self._update_buttons()

    @Slot()
    def _on_worker_dictation_started(self) -> None:
        self.stats.setText("Listening…")

    @Slot(object)
    def _on_worker_dictation_updated(self, recording: RecordingUpdate) -> None:
        if not self.recording:
            return  # a late update of a recording already ended
        self.transcript.update(recording)
        self._render()
        update = recording.update
        parts = [f"RTF {update.real_time_factor:.2f}" if update.real_time_factor else "Listening…"]
        if update.commit_latency is not None:
            parts.append(f"last commit {update.commit_latency:.1f} s after the words")
        if update.dropped_seconds:
            parts.append(f"⚠ {update.dropped_seconds:.1f} s of audio dropped: the computer could not keep up")
        self.stats.setText(" · ".join(parts))
        self._update_buttons()

    @Slot(object)
    def _on_worker_dictation_finished(self, ended: RecordingEnded) -> None:
        self._dictation = None
        self.transcript.end_recording(ended)
        self._render()
        if ended.error:
            self._show_message(ended.error)
        self._update_buttons()

    @Slot(float)
    def _on_worker_level_changed(self, dbfs: float) -> None:
        self.level_meter.set_level(dbfs)

    def committed_text(self) -> str:
        return self.transcript.committed_text()

    def text(self) -> str:
        return self.transcript.text()

    def _render(self) -> None:
        committed, unconfirmed = self.transcript.committed_text(), self.transcript.unconfirmed_text()
        shown = html.escape(committed)
        if unconfirmed:
            shown += (
                " " if committed else ""
            ) + f'<span style="color:#8a8a8a;font-style:italic">{html.escape(unconfirmed)}</span>'
        self.text_view.setHtml(shown)
        self.text_view.moveCursor(QTextCursor.End)

    def cues(self) -> list[Segment]:
        return self.transcript.cues()

    @Slot()
    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    @Slot()
    def clear_text(self) -> None:
        self.transcript.clear()
        self._render()
        self._update_buttons()

    def export(self, path: Path) -> None:
        try:
            write(self.cues(), path)
        except (OSError, ValueError) as exc:
            self._show_message(f"Could not export to {path}: {exc}")
            return
        self._show_message("")
        self.stats.setText(f"Saved {path}")

    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export dictation",
            str(Path.home() / "dictation.txt"),
            "Text (*.txt);;SubRip subtitles (*.srt);;WebVTT subtitles (*.vtt)",
        )
        if path:
            self.export(Path(path))

    @Slot()
    def _on_send_clicked(self) -> None:
        if self.text():
            self.send_to_chat_requested.emit(self.text())

    # --- files -------------------------------------------------------------------------------

    @Slot(str)
    def _on_file_edit_changed(self, text: str) -> None:
        path = Path(text.strip())
        if text.strip():
            self.output_edit.setText(str(path.with_suffix("")))
        self._update_buttons()

    @Slot()
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Transcribe a file",
            str(Path.home()),
            "Audio and video (*.wav *.mp3 *.ogg *.opus *.flac *.m4a *.aac *.mp4 *.mkv *.webm *.mov);;All files (*)",
        )
        if path:
            self.file_edit.setText(path)

    @Slot()
    def _on_save_as_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Write transcripts as", self.output_edit.text())
        if path:
            self.output_edit.setText(str(Path(path).with_suffix("")))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        local = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if local:
            self.file_edit.setText(local[0])
            event.acceptProposedAction()

    @Slot()
    def start_file_transcription(self) -> None:
        media = self.file_edit.text().strip()
        formats = [fmt for fmt, check in self.format_checks.items() if check.isChecked()]
        if not media or self.recording or self.transcribing:
            return
        if not formats:
            self.file_status.setText("Pick at least one of SRT, VTT or TXT.")
            return
        output = self.output_edit.text().strip() or str(Path(media).with_suffix(""))
        if not self._may_write(output, formats):
            self.file_status.setText("Nothing was transcribed: choose another name with Save as….")
            return
        self._file_job = FileJobRequest(
            self._model(), media, output, tuple(formats), self._options(), threading.Event()
        )
        self.file_progress.setValue(0)
        self.file_status.setText(f"Transcribing {Path(media).name}…")
        self._update_buttons()
        self._transcribe_requested.emit(self._file_job)

    def _may_write(self, output_base: str, formats: list[str]) -> bool:
        """Never replace a file the user already has without asking first."""
        existing = []
        for fmt in formats:
            try:
                check_output_path(Path(f"{output_base}.{fmt}"))
            except OutputExistsError as exc:
                existing.append(exc.path)
        if not existing:
            return True
        names = "\n".join(str(p) for p in existing)
        answer = QMessageBox.question(
            self,
            "Replace existing files?",
            f"These files already exist:\n{names}\n\nReplace them with the new transcript?",
            QMessageBox.Yes | QMessageBox.Cancel,
            QMessageBox.Cancel,
        )
        return answer == QMessageBox.Yes

    @Slot()
    def cancel_file_transcription(self) -> None:
        if self._file_job is not None:
            self._file_job.cancel.set()

    @Slot(float)
    def _on_worker_file_progress(self, fraction: float) -> None:
        self.file_progress.setValue(int(fraction * 100))

    @Slot(object)
    def _on_worker_file_finished(self, result: FileJobResult) -> None:
        self._file_job = None
        if result.error:
            self.file_status.setText(result.error)
        elif result.cancelled:
            self.file_status.setText("Cancelled; nothing was written.")
            self.file_progress.setValue(0)
        else:
            self.file_progress.setValue(100)
            self.file_status.setText(
                f"Wrote {', '.join(result.written)} · {result.segments} segments · "
                f"{result.audio_seconds:.0f} s of audio at {result.real_time_factor:.2f}× real time"
            )
        self._update_buttons()

    # --- lifetime ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop recording and any file job, and end the worker thread (bounded wait)."""
        if self._dictation is not None:
            self._dictation.stop.set()
        if self._file_job is not None:
            self._file_job.cancel.set()
        stop_worker_thread(self.thread)
