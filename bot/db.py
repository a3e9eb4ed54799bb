"""SQLite (WAL) for what the bot must remember across restarts: answers behind the inline
buttons, feedback, and (with the reminders) deadlines, subscriptions and the sent log.

An answer's buttons carry a random token, not its row id, and the token is looked up together
with the chat it was sent to: a forged or copied button from another chat finds nothing.
Reminders are claimed with a lease and confirmed with the id Telegram gives the message
(bot/reminders.py explains the policy)."""

from __future__ import annotations

import json
import secrets
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
    created REAL NOT NULL,
    token TEXT
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
    user_id INTEGER,                       -- who subscribed (access is re-checked before each send)
    PRIMARY KEY (chat_id, unit, deadline_id)
);
CREATE TABLE IF NOT EXISTS sent (
    chat_id INTEGER NOT NULL,
    deadline_id TEXT NOT NULL,
    stage INTEGER NOT NULL,
    sent_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'confirmed',  -- claimed | sending | confirmed
    attempts INTEGER NOT NULL DEFAULT 1,      -- requests that went out
    owner TEXT NOT NULL DEFAULT '',           -- the bot process that holds the claim
    message_id INTEGER,
    PRIMARY KEY (chat_id, deadline_id, stage)
);
"""
# Columns added after the first release, for databases created before them.
_MIGRATIONS = (
    ("answers", "token", "TEXT"),
    ("subscriptions", "user_id", "INTEGER"),
    ("sent", "state", "TEXT NOT NULL DEFAULT 'confirmed'"),
    ("sent", "attempts", "INTEGER NOT NULL DEFAULT 1"),
    ("sent", "owner", "TEXT NOT NULL DEFAULT ''"),
    ("sent", "message_id", "INTEGER"),
)
TOKEN_BYTES = 6  # 48 random bits per answer, 8 characters in callback data (64 bytes at most)


@dataclass(frozen=True)
class Subscription:
    """A chat's standing request for reminders."""

    chat_id: int
    unit: str
    deadline_id: str
    user_id: int | None = None


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
    token: str = ""


