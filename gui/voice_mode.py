"""Voice mode in the chat pane: talk to the model hands-free and hear it answer.

The bar under the chat box: a Voice switch (Ctrl+Shift+V), a hold-to-talk button, the voice and the
speaker to use (kept in Settings), and a status line. The loop itself is backend/voice_loop.py, run on
its own QThread (which owns the microphone and Whisper); messages go through the chat pane exactly
like typed ones (saved, shown, streamed), and the reply's text is spoken as it streams.
Esc drops what was said; Stop stops the reply and the voice.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from backend.errors import HearthError
from backend.generation_stats import GenerationStats, StopReason
from backend.llm_service import GenerationResult
from backend.speech_out import available_voices, default_voice_id, list_output_devices
from backend.voice_loop import VoiceConfig, VoiceEvent

Queued = Qt.ConnectionType.QueuedConnection
SETTING_VOICE, SETTING_OUTPUT, SETTING_PAUSE = "voice_id", "voice_output_device", "voice_send_pause_seconds"


class PaneResponder(QObject):
    """What VoiceLoop talks to: each message is sent through the chat pane; its tokens come back here."""

    send_requested = Signal(str)

    def __init__(self, pane):
        super().__init__()
        self.pane = pane
        self._lock = threading.Lock()
        self._job: tuple[Future, object, threading.Event] | None = None
        self._text: list[str] = []
        self.send_requested.connect(self._on_send_requested, Queued)
        pane.worker.tokens_received.connect(self._on_worker_tokens_received, Queued)
        pane.generation_finished.connect(self._on_pane_generation_finished)
        self._cancel_watch = QTimer(self)
        self._cancel_watch.setInterval(50)
        self._cancel_watch.timeout.connect(self._check_cancel)

    def start(self, text: str, on_piece, cancel: threading.Event) -> Future:  # on the voice thread
        future: Future = Future()
        future.set_running_or_notify_cancel()
        with self._lock:
            self._job, self._text = (future, on_piece, cancel), []
        self.send_requested.emit(text)
        return future

    def finished(self, text: str, reply: str) -> None:
        """The pane's chat session already holds the conversation."""

    @Slot(str)
    def _on_send_requested(self, text: str) -> None:
        self.pane.input.setPlainText(text)
        self.pane.send()
        if not self.pane.generating:
            self._end(error=HearthError("the message was not sent: load a chat model first"))
            return
        self._cancel_watch.start()

    @Slot(int, str)
    def _on_worker_tokens_received(self, request_id: int, text: str) -> None:
        with self._lock:
            job = self._job
        if job is not None and self.pane.session.is_current(request_id):
            self._text.append(text)
            job[1](text)

    @Slot(dict)
    def _on_pane_generation_finished(self, stats: dict) -> None:
        try:
            reason = StopReason(stats.get("stop_reason", "done"))
        except ValueError:
            reason = StopReason.DONE
        self._end(reason=reason)

    def _check_cancel(self) -> None:
        with self._lock:
            job = self._job
        if job is not None and job[2].is_set() and self.pane.generating:
            self.pane.stop()

    def _end(self, reason: StopReason = StopReason.DONE, error: Exception | None = None) -> None:
        self._cancel_watch.stop()
        with self._lock:
            job, self._job = self._job, None
        if job is None:
            return
        if error is not None:
            job[0].set_exception(error)
        else:
            stats = GenerationStats(stop_reason=reason)
            job[0].set_result(GenerationResult("".join(self._text), stats, None, ""))


class VoiceWorker(QObject):
    """Runs the voice loop on its own thread: microphone, Whisper, then the loop until stopped."""

    event = Signal(object)  # VoiceEvent
    failed = Signal(str)
    started = Signal()
    ended = Signal()

    def __init__(self, responder: PaneResponder, speech_model: str, voice_id: str, output_device, config):
        super().__init__()
        self.responder, self.speech_model, self.voice_id = responder, speech_model, voice_id
        self.output_device, self.config = output_device, config
        self.stop_event = threading.Event()
        self.loop = None

    @Slot()
    def run(self) -> None:
        from backend.audio import MicrophoneCapture
        from backend.models import bundled
        from backend.speech import WhisperEngine
        from backend.speech_out import SpeechOutput
        from backend.voice_loop import VoiceLoop

        capture = speech = None
        try:
            whisper = WhisperEngine(self.speech_model or bundled.ensure(bundled.DEFAULT_SPEECH))
            speech = SpeechOutput(self.voice_id, device=self.output_device)
            speech.warm_up()
            capture = MicrophoneCapture()
            capture.start()
            self.loop = VoiceLoop(capture, whisper, self.responder, speech, self.config, on_event=self.event.emit)
            self.started.emit()
            self.loop.run(self.stop_event)
        except (HearthError, bundled.BundledModelError) as exc:
            self.failed.emit(str(exc))
        finally:
            for thing in (capture, speech):
                if thing is not None:
                    thing.close()
            self.ended.emit()


