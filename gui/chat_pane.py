"""The chat: conversation list, message view, input, Stop/Regenerate/Edit, settings and live stats.

The chat's state and its saving rules live in backend.chat_session.ChatSession; this widget shows
that state and passes the user's actions and the engine's results to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from backend.chat_model_status import ChatModelStatus
from backend.chat_session import ChatSession, LiveStats, ReplyFailed, ReplyFinished, ReplyRequest
from backend.conversations import ConversationStore, StorageError
from backend.llm import SamplingParams
from backend.llm_service import LlmService
from backend.models import bundled
from backend.settings import Settings
from gui import icons, theme
from gui.backend_text import progress_text
from gui.chat_input import ChatInput
from gui.conversation_list import ConversationList
from gui.conversation_settings import ConversationSettings
from gui.error_text import error_text, message_text
from gui.llm_worker import LlmWorker
from gui.model_picker import ModelChoice, ModelPicker
from gui.welcome import Welcome
from gui.widgets.message_view import MessageBubble, MessageView
from gui.widgets.stats_bar import StatsBar

# Re-rendering the growing reply's Markdown costs CPU the engine needs (on 2 cores it is the same
# CPU): paint at most this often, but paint the first words at once.
RENDER_EVERY_S = 0.1
Queued = Qt.ConnectionType.QueuedConnection


class ChatPane(QWidget):
    model_status_changed = Signal(object)  # ChatModelStatus, or None when no model is loaded
    busy_changed = Signal(str, float)  # message ("" when idle), progress 0..1 or -1
    generation_finished = Signal(dict)  # the reply's saved timings (stop_reason inside; "error" on failure)

    def __init__(
        self, store: ConversationStore, settings: Settings, llm_service: LlmService | None = None, parent=None
    ):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.session = ChatSession(store)
        self.model_info: ChatModelStatus | None = None
        self._active_bubble: MessageBubble | None = None
        self._rendered_at = 0.0
        # The window shares one service among its panels; a pane made on its own owns one.
        self._owns_service = llm_service is None
        self.llm_service = llm_service or LlmService()

        self.worker = LlmWorker(self.llm_service, self)
        # Queued even from this thread: a request refused at once must not end the reply before it began.
        self.worker.model_loading.connect(self._on_worker_model_loading, Queued)
        self.worker.model_loaded.connect(self._on_worker_model_loaded, Queued)
        self.worker.model_load_failed.connect(self._on_worker_model_load_failed, Queued)
        self.worker.tokens_received.connect(self._on_worker_tokens_received, Queued)
        self.worker.stats_updated.connect(self._on_worker_stats_updated, Queued)
        self.worker.notice.connect(self._on_worker_notice, Queued)
        self.worker.generation_finished.connect(self._on_worker_generation_finished, Queued)
        self.worker.generation_failed.connect(self._on_worker_generation_failed, Queued)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render_active_reply)

        self._build()
        self.conversations.refresh()
        first = self.store.list_conversations()
        if first:
            self.conversations.select(first[0].id)
            self._show_conversation(first[0].id)
        self._update_buttons()

    # --- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.conversations = ConversationList(self.store)
        self.conversations.selected.connect(self._on_conversations_selected)
        self.conversations.new_requested.connect(self.new_conversation)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setObjectName("chat_banner")
        self.banner.setTextFormat(Qt.PlainText)  # it quotes model names and errors, which come from files
        self.view = MessageView()
        self.model_picker = ModelPicker(self.tr("Model:"))
        self.model_picker.chosen.connect(self._on_model_picker_chosen)
        self.welcome = Welcome(self.settings)  # what an empty conversation shows instead of the view
        self.welcome.prompt_chosen.connect(self._on_welcome_prompt_chosen)
        self.welcome.use_model_requested.connect(self.load_model)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.view)
        self.input = ChatInput()
        self.input.submitted.connect(self.send)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        self.regenerate_button.clicked.connect(self.regenerate)
        self.edit_button = QPushButton(self.tr("Edit last"))
        self.edit_button.setToolTip(self.tr("Put your last message back in the box to change and resend it"))
        self.edit_button.clicked.connect(self.edit_last)
        self.settings_button = QPushButton(self.tr("Settings"))
        self.settings_button.setCheckable(True)
        self.send_button.setProperty("primary", True)  # the one filled button: where the eye goes
        icons.set_icon(self.send_button, "send", "accent_text")
        for button, name in (
            (self.stop_button, "stop"),
            (self.regenerate_button, "regenerate"),
            (self.edit_button, "edit"),
            (self.settings_button, "settings"),
        ):
            icons.set_icon(button, name)
        self.stats_bar = StatsBar()

        buttons = QHBoxLayout()
        for b in (self.send_button, self.stop_button, self.regenerate_button, self.edit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_button)

        center = QWidget()
        col = QVBoxLayout(center)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.model_picker)
        col.addWidget(self.banner)
        col.addWidget(self.stack, 1)
        col.addWidget(self.stats_bar)
        col.addWidget(self.input)
        col.addLayout(buttons)

        self.conv_settings = ConversationSettings()
        self.conv_settings.changed.connect(self._on_conv_settings_changed)
        self.conv_settings.setVisible(False)
        self.settings_button.toggled.connect(self.conv_settings.setVisible)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.conversations)
        splitter.addWidget(center)
        splitter.addWidget(self.conv_settings)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 700, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    # --- model -----------------------------------------------------------------------------

    def load_model(self, path: str = "") -> None:
        """Load a GGUF (empty: the bundled default) on the engine thread, with the model's saved settings."""
        if self.generating:
            self.stop()
        if not path and bundled.is_ready(bundled.DEFAULT_CHAT):
            path = str(bundled.BUNDLED[bundled.DEFAULT_CHAT].path)  # so its saved compute settings apply
        self.model_info = None
        self._update_buttons()
        self.worker.load_model(path, self.settings.model_settings(path))

    @Slot(str, float)
    def _on_worker_model_loading(self, message: str, progress: float) -> None:
        message = progress_text(message)
        self.busy_changed.emit(message, progress)
        self.input.setPlaceholderText(message)
        self.model_picker.set_loading(message, progress)
        self.welcome.set_model(self.model_info, message)

    @Slot(object)
    def _on_worker_model_loaded(self, status: ChatModelStatus) -> None:
        self.model_info = status
        self.settings.chat_model = status.path
        self.busy_changed.emit("", 0.0)
        self.model_picker.set_current(status.path, status.name, f"{status.quantization} · {status.compute_backend}")
        self.welcome.set_model(status)
        self.input.setPlaceholderText(self.tr("Message the model…  (Enter sends, Shift+Enter for a new line)"))
        self.input.viewport().update()  # QPlainTextEdit does not repaint a changed placeholder by itself
        if status.inferred_family:
            self._show_banner(
                self.tr(
                    "{name} has no chat template of its own: using the {family} format, inferred from its architecture."
                ).format(name=status.name, family=status.inferred_family),
                "info",
            )
        else:
            self._hide_banner()
        self.model_status_changed.emit(status)
        self._update_buttons()

    @Slot(str)
    def _on_worker_model_load_failed(self, message: str) -> None:
        self.busy_changed.emit("", 0.0)
        self.model_info = None
        self.input.setPlaceholderText(self.tr("No model loaded — choose one in Models."))
        self.model_picker.set_current(None, self.tr("No model loaded"))
        self.welcome.set_model(None)
        self._show_banner(self.tr("Could not load the model: {error}").format(error=message_text(message)), "error")
        self.model_status_changed.emit(None)
        self._update_buttons()

    @Slot(object)
    def _on_model_picker_chosen(self, choice: ModelChoice) -> None:
        self.load_model(choice.ref)

    # --- conversations ---------------------------------------------------------------------

    @property
    def generating(self) -> bool:
        return self.session.generating

    @property
    def conversation_id(self) -> int:
        return self.session.conversation_id

    def new_conversation(self) -> int:
        conversation_id = self.session.new_conversation(self.settings.default_sampling)
        self.conversations.search.clear()
        self.conversations.select(conversation_id)
        self._show_conversation(conversation_id)
        self.input.setFocus()
        return conversation_id

    @Slot(int)
    def _on_conversations_selected(self, conversation_id: int) -> None:
        if conversation_id != self.session.conversation_id:
            self._show_conversation(conversation_id)

    def _show_conversation(self, conversation_id: int) -> None:
        session = self.session
        session.open(conversation_id)
        self.view.clear()
        self._active_bubble = None
        self.stats_bar.reset()
        conv = self.store.get_conversation(session.conversation_id) if session.conversation_id >= 0 else None
        if conv is None:
            self.conv_settings.set_values("", self.settings.default_sampling)
            self._show_welcome_if_empty()
            self._update_buttons()
            return
        self.conv_settings.set_values(conv.system_prompt, SamplingParams.from_dict(conv.settings))
        for msg in session.messages():
            if session.is_active_message(msg):
                self._active_bubble = self.view.add(msg.role, session.active.text)
            else:
                self.view.add(msg.role, msg.content, msg.stats, "" if msg.complete else self._interrupted_note())
        self._show_welcome_if_empty()
        self._update_buttons()

    def _show_welcome_if_empty(self) -> None:
        self.welcome.refresh()
        self.stack.setCurrentWidget(self.view if self.view.bubbles else self.welcome)

    @Slot()
    def _on_conv_settings_changed(self) -> None:
        params = self.conv_settings.params()
        self.settings.default_sampling = params
        self._save(self.session.save_settings, self.conv_settings.system_text(), params)

    # --- sending ---------------------------------------------------------------------------

    @Slot(str)
    def _on_welcome_prompt_chosen(self, text: str) -> None:
        """An example prompt: sent at once when a model is ready, else left in the box to send later."""
        self.input.setPlainText(text)
        self.input.setFocus()
        self.send()

    def insert_text(self, text: str) -> None:
        """Put text (e.g. dictation) into the message box for the user to edit and send."""
        cursor = self.input.textCursor()
        cursor.insertText(text)
        self.input.setFocus()

    @Slot()
    def send(self) -> None:
        self.send_with(self.worker.generate)

    def send_with(self, generate: Callable[[ReplyRequest], None]) -> None:
        """Send what is in the box; `generate(request)` starts its reply (voice mode adopts one begun early)."""
        text = self.input.toPlainText().strip()
        if not text or self.generating or not self.model_info:
            return
        try:
            if self.session.conversation_id < 0:
                self.new_conversation()
            saved = self.session.add_user_message(text, self.conv_settings.params())
        except StorageError as exc:
            self._show_banner(
                self.tr("Your message was not sent, it is still in the box: {error}").format(error=error_text(exc)),
                "error",
            )
            return
        for _ in range(saved.removed):
            self.view.remove_last()
        self._start_reply(user_text=text, generate=generate)
        if saved.titled:
            self.conversations.refresh()

    def _start_reply(self, user_text: str = "", generate: Callable[[ReplyRequest], None] | None = None) -> None:
        """Ask the engine for a reply first, then build the widgets while it reads the prompt."""
        try:
            request = self.session.begin_reply(
                self.conv_settings.system_text(), self.conv_settings.params(), self.model_info.name
            )
        except StorageError as exc:
            self._show_banner(self.tr("No reply was started: {error}").format(error=error_text(exc)), "error")
            self._update_buttons()
            return
        (generate or self.worker.generate)(request)
        self.welcome.mark_seen()  # from now on, new conversations get the lighter welcome
        self.stack.setCurrentWidget(self.view)
        # Tokens reach this (GUI) thread only after this method returns: the bubble is there first.
        if user_text:
            self.view.add("user", user_text)
            self.input.clear()
        self._active_bubble = self.view.add("assistant")
        self._rendered_at = 0.0
        self.stats_bar.reset()
        self._hide_banner_unless_info()
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        self.session.stop()

    @Slot()
    def regenerate(self) -> None:
        if not self.model_info or not self.session.can_regenerate():
            return
        try:
            removed = self.session.drop_last_reply()
        except StorageError as exc:
            self._show_storage_error(exc)
            return
        if removed:
            self.view.remove_last()
        self._start_reply()

    @Slot()
    def edit_last(self) -> None:
        text = self.session.edit_last()
        if text is None:
            return
        self.input.setPlainText(text)
        self.input.setFocus()
        self._show_banner(self.tr("Editing your last message: Send replaces it and its reply."), "info")

    # --- streaming -------------------------------------------------------------------------

    @Slot(int, str)
    def _on_worker_tokens_received(self, request_id: int, text: str) -> None:
        if not self.session.is_current(request_id):
            return
        error = self.session.append(request_id, text)
        if error:
            self._show_banner(_sentence(message_text(error)), "error")
        wait = RENDER_EVERY_S - (time.monotonic() - self._rendered_at)
        if wait <= 0:
            self._render_active_reply()
        elif not self._render_timer.isActive():
            self._render_timer.start(int(wait * 1000) + 1)

    def _render_active_reply(self) -> None:
        if self.session.showing_active() and self._active_bubble is not None:
            self._active_bubble.set_text(self.session.active.text)
            self._rendered_at = time.monotonic()

    def _paint_last_words(self) -> MessageBubble | None:
        """The reply is about to end: paint its last words and let go of its bubble."""
        self._render_timer.stop()
        self._render_active_reply()
        bubble, self._active_bubble = self._active_bubble, None
        return bubble if self.session.showing_active() else None

    @Slot(object)
    def _on_worker_stats_updated(self, stats: LiveStats) -> None:
        if self.session.is_current(stats.request_id) and self.session.showing_active():
            self.stats_bar.show_stats(stats, live=True)

    @Slot(int, str)
    def _on_worker_notice(self, request_id: int, message: str) -> None:
        if self.session.is_current(request_id):
            self._show_banner(message, "info")

    @Slot(object)
    def _on_worker_generation_finished(self, finished: ReplyFinished) -> None:
        if not self.session.is_current(finished.request_id):
            return
        bubble = self._paint_last_words()
        ended = self.session.finish(finished)
        if ended.save_error:
            self._show_banner(_sentence(message_text(ended.save_error)), "error")
        if bubble is not None:
            self.stats_bar.show_stats(finished.stats)
            bubble.set_stats(ended.stats)
            self.view.announce_reply(bubble)
        self._update_buttons()
        self.generation_finished.emit(ended.stats)

    @Slot(object)
    def _on_worker_generation_failed(self, failed: ReplyFailed) -> None:
        if not self.session.is_current(failed.request_id):
            return
        bubble = self._paint_last_words()
        ended = self.session.fail(failed)
        if ended.stats is None and bubble is not None:
            self.view.remove_last()
        said = message_text(failed.message) + (f" ({message_text(ended.save_error)})" if ended.save_error else "")
        self._show_banner(_sentence(said), "error")
        self._update_buttons()
        self.generation_finished.emit({"stop_reason": "error", "error": failed.message})

    # --- state -----------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = self.model_info is not None
        busy = self.generating
        has_messages = self.session.conversation_id >= 0 and bool(self.view.bubbles)
        self.send_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(ready and not busy and has_messages)
        self.edit_button.setEnabled(not busy and has_messages)
        # Disabled buttons say why; enabled ones what they do.
        no_model = self.tr("No chat model is loaded yet: wait for it, or choose one above")
        wait = self.tr("Wait for the reply, or press Stop")
        self.send_button.setToolTip(self.tr("Send (Enter)") if ready and not busy else wait if busy else no_model)
        self.stop_button.setToolTip(
            self.tr("Stop the reply, keeping what was written") if busy else self.tr("No reply is being written")
        )
        self.regenerate_button.setToolTip(
            wait
            if busy
            else no_model
            if not ready
            else self.tr("Write the last reply again")
            if has_messages
            else self.tr("Nothing to regenerate yet")
        )
        self.edit_button.setToolTip(
            wait
            if busy
            else self.tr("Put your last message back in the box to change and resend it")
            if has_messages
            else self.tr("Nothing to edit yet")
        )

    def _save(self, write, *args) -> bool:
        """Run one store write; a full or read-only disk is said in the banner instead of raised."""
        try:
            write(*args)
            return True
        except StorageError as exc:
            self._show_storage_error(exc)
            return False

    def _interrupted_note(self) -> str:
        return self.tr("(interrupted — the app closed before this reply finished)")

    def _show_storage_error(self, exc: StorageError) -> None:
        self._show_banner(_sentence(error_text(exc)), "error")

    def _show_banner(self, text: str, kind: str) -> None:
        c = theme.colors()
        background, color = (c.error_bg, c.error_text) if kind == "error" else (c.info_bg, c.info_text)
        self.banner.setStyleSheet(f"background:{background}; color:{color}; padding:6px; border-radius:6px;")
        self.banner.setText(text)
        self.banner.setProperty("kind", kind)
        self.banner.setVisible(True)

    def _hide_banner(self) -> None:
        self.banner.setVisible(False)
        self.banner.setText("")

    def _hide_banner_unless_info(self) -> None:
        if self.banner.property("kind") == "error":
            self._hide_banner()

    def shutdown(self) -> None:
        """Stop any reply and keep what was shown, saved and marked stopped."""
        if self.session.active:
            self._paint_last_words()
            self.session.save_progress()
            self.session.stop()
        if self._owns_service:
            self.llm_service.close()
        self.session.end_interrupted()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
