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

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from backend.chat_session import ReplyFailed, ReplyRequest
from backend.errors import HearthError
from backend.llm_service import GenerationResult
from backend.speech_out import available_voices, default_voice_id, list_output_devices
from backend.voice_loop import VoiceConfig, VoiceEvent
from gui import icons
from gui.error_text import message_text
from gui.talk_key import TalkKey

Queued = Qt.ConnectionType.QueuedConnection
SETTING_VOICE, SETTING_OUTPUT, SETTING_PAUSE = "voice_id", "voice_output_device", "voice_send_pause_seconds"
SETTING_TALK_KEY = "voice_talk_key"  # a QKeySequence, "Ctrl+Space" unless set


class _AnyCancel:
    """An early reply's cancel, as the engine sees it: set by the voice loop (the speaker went on, or
    Stop), by the pane's own Stop once the reply is shown there, or by the engine queue closing."""

    def __init__(self, *events: threading.Event):
        self._own = threading.Event()
        self.events = [self._own, *events]

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)

    def set(self) -> None:
        self._own.set()

    def also(self, event: threading.Event) -> None:
        self.events.append(event)


class _EarlyReply:
    """A reply begun when the phrase ended, unseen until its message is sent; then the pane adopts it."""

    def __init__(self, text: str, on_voice_piece, loop_cancel: threading.Event):
        self.text, self.on_voice_piece = text, on_voice_piece
        self.cancel = _AnyCancel(loop_cancel)
        self.future: Future[GenerationResult] = Future()  # what the voice loop waits on
        self.future.set_running_or_notify_cancel()
        self.messages: list[dict] = []  # the prompt it was begun with
        self.engine: Future[GenerationResult] | None = None
        self.adopted = False
        self._lock = threading.Lock()
        self._pieces: list[str] = []
        self._generation = None
        self._relay = None

    def begin(self, pane) -> None:  # on the GUI thread
        system = pane.conv_settings.system_text()
        self.messages = [m.as_dict() for m in pane.session.history(system)] + [{"role": "user", "content": self.text}]
        self.engine = pane.llm_service.chat(
            self.messages, pane.conv_settings.params(), cancel=self.cancel, on_piece=self._on_engine_piece
        )
        self.engine.add_done_callback(self._on_engine_done)

    def adopt(self, pane, request: ReplyRequest) -> bool:
        """The pane sent the message: its reply is this one, from the first piece on (GUI thread)."""
        if request.message_dicts() != self.messages:
            return False
        self.cancel.also(request.cancel)
        relay = pane.worker.relay(request.request_id)
        with self._lock:
            if self._pieces:
                relay.on_piece("".join(self._pieces), self._generation)
            self._relay = relay
        self.engine.add_done_callback(relay.on_done)
        self.adopted = True
        return True

    def fail(self, error: Exception) -> None:
        with self._lock:
            if not self.future.done():
                self.future.set_exception(error)

    def _on_engine_piece(self, piece: str, generation) -> None:  # on the engine thread
        with self._lock:
            self._pieces.append(piece)
            self._generation = generation
            if self._relay is not None:
                self._relay.on_piece(piece, generation)
        self.on_voice_piece(piece)

    def _on_engine_done(self, engine: Future) -> None:
        try:
            result = engine.result()
        except Exception as exc:
            self.fail(exc)
            return
        with self._lock:
            if not self.future.done():
                self.future.set_result(result)


