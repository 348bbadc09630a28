"""The conversation database under a full disk, a read-only folder and a damaged file: said, never lost."""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reliability_helpers import remount_read_only
from window_actions import send

from backend.conversations import ConversationStore
from backend.settings import Settings


def _fill(disk) -> None:
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass  # ENOSPC: the disk is full now
    finally:
        os.close(fd)


def _window_on(qtbot, folder, model):
    from gui.main_window import MainWindow

    settings = Settings(folder / "settings.json")
    settings.set("chat_model", str(model))
    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": 16})
    window = MainWindow(ConversationStore(folder / "conversations.sqlite3"), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.chat_pane.model_info), timeout=60_000)
    return window


def test_disk_full_while_saving_keeps_the_text_and_says_so(qtbot, small_disk, chat_model_path):
    window = _window_on(qtbot, small_disk, chat_model_path)
    pane = window.chat_pane
    try:
        send(qtbot, pane, "First message, saved while there is room.")
        _fill(small_disk)
        pane.input.setPlainText("Second message, typed when the disk is full.")
        pane.send_button.click()
        assert "Your message was not sent, it is still in the box" in pane.banner.text()
        assert "disk is full" in pane.banner.text()
        assert pane.input.toPlainText() == "Second message, typed when the disk is full."
        assert not pane.generating and pane.send_button.isEnabled()

        (small_disk / "filler").unlink()
        send(qtbot, pane, pane.input.toPlainText())
        saved = [m.content for m in window.store.messages(pane.conversation_id) if m.role == "user"]
        assert saved == ["First message, saved while there is room.", "Second message, typed when the disk is full."]
        assert window.store.integrity_ok()
    finally:
        window.close()
        window.store.close()


def _run_app_and_read_its_dialog(qtbot) -> tuple[int, str]:
    """Start the real app entry point; read and close the one message box it shows."""
    from gui.app import run_app

    seen = []

    def close_dialog():
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            seen.append(dialog.text())
            dialog.close()

    poller = QTimer()
    poller.timeout.connect(close_dialog)
    poller.start(50)
    try:
        code = run_app([])
    finally:
        poller.stop()
    assert len(seen) == 1, f"expected one message box, saw {seen}"
    return code, seen[0]


def test_read_only_data_folder_refuses_clearly_and_changes_nothing(qtbot, small_disk, monkeypatch):
    store = ConversationStore(small_disk / "conversations.sqlite3")
    conversation = store.create_conversation("Kept")
    store.add_message(conversation.id, "user", "an old message")
    store.close()
    before = sorted((p.name, p.read_bytes()) for p in small_disk.iterdir())
    remount_read_only(small_disk)
    monkeypatch.setenv("HEARTH_DATA_DIR", str(small_disk))

    code, message = _run_app_and_read_its_dialog(qtbot)

    assert code == 1
    assert "cannot open the conversation database" in message and "Nothing in it was changed" in message
    assert str(small_disk) in message and "writable" in message
    assert sorted((p.name, p.read_bytes()) for p in small_disk.iterdir()) == before, "not one byte changed"


def test_damaged_database_is_kept_aside_and_a_fresh_one_opened(qtbot, data_dir, chat_model_path):
    db_path = data_dir / "conversations.sqlite3"
    store = ConversationStore(db_path)
    for i in range(200):
        store.add_message(store.create_conversation(f"chat {i}").id, "user", "x" * 500)
    store.close()
    damaged = bytearray(db_path.read_bytes())
    damaged[8192:12288] = os.urandom(4096)  # a few pages in the middle, as a bad sector would
    db_path.write_bytes(bytes(damaged))

    window = _window_on(qtbot, data_dir, chat_model_path)
    try:
        notice = window.statusBar().currentMessage()
        assert "database was damaged" in notice and "a copy was kept" in notice
        kept = window.store.recovered_from
        assert kept is not None and kept.read_bytes() == bytes(damaged), "the damaged file is kept as it was"
        assert str(kept) in notice
        send(qtbot, window.chat_pane, "Does the fresh database work?")
        assert len(window.store.messages(window.chat_pane.conversation_id)) == 2 and window.store.integrity_ok()
    finally:
        window.close()
        window.store.close()


def test_file_that_is_not_a_database_is_kept_aside(data_dir):
    db_path = data_dir / "conversations.sqlite3"
    db_path.write_text("I am a text file in the database's place.\n" * 100)
    store = ConversationStore(db_path)
    try:
        assert store.recovered_from.read_text().startswith("I am a text file")
        assert store.list_conversations() == [] and store.integrity_ok()
    finally:
        store.close()
