"""ChatSession on a real SQLite store, no window or model: what is saved when, what Edit and Regenerate drop."""

from __future__ import annotations

import pytest

from backend.chat_session import SAVE_EVERY_S, ChatSession, ReplyFailed, ReplyFinished, title_from
from backend.conversations import ConversationStore, StorageError
from backend.generation_stats import GenerationStats, StopReason
from backend.llm import SamplingParams

PARAMS = SamplingParams(temperature=0.0, seed=1, max_tokens=32)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    store = ConversationStore(tmp_path / "conversations.sqlite3")
    yield store
    store.close()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def session(store, clock):
    return ChatSession(store, clock=clock)


def _finished(request_id: int, tokens: int = 3, reason: StopReason = StopReason.DONE) -> ReplyFinished:
    stats = GenerationStats(n_ctx=2048, prompt_tokens=10, generated_tokens=tokens, eval_ms=100.0, stop_reason=reason)
    return ReplyFinished(request_id, stats, "model")


def _exchange(session: ChatSession, text: str, reply: str) -> None:
    session.add_user_message(text, PARAMS)
    request = session.begin_reply("", PARAMS, "Qwen")
    session.append(request.request_id, reply)
    session.finish(_finished(request.request_id))


def test_sending_saves_the_message_names_the_conversation_and_asks_with_the_history(session, store):
    saved = session.add_user_message("  How do   lifetimes work in Rust?  ", PARAMS)
    assert saved.titled and saved.removed == 0
    request = session.begin_reply("Be brief.", PARAMS, "Qwen")
    assert store.get_conversation(session.conversation_id).title == "How do lifetimes work in Rust?"
    assert [(m.role, m.content) for m in request.messages] == [
        ("system", "Be brief."),
        ("user", "  How do   lifetimes work in Rust?  "),
    ]
    assert request.params == PARAMS and not request.cancel.is_set()
    reply = store.messages(session.conversation_id)[-1]
    assert reply.role == "assistant" and reply.content == "" and not reply.complete and reply.model == "Qwen"


def test_each_request_has_its_own_cancel_event(session):
    _exchange(session, "Hi", "Hello!")
    first = session.begin_reply("", PARAMS, "Qwen")
    session.stop()
    assert first.cancel.is_set()
    session.finish(_finished(first.request_id, reason=StopReason.STOPPED))
    second = session.begin_reply("", PARAMS, "Qwen")
    assert not second.cancel.is_set(), "a Stop of the last reply must not leak into the next"
    assert second.cancel is not first.cancel and session.last_cancel is second.cancel


def test_a_streaming_reply_is_saved_at_most_every_second_and_completely_at_the_end(session, store, clock):
    session.add_user_message("Tell me a story", PARAMS)
    request = session.begin_reply("", PARAMS, "Qwen")
    saved = lambda: store.messages(session.conversation_id)[-1]  # noqa: E731
    session.append(request.request_id, "Once")
    assert saved().content == "", "not saved again within a second"
    clock.now += SAVE_EVERY_S
    session.append(request.request_id, " upon")
    assert saved().content == "Once upon" and not saved().complete
    session.append(request.request_id, " a time.")
    ended = session.finish(_finished(request.request_id, tokens=4))
    final = saved()
    assert final.content == "Once upon a time." and final.complete
    assert final.stats["generated_tokens"] == 4 and final.stats["template_source"] == "model"
    assert ended.stats == final.stats and not session.generating


def test_pieces_of_an_old_request_are_ignored(session, store):
    session.add_user_message("Hi", PARAMS)
    old = session.begin_reply("", PARAMS, "Qwen")
    session.finish(_finished(old.request_id))
    new = session.begin_reply("", PARAMS, "Qwen")
    session.append(old.request_id, "late words")
    assert session.finish(_finished(old.request_id)) is None
    session.append(new.request_id, "fresh")
    session.finish(_finished(new.request_id))
    assert store.messages(session.conversation_id)[-1].content == "fresh"


def test_edit_last_replaces_the_last_exchange_only(session, store):
    _exchange(session, "What is 2+2?", "4")
    _exchange(session, "And 3+3?", "6")
    assert session.edit_last() == "And 3+3?"
    saved = session.add_user_message("And 4+4?", PARAMS)
    assert saved.removed == 2 and not saved.titled
    request = session.begin_reply("", PARAMS, "Qwen")
    assert [m.content for m in request.messages] == ["What is 2+2?", "4", "And 4+4?"]
    assert [m.content for m in store.messages(session.conversation_id)] == ["What is 2+2?", "4", "And 4+4?", ""]


def test_switching_conversation_cancels_an_edit(session, store):
    _exchange(session, "First", "one")
    first = session.conversation_id
    session.edit_last()
    session.new_conversation(PARAMS)
    session.open(first)
    session.add_user_message("Second", PARAMS)
    assert [m.content for m in store.messages(first)] == ["First", "one", "Second"]


def test_regenerate_drops_only_a_trailing_reply(session, store):
    _exchange(session, "Name a cat", "Tom")
    assert session.drop_last_reply()
    assert [m.role for m in store.messages(session.conversation_id)] == ["user"]
    assert not session.drop_last_reply(), "a conversation ending with the user's message keeps it"


def test_a_failed_reply_keeps_its_text_or_disappears_if_empty(session, store):
    session.add_user_message("Hi", PARAMS)
    empty = session.begin_reply("", PARAMS, "Qwen")
    ended = session.fail(ReplyFailed(empty.request_id, "the template refused"))
    assert ended.stats is None and [m.role for m in store.messages(session.conversation_id)] == ["user"]
    partial = session.begin_reply("", PARAMS, "Qwen")
    session.append(partial.request_id, "Half a")
    session.fail(ReplyFailed(partial.request_id, "engine broke"))
    last = store.messages(session.conversation_id)[-1]
    assert last.content == "Half a" and last.complete and last.stats == {"stop_reason": "error"}


def test_shutdown_keeps_what_was_written_marked_stopped(session, store):
    session.add_user_message("Write a long poem", PARAMS)
    request = session.begin_reply("", PARAMS, "Qwen")
    session.append(request.request_id, "The sea")
    assert session.save_progress() is None
    assert store.messages(session.conversation_id)[-1].content == "The sea"
    session.append(request.request_id, " is wide")
    ended = session.end_interrupted()
    last = store.messages(session.conversation_id)[-1]
    assert ended.text == "The sea is wide" == last.content
    assert last.complete and last.stats["stop_reason"] == "stopped"
    assert session.end_interrupted() is None


def test_a_save_that_fails_mid_reply_is_reported_once_and_the_reply_goes_on(session, store, clock, monkeypatch):
    session.add_user_message("Hi", PARAMS)
    request = session.begin_reply("", PARAMS, "Qwen")

    def full_disk(*_):
        raise StorageError("could not save: database or disk is full")

    monkeypatch.setattr(store, "update_message_content", full_disk)
    clock.now += SAVE_EVERY_S
    assert "disk is full" in session.append(request.request_id, "Hello")
    clock.now += SAVE_EVERY_S
    assert session.append(request.request_id, " there") is None, "said once"
    assert session.active.text == "Hello there"


def test_history_follows_the_conversation_shown(session):
    _exchange(session, "In the first", "yes")
    session.new_conversation(PARAMS)
    assert session.messages() == [] and session.history("") == ()
    assert not session.open(999_999) and session.conversation_id == -1


def test_titles_are_one_line_and_bounded():
    assert title_from("a\nb   c") == "a b c"
    long = title_from("word " * 40)
    assert len(long) <= 48 and long.endswith("…")
