"""The corpus as a managed library: add, replace and remove documents safely, with an audit log.

A file is validated before anything is written (type checked by content as well as name, text
extracted, a scanned PDF refused), stored under a safe name (no path tricks), never silently
overwrites a document with the same name or the same số hiệu, and lands with an atomic rename.
Every change is recorded (who, when, what) in SQLite.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.ingest.loaders import SUPPORTED_SUFFIXES, LoaderError, PageProgress, load_bytes, unsupported_message
from index.ingest.metadata import DocMeta, extract_metadata
from index.ingest.parsed import ParseCache
from index.settings import Settings
from index.store.generations import corpus_files, indexed_docs
from index.text import fold_diacritics

MAX_BYTES = 20 * 1024 * 1024  # what the public Bot API lets a bot download


@dataclass(frozen=True)
class Checked:
    """A validated upload, not yet stored."""

    name: str  # the safe file name it would get
    meta: DocMeta
    pages: int | None
    chars: int


@dataclass(frozen=True)
class Conflict:
    """An existing document the upload would replace."""

    existing: str
    reason: str  # "tên tệp" | "số hiệu"


def safe_name(name: str) -> str:
    """A plain file name: no directories, no diacritics or odd characters, a supported suffix."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = fold_diacritics(unicodedata.normalize("NFC", stem))
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:100] or "tai-lieu"
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoaderError(unsupported_message(suffix or name))
    return stem + suffix


def check(data: bytes, name: str, max_bytes: int = MAX_BYTES, on_page: PageProgress | None = None) -> Checked:
    """Validate an upload without storing it; raises LoaderError with a Vietnamese message.
    ``on_page(done, total)`` hears each page a scan's OCR reads (3-12 s a page)."""
    if len(data) > max_bytes:
        raise LoaderError(
            f"Tệp «{name}» quá lớn ({len(data) / 1024 / 1024:.1f} MB; tối đa {max_bytes // 1024 // 1024} MB). "
            "Hãy chia nhỏ hoặc nén lại rồi gửi."
        )
    safe = safe_name(name)
    raw = load_bytes(data, safe, on_page)
    meta = extract_metadata(raw.text, fallback_title=Path(safe).stem.replace("-", " "))
    return Checked(safe, meta, raw.pages, len(raw.text))


def find_conflict(settings: Settings, checked: Checked) -> Conflict | None:
    """Same file name, or same số hiệu as an existing document."""
    for path in corpus_files(settings.corpus_dir):
        if path.name == checked.name:
            return Conflict(path.name, "tên tệp")
    if checked.meta.number:
        for path, meta in _corpus_metadata(settings):
            if meta.number == checked.meta.number:
                return Conflict(path.name, "số hiệu")
    return None


def _corpus_metadata(settings: Settings) -> Iterator[tuple[Path, DocMeta]]:
    """Each readable corpus document's metadata: from the live index where it holds the file as it
    is now, else from the parse cache the index builds share. An upload to an archive of thousands
    of documents must not re-read every one of them."""
    indexed = indexed_docs(settings)
    cache: ParseCache | None = None
    try:
        for path in corpus_files(settings.corpus_dir):
            data = path.read_bytes()
            record = indexed.get(path.name)
            if record is not None and record.sha256 == hashlib.sha256(data).hexdigest():
                yield path, record.meta
                continue
            cache = cache or ParseCache(settings.data_dir / "cache" / "parsed.sqlite")
            try:
                yield path, cache.parse(path.name, data).meta
            except LoaderError:
                continue
    finally:
        if cache is not None:
            cache.close()


def store(settings: Settings, data: bytes, checked: Checked, replace: Conflict | None = None) -> Path:
    """Write the file atomically; when replacing, the old file goes only once the new one is in place."""
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    dest = settings.corpus_dir / checked.name
    tmp = settings.corpus_dir / f".{checked.name}.uploading"
    tmp.write_bytes(data)
    os.replace(tmp, dest)
    if replace is not None and replace.existing != checked.name:
        (settings.corpus_dir / replace.existing).unlink(missing_ok=True)
    return dest


def remove(settings: Settings, doc: str) -> bool:
    """Delete a document from the corpus (its passages go with the next index build)."""
    path = settings.corpus_dir / os.path.basename(doc)
    if not path.is_file():
        return False
    path.unlink()
    return True


def find_document(settings: Settings, query: str) -> list[str]:
    """Documents matching a name, part of a name, or a số hiệu (for /xoa and `docbot remove`)."""
    q = fold_diacritics(query.strip().lower())
    names = [p.name for p in corpus_files(settings.corpus_dir)]
    exact = [n for n in names if n.lower() == q]
    if exact:
        return exact
    hits = [n for n in names if q and q in fold_diacritics(n.lower())]
    if hits:
        return hits
    return [
        path.name
        for path, meta in _corpus_metadata(settings)
        if meta.number and fold_diacritics(meta.number.lower()) == q
    ]


class AuditLog:
    """Who added, replaced or removed what, and when."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS audit (ts REAL NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,"
            " doc TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')"
        )

    def record(self, who: str, action: str, doc: str, detail: str = "") -> None:
        """Append one entry."""
        self.db.execute("INSERT INTO audit VALUES (?,?,?,?,?)", (time.time(), who, action, doc, detail))

    def latest(self, n: int = 20) -> list[tuple[float, str, str, str, str]]:
        """Newest entries first."""
        return self.db.execute("SELECT * FROM audit ORDER BY ts DESC LIMIT ?", (n,)).fetchall()

    def close(self) -> None:
        """Close the database."""
        self.db.close()


def audit_log(settings: Settings) -> AuditLog:
    """The audit log of a data directory."""
    return AuditLog(settings.data_dir / "library.sqlite")
