"""The Dictation tab: live dictation from a microphone, and transcription of audio/video files.

Words appear grey while unconfirmed and turn black once committed; committed text never changes.
All speech work happens in the SpeechWorker's thread: this widget only sends requests and paints.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from backend.audio import AudioDeviceError, list_input_devices
from backend.settings import Settings
from backend.speech import Segment
from backend.subtitles import FORMATS, write
from gui.speech_worker import SourceFactory, SpeechWorker, open_microphone
from gui.threads import start_worker_thread, stop_worker_thread
from gui.widgets.level_meter import LevelMeter

LANGUAGES = [
    ("auto", "Detect language"),
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("ru", "Russian"),
    ("zh", "Chinese"),
    ("ja", "Japanese"),
]
DEFAULT_DEVICE = -1  # the combo's data for "the system default"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DictationPanel(QWidget):
    send_to_chat_requested = Signal(str)
    _dictate_requested = Signal(str, object, dict)
    _transcribe_requested = Signal(str, str, str, list, dict)

    def __init__(self, settings: Settings, parent=None, source_factory: SourceFactory = open_microphone):
        super().__init__(parent)
        self.settings = settings
        self.recording = False
        self.transcribing = False
        self._earlier: list[Segment] = []  # cues of finished recordings, on one timeline
        self._earlier_text = ""
        self._offset = 0.0  # where the current recording starts on that timeline
        self._current: dict = {}
        self._multilingual: bool | None = None  # unknown until the model is loaded

        self.worker = SpeechWorker(source_factory)
        self.thread = start_worker_thread(self.worker, "speech-worker")
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
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.text_view = QTextBrowser()
        self.text_view.setObjectName("dictation_text")
        self.text_view.setPlaceholderText(
            "Press Record and speak. Unconfirmed words are grey; they turn black once final."
        )
        self.stats = QLabel()
        self.stats.setObjectName("dictation_stats")

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

    def _update_buttons(self) -> None:
        busy = self.recording or self.transcribing
        stopping = self.recording and self.worker.stop.is_set()
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

    def _options(self) -> dict:
        return {"language": self.language_combo.currentData(), "translate": self.translate_check.isChecked()}

    def _model_path(self) -> str:
        return self.settings.get("speech_model", "") or ""

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
        self.worker.stop.clear()
        self.worker.cancel.clear()
        self.recording = True
        self._current = {}
        self._update_buttons()
        self._dictate_requested.emit(
            self._model_path(), None if device in (None, DEFAULT_DEVICE) else device, self._options()
        )

    def stop_recording(self) -> None:
        # Set directly: a queued request would wait behind the running dictation loop.
        self.worker.stop.set()
        self._update_buttons()

    @Slot(str)
    def _on_worker_model_loading(self, message: str) -> None:
        self.stats.setText(message)

    @Slot(dict)
    def _on_worker_model_loaded(self, info: dict) -> None:
        self.stats.setText(f"Whisper {info['size']} · {info['threads']} threads")
        self._multilingual = info["multilingual"]
        self.language_combo.setToolTip("" if self._multilingual else "This model understands English only")
        if not self._multilingual:
            self.language_combo.setCurrentIndex(self.language_combo.findData("en"))
            self.translate_check.setChecked(False)
        self._update_buttons()

    @Slot()
    def _on_worker_dictation_started(self) -> None:
        self.stats.setText("Listening…")

    @Slot(dict)
    def _on_worker_dictation_updated(self, update: dict) -> None:
        self._current = update
        self._render()
        parts = [f"RTF {update['real_time_factor']:.2f}" if update["real_time_factor"] else "Listening…"]
        if update["commit_latency"] is not None:
            parts.append(f"last commit {update['commit_latency']:.1f} s after the words")
        if update["dropped_seconds"]:
            parts.append(f"⚠ {update['dropped_seconds']:.1f} s of audio dropped: the computer could not keep up")
        self.stats.setText(" · ".join(parts))
        self._update_buttons()

    @Slot(dict)
    def _on_worker_dictation_finished(self, result: dict) -> None:
        self.recording = False
        if "committed" in result:
            self._current = result
        if self._current:
            self._keep_current()
        self._render()
        if result.get("error"):
            self._show_message(result["error"])
        self._update_buttons()

    def _keep_current(self) -> None:
        """Move the finished recording's text and cues onto the panel's timeline."""
        cues = [Segment(self._offset + a, self._offset + b, t) for a, b, t in self._current.get("cues", [])]
        self._earlier += cues
        committed = self._current.get("committed", "")
        self._earlier_text = " ".join(t for t in (self._earlier_text, committed) if t)
        self._offset += self._current.get("audio_time", 0.0)
        self._current = {}

    @Slot(float)
    def _on_worker_level_changed(self, dbfs: float) -> None:
        self.level_meter.set_level(dbfs)

    def committed_text(self) -> str:
        return " ".join(t for t in (self._earlier_text, self._current.get("committed", "")) if t)

    def text(self) -> str:
        return " ".join(t for t in (self.committed_text(), self._current.get("unconfirmed", "")) if t)

    def _render(self) -> None:
        committed, unconfirmed = self.committed_text(), self._current.get("unconfirmed", "")
        html = _html_escape(committed)
        if unconfirmed:
            html += (
                " " if committed else ""
            ) + f'<span style="color:#8a8a8a;font-style:italic">{_html_escape(unconfirmed)}</span>'
        self.text_view.setHtml(html)
        self.text_view.moveCursor(QTextCursor.End)

    def cues(self) -> list[Segment]:
        return self._earlier + [
            Segment(self._offset + a, self._offset + b, t) for a, b, t in self._current.get("cues", [])
        ]

    @Slot()
    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    @Slot()
    def clear_text(self) -> None:
        self._earlier, self._earlier_text, self._offset, self._current = [], "", 0.0, {}
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
        self.worker.cancel.clear()
        self.transcribing = True
        self.file_progress.setValue(0)
        self.file_status.setText(f"Transcribing {Path(media).name}…")
        self._update_buttons()
        output = self.output_edit.text().strip() or str(Path(media).with_suffix(""))
        self._transcribe_requested.emit(self._model_path(), media, output, formats, self._options())

    @Slot()
    def cancel_file_transcription(self) -> None:
        self.worker.cancel.set()

    @Slot(float)
    def _on_worker_file_progress(self, fraction: float) -> None:
        self.file_progress.setValue(int(fraction * 100))

    @Slot(dict)
    def _on_worker_file_finished(self, result: dict) -> None:
        self.transcribing = False
        if result.get("error"):
            self.file_status.setText(result["error"])
        elif result["cancelled"]:
            self.file_status.setText("Cancelled; nothing was written.")
            self.file_progress.setValue(0)
        else:
            self.file_progress.setValue(100)
            self.file_status.setText(
                f"Wrote {', '.join(result['written'])} · {result['segments']} segments · "
                f"{result['audio_seconds']:.0f} s of audio at {result['real_time_factor']:.2f}× real time"
            )
        self._update_buttons()

    # --- lifetime ----------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop recording and any file job, and end the worker thread (bounded wait)."""
        self.worker.stop.set()
        stop_worker_thread(self.thread, self.worker.cancel)