class PaneResponder(QObject):
    """What VoiceLoop talks to in the window. A reply is begun on the chat engine as soon as the phrase
    ends (with the prompt the pane would send), unseen; when the loop confirms the message, it is sent
    through the chat pane like a typed one (shown, saved) and the reply so far, and what follows,
    streams into it. The same early start as `main.py talk`, shown in the window."""

    begin_requested = Signal(object)  # _EarlyReply
    show_requested = Signal(object)

    def __init__(self, pane):
        super().__init__()
        self.pane = pane
        self._latest: _EarlyReply | None = None
        self.begin_requested.connect(self._on_begin_requested, Queued)
        self.show_requested.connect(self._on_show_requested, Queued)

    def start(self, text: str, on_piece, cancel: threading.Event) -> Future:  # on the voice thread
        early = _EarlyReply(text, on_piece, cancel)
        self._latest = early
        self.begin_requested.emit(early)
        return early.future

    def confirm(self, reply: Future) -> None:  # on the voice thread
        early = self._latest
        if early is not None and early.future is reply:
            self.show_requested.emit(early)

    def finished(self, text: str, reply: str) -> None:
        """The pane's chat session already holds the conversation."""

    @Slot(object)
    def _on_begin_requested(self, early: _EarlyReply) -> None:
        if early.cancel.is_set():
            early.fail(HearthError(self.tr("the message was dropped")))
        elif not self.pane.model_info:
            early.fail(HearthError(self.tr("the message was not sent: load a chat model first")))
        elif self.pane.generating:
            early.fail(HearthError(self.tr("the message was not sent: a reply is still being written")))
        else:
            try:
                early.begin(self.pane)
            except HearthError as exc:  # the engine's queue is full or closing
                early.fail(exc)

    @Slot(object)
    def _on_show_requested(self, early: _EarlyReply) -> None:
        if early.engine is None:
            return  # it never began; the loop says why
        pane = self.pane
        pane.input.setPlainText(early.text)
        pane.send_with(lambda request: self._adopt(early, request))
        if not early.adopted:
            early.cancel.set()
            early.fail(HearthError(self.tr("the message was not sent; say it again")))

    def _adopt(self, early: _EarlyReply, request: ReplyRequest) -> None:
        if not early.adopt(self.pane, request):  # the conversation changed while the reply was begun
            self.pane.worker.generation_failed.emit(
                ReplyFailed(request.request_id, self.tr("the conversation changed while you spoke; say it again"))
            )


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

        self.voice_button = QPushButton(self.tr("Voice"))
        self.voice_button.setCheckable(True)
        icons.set_icon(self.voice_button, "mic")
        self.voice_button.setToolTip(self.tr("Talk to the model and hear it answer (Ctrl+Shift+V)"))
        self.voice_button.toggled.connect(self._on_voice_button_toggled)
        self.talk_button = QPushButton(self.tr("Hold to talk"))
        self.talk_button.pressed.connect(lambda: self._loop_call("set_talking", True))
        self.talk_button.released.connect(lambda: self._loop_call("set_talking", False))
        self.talk_key = TalkKey(
            pane, settings.get(SETTING_TALK_KEY), self._on_talk_key_held, self.talk_button.isEnabled
        )
        self.talk_button.setToolTip(
            self.tr("Push-to-talk: speak while holding it (or {key}); the message is sent when you let go").format(
                key=self.talk_key.text()
            )
        )
        self.voice_box = QComboBox()
        self.voice_box.setAccessibleName(self.tr("Voice"))
        self.voice_box.setToolTip(self.tr("The voice replies are spoken with"))
        self.output_box = QComboBox()
        self.output_box.setAccessibleName(self.tr("Speaker"))
        self.output_box.setToolTip(self.tr("The speaker replies are played on"))
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

        voice_key = QShortcut(QKeySequence("Ctrl+Shift+V"), pane, activated=self.voice_button.toggle)
        voice_key.setWhatsThis(self.tr("Chat: Voice conversation on or off"))  # Help → Keyboard shortcuts
        escape = QShortcut(QKeySequence("Esc"), pane, activated=self.drop_message)
        escape.setWhatsThis(self.tr("Chat: Drop the message being spoken (voice conversation)"))
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
        self.output_box.addItem(self.tr("Default speaker"), None)
        try:
            devices = list_output_devices()
        except HearthError:
            devices = []
        for dev in devices:
            self.output_box.addItem(dev.name, dev.index)
            if dev.index == self.settings.get(SETTING_OUTPUT):
                self.output_box.setCurrentIndex(self.output_box.count() - 1)

    def _on_talk_key_held(self, down: bool) -> None:
        self.talk_button.setDown(down)
        self._loop_call("set_talking", down)

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
        config = VoiceConfig(send_pause_seconds=float(self.settings.get(SETTING_PAUSE) or 1.2))
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
        self._worker.started.connect(lambda: self.status.setText(self.tr("Listening…")), Queued)
        self._worker.ended.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)
        self.status.setText(self.tr("Loading the voice…"))
        self.talk_button.setEnabled(True)
        self._thread.start()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop_event.set()
            self._loop_call("stop_reply")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        self.talk_key.close()
        self.stop()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait(timeout_ms)

    @Slot(object)
    def _on_worker_event(self, event: VoiceEvent) -> None:
        if event.kind == "heard":
            self.pane.input.setPlainText(" ".join(t for t in (event.text, event.unconfirmed) if t))
            self.status.setText(self.tr("Listening…"))
        elif event.kind == "sent":
            self.status.setText(self.tr("Answering…"))
        elif event.kind == "spoken":
            self.status.setText(self.tr("Speaking…"))
        elif event.kind == "reply":
            self.status.setText(self.tr("Listening…"))
        elif event.kind == "dropped":
            self.pane.input.clear()
            self.status.setText(self.tr("Message dropped. Listening…"))
        elif event.kind == "error":
            self.status.setText(message_text(event.text))

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self.status.setText(self.tr("Voice mode stopped: {error}").format(error=message_text(message)))

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
