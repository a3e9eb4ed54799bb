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
CREATE TABLE IF NOT EXISTS deadlines (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL, section TEXT NOT NULL, due TEXT NOT NULL, precision TEXT NOT NULL,
    due_date TEXT NOT NULL, due_text TEXT NOT NULL, task TEXT NOT NULL, responsible TEXT,
    firm INTEGER NOT NULL, text TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER NOT NULL,
    unit TEXT NOT NULL DEFAULT '',         -- '' = every unit
    deadline_id TEXT NOT NULL DEFAULT '',  -- '' = every deadline (of the unit)
    created REAL NOT NULL,
    PRIMARY KEY (chat_id, unit, deadline_id)
);
CREATE TABLE IF NOT EXISTS sent (
    chat_id INTEGER NOT NULL,
    deadline_id TEXT NOT NULL,
    stage INTEGER NOT NULL,
    sent_at REAL NOT NULL,
    PRIMARY KEY (chat_id, deadline_id, stage)
);
"""


@dataclass(frozen=True)
class Subscription:
    """A chat's standing request for reminders."""

    chat_id: int
    unit: str
    deadline_id: str


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

    # ---- deadlines and reminders ---------------------------------------------------------------
    def sync_deadlines(self, deadlines: list) -> None:
        """Mirror the index's deadlines; ones no longer in the documents stop reminding (inactive).
        Subscriptions are kept across re-indexing."""
        with self._lock:
            self.conn.execute("BEGIN")
            self.conn.execute("UPDATE deadlines SET active=0")
            for d in deadlines:
                self.conn.execute(
                    "INSERT INTO deadlines (id, doc, section, due, precision, due_date, due_text, task, responsible,"
                    " firm, text, active) VALUES (?,?,?,?,?,?,?,?,?,?,?,1) ON CONFLICT(id) DO UPDATE SET active=1,"
                    " doc=excluded.doc, section=excluded.section, due=excluded.due, due_date=excluded.due_date,"
                    " task=excluded.task, responsible=excluded.responsible, text=excluded.text",
                    (
                        d.id,
                        d.doc,
                        d.section,
                        d.due,
                        d.precision,
                        d.due_date,
                        d.due_text,
                        d.task,
                        d.responsible,
                        int(d.firm),
                        d.text,
                    ),
                )
            self.conn.execute("COMMIT")

    def active_deadlines(self) -> list:
        """Deadlines currently in the documents."""
        from index.ingest.deadlines import Deadline

        with self._lock:
            rows = self.conn.execute(
                "SELECT id, doc, section, due, precision, due_date, due_text, task, responsible, firm, text"
                " FROM deadlines WHERE active=1 ORDER BY due_date"
            ).fetchall()
        return [Deadline(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10]) for r in rows]

    def subscribe(self, chat_id: int, unit: str = "", deadline_id: str = "") -> bool:
        """Add a subscription; False if it already existed."""
        with self._lock:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, unit, deadline_id, created) VALUES (?,?,?,?)",
                (chat_id, unit, deadline_id, time.time()),
            )
            return cur.rowcount == 1

    def unsubscribe(self, chat_id: int) -> int:
        """Drop every subscription of a chat; returns how many."""
        with self._lock:
            return self.conn.execute("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount

    def subscriptions(self) -> list[Subscription]:
        """Every subscription."""
        with self._lock:
            rows = self.conn.execute("SELECT chat_id, unit, deadline_id FROM subscriptions").fetchall()
        return [Subscription(*r) for r in rows]

    def claim(self, chat_id: int, deadline_id: str, stage: int) -> bool:
        """Reserve (chat, deadline, stage) before sending: True only the first time, across restarts."""
        with self._lock:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO sent (chat_id, deadline_id, stage, sent_at) VALUES (?,?,?,?)",
                (chat_id, deadline_id, stage, time.time()),
            )
            return cur.rowcount == 1

    def release(self, chat_id: int, deadline_id: str, stage: int) -> None:
        """Undo a claim after a transient send failure, so the next run retries."""
        with self._lock:
            self.conn.execute(
                "DELETE FROM sent WHERE chat_id=? AND deadline_id=? AND stage=?", (chat_id, deadline_id, stage)
            )

    def sent_count(self) -> int:
        """How many reminders went out (for tests and /nhatky)."""
        with self._lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM sent").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.conn.close()