@dataclass(frozen=True)
class Claim:
    """A reminder this process may send now; ``repeat`` when an earlier send's outcome is unknown."""

    chat_id: int
    deadline_id: str
    stage: int
    repeat: bool


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
        for table, column, decl in _MIGRATIONS:
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
        self.conn.execute("CREATE UNIQUE INDEX IF NOT EXISTS answers_token ON answers(token)")
        self.owner = secrets.token_hex(8)  # this process, for reminder claims

    def save_answer(
        self, chat_id: int, user_id: int | None, question: str, answer: str, found: bool, pids: list[str]
    ) -> str:
        """Remember an answer; returns the random token its buttons carry (short, never the text)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self.conn.execute(
                "INSERT INTO answers (chat_id, user_id, question, answer, found, pids, created, token)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (chat_id, user_id, question, answer, int(found), json.dumps(pids), time.time(), token),
            )
        return token

    def answer(self, token: str, chat_id: int) -> StoredAnswer | None:
        """The answer behind a button pressed in ``chat_id``, or None (unknown token, other chat)."""
        with self._lock:
            row = self.conn.execute(
                "SELECT id, chat_id, user_id, question, answer, found, pids, token FROM answers"
                " WHERE token=? AND chat_id=?",
                (token, chat_id),
            ).fetchone()
        if row is None:
            return None
        return StoredAnswer(row[0], row[1], row[2], row[3], row[4], bool(row[5]), json.loads(row[6]), row[7])

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
        from index.engine import Deadline

        with self._lock:
            rows = self.conn.execute(
                "SELECT id, doc, section, due, precision, due_date, due_text, task, responsible, firm, text"
                " FROM deadlines WHERE active=1 ORDER BY due_date"
            ).fetchall()
        return [Deadline(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]), r[10]) for r in rows]

    def subscribe(self, chat_id: int, unit: str = "", deadline_id: str = "", user_id: int | None = None) -> bool:
        """Add a subscription; False if it already existed."""
        with self._lock:
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO subscriptions (chat_id, unit, deadline_id, created, user_id) VALUES (?,?,?,?,?)",
                (chat_id, unit, deadline_id, time.time(), user_id),
            )
            return cur.rowcount == 1

    def unsubscribe(self, chat_id: int) -> int:
        """Drop every subscription of a chat; returns how many."""
        with self._lock:
            return self.conn.execute("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount

    def subscriptions(self) -> list[Subscription]:
        """Every subscription."""
        with self._lock:
            rows = self.conn.execute("SELECT chat_id, unit, deadline_id, user_id FROM subscriptions").fetchall()
        return [Subscription(*r) for r in rows]

    def claim(self, chat_id: int, deadline_id: str, stage: int, lease: float) -> Claim | None:
        """Take (chat, deadline, stage) for sending, or None when it must not be sent now.

        New: claimed, first send. Claimed but never sent (the process died before the request went
        out): sent normally by whoever finds it after the lease (or at once when its holder is a
        previous process). Sent once with no confirmation: sent once more, as a repeat, after the
        lease. Confirmed, or sent twice unconfirmed: never again."""
        now = time.time()
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                row = self.conn.execute(
                    "SELECT state, attempts, sent_at, owner FROM sent WHERE chat_id=? AND deadline_id=? AND stage=?",
                    (chat_id, deadline_id, stage),
                ).fetchone()
                if row is None:
                    self.conn.execute(
                        "INSERT INTO sent (chat_id, deadline_id, stage, sent_at, state, attempts, owner)"
                        " VALUES (?,?,?,?,'claimed',0,?)",
                        (chat_id, deadline_id, stage, now, self.owner),
                    )
                    self.conn.execute("COMMIT")
                    return Claim(chat_id, deadline_id, stage, False)
                state, attempts, since, owner = row
                held = owner == self.owner and now - since < lease
                if state == "confirmed" or held or (state == "sending" and attempts >= 2):
                    self.conn.execute("COMMIT")
                    return None
                self.conn.execute(
                    "UPDATE sent SET state='claimed', sent_at=?, owner=? WHERE chat_id=? AND deadline_id=? AND stage=?",
                    (now, self.owner, chat_id, deadline_id, stage),
                )
                self.conn.execute("COMMIT")
                return Claim(chat_id, deadline_id, stage, attempts >= 1)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def _set(self, claim: Claim, sql: str, *args: object) -> None:
        with self._lock:
            self.conn.execute(
                f"UPDATE sent SET {sql} WHERE chat_id=? AND deadline_id=? AND stage=?",
                (*args, claim.chat_id, claim.deadline_id, claim.stage),
            )

    def sending(self, claim: Claim) -> None:
        """The request is about to go out: from now on its outcome may be unknown."""
        self._set(claim, "state='sending', attempts=attempts+1, sent_at=?", time.time())

    def confirm(self, claim: Claim, message_id: int) -> None:
        """Telegram took it: the message id it returned is kept."""
        self._set(claim, "state='confirmed', message_id=?", message_id)

    def release(self, claim: Claim) -> None:
        """The send surely failed (refused, or no connection): the next run sends it as if new."""
        self._set(claim, "state='claimed', attempts=MAX(attempts-1, 0), owner=''")

    def drop_claim(self, claim: Claim) -> None:
        """Forget a claim that will never be sent (the chat lost access)."""
        with self._lock:
            self.conn.execute(
                "DELETE FROM sent WHERE chat_id=? AND deadline_id=? AND stage=?",
                (claim.chat_id, claim.deadline_id, claim.stage),
            )

    def sent_count(self) -> int:
        """How many reminders Telegram confirmed."""
        with self._lock:
            return int(self.conn.execute("SELECT COUNT(*) FROM sent WHERE state='confirmed'").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.conn.close()
