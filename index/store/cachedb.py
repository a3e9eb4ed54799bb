"""The SQLite files behind the build caches (vectors, parsed documents): one key-value table each."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_cache_db(path: Path, table: str, value_type: str) -> sqlite3.Connection:
    """Open (creating) a cache database in WAL mode, so readers never wait for a build writing to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, {value_type} NOT NULL)")
    return db
