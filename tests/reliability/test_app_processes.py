"""Faults that need the app as a real process: `kill -9` mid-reply, and two instances on one data folder."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backend.conversations import ConversationStore

DRIVER = Path(__file__).with_name("app_driver.py")
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_env(data_dir, chat_model_path):
    (data_dir / "settings.json").write_text(
        json.dumps(
            {
                "chat_model": str(chat_model_path),
                "default_sampling": {"temperature": 0.0, "seed": 1, "max_tokens": 2000},
            }
        )
    )
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HEARTH_STARTUP_PROBE": "1"}


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []

    def start(*args, env, log: Path) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, *args], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=open(log, "wb"), text=True
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _wait_for(predicate, timeout: float, what: str):
    # A separate process cannot be awaited by signal: poll it, with a deadline.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _read_line(proc: subprocess.Popen, expected: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if expected in line:
            return
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"the app never printed {expected!r} (exit code {proc.poll()})")


def _partial_reply(db_path: Path) -> str:
    db = sqlite3.connect(db_path, timeout=5)
    try:
        row = db.execute("SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        db.close()
    return row[0] if row else ""


@pytest.mark.slow
def test_kill_9_mid_reply_loses_no_committed_message(qtbot, app_env, processes, data_dir, tmp_path):
    db_path = data_dir / "conversations.sqlite3"
    app = processes(
        str(DRIVER), "Write a very long story about a lighthouse keeper.", env=app_env, log=tmp_path / "app.log"
    )
    _read_line(app, "hearth-sent")
    seen = _wait_for(lambda: _partial_reply(db_path), 120, "the streaming reply to reach the database")
    app.send_signal(signal.SIGKILL)
    assert app.wait(10) == -signal.SIGKILL

    store = ConversationStore(db_path)
    try:
        assert store.recovered_from is None and store.integrity_ok()
        (conversation,) = store.list_conversations()
        user, reply = store.messages(conversation.id)
        assert user.content == "Write a very long story about a lighthouse keeper." and user.complete
        assert not reply.complete and reply.content.startswith(seen), "every saved part of the reply is there"
    finally:
        store.close()

    # The user sees the cut-off reply for what it is, and a new start is not taken for a second instance.
    again = processes(str(DRIVER), env=app_env, log=tmp_path / "again.log")
    _read_line(again, "hearth-ready")
    assert again.poll() is None
    again.kill()
    again.wait(10)
    from backend.settings import Settings
    from gui.main_window import MainWindow

    store = ConversationStore(db_path)
    window = MainWindow(store, Settings(data_dir / "settings.json"), load_models=False)
    qtbot.addWidget(window)
    try:
        assert "interrupted" in window.chat_pane.view.bubbles[-1].footer.text()
    finally:
        window.shutdown()
        store.close()


@pytest.mark.slow
def test_second_instance_raises_the_first_and_never_opens_the_database(app_env, processes, data_dir, tmp_path):
    first_log = tmp_path / "first.log"
    first = processes(str(DRIVER), "Hello there.", env=app_env, log=first_log)
    _read_line(first, "hearth-sent")

    second = processes("main.py", env=app_env, log=tmp_path / "second.log")
    assert second.wait(60) == 0
    assert "already running" in (tmp_path / "second.log").read_text()
    _wait_for(
        lambda: "another start asked for this window" in first_log.read_text(), 30, "the first window to be raised"
    )
    assert first.poll() is None, "the first instance keeps running"

    first.kill()
    first.wait(10)
    store = ConversationStore(data_dir / "conversations.sqlite3")
    try:
        assert store.integrity_ok() and store.recovered_from is None
        assert len(store.list_conversations()) == 1, "only the first instance wrote"
    finally:
        store.close()
