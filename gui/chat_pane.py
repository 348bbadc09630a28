"""The chat: conversation list, message view, input, Stop/Regenerate/Edit, settings and live stats."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backend.conversations import ConversationStore, StorageError
from backend.llm import SamplingParams
from backend.models import bundled
from backend.settings import Settings
from gui.chat_input import ChatInput
from gui.conversation_list import ConversationList
from gui.conversation_settings import ConversationSettings
from gui.llm_worker import LlmWorker
from gui.threads import start_worker_thread, stop_worker_thread
from gui.widgets.message_view import MessageView
from gui.widgets.stats_bar import StatsBar

SAVE_EVERY_S = 1.0  # a crash mid-reply loses at most this much of it
# Re-rendering the growing reply's Markdown costs CPU the engine needs (on 2 cores it is the same
# CPU): paint at most this often, but paint the first words at once.
RENDER_EVERY_S = 0.1


class ChatPane(QWidget):
    model_status_changed = Signal(dict)  # loaded model facts for the status bar ({} when none)
    busy_changed = Signal(str, float)  # message ("" when idle), progress 0..1 or -1
    generation_finished = Signal(dict)

    _load_requested = Signal(str, dict)
    _generate_requested = Signal(int, list, dict)

    def __init__(self, store: ConversationStore, settings: Settings, parent=None):
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.model_info: dict = {}
        self._conversation_id = -1
        self._request_id = 0
        self._active: dict | None = None  # the reply being generated
        self._editing_last = False

        self.worker = LlmWorker()
        self.thread = start_worker_thread(self.worker, "llm-worker")
        self._load_requested.connect(self.worker.load_model)
        self._generate_requested.connect(self.worker.generate)
        self.worker.model_loading.connect(self._on_worker_model_loading)
        self.worker.model_loaded.connect(self._on_worker_model_loaded)
        self.worker.model_load_failed.connect(self._on_worker_model_load_failed)
        self.worker.tokens_received.connect(self._on_worker_tokens_received)
        self.worker.stats_updated.connect(self._on_worker_stats_updated)
        self.worker.notice.connect(self._on_worker_notice)
        self.worker.generation_finished.connect(self._on_worker_generation_finished)
        self.worker.generation_failed.connect(self._on_worker_generation_failed)

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
        self.view = MessageView()
        self.input = ChatInput()
        self.input.submitted.connect(self.send)
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.clicked.connect(self.regenerate)
        self.edit_button = QPushButton("Edit last")
        self.edit_button.setToolTip("Put your last message back in the box to change and resend it")
        self.edit_button.clicked.connect(self.edit_last)
        self.settings_button = QPushButton("Settings")
        self.settings_button.setCheckable(True)
        self.stats_bar = StatsBar()

        buttons = QHBoxLayout()
        for b in (self.send_button, self.stop_button, self.regenerate_button, self.edit_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.settings_button)

        center = QWidget()
        col = QVBoxLayout(center)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.banner)
        col.addWidget(self.view, 1)
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
        """Load a GGUF (empty: the bundled default) in the worker, with the model's saved settings."""
        if self.generating:
            self.stop()
        if not path and bundled.is_ready(bundled.DEFAULT_CHAT):
            path = str(bundled.BUNDLED[bundled.DEFAULT_CHAT].path)  # so its saved compute settings apply
        options = self.settings.model_settings(path) if path else {}
        self.model_info = {}
        self._update_buttons()
        self._load_requested.emit(path, options)

    @Slot(str, float)
    def _on_worker_model_loading(self, message: str, progress: float) -> None:
        self.busy_changed.emit(message, progress)
        self.input.setPlaceholderText(message)

    @Slot(dict)
    def _on_worker_model_loaded(self, info: dict) -> None:
        self.model_info = info
        self.settings.set("chat_model", info["path"])
        self.busy_changed.emit("", 0.0)
        self.input.setPlaceholderText("Message the model…  (Enter sends, Shift+Enter for a new line)")
        if info["template_source"] != "model":
            family = info["template_source"].split(":", 1)[1]
            self._show_banner(
                f"{info['name']} has no chat template of its own:"
                f" using the {family} format, inferred from its architecture.",
                "info",
            )
        else:
            self._hide_banner()
        self.model_status_changed.emit(info)
        self._update_buttons()

    @Slot(str)
    def _on_worker_model_load_failed(self, message: str) -> None:
        self.busy_changed.emit("", 0.0)
        self.model_info = {}
        self.input.setPlaceholderText("No model loaded — choose one in Models.")
        self._show_banner(f"Could not load the model: {message}", "error")
        self.model_status_changed.emit({})
        self._update_buttons()

    # --- conversations ---------------------------------------------------------------------

    @property
    def generating(self) -> bool:
        return self._active is not None

    @property
    def conversation_id(self) -> int:
        return self._conversation_id

    def new_conversation(self) -> int:
        defaults = self.settings.get("default_sampling", {})
        conv = self.store.create_conversation("New chat", settings=defaults)
        self.conversations.search.clear()
        self.conversations.select(conv.id)
        self._show_conversation(conv.id)
        self.input.setFocus()
        return conv.id

    @Slot(int)
    def _on_conversations_selected(self, conversation_id: int) -> None:
        if conversation_id != self._conversation_id:
            self._show_conversation(conversation_id)

    def _show_conversation(self, conversation_id: int) -> None:
        self._conversation_id = conversation_id
        self._editing_last = False
        self.view.clear()
        self.stats_bar.reset()
        conv = self.store.get_conversation(conversation_id) if conversation_id >= 0 else None
        if conv is None:
            self._conversation_id = -1
            self.conv_settings.set_values("", SamplingParams.from_dict(self.settings.get("default_sampling", {})))
            self._update_buttons()
            return
        self.conv_settings.set_values(conv.system_prompt, SamplingParams.from_dict(conv.settings))
        for msg in self.store.messages(conversation_id):
            active = self._active and self._active["message_id"] == msg.id
            note = "" if msg.complete or active else "(interrupted — the app closed before this reply finished)"
            bubble = self.view.add(msg.role, self._active["text"] if active else msg.content, msg.stats, note)
            if active:
                self._active["bubble"] = bubble
        self._update_buttons()

    @Slot()
    def _on_conv_settings_changed(self) -> None:
        params = self.conv_settings.params()
        values = {k: getattr(params, k) for k in SamplingParams.__dataclass_fields__}
        self.settings.set("default_sampling", values)
        if self._conversation_id >= 0:
            self._save(
                self.store.update_conversation_settings, self._conversation_id, self.conv_settings.system_text(), values
            )

    # --- sending ---------------------------------------------------------------------------

    def insert_text(self, text: str) -> None:
        """Put text (e.g. dictation) into the message box for the user to edit and send."""
        cursor = self.input.textCursor()
        cursor.insertText(text)
        self.input.setFocus()

    @Slot()
    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or self.generating or not self.model_info:
            return
        try:
            if self._conversation_id < 0:
                self.new_conversation()
            cid = self._conversation_id
            if self._editing_last:
                self._drop_last_exchange()
                self._editing_last = False
            first = not self.store.messages(cid)
            if first:
                self.store.rename_conversation(cid, _title_from(text))
            self.store.add_message(cid, "user", text)
        except StorageError as exc:
            self._show_banner(f"Your message was not sent, it is still in the box: {exc}", "error")
            return
        self._start_reply(user_text=text)
        if first:
            self.conversations.refresh()

    def _start_reply(self, user_text: str = "") -> None:
        """Ask the worker for a reply first, then build the widgets while it reads the prompt."""
        cid = self._conversation_id
        history = [{"role": m.role, "content": m.content} for m in self.store.messages(cid)]
        system = self.conv_settings.system_text().strip()
        if system:
            history.insert(0, {"role": "system", "content": system})
        try:
            message = self.store.add_message(cid, "assistant", "", complete=False, model=self.model_info.get("name"))
        except StorageError as exc:
            self._show_banner(f"No reply was started: {exc}", "error")
            self._update_buttons()
            return
        self._request_id += 1
        self._active = {
            "request_id": self._request_id,
            "conversation_id": cid,
            "message_id": message.id,
            "text": "",
            "saved_at": time.monotonic(),
            "bubble": None,
        }
        self.worker.cancel.clear()
        params = self.conv_settings.params()
        self._generate_requested.emit(
            self._request_id, history, {k: getattr(params, k) for k in SamplingParams.__dataclass_fields__}
        )
        # Tokens reach this (GUI) thread only after this method returns: the bubble is there first.
        if user_text:
            self.view.add("user", user_text)
            self.input.clear()
        self._active["bubble"] = self.view.add("assistant")
        self.stats_bar.reset()
        self._hide_banner_unless_info()
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        self.worker.cancel.set()

    @Slot()
    def regenerate(self) -> None:
        if self.generating or not self.model_info or self._conversation_id < 0:
            return
        messages = self.store.messages(self._conversation_id)
        if not messages:
            return
        if messages[-1].role == "assistant":
            if not self._save(self.store.delete_message, messages[-1].id):
                return
            self.view.remove_last()
        self._start_reply()

    @Slot()
    def edit_last(self) -> None:
        if self.generating or self._conversation_id < 0:
            return
        users = [m for m in self.store.messages(self._conversation_id) if m.role == "user"]
        if not users:
            return
        self.input.setPlainText(users[-1].content)
        self.input.setFocus()
        self._editing_last = True
        self._show_banner("Editing your last message: Send replaces it and its reply.", "info")

    def _drop_last_exchange(self) -> None:
        messages = self.store.messages(self._conversation_id)
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
        if last_user is None:
            return
        for m in messages[last_user:]:
            self.store.delete_message(m.id)
            self.view.remove_last()

    # --- streaming -------------------------------------------------------------------------

    def _is_active(self, request_id: int) -> bool:
        return self._active is not None and self._active["request_id"] == request_id

    @Slot(int, str)
    def _on_worker_tokens_received(self, request_id: int, text: str) -> None:
        if not self._is_active(request_id):
            return
        active = self._active
        active["text"] += text
        now = time.monotonic()
        wait = RENDER_EVERY_S - (now - active.get("rendered_at", 0.0))
        if wait <= 0:
            self._render_active_reply()
        elif not self._render_timer.isActive():
            self._render_timer.start(int(wait * 1000) + 1)
        if now - active["saved_at"] >= SAVE_EVERY_S:
            active["saved_at"] = now
            if not active.get("save_failed"):  # say it once; the reply keeps streaming on screen
                active["save_failed"] = not self._save(
                    self.store.update_message_content, active["message_id"], active["text"]
                )

    def _render_active_reply(self) -> None:
        active = self._active
        if active and active["conversation_id"] == self._conversation_id and active.get("bubble"):
            active["bubble"].set_text(active["text"])
            active["rendered_at"] = time.monotonic()

    def _end_active_reply(self) -> dict:
        """The reply is over: paint its last words and stop tracking it."""
        self._render_timer.stop()
        self._render_active_reply()
        active, self._active = self._active, None
        return active

    @Slot(int, dict)
    def _on_worker_stats_updated(self, request_id: int, stats: dict) -> None:
        if self._is_active(request_id) and self._active["conversation_id"] == self._conversation_id:
            self.stats_bar.show_stats(stats, live=True)

    @Slot(int, str)
    def _on_worker_notice(self, request_id: int, message: str) -> None:
        if self._is_active(request_id):
            self._show_banner(message, "info")

    @Slot(int, dict)
    def _on_worker_generation_finished(self, request_id: int, stats: dict) -> None:
        if not self._is_active(request_id):
            return
        active = self._end_active_reply()
        self._save(self.store.finish_message, active["message_id"], active["text"], stats)
        if active["conversation_id"] == self._conversation_id:
            self.stats_bar.show_stats(stats)
            if active.get("bubble"):
                active["bubble"].set_stats(stats)
        self._update_buttons()
        self.generation_finished.emit(stats)

    @Slot(int, str)
    def _on_worker_generation_failed(self, request_id: int, message: str) -> None:
        if not self._is_active(request_id):
            return
        active = self._end_active_reply()
        if active["text"]:
            self._save(self.store.finish_message, active["message_id"], active["text"], {"stop_reason": "error"})
        else:
            self._save(self.store.delete_message, active["message_id"])
            if active["conversation_id"] == self._conversation_id:
                self.view.remove_last()
        self._show_banner(message[:1].upper() + message[1:], "error")
        self._update_buttons()
        self.generation_finished.emit({"stop_reason": "error", "error": message})

    # --- state -----------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        ready = bool(self.model_info)
        busy = self.generating
        has_messages = self._conversation_id >= 0 and bool(self.view.bubbles)
        self.send_button.setEnabled(ready and not busy)
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(ready and not busy and has_messages)
        self.edit_button.setEnabled(not busy and has_messages)

    def _save(self, write, *args) -> bool:
        """Run one store write; a full or read-only disk is said in the banner instead of raised."""
        try:
            write(*args)
            return True
        except StorageError as exc:
            message = str(exc)
            self._show_banner(message[:1].upper() + message[1:], "error")
            return False

    def _show_banner(self, text: str, kind: str) -> None:
        color = {"error": "#ffebe9; color:#82071e", "info": "#fff8c5; color:#4d2d00"}[kind]
        self.banner.setStyleSheet(f"background:{color}; padding:6px; border-radius:4px;")
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
        """Stop any reply, keep what was written, and end the worker thread."""
        if self._active:
            self._save(self.store.update_message_content, self._active["message_id"], self._active["text"])
        if stop_worker_thread(self.thread, self.worker.cancel):
            self.worker.engine.unload()  # the thread has ended: nothing else can touch the engine now
        if self._active:
            active, self._active = self._active, None
            self._save(self.store.finish_message, active["message_id"], active["text"], {"stop_reason": "stopped"})


def _title_from(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 48 else line[:47].rstrip() + "…"
