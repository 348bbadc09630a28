"""Qt-free chat state: the conversation being shown, the reply in progress, and what is saved when.

The window drives one ChatSession (the server and voice mode can drive their own on the same store):
`send` or `regenerate` returns a ReplyRequest for the engine, the engine's pieces go to `append`, and
`finish` or `fail` ends the reply. Everything a crash could lose is written as it happens:
- the user's message before the request is made (if that fails, nothing is sent and the caller keeps
  the text in its box);
- an empty, incomplete assistant message before the first token, then its text at most every
  SAVE_EVERY_S while it streams, so a crash loses at most that much of it;
- the final text and timings, marked complete, when it ends; on shutdown, what was shown, marked
  "stopped".
Only the thread that owns the store (the GUI thread in the window) calls a ChatSession.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from backend.conversations import ConversationStore, Message, StorageError
from backend.generation_stats import GenerationStats, StopReason
from backend.llm import ChatMessage, SamplingParams

SAVE_EVERY_S = 1.0  # a crash mid-reply loses at most this much of it
TITLE_CHARS = 48


@dataclass(frozen=True)
class ReplyRequest:
    """One reply asked of the engine. It owns its cancel Event: a new one per request, nothing to reset."""

    request_id: int
    messages: tuple[ChatMessage, ...]
    params: SamplingParams
    cancel: threading.Event

    def message_dicts(self) -> list[dict]:
        return [m.as_dict() for m in self.messages]


@dataclass(frozen=True)
class LiveStats:
    """The figures shown while a reply streams (sent about 4 times a second)."""

    request_id: int
    ttft_ms: float
    prompt_tokens_per_second: float
    tokens_per_second: float
    generated_tokens: int
    context_used: int
    n_ctx: int


@dataclass(frozen=True)
class ReplyFinished:
    request_id: int
    stats: GenerationStats  # a copy the engine no longer touches
    template_source: str

    def saved_stats(self) -> dict:
        """The timings as stored with the message (and exported)."""
        return self.stats.to_dict() | {"template_source": self.template_source}


@dataclass(frozen=True)
class ReplyFailed:
    request_id: int
    message: str  # a sentence for the user


@dataclass
class ActiveReply:
    """The reply being generated; lives on the session's thread only."""

    request: ReplyRequest
    conversation_id: int
    message_id: int
    text: str = ""
    saved_at: float = 0.0
    save_failed: bool = False


@dataclass(frozen=True)
class SavedUserMessage:
    removed: int  # messages dropped from the end first (Edit last replaced them)
    titled: bool  # this was the conversation's first message: it was named after it


@dataclass(frozen=True)
class EndedReply:
    conversation_id: int
    text: str
    stats: dict | None  # None: the reply was empty and removed
    save_error: str | None = None


def title_from(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1].rstrip() + "…"


