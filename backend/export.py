"""A conversation as Markdown (to read or share) or JSON (to process), each reply with its timings."""

from __future__ import annotations

import json
from dataclasses import dataclass

from backend.conversations import Conversation, ConversationStore, Message
from backend.errors import HearthError
from backend.generation_stats import GenerationStats

FORMATS = ("md", "json")
JSON_FORMAT_VERSION = 1
_STOP_WORDS = {"stopped": "stopped", "length": "max tokens reached", "context_full": "context full", "error": "error"}


class ExportError(HearthError):
    pass


@dataclass(frozen=True)
class ConversationExport:
    conversation: Conversation
    messages: list[Message]

    def render(self, fmt: str) -> str:
        if fmt == "md":
            return self.markdown()
        if fmt == "json":
            return self.json()
        raise ExportError(f"unknown export format '{fmt}': use one of {', '.join(FORMATS)}")

    def markdown(self) -> str:
        conv = self.conversation
        lines = [f"# {conv.title}", ""]
        if conv.system_prompt.strip():
            lines += ["> **System prompt:** " + conv.system_prompt.strip().replace("\n", "\n> "), ""]
        for message in self.messages:
            if message.role == "user":
                lines += ["## You", ""]
            else:
                lines += [f"## Assistant{f' ({message.model})' if message.model else ''}", ""]
            lines += [message.content.rstrip() or "*(empty)*", ""]
            if message.role == "assistant":
                timing = _timing_line(message)
                if timing:
                    lines += [f"*{timing}*", ""]
        return "\n".join(lines).rstrip() + "\n"

    def json(self) -> str:
        conv = self.conversation
        data = {
            "format": "hearth-conversation",
            "version": JSON_FORMAT_VERSION,
            "id": conv.id,
            "title": conv.title,
            "system_prompt": conv.system_prompt,
            "sampling": conv.settings,
            "messages": [
                {
                    "role": m.role,
                    "content": m.content,
                    "model": m.model,
                    "complete": m.complete,
                    "timings": m.stats,
                }
                for m in self.messages
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _timing_line(message: Message) -> str:
    if not message.complete:
        return "interrupted: the app closed before this reply finished"
    if not message.stats:
        return ""
    stats = GenerationStats.from_dict(message.stats)
    parts = [f"{stats.generated_tokens} tokens"]
    if stats.tokens_per_second:
        parts.append(f"{stats.tokens_per_second:.1f} t/s")
    if stats.prompt_tokens_per_second:
        parts.append(f"prompt {stats.prompt_eval_tokens} tokens at {stats.prompt_tokens_per_second:.1f} t/s")
    if stats.ttft_ms:
        parts.append(f"first token after {stats.ttft_ms:.0f} ms")
    if stats.total_ms:
        parts.append(f"total {stats.total_ms / 1000:.2f} s")
    reason = stats.stop_reason.value if stats.stop_reason else ""
    if reason in _STOP_WORDS:
        parts.append(_STOP_WORDS[reason])
    return " · ".join(parts)


def load_export(store: ConversationStore, conversation_id: int) -> ConversationExport:
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise ExportError(f"there is no conversation {conversation_id}")
    return ConversationExport(conversation, store.messages(conversation_id))


def find_conversation(store: ConversationStore, reference: str) -> Conversation:
    """A conversation by its number, or by its title (exact, else the only one containing the words)."""
    reference = reference.strip()
    if reference.isdigit():
        found = store.get_conversation(int(reference))
        if found is None:
            raise ExportError(f"there is no conversation {reference}; `export --list` shows them")
        return found
    conversations = store.list_conversations()
    exact = [c for c in conversations if c.title == reference]
    matches = exact or [c for c in conversations if reference.casefold() in c.title.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ExportError(f"no conversation is titled '{reference}'; `export --list` shows them")
    listed = ", ".join(f"{c.id} ({c.title})" for c in matches[:5])
    raise ExportError(f"'{reference}' matches {len(matches)} conversations: {listed}; give its number")
