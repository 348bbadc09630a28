"""The Dictation tab: live dictation from a microphone, and transcription of audio/video files.

Words appear grey while unconfirmed and turn black once committed; committed text never changes.
All speech work happens in the SpeechWorker's thread: this widget only sends requests and paints.
The text and its cues across recordings are a backend.transcript.Transcript.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal, Slot
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
from backend.errors import HearthError
from backend.file_transcription import OutputExistsError, check_output_path
from backend.models import bundled, registry
from backend.remote_servers import ServerStore
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
from gui import icons
from gui.error_text import error_text, message_text
from gui.model_picker import ModelChoice, ModelPicker
from gui.speech_worker import SourceFactory, SpeechWorker, open_microphone
from gui.threads import start_worker_thread, stop_worker_thread
from gui.widgets.level_meter import LevelMeter

DEFAULT_DEVICE = -1  # the combo's data for "the system default"
LAG_SHOWN_S = 1.5  # recognition this far behind the voice is said in the stats line


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
        self.worker.model_load_failed.connect(self._on_worker_model_load_failed)
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
        self.device_combo.setAccessibleName(self.tr("Microphone"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_devices)
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("Spoken language"))
        for code, name in self._language_names().items():
            self.language_combo.addItem(name, code)
        # A window language the user chose is the language they most likely speak; else the desktop's.
        chosen = self.settings.language
        expected = default_spoken_language({"LANG": chosen} if chosen != "system" else None)
        self.language_combo.setCurrentIndex(self.language_combo.findData(expected))
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)
        self.translate_check = QCheckBox(self.tr("Translate to English"))
        self.record_button = QPushButton(self.tr("Record"))
        self.record_button.setToolTip(self.tr("Start or stop dictation (Ctrl+R)"))
        self.record_button.clicked.connect(self.toggle_recording)
        record_key = QShortcut(QKeySequence("Ctrl+R"), self, self.toggle_recording)
        record_key.setWhatsThis(self.tr("Dictation: Start or stop recording"))  # Help → Keyboard shortcuts
        icons.set_icon(self.record_button, "mic")
        icons.set_icon(self.refresh_button, "refresh")
        self.level_meter = LevelMeter()

        self.speech_picker = ModelPicker(self.tr("Speech model:"))
        self.speech_picker.add_provider(self._automatic_choices)
        self.speech_picker.chosen.connect(self._on_speech_picker_chosen)
        self._show_chosen_speech_model()

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Microphone:")))
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
        self.text_view.setAccessibleName(self.tr("Transcript"))
        self.text_view.setPlaceholderText(
            self.tr("Press Record and speak. Unconfirmed words are grey; they turn black once final.")
        )
        self.stats = QLabel()
        self.stats.setObjectName("dictation_stats")
        self.stats.setTextFormat(Qt.PlainText)

        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy_text)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear_text)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save as TXT, SRT or VTT (with timestamps)"))
        self.export_button.clicked.connect(self._on_export_clicked)
        self.send_button = QPushButton(self.tr("Send to chat"))
        self.send_button.clicked.connect(self._on_send_clicked)
        actions = QHBoxLayout()
        actions.addWidget(self.stats, 1)
        for button, name in (
            (self.copy_button, "copy"),
            (self.clear_button, "delete"),
            (self.export_button, "export"),
            (self.send_button, "chat"),
        ):
            icons.set_icon(button, name)
            actions.addWidget(button)

        self.file_edit = QLineEdit()
        self.file_edit.setAccessibleName(self.tr("File to transcribe"))
        self.file_edit.setPlaceholderText(self.tr("An audio or video file (or drop one here)"))
        self.file_edit.textChanged.connect(self._on_file_edit_changed)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._on_browse_clicked)
        self.output_edit = QLineEdit()
        self.output_edit.setAccessibleName(self.tr("Output path"))
        self.output_edit.setPlaceholderText(self.tr("Output path without extension"))
        save_as = QPushButton(self.tr("Save as…"))
        save_as.clicked.connect(self._on_save_as_clicked)
        self.format_checks = {fmt: QCheckBox(fmt.upper()) for fmt in FORMATS}
        for check in self.format_checks.values():
            check.setChecked(True)
        self.transcribe_button = QPushButton(self.tr("Transcribe"))
        self.transcribe_button.clicked.connect(self.start_file_transcription)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_file_transcription)
        self.where_combo = QComboBox()  # this computer, or a server added in Models → Servers
        self.where_combo.setAccessibleName(self.tr("Transcribe on"))
        self._fill_where()
        self.file_progress = QProgressBar()
        self.file_status = QLabel()
        self.file_status.setObjectName("file_status")
        self.file_status.setTextFormat(Qt.PlainText)  # it quotes file names
        self.file_status.setWordWrap(True)

        box = QGroupBox(self.tr("Transcribe a file"))
        grid = QVBoxLayout(box)
        row1 = QHBoxLayout()
        row1.addWidget(self.file_edit, 1)
        row1.addWidget(browse)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(self.tr("Write to:")))
        row2.addWidget(self.output_edit, 1)
        row2.addWidget(save_as)
        for check in self.format_checks.values():
            row2.addWidget(check)
        row3 = QHBoxLayout()
        row3.addWidget(self.where_combo)
        row3.addWidget(self.transcribe_button)
        row3.addWidget(self.cancel_button)
        row3.addWidget(self.file_progress, 1)
        for row in (row1, row2, row3):
            grid.addLayout(row)
        grid.addWidget(self.file_status)

        layout = QVBoxLayout(self)
        layout.addWidget(self.speech_picker)
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
        self.record_button.setText(
            self.tr("Finishing…") if stopping else self.tr("Stop") if self.recording else self.tr("Record")
        )
        self.record_button.setEnabled(not self.transcribing and not stopping)
        self.device_combo.setEnabled(not busy)
        self.refresh_button.setEnabled(not busy)
        for widget in (self.language_combo, self.translate_check):
            widget.setEnabled(not busy and self._multilingual is not False)
        self.speech_picker.setEnabled(not busy)
        self.speech_picker.button.setToolTip(
            self.tr("Stop recording or transcribing first, then switch the model")
            if busy
            else self.tr("The model that turns speech into text; click to switch")
        )
        has_text = bool(self.text())
        for button in (self.copy_button, self.send_button):
            button.setEnabled(has_text)
        self.export_button.setEnabled(has_text and not self.recording)
        self.clear_button.setEnabled(has_text and not self.recording)
        self.transcribe_button.setEnabled(not busy and bool(self.file_edit.text().strip()))
        self.cancel_button.setEnabled(self.transcribing)
        self.where_combo.setEnabled(not busy)
        if busy:
            self.where_combo.setToolTip(self.tr("Wait for the recording or the file in progress to finish"))
        else:
            self._fill_where()
        # Disabled controls say why.
        nothing = self.tr("Nothing transcribed yet: press Record and speak")
        self.copy_button.setToolTip(self.tr("Copy the text") if has_text else nothing)
        self.send_button.setToolTip(self.tr("Put the text in the chat's message box") if has_text else nothing)
        self.export_button.setToolTip(
            self.tr("Save as TXT, SRT or VTT (with timestamps)")
            if has_text and not self.recording
            else self.tr("Stop recording first")
            if has_text
            else nothing
        )
        self.clear_button.setToolTip(
            self.tr("Clear the text")
            if has_text and not self.recording
            else self.tr("Stop recording first")
            if has_text
            else nothing
        )
        self.transcribe_button.setToolTip(
            self.tr("Wait for the recording or the file in progress to finish")
            if busy
            else self.tr("Transcribe the file")
            if self.file_edit.text().strip()
            else self.tr("Choose an audio or video file first")
        )
        self.cancel_button.setToolTip(
            self.tr("Stop transcribing; nothing is written")
            if self.transcribing
            else self.tr("No file is being transcribed")
        )
        self.record_button.setToolTip(
            self.tr("Wait for the file transcription to finish, or cancel it")
            if self.transcribing
            else self.tr("Start or stop dictation (Ctrl+R)")
        )

    def _language_names(self) -> dict[str, str]:
        """Detection first, then the spoken languages by their names in the window's language."""
        names = {
            "auto": self.tr("Detect language"),
            "en": self.tr("English"),
            "de": self.tr("German"),
            "fr": self.tr("French"),
            "es": self.tr("Spanish"),
            "it": self.tr("Italian"),
            "pt": self.tr("Portuguese"),
            "nl": self.tr("Dutch"),
            "pl": self.tr("Polish"),
            "ru": self.tr("Russian"),
            "zh": self.tr("Chinese"),
            "ja": self.tr("Japanese"),
        }
        return {"auto": names["auto"], **{code: names.get(code, name) for code, name in SPOKEN_LANGUAGES.items()}}

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
            self._show_message(error_text(exc))
        self.device_combo.addItem(self.tr("System default"), DEFAULT_DEVICE)
        for dev in devices:
            self.device_combo.addItem(
                self.tr("{name} ({rate} Hz)").format(name=dev.name, rate=dev.default_rate), dev.index
            )
        if not devices:
            self._show_message(
                self.tr("No microphone found: connect one and press Refresh. Files can still be transcribed.")
            )

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
        self.speech_picker.set_loading(message)

    @Slot(str)
    def _on_worker_model_load_failed(self, message: str) -> None:
        self.speech_picker.set_loading("")  # the reason stays in the stats line; nothing is loading any more
        self.speech_picker.button.setToolTip(self.tr("Could not load this model; choose another"))

    @Slot(object)
    def _on_worker_model_loaded(self, status: SpeechModelStatus) -> None:
        if status.threads_pinned:
            line = self.tr(
                "Whisper {size} · %n thread(s) · window {window} s for files, {live} s live", "", status.n_threads
            )
        else:  # each call takes the cores that are free, up to this
            line = self.tr(
                "Whisper {size} · up to %n thread(s) · window {window} s for files, {live} s live", "", status.n_threads
            )
        self.stats.setText(
            line.format(
                size=status.size,
                window=f"{status.audio_ctx / WHISPER_FRAMES_PER_SECOND:.0f}",
                live=f"{status.live_window_s:.0f}",
            )
        )
        # The bundled models are chosen by language, so an English-only one never narrows the choice.
        self._set_languages(status.multilingual or not self.settings.speech_model)
        chosen = self.settings.speech_model
        if chosen:
            self._show_chosen_speech_model()
        else:
            self.speech_picker.set_current("", *self._automatic_title(status.size))
        self._update_buttons()

    # --- the speech model ----------------------------------------------------------------------

    def _automatic_title(self, size: str = "") -> tuple[str, str]:
        title = self.tr("Automatic, by language") + (f" (Whisper {size})" if size else "")
        return title, self.tr("tiny.en for English, base for other languages")

    def _automatic_choices(self) -> list[ModelChoice]:
        """The bundled pair, chosen per language: the first entry of the menu."""
        return [ModelChoice("", *self._automatic_title())]

    def _show_chosen_speech_model(self) -> None:
        """Name the chosen model (read from its header) and offer only the languages it understands."""
        path = self.settings.speech_model
        if not path:
            self.speech_picker.set_current("", *self._automatic_title())
            self._set_languages(True)
            return
        try:
            model = registry.describe(Path(path))
        except (HearthError, OSError):
            self.speech_picker.set_current(path, Path(path).name, self.tr("cannot be read"))
            return
        english_only = model.languages == "English only"
        detail = self.tr("English only") if english_only else self.tr("multilingual")
        self.speech_picker.set_current(path, model.title, detail)
        self._set_languages(not english_only)

    def _set_languages(self, multilingual: bool) -> None:
        """Offer what the model can do: an English-only model gets English alone, never "Detect language"."""
        if multilingual == self._multilingual:
            return
        self._multilingual = multilingual
        combo = self.language_combo
        current = combo.currentData()
        names = self._language_names()
        offered = list(names.items()) if multilingual else [("en", names["en"])]
        combo.blockSignals(True)  # rebuilding is not the user choosing a language
        combo.clear()
        for code, name in offered:
            combo.addItem(name, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)
        combo.setToolTip(
            self.tr("The language spoken; Detect language lets the model work it out")
            if multilingual
            else self.tr("This model understands English only: choose a multilingual speech model for other languages")
        )
        if not multilingual:
            self.translate_check.setChecked(False)
        self.translate_check.setToolTip(
            self.tr("Write English whatever language is spoken")
            if multilingual
            else self.tr("An English-only model cannot translate")
        )

    @Slot(object)
    def _on_speech_picker_chosen(self, choice: ModelChoice) -> None:
        self.settings.speech_model = choice.ref
        self._set_languages(not choice.english_only)
        self.speech_picker.set_current(choice.ref, choice.title, choice.detail)
        self.speech_picker.set_loading(self.tr("Loading…"))
        self._update_buttons()
        self.on_speech_model_chosen(choice.ref)

    @Slot()
    def _on_worker_dictation_started(self) -> None:
        self.stats.setText(self.tr("Listening…"))

    @Slot(object)
    def _on_worker_dictation_updated(self, recording: RecordingUpdate) -> None:
        if not self.recording:
            return  # a late update of a recording already ended
        self.transcript.update(recording)
        self._render()
        update = recording.update
        locale = QLocale()
        rtf = update.real_time_factor
        parts = [self.tr("RTF {rtf}").format(rtf=locale.toString(rtf, "f", 2)) if rtf else self.tr("Listening…")]
        if update.commit_latency is not None:
            parts.append(
                self.tr("last commit {seconds} s after the words").format(
                    seconds=locale.toString(update.commit_latency, "f", 1)
                )
            )
        if update.lag_seconds >= LAG_SHOWN_S:
            parts.append(
                self.tr("{seconds} s behind, catching up in the pauses").format(
                    seconds=locale.toString(update.lag_seconds, "f", 1)
                )
            )
        if update.dropped_seconds:
            parts.append(
                self.tr("⚠ {seconds} s of audio dropped: the computer could not keep up").format(
                    seconds=locale.toString(update.dropped_seconds, "f", 1)
                )
            )
        self.stats.setText(" · ".join(parts))
        self._update_buttons()

    @Slot(object)
    def _on_worker_dictation_finished(self, ended: RecordingEnded) -> None:
        self._dictation = None
        self.transcript.end_recording(ended)
        self._render()
        if ended.error:
            self._show_message(message_text(ended.error))
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
            self._show_message(self.tr("Could not export to {path}: {error}").format(path=path, error=error_text(exc)))
            return
        self._show_message("")
        self.stats.setText(self.tr("Saved {path}").format(path=path))

    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export dictation"),
            str(Path.home() / "dictation.txt"),
            self.tr("Text (*.txt);;SubRip subtitles (*.srt);;WebVTT subtitles (*.vtt)"),
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
            self.tr("Transcribe a file"),
            str(Path.home()),
            self.tr(
                "Audio and video (*.wav *.mp3 *.ogg *.opus *.flac *.m4a *.aac *.mp4 *.mkv *.webm *.mov);;All files (*)"
            ),
        )
        if path:
            self.file_edit.setText(path)

    @Slot()
    def _on_save_as_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Write transcripts as"), self.output_edit.text())
        if path:
            self.output_edit.setText(str(Path(path).with_suffix("")))

    def _fill_where(self) -> None:
        """This computer first, then the servers added in Models → Servers (read again each time the tab shows)."""
        chosen = self.where_combo.currentData()
        self.where_combo.clear()
        self.where_combo.addItem(self.tr("On this computer"), "")
        for server in ServerStore(self.settings).servers():
            self.where_combo.addItem(self.tr("On {server} (remote)").format(server=server.name), server.url)
        self.where_combo.setCurrentIndex(max(0, self.where_combo.findData(chosen)))
        self.where_combo.setToolTip(
            self.tr("Where the file is transcribed; a server sees the whole file")
            if self.where_combo.count() > 1
            else self.tr("Add a server in Models → Servers to transcribe files there")
        )

    def showEvent(self, event) -> None:
        if self._file_job is None:
            self._fill_where()
        super().showEvent(event)

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
            self.file_status.setText(self.tr("Pick at least one of SRT, VTT or TXT."))
            return
        output = self.output_edit.text().strip() or str(Path(media).with_suffix(""))
        if not self._may_write(output, formats):
            self.file_status.setText(self.tr("Nothing was transcribed: choose another name with Save as…."))
            return
        store = ServerStore(self.settings)
        server = store.find(self.where_combo.currentData() or "")
        endpoint = store.endpoint(server) if server is not None else None
        self._file_job = FileJobRequest(
            self._model(), media, output, tuple(formats), self._options(), threading.Event(), endpoint
        )
        if endpoint is None:
            self.file_progress.setRange(0, 100)
            self.file_progress.setValue(0)
            self.file_status.setText(self.tr("Transcribing {name}…").format(name=Path(media).name))
        else:  # a server reports no progress: show that it is busy
            self.file_progress.setRange(0, 0)
            self.file_status.setText(
                self.tr("Transcribing {name} on {server}…").format(name=Path(media).name, server=server.name)
            )
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
            self.tr("Replace existing files?"),
            self.tr("These files already exist:\n{names}\n\nReplace them with the new transcript?").format(names=names),
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
        self.file_progress.setRange(0, 100)
        if result.error:
            self.file_status.setText(message_text(result.error))
        elif result.cancelled:
            self.file_status.setText(self.tr("Cancelled; nothing was written."))
            self.file_progress.setValue(0)
        else:
            self.file_progress.setValue(100)
            locale = QLocale()
            self.file_status.setText(
                self.tr(
                    "Wrote {files} · %n segment(s) · {seconds} s of audio at {rtf}× real time", "", result.segments
                ).format(
                    files=", ".join(result.written),
                    seconds=locale.toString(result.audio_seconds, "f", 0),
                    rtf=locale.toString(result.real_time_factor, "f", 2),
                )
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