class ChatSession:
    def __init__(self, store: ConversationStore, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.clock = clock
        self.conversation_id = -1
        self.active: ActiveReply | None = None
        self.editing_last = False
        self.last_cancel: threading.Event | None = None  # the newest request's, kept after it ends
        self._request_id = 0

    # --- which conversation ----------------------------------------------------------------

    @property
    def generating(self) -> bool:
        return self.active is not None

    def open(self, conversation_id: int) -> bool:
        """Show another conversation (a reply in progress elsewhere keeps streaming into its own)."""
        self.editing_last = False
        exists = conversation_id >= 0 and self.store.get_conversation(conversation_id) is not None
        self.conversation_id = conversation_id if exists else -1
        return exists

    def new_conversation(self, params: SamplingParams) -> int:
        conversation = self.store.create_conversation("New chat", settings=params.to_dict())
        self.open(conversation.id)
        return conversation.id

    def messages(self) -> list[Message]:
        return self.store.messages(self.conversation_id) if self.conversation_id >= 0 else []

    def is_active_message(self, message: Message) -> bool:
        return self.active is not None and self.active.message_id == message.id

    def save_settings(self, system_prompt: str, params: SamplingParams) -> None:
        if self.conversation_id >= 0:
            self.store.update_conversation_settings(self.conversation_id, system_prompt, params.to_dict())

    # --- asking for a reply ----------------------------------------------------------------

    def add_user_message(self, text: str, params: SamplingParams) -> SavedUserMessage:
        """Save what the user sent (replacing the last exchange after Edit last); then call begin_reply.

        On StorageError the message was not saved and the caller keeps it in its box.
        """
        if self.conversation_id < 0:
            self.new_conversation(params)
        removed = self._drop_last_exchange() if self.editing_last else 0
        self.editing_last = False
        titled = not self.store.messages(self.conversation_id)
        if titled:
            self.store.rename_conversation(self.conversation_id, title_from(text))
        self.store.add_message(self.conversation_id, "user", text)
        return SavedUserMessage(removed, titled)

    def drop_last_reply(self) -> bool:
        """Before Regenerate: remove the last reply, if the conversation ends with one."""
        messages = self.messages()
        if messages and messages[-1].role == "assistant":
            self.store.delete_message(messages[-1].id)
            return True
        return False

    def can_regenerate(self) -> bool:
        return not self.generating and bool(self.messages())

    def edit_last(self) -> str | None:
        """The last user message, to put back in the box; the next send replaces it and its reply."""
        if self.generating:
            return None
        users = [m for m in self.messages() if m.role == "user"]
        if not users:
            return None
        self.editing_last = True
        return users[-1].content

    def history(self, system_prompt: str) -> tuple[ChatMessage, ...]:
        turns = [ChatMessage(m.role, m.content) for m in self.messages()]
        system = system_prompt.strip()
        return tuple(([ChatMessage("system", system)] if system else []) + turns)

    def begin_reply(self, system_prompt: str, params: SamplingParams, model_name: str) -> ReplyRequest:
        """Save an empty, incomplete reply and return the request for it (with a new cancel Event)."""
        history = self.history(system_prompt)
        message = self.store.add_message(self.conversation_id, "assistant", "", complete=False, model=model_name)
        self._request_id += 1
        request = ReplyRequest(self._request_id, history, params, threading.Event())
        self.last_cancel = request.cancel
        self.active = ActiveReply(request, self.conversation_id, message.id, saved_at=self.clock())
        return request

    def _drop_last_exchange(self) -> int:
        messages = self.messages()
        last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
        if last_user is None:
            return 0
        for m in messages[last_user:]:
            self.store.delete_message(m.id)
        return len(messages) - last_user

    # --- the reply streaming in ------------------------------------------------------------

    def is_current(self, request_id: int) -> bool:
        return self.active is not None and self.active.request.request_id == request_id

    def showing_active(self) -> bool:
        return self.active is not None and self.active.conversation_id == self.conversation_id

    def stop(self) -> None:
        if self.active is not None:
            self.active.request.cancel.set()

    def append(self, request_id: int, text: str) -> str | None:
        """Add streamed text. Returns a sentence the first time a periodic save fails (the reply goes on)."""
        active = self.active
        if not self.is_current(request_id):
            return None
        active.text += text
        now = self.clock()
        if now - active.saved_at < SAVE_EVERY_S or active.save_failed:
            return None
        active.saved_at = now
        try:
            self.store.update_message_content(active.message_id, active.text)
        except StorageError as exc:
            active.save_failed = True  # said once; the reply keeps streaming on screen
            return str(exc)
        return None

    def finish(self, finished: ReplyFinished) -> EndedReply | None:
        """The engine ended the reply: save its text and timings, marked complete."""
        if not self.is_current(finished.request_id):
            return None
        active, self.active = self.active, None
        stats = finished.saved_stats()
        return self._end(active, stats, lambda: self.store.finish_message(active.message_id, active.text, stats))

    def fail(self, failed: ReplyFailed) -> EndedReply | None:
        """The engine refused or broke: keep what was written (marked as an error), or remove the empty reply."""
        if not self.is_current(failed.request_id):
            return None
        active, self.active = self.active, None
        if active.text:
            stats = {"stop_reason": StopReason.ERROR.value}
            return self._end(active, stats, lambda: self.store.finish_message(active.message_id, active.text, stats))
        return self._end(active, None, lambda: self.store.delete_message(active.message_id))

    def save_progress(self) -> str | None:
        """Write what the reply has so far (before a shutdown that might not finish cleanly)."""
        if self.active is None:
            return None
        try:
            self.store.update_message_content(self.active.message_id, self.active.text)
        except StorageError as exc:
            return str(exc)
        return None

    def end_interrupted(self) -> EndedReply | None:
        """The app is closing: keep the reply as far as it got, marked stopped."""
        if self.active is None:
            return None
        active, self.active = self.active, None
        stats = {"stop_reason": StopReason.STOPPED.value}
        return self._end(active, stats, lambda: self.store.finish_message(active.message_id, active.text, stats))

    @staticmethod
    def _end(active: ActiveReply, stats: dict | None, write: Callable[[], None]) -> EndedReply:
        try:
            write()
        except StorageError as exc:
            return EndedReply(active.conversation_id, active.text, stats, str(exc))
        return EndedReply(active.conversation_id, active.text, stats)