class VoiceMode(QWidget):
    def __init__(self, pane, settings, parent=None):
        super().__init__(parent)
        self.pane, self.settings = pane, settings
        self.responder = PaneResponder(pane)
        self._thread: QThread | None = None
        self._worker: VoiceWorker | None = None

        self.voice_button = QPushButton("Voice")
        self.voice_button.setCheckable(True)
        self.voice_button.setToolTip("Talk to the model and hear it answer (Ctrl+Shift+V)")
        self.voice_button.toggled.connect(self._on_voice_button_toggled)
        self.talk_button = QPushButton("Hold to talk")
        self.talk_button.setToolTip("Push-to-talk: speak while holding; the message is sent when you let go")
        self.talk_button.pressed.connect(lambda: self._loop_call("set_talking", True))
        self.talk_button.released.connect(lambda: self._loop_call("set_talking", False))
        self.voice_box = QComboBox()
        self.voice_box.setToolTip("The voice replies are spoken with")
        self.output_box = QComboBox()
        self.output_box.setToolTip("The speaker replies are played on")
        self.status = QLabel("")
        self._fill_choices()
        self.voice_box.currentIndexChanged.connect(lambda: settings.set(SETTING_VOICE, self.voice_box.currentData()))
        self.output_box.currentIndexChanged.connect(lambda: settings.set(SETTING_OUTPUT, self.output_box.currentData()))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.voice_button, self.talk_button, self.voice_box, self.output_box):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        self.talk_button.setEnabled(False)

        QShortcut(QKeySequence("Ctrl+Shift+V"), pane, activated=self.voice_button.toggle)
        escape = QShortcut(QKeySequence("Esc"), pane, activated=self.drop_message)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        pane.stop_button.clicked.connect(lambda: self._loop_call("stop_reply"))
        # Under the message box, in the pane's own column.
        column = pane.input.parentWidget().layout()
        column.insertWidget(column.indexOf(pane.input), self)

    def _fill_choices(self) -> None:
        chosen = self.settings.get(SETTING_VOICE) or default_voice_id()
        for voice in available_voices():
            self.voice_box.addItem(voice.name, voice.id)
            if voice.id == chosen:
                self.voice_box.setCurrentIndex(self.voice_box.count() - 1)
        self.output_box.addItem("Default speaker", None)
        try:
            devices = list_output_devices()
        except HearthError:
            devices = []
        for dev in devices:
            self.output_box.addItem(dev.name, dev.index)
            if dev.index == self.settings.get(SETTING_OUTPUT):
                self.output_box.setCurrentIndex(self.output_box.count() - 1)

    @property
    def active(self) -> bool:
        return self._thread is not None

    def _loop_call(self, name: str, *args) -> None:
        loop = self._worker.loop if self._worker else None
        if loop is not None:
            getattr(loop, name)(*args)

    @Slot()
    def drop_message(self) -> None:
        if self.active:
            self._loop_call("drop_message")
            self.pane.input.clear()

    @Slot(bool)
    def _on_voice_button_toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def start(self) -> None:
        if self.active:
            return
        config = VoiceConfig(send_pause_seconds=float(self.settings.get(SETTING_PAUSE) or 1.2), early_start=False)
        self._worker = VoiceWorker(
            self.responder,
            self.settings.speech_model,
            self.voice_box.currentData() or default_voice_id(),
            self.output_box.currentData(),
            config,
        )
        self._thread = QThread(self)
        self._thread.setObjectName("voice-loop")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.event.connect(self._on_worker_event, Queued)
        self._worker.failed.connect(self._on_worker_failed, Queued)
        self._worker.started.connect(lambda: self.status.setText("Listening…"), Queued)
        self._worker.ended.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)
        self.status.setText("Loading the voice…")
        self.talk_button.setEnabled(True)
        self._thread.start()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop_event.set()
            self._loop_call("stop_reply")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        self.stop()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(timeout_ms)

    @Slot(object)
    def _on_worker_event(self, event: VoiceEvent) -> None:
        if event.kind == "heard":
            self.pane.input.setPlainText(" ".join(t for t in (event.text, event.unconfirmed) if t))
            self.status.setText("Listening…")
        elif event.kind == "sent":
            self.status.setText("Answering…")
        elif event.kind == "spoken":
            self.status.setText("Speaking…")
        elif event.kind == "reply":
            self.status.setText("Listening…")
        elif event.kind == "dropped":
            self.pane.input.clear()
            self.status.setText("Message dropped. Listening…")
        elif event.kind == "error":
            self.status.setText(event.text)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self.status.setText(f"Voice mode stopped: {message}")

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.deleteLater()
        self._thread, self._worker = None, None
        self.talk_button.setEnabled(False)
        self.voice_button.blockSignals(True)
        self.voice_button.setChecked(False)
        self.voice_button.blockSignals(False)
        if self.status.text().startswith(("Listening", "Answering", "Speaking", "Loading", "Message")):
            self.status.setText("")
