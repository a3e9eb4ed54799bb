"""The corpus as a managed library: add, replace and remove documents safely, with an audit log.

A file is validated before anything is written (type checked by content as well as name, text
extracted, a scanned PDF refused), stored under a safe name (no path tricks) and never silently
overwrites a document with the same name or the same số hiệu.

Crash consistency: a change is a journal row in SQLite. The new file is first staged outside the
corpus (``data/staging/``, fsynced); then the row is written, the file moved in (a replaced or
removed file moved aside into the staging directory, not deleted), the index rebuilt; the audit
entry and the end of the journal row are written in ONE transaction. A process killed anywhere in
between leaves a journal row, and ``recover`` at the next start finishes the change when the
live index already holds it, and otherwise rolls it back (new file out, old file back). So a file
is either in the corpus, the index and the audit log, or in none of them.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.ingest.loaders import SUPPORTED_SUFFIXES, LoaderError, PageProgress, unsupported_message
from index.ingest.metadata import DocMeta
from index.ingest.parsed import ParseCache, parse_document
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


def check(
    data: bytes,
    name: str,
    max_bytes: int = MAX_BYTES,
    on_page: PageProgress | None = None,
    cache: ParseCache | None = None,
) -> Checked:
    """Validate an upload without storing it; raises LoaderError with a Vietnamese message.
    ``on_page(done, total)`` hears each page a scan's OCR reads (3-12 s a page). Given the index's
    parse ``cache``, the parse is remembered, so indexing the stored file does not read (or OCR) it
    again."""
    if len(data) > max_bytes:
        raise LoaderError(
            f"Tệp «{name}» quá lớn ({len(data) / 1024 / 1024:.1f} MB; tối đa {max_bytes // 1024 // 1024} MB). "
            "Hãy chia nhỏ hoặc nén lại rồi gửi."
        )
    safe = safe_name(name)
    parsed = cache.parse(safe, data, on_page) if cache is not None else parse_document(safe, data, on_page)
    return Checked(safe, parsed.meta, parsed.pages)


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
            cache = cache or ParseCache(settings.parse_cache_path)
            try:
                yield path, cache.parse(path.name, data).meta
            except LoaderError:
                continue
    finally:
        if cache is not None:
            cache.close()


def store(settings: Settings, data: bytes, checked: Checked, replace: Conflict | None = None) -> Path:
    """Bulk loading without journal or audit (benchmarks build synthetic archives with it); people's
    changes go through ``Engine.add_document``."""
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


@contextmanager
def change_lock(settings: Settings) -> Iterator[None]:
    """One document change at a time, across threads and processes (the bot and ``docbot add``):
    the conflict check and the commit run under it, so two uploads of one name cannot both land."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "library.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    """Hex digest, as the index records documents."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Change:
    """One journalled change of the corpus."""

    id: str
    action: str  # "add" | "replace" | "remove"
    doc: str  # the document added, or removed
    replaces: str  # the document a replacement removes ("" if none)
    sha: str  # digest of the new file ("" for a removal)
    who: str
    detail: str
    level: str  # access level the admin set ("" = as the document's stamp says)

    @property
    def staging(self) -> str:
        """Folder name under data/staging/."""
        return self.id


class Journal:
    """The library database: audit log, pending changes, access levels the admins set."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.staging_dir = settings.data_dir / "staging"
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(settings.data_dir / "library.sqlite", isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS audit (ts REAL NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,"
            " doc TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');"
            "CREATE TABLE IF NOT EXISTS changes (id TEXT PRIMARY KEY, body TEXT NOT NULL, created REAL NOT NULL);"
            "CREATE TABLE IF NOT EXISTS levels (doc TEXT PRIMARY KEY, level TEXT NOT NULL);"
        )

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # ---- audit ---------------------------------------------------------------------------------
    def record(self, who: str, action: str, doc: str, detail: str = "") -> None:
        """Append one audit entry (re-indexing; document changes are recorded by ``commit``)."""
        self.db.execute("INSERT INTO audit VALUES (?,?,?,?,?)", (time.time(), who, action, doc, detail))

    def latest(self, n: int = 20) -> list[tuple[float, str, str, str, str]]:
        """Newest entries first."""
        return self.db.execute("SELECT * FROM audit ORDER BY ts DESC, rowid DESC LIMIT ?", (n,)).fetchall()

    def levels(self) -> dict[str, str]:
        """Access levels set by admins at upload, by document."""
        return dict(self.db.execute("SELECT doc, level FROM levels").fetchall())

    # ---- changes -------------------------------------------------------------------------------
    def stage(self, data: bytes, name: str) -> str:
        """Write an upload outside the corpus (fsynced); returns the staging id. Raises OSError when the
        disk is full or read-only, before anything else changed."""
        sid = secrets.token_hex(8)
        folder = self.staging_dir / sid
        folder.mkdir(parents=True)
        try:
            _fsync_write(folder / name, data)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return sid

    def begin(self, change: Change) -> None:
        """Journal the change, then move the files: the staged file in, the file it replaces (or the
        one removed) aside into the staging folder."""
        self.db.execute("INSERT INTO changes VALUES (?,?,?)", (change.id, json.dumps(change.__dict__), time.time()))
        folder = self.staging_dir / change.staging
        folder.mkdir(parents=True, exist_ok=True)
        corpus = self.settings.corpus_dir
        corpus.mkdir(parents=True, exist_ok=True)
        gone = change.doc if change.action == "remove" else change.replaces
        if gone and (corpus / gone).exists():
            (folder / "old").mkdir(exist_ok=True)
            os.replace(corpus / gone, folder / "old" / gone)
        if change.action != "remove":
            if change.replaces != change.doc and (corpus / change.doc).exists():
                (folder / "old").mkdir(exist_ok=True)
                os.replace(corpus / change.doc, folder / "old" / change.doc)
            os.replace(folder / change.doc, corpus / change.doc)
        _fsync_dir(corpus)

    def commit(self, change: Change) -> None:
        """The audit entry and the end of the journal row, in one transaction; then the staging goes."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute(
                "INSERT INTO audit VALUES (?,?,?,?,?)",
                (time.time(), change.who, change.action, change.doc, change.detail),
            )
            self.db.execute("DELETE FROM changes WHERE id=?", (change.id,))
            if change.action == "remove":
                self.db.execute("DELETE FROM levels WHERE doc=?", (change.doc,))
            else:
                if change.replaces and change.replaces != change.doc:
                    self.db.execute("DELETE FROM levels WHERE doc=?", (change.replaces,))
                if change.level:
                    self.db.execute("INSERT OR REPLACE INTO levels VALUES (?,?)", (change.doc, change.level))
                else:
                    self.db.execute("DELETE FROM levels WHERE doc=?", (change.doc,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        shutil.rmtree(self.staging_dir / change.staging, ignore_errors=True)

    def rollback(self, change: Change) -> None:
        """Put the corpus back as it was before the change and forget it."""
        corpus = self.settings.corpus_dir
        folder = self.staging_dir / change.staging
        new = corpus / change.doc
        if change.action != "remove" and new.is_file() and sha256(new.read_bytes()) == change.sha:
            new.unlink()
        old = folder / "old"
        if old.is_dir():
            for path in old.iterdir():
                os.replace(path, corpus / path.name)
        self.db.execute("DELETE FROM changes WHERE id=?", (change.id,))
        shutil.rmtree(folder, ignore_errors=True)

    def pending(self) -> list[Change]:
        """Changes begun and never committed (the process died, or the index build failed)."""
        rows = self.db.execute("SELECT body FROM changes ORDER BY created").fetchall()
        return [Change(**json.loads(r[0])) for r in rows]

    def discard_stage(self, sid: str) -> None:
        """Drop a staged upload that was never begun (a conflict, a refusal)."""
        shutil.rmtree(self.staging_dir / sid, ignore_errors=True)

    def clean_temporary(self) -> list[str]:
        """At start: staged uploads no journal row refers to, and the hidden ``.uploading`` files an
        older version left in the corpus."""
        removed = []
        known = {c.staging for c in self.pending()}
        if self.staging_dir.is_dir():
            for folder in self.staging_dir.iterdir():
                if folder.name not in known:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(str(folder))
        if self.settings.corpus_dir.is_dir():
            for path in self.settings.corpus_dir.glob(".*.uploading"):
                path.unlink(missing_ok=True)
                removed.append(str(path))
        return removed


def new_change(
    action: str, doc: str, replaces: str, data: bytes, who: str, detail: str, level: str, sid: str
) -> Change:
    """A change record (``sid``: the staging id of the new file, or a fresh one for a removal)."""
    return Change(sid, action, doc, replaces, sha256(data) if data else "", who, detail, level)


def fresh_id() -> str:
    """A staging id for a change that stages no file (a removal)."""
    return secrets.token_hex(8)


def audit_log(settings: Settings) -> Journal:
    """The library database of a data directory (audit log included)."""
    return Journal(settings)


def drop_vector_cache(settings: Settings) -> None:
    """Forget every cached vector (``docbot index --rebuild``), with SQLite's side files."""
    cache = settings.data_dir / "cache" / "vectors.sqlite"
    for p in (cache, cache.with_name(cache.name + "-wal"), cache.with_name(cache.name + "-shm")):
        p.unlink(missing_ok=True)
