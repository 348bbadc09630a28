"""Helpers the window, panel and end-to-end tests share: open the real window, fake microphones,
and the polling wait for tests that cannot use qtbot (a separate app process)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import numpy as np

from backend.audio import AudioDeviceError
from backend.conversations import ConversationStore
from backend.defaults import SAMPLE_RATE
from backend.settings import ModelSettings, Settings


def make_window(
    qtbot,
    data_dir: Path,
    chat_model: Path | None,
    *,
    sampling: dict | None = None,
    model_settings: dict | ModelSettings | None = None,
    speech_model: Path | None = None,
    load_models: bool = True,
):
    """The real MainWindow on `data_dir`'s database and settings, shown; the caller closes it."""
    from gui.main_window import MainWindow

    store = ConversationStore(data_dir / "conversations.sqlite3")
    settings = Settings(data_dir / "settings.json")
    if chat_model is not None:
        settings.chat_model = str(chat_model)
        if model_settings:
            settings.set_model_settings(chat_model, model_settings)
    if speech_model is not None:
        settings.speech_model = str(speech_model)
    settings.set("default_sampling", {"temperature": 0.0, "seed": 1, "max_tokens": 48, **(sampling or {})})
    window = MainWindow(store, settings, load_models=load_models)
    qtbot.addWidget(window)
    window.show()
    return window


def db_rows(db: Path, sql: str) -> list:
    """Rows from another process's conversation database, read-only; none while it is missing or busy."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def wait_for(predicate, timeout: float, what: str):
    """Poll `predicate` until it returns something true (for a separate process, where qtbot cannot wait)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class FakeMicrophone:
    """Plays a clip, then silence, like a microphone would; can vanish after `fail_after` seconds."""

    def __init__(self, audio: np.ndarray, fail_after: float | None = None):
        self.audio = audio
        self.pos = 0
        self.fail_after = fail_after
        self.dropped_seconds = 0.0
        self.level_dbfs = -100.0
        self.closed = False

    def read(self, timeout: float = 0.2):
        if self.fail_after is not None and self.pos >= self.fail_after * SAMPLE_RATE:
            raise AudioDeviceError("the input device stopped (was it disconnected?)")
        time.sleep(0.005)
        chunk = self.audio[self.pos : self.pos + 1600]
        if len(chunk) < 1600:
            chunk = np.concatenate([chunk, np.zeros(1600 - len(chunk), np.float32)])
        self.pos += 1600
        self.level_dbfs = 20 * np.log10(max(1e-5, float(np.sqrt(np.mean(chunk**2)))))
        return chunk

    def close(self) -> None:
        self.closed = True
