"""The chat pane on the real engine and the bundled model, offscreen."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from backend.conversations import ConversationStore


def _send(qtbot, pane, text: str) -> None:
    qtbot.keyClicks(pane.input, text)
    pane.send()


def test_send_streams_text_and_live_stats(qtbot, open_window):
    window = open_window({"max_tokens": 120})
    pane = window.chat_pane
    lengths, live_stats = [], []
    pane.worker.tokens_received.connect(lambda _id, _t: lengths.append(len(pane.view.bubbles[-1].text())))
    pane.worker.stats_updated.connect(live_stats.append)
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000) as finished:
        _send(qtbot, pane, "Explain in a few sentences what a hash map is.")
    stats = finished.args[0]
    assert len(set(lengths)) >= 3, "the reply should grow on screen in several steps"
    assert live_stats and live_stats[-1].tokens_per_second > 0, "t/s must be shown while generating"
    assert stats["generated_tokens"] > 5 and stats["tokens_per_second"] > 0
    bubble = pane.view.bubbles[-1]
    assert bubble.role == "assistant" and len(bubble.text()) > 20
    assert "t/s" in bubble.footer.text() and "Prompt eval" in bubble.footer.toolTip()
    assert "t/s" in pane.stats_bar.text()
    assert "Q4_K_M" in window.model_label.text() and "CPU" in window.model_label.text()


def test_stop_ends_the_reply_and_keeps_it(qtbot, open_window):
    window = open_window({"max_tokens": 2000})
    pane = window.chat_pane
    first = []
    pane.worker.tokens_received.connect(lambda *_: first or (first.append(1), pane.stop()))
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000) as finished:
        _send(qtbot, pane, "Write a very long story about a lighthouse keeper.")
    stats = finished.args[0]
    assert stats["stop_reason"] == "stopped"
    assert stats["generated_tokens"] < 40
    saved = window.store.messages(pane.conversation_id)[-1]
    assert saved.role == "assistant" and saved.complete and saved.content == pane.view.bubbles[-1].text()
    assert pane.send_button.isEnabled() and not pane.stop_button.isEnabled()


def test_regenerate_replaces_the_last_reply(qtbot, open_window):
    window = open_window({"temperature": 1.0, "seed": -1, "max_tokens": 24})
    pane = window.chat_pane
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        _send(qtbot, pane, "Suggest a name for a cat.")
    before = window.store.messages(pane.conversation_id)
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        pane.regenerate_button.click()
    after = window.store.messages(pane.conversation_id)
    assert [m.role for m in after] == ["user", "assistant"]
    assert after[-1].stats["total_ms"] != before[-1].stats["total_ms"], "a new reply was generated"
    assert len(pane.view.bubbles) == 2 and pane.view.bubbles[-1].text() == after[-1].content


def test_edit_last_message_and_resend(qtbot, open_window):
    window = open_window()
    pane = window.chat_pane
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        _send(qtbot, pane, "What is 2+2?")
    pane.edit_button.click()
    assert pane.input.toPlainText() == "What is 2+2?"
    pane.input.setPlainText("What is 3+3?")
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        pane.send()
    msgs = window.store.messages(pane.conversation_id)
    assert [m.role for m in msgs] == ["user", "assistant"]
    assert msgs[0].content == "What is 3+3?"


def test_conversations_survive_closing_and_reopening(qtbot, open_window, data_dir):
    window = open_window()
    pane = window.chat_pane
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        _send(qtbot, pane, "Say hello to Ada.")
    reply = pane.view.bubbles[-1].text()
    pane.settings_button.click()
    pane.conv_settings.system_prompt.setPlainText("Be brief.")
    window.close()
    window.store.close()

    again = open_window(wait_for_model=False)
    pane2 = again.chat_pane
    assert pane2.conversations.list.count() == 1
    assert "Say hello to Ada" in pane2.conversations.list.item(0).text()
    assert [b.text() for b in pane2.view.bubbles] == ["Say hello to Ada.", reply]
    assert "t/s" in pane2.view.bubbles[-1].footer.text(), "per-message timings are kept"
    assert pane2.conv_settings.system_text() == "Be brief."
    qtbot.waitUntil(lambda: pane2.model_info is not None, timeout=60_000)


def test_conversation_list_new_search_rename_delete(qtbot, open_window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    window = open_window(wait_for_model=False)
    pane = window.chat_pane
    store = window.store
    a = store.create_conversation("Rust lifetimes")
    store.add_message(a.id, "user", "How do lifetimes work?")
    store.create_conversation("Pasta recipe")
    pane.conversations.refresh()
    pane.conversations.search.setText("lifetimes")
    assert pane.conversations.list.count() == 1
    pane.conversations.search.clear()
    pane.conversations.select(a.id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Borrow checker", True))
    pane.conversations.rename_button.click()
    assert store.get_conversation(a.id).title == "Borrow checker"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    pane.conversations.delete_button.click()
    assert store.get_conversation(a.id) is None
    assert pane.conversations.list.count() == 1
    qtbot.waitUntil(lambda: pane.model_info is not None, timeout=60_000)


def test_window_stays_responsive_while_generating(qtbot, open_window):
    window = open_window({"max_tokens": 96})
    pane = window.chat_pane
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(tick)
    probe.start()
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000) as finished:
        _send(qtbot, pane, "List ten fruits with one fact about each.")
    probe.stop()
    assert finished.args[0]["generated_tokens"] > 20
    assert len(gaps) > 50
    assert max(gaps[1:]) < 0.25, f"the GUI thread stalled for {max(gaps) * 1000:.0f} ms"


def test_reply_is_saved_while_it_streams(qtbot, open_window, data_dir):
    window = open_window({"max_tokens": 400})
    pane = window.chat_pane
    _send(qtbot, pane, "Write a long poem about the ocean.")
    other = ConversationStore(data_dir / "conversations.sqlite3")
    try:

        def saved_partial():
            msgs = other.messages(pane.conversation_id)
            return len(msgs) == 2 and not msgs[-1].complete and len(msgs[-1].content) > 10

        qtbot.waitUntil(saved_partial, timeout=60_000)
    finally:
        other.close()
        pane.stop()
        qtbot.waitUntil(lambda: not pane.generating, timeout=30_000)


def test_window_size_is_remembered(qtbot, open_window):
    window = open_window(wait_for_model=False)
    # A size of the user's own, not the default, never below the window's minimum; the width stays at
    # that minimum because the offscreen screen (800 px) is narrower and Qt keeps restored windows on it.
    size = (max(window.minimumSizeHint().width(), 700), max(window.minimumSizeHint().height(), 520) + 10)
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    qtbot.waitUntil(lambda: window.chat_pane.model_info is not None, timeout=60_000)
    window.close()
    window.store.close()
    again = open_window(wait_for_model=False)
    assert (again.width(), again.height()) == size
    qtbot.waitUntil(lambda: again.chat_pane.model_info is not None, timeout=60_000)


def test_export_writes_the_shown_conversation_with_timings(qtbot, open_window, tmp_path):
    import json

    window = open_window({"max_tokens": 16})
    pane = window.chat_pane
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        _send(qtbot, pane, "Say hello.")
    reply = pane.view.bubbles[-1].text()
    assert any(a.text() == "&Export conversation…" for a in window.menuBar().actions()[0].menu().actions())
    assert window.export_conversation(tmp_path / "chat.md")
    assert window.export_conversation(tmp_path / "chat.json")
    markdown = (tmp_path / "chat.md").read_text()
    assert "## You\n\nSay hello." in markdown and reply.strip() in markdown and "t/s" in markdown
    data = json.loads((tmp_path / "chat.json").read_text())
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]
    assert data["messages"][1]["timings"]["generated_tokens"] > 0
