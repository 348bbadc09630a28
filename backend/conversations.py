"""Conversations, messages and their stats in one SQLite file (WAL).

A message being generated is written as it streams (`update_message_content`), so a crash loses at
most the last flush. Only the thread that opened a ConversationStore uses it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from backend.errors import HearthError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    system_prompt TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    stats TEXT,
    model TEXT,
    complete INTEGER NOT NULL DEFAULT 1,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
"""


class StorageError(HearthError):
    pass


@dataclass
class Conversation:
    id: int
    title: str
    system_prompt: str = ""
    settings: dict = field(default_factory=dict)
    updated: float = 0.0


@dataclass
class Message:
    id: int
    conversation_id: int
    role: str
    content: str
    stats: dict | None = None
    model: str | None = None
    complete: bool = True


class ConversationStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.recovered_from: Path | None = None  # where a damaged database was set aside, if it was
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        # Only a damaged file is set aside: a folder that cannot be written (read-only, full) holds a
        # good database that must be left exactly as it is.
        try:
            db = self._connect()
        except sqlite3.OperationalError as exc:
            raise StorageError(self._cannot_open(exc)) from exc
        except sqlite3.DatabaseError as exc:  # "file is not a database"
            return self._recover(exc)
        try:
            ok = db.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise sqlite3.DatabaseError(ok)
            db.executescript(_SCHEMA)
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            raise StorageError(self._cannot_open(exc)) from exc
        except sqlite3.DatabaseError as exc:
            db.close()
            return self._recover(exc)

    def _cannot_open(self, exc: Exception) -> str:
        return (
            f"cannot open the conversation database {self.path}: {exc}. Nothing in it was changed. "
            f"Check that {self.path.parent} is writable and its disk is not full."
        )

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a power cut may lose the last commit, never corrupt the file.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    def _recover(self, exc: Exception) -> sqlite3.Connection:
        """A damaged file is kept aside (never deleted) and a fresh database opened in its place."""
        backup = self.path.with_name(f"{self.path.stem}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}{self.path.suffix}")
        try:
            shutil.move(self.path, backup)
            for suffix in ("-wal", "-shm"):
                side = Path(str(self.path) + suffix)
                if side.exists():
                    shutil.move(side, Path(str(backup) + suffix))
            db = self._connect()
            db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as move_exc:
            raise StorageError(
                f"the conversation database {self.path} is damaged ({exc}) and could not be set aside: {move_exc}"
            ) from move_exc
        self.recovered_from = backup
        return db

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(
                f"could not save to {self.path.name}: {exc}. Free some disk space or make "
                f"{self.path.parent} writable; what was saved before is safe."
            ) from exc

    def integrity_ok(self) -> bool:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # --- conversations -------------------------------------------------------------------------

    def create_conversation(
        self, title: str = "New chat", system_prompt: str = "", settings: dict | None = None
    ) -> Conversation:
        with self._saving():
            now = time.time()
            cur = self._db.execute(
                "INSERT INTO conversations (title, system_prompt, settings, created, updated) VALUES (?, ?, ?, ?, ?)",
                (title, system_prompt, json.dumps(settings or {}), now, now),
            )
        return Conversation(cur.lastrowid, title, system_prompt, dict(settings or {}), now)

    def list_conversations(self, search: str = "") -> list[Conversation]:
        if search:
            pattern = f"%{search}%"
            rows = self._db.execute(
                "SELECT DISTINCT c.* FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id "
                "WHERE c.title LIKE ? OR m.content LIKE ? ORDER BY c.updated DESC",
                (pattern, pattern),
            )
        else:
            rows = self._db.execute("SELECT * FROM conversations ORDER BY updated DESC")
        return [self._conversation(r) for r in rows]

    def get_conversation(self, conversation_id: int) -> Conversation | None:
        row = self._db.execute("SELECT * FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return self._conversation(row) if row else None

    @staticmethod
    def _conversation(row: sqlite3.Row) -> Conversation:
        return Conversation(row["id"], row["title"], row["system_prompt"], json.loads(row["settings"]), row["updated"])

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        with self._saving():
            self._db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id))

    def update_conversation_settings(self, conversation_id: int, system_prompt: str, settings: dict) -> None:
        with self._saving():
            self._db.execute(
                "UPDATE conversations SET system_prompt = ?, settings = ? WHERE id = ?",
                (system_prompt, json.dumps(settings), conversation_id),
            )

    def delete_conversation(self, conversation_id: int) -> None:
        with self._saving():
            self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def _touch(self, conversation_id: int) -> None:
        self._db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (time.time(), conversation_id))

    # --- messages ------------------------------------------------------------------------------

    def add_message(
        self, conversation_id: int, role: str, content: str, *, complete: bool = True, model: str | None = None
    ) -> Message:
        with self._saving():
            with self._db:
                cur = self._db.execute(
                    "INSERT INTO messages (conversation_id, role, content, complete, model, created)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (conversation_id, role, content, int(complete), model, time.time()),
                )
                self._touch(conversation_id)
        return Message(cur.lastrowid, conversation_id, role, content, None, model, complete)

    def update_message_content(self, message_id: int, content: str) -> None:
        with self._saving():
            self._db.execute("UPDATE messages SET content = ? WHERE id = ?", (content, message_id))

    def finish_message(self, message_id: int, content: str, stats: dict | None) -> None:
        with self._saving():
            self._db.execute(
                "UPDATE messages SET content = ?, stats = ?, complete = 1 WHERE id = ?",
                (content, json.dumps(stats) if stats is not None else None, message_id),
            )

    def delete_message(self, message_id: int) -> None:
        with self._saving():
            self._db.execute("DELETE FROM messages WHERE id = ?", (message_id,))

    def messages(self, conversation_id: int) -> list[Message]:
        rows = self._db.execute("SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", (conversation_id,))
        return [
            Message(
                r["id"],
                r["conversation_id"],
                r["role"],
                r["content"],
                json.loads(r["stats"]) if r["stats"] else None,
                r["model"],
                bool(r["complete"]),
            )
            for r in rows
        ]
