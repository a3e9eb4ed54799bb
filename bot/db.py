"""SQLite (WAL) for what the bot must remember across restarts: answers behind the inline
buttons, feedback, and (with the reminders) deadlines, subscriptions and the sent log."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    user_id INTEGER,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    pids TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id INTEGER NOT NULL REFERENCES answers(id),
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as remembered for its buttons."""

    id: int
    chat_id: int
    user_id: int | None
    question: str
    answer: str
    found: bool
    pids: list[str]


class BotDB:
    """Thread-safe wrapper around one SQLite connection (handlers run in threads and the loop)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.conn.executescript(SCHEMA)

    def save_answer(
        self, chat_id: int, user_id: int | None, question: str, answer: str, found: bool, pids: list[str]
    ) -> int:
        """Remember an answer; its id goes into callback data (short, never the text)."""
        with self._lock:
            cur = self.conn.execute(
                "INSERT INTO answers (chat_id, user_id, question, answer, found, pids, created) VALUES (?,?,?,?,?,?,?)",
                (chat_id, user_id, question, answer, int(found), json.dumps(pids), time.time()),
            )
            return int(cur.lastrowid or 0)

    def answer(self, answer_id: int) -> StoredAnswer | None:
        """A remembered answer, or None."""
        with self._lock:
            row = self.conn.execute(
                "SELECT id, chat_id, user_id, question, answer, found, pids FROM answers WHERE id=?", (answer_id,)
            ).fetchone()
        if row is None:
            return None
        return StoredAnswer(row[0], row[1], row[2], row[3], row[4], bool(row[5]), json.loads(row[6]))

    def save_feedback(self, answer_id: int, user_id: int, vote: int) -> None:
        """👍 (+1) or 👎 (-1); a second vote by the same user replaces the first."""
        with self._lock:
            self.conn.execute(
                "INSERT OR REPLACE INTO feedback (answer_id, user_id, vote, created) VALUES (?,?,?,?)",
                (answer_id, user_id, vote, time.time()),
            )

    def feedback(self) -> list[tuple[str, str, int]]:
        """(question, answer, vote) for every vote, newest first."""
        with self._lock:
            return self.conn.execute(
                "SELECT a.question, a.answer, f.vote FROM feedback f JOIN answers a ON a.id=f.answer_id "
                "ORDER BY f.created DESC"
            ).fetchall()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.conn.close()
