"""The question-answering service: settings → model → live index → search → answer.

Both the CLI and the Telegram bot use this one object, and ``bot/`` uses nothing else of ``index/``
(tests/test_layering.py checks it): questions (each hit with its citation), the passages behind the
"Xem thêm" and "Toàn văn mục" buttons, adding / replacing / removing a document with its audit
entry, and deadlines. Everything a caller may see goes through the caller's clearance: a document
with an access level (index/ingest/levels.py) is searched, cited, listed and reminded only for
those cleared for it, and to everyone else it does not exist.

It notices when a new index generation goes live (after ``docbot index`` or an upload) and reloads
it, so a long-running bot never needs a restart to see new documents.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from index.answer.citations import answer_with_citations, seats
from index.answer.lines import Answer
from index.ingest import levels
from index.ingest.deadlines import Deadline, match_unit
from index.ingest.loaders import LoaderError, PageProgress
from index.ingest.metadata import DocMeta
from index.ingest.parsed import ParseCache, StoredPassage
from index.model.embedding import Embedder, ModelError, ensure_model
from index.retrieval.search import Hit, Retrieval, Searcher
from index.settings import Settings, get_settings
from index.store import library
from index.store.generations import (
    BuildReport,
    DocRecord,
    IndexMissingError,
    IndexModelMismatch,
    LoadedIndex,
    build_index,
    current_generation,
    load_deadlines,
    load_index,
    shares_base,
)
from index.text import fold_diacritics, normalize, tokens

__all__ = [
    "ALL",
    "Answer",
    "Asked",
    "BuildReport",
    "Change",
    "Citation",
    "Cited",
    "Deadline",
    "DocMeta",
    "DocRecord",
    "DocumentError",
    "Engine",
    "Hit",
    "IndexMissingError",
    "IndexModelMismatch",
    "ModelError",
    "NeedsConfirmation",
    "Section",
    "Settings",
    "Upload",
    "get_settings",
    "level_label",
    "parse_level",
    "select_deadlines",
    "unit_matches",
    "words",
]

ALL: str | None = None  # clearance that sees every document (the console, which runs on the server)
DocumentError = LoaderError  # an upload refused, with a Vietnamese message for the user
parse_level = levels.parse_level
unit_matches = match_unit


def level_label(level: str) -> str:
    """The stamp as printed: "MẬT", "TỐI MẬT", "NỘI BỘ"… ("" for a public document)."""
    return levels.LABELS.get(level, "")


def words(text: str) -> list[str]:
    """The words of a text as search compares them (normalised, diacritics folded)."""
    return tokens(fold_diacritics(normalize(text)))


def sees(cleared: str | None, level: str) -> bool:
    """Whether a clearance (the highest level cleared; None = everything) covers a level."""
    return cleared is None or levels.rank(level) <= levels.rank(cleared)


@dataclass(frozen=True)
class Citation:
    """Where a passage comes from, as a reader cites it."""

    doc: str
    title: str
    number: str | None
    date: str | None  # ISO
    section: str
    page: int | None
    level: str = ""
    ocr: bool = False  # the document was read by OCR from a scan: its words may be misread


@dataclass(frozen=True)
class Cited:
    """A hit and its citation."""

    hit: Hit
    citation: Citation


@dataclass
class Asked:
    """An answer for one asker: only documents they may see, each hit with its citation."""

    answer: Answer
    cited: list[Cited]
    took_ms: float
    docs: dict[str, DocRecord]  # the documents the asker may see (variant notes name them)


@dataclass(frozen=True)
class Section:
    """The whole section around a passage ("Toàn văn mục")."""

    citation: Citation
    text: str


@dataclass(frozen=True)
class Upload:
    """A validated upload, not yet stored."""

    data: bytes
    checked: library.Checked
    level: str  # the stricter of the stamp and the level the admin set


@dataclass(frozen=True)
class NeedsConfirmation:
    """An upload that would replace an existing document: ask first."""

    upload: Upload
    existing: str
    reason: str  # "tên tệp" | "số hiệu"


@dataclass
class Change:
    """What a document change did, for the reply."""

    action: str  # "add" | "replace" | "remove"
    doc: str
    meta: DocMeta | None = None
    pages: int | None = None
    passages: int = 0
    deadlines: int = 0
    seconds: float = 0.0
    embedded: int = 0
    level: str = ""
    replaced: str = ""


class _LazyEmbedder:
    """Stands for the Embedder until something reads it, then becomes a real one."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._real: Embedder | None = None

    def __getattr__(self, name: str):
        if self._real is None:
            self._real = Embedder(self._settings)
        return getattr(self._real, name)


def select_deadlines(
    items: list[Deadline],
    today: date,
    unit: str | None = None,
    days: int | None = None,
    overdue_days: int | None = 0,
) -> list[Deadline]:
    """Deadlines still ahead (or at most ``overdue_days`` past; None = every past one too), within
    ``days`` when given, of a unit (matched fuzzily) when given; soonest first. The one filter of
    ``docbot deadlines`` and /hanchot."""
    keep = []
    for d in items:
        end = date.fromisoformat(d.due_date)
        if overdue_days is not None and end < today - timedelta(days=overdue_days):
            continue
        if days is not None and (end - today).days > days:
            continue
        if unit and not match_unit(unit, d.responsible):
            continue
        keep.append(d)
    return sorted(keep, key=lambda d: d.due_date)


class Engine:
    """Loads the model once and answers questions from the current index generation."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or Embedder(settings)
        self._lock = threading.Lock()
        self._searcher: Searcher | None = None
        self._generation: str | None = None
        self.reranker = None
        if settings.reranker_model:
            from sentence_transformers import CrossEncoder

            self.reranker = CrossEncoder(settings.reranker_model, device="cpu")

    def _current(self) -> Searcher:
        gen = current_generation(self.settings.index_dir).name
        with self._lock:
            if self._searcher is None or gen != self._generation:
                old = self._searcher
                index = load_index(self.settings, previous=old.index if old is not None else None)
                if old is not None and shares_base(index, old.index):
                    # an upload added a part: only the added parts are read, the base is shared (and stays
                    # frozen: unfreezing it would make the collector walk the whole archive once more)
                    self._searcher = old.over(index)
                else:
                    gc.unfreeze()
                    self._searcher = old = None  # let the old generation go before the new one is built
                    self._searcher = Searcher(index, self.embedder, self.settings.search, self.reranker)
                    gc.collect()
                self._generation = index.generation
                # The index is millions of long-lived objects; left to the cyclic collector, every full
                # collection walks them all mid-question (a 50-100 ms pause at 10× the seed corpus).
                gc.freeze()
            return self._searcher

    @property
    def index(self) -> LoadedIndex:
        """The live index (loaded on first use)."""
        return self._current().index

    def retrieve(self, question: str, top_k: int = 5) -> Retrieval:
        """Search alone, without building an answer (the benchmark times the two apart)."""
        searcher = self._current()
        return searcher.search(searcher.read(question[: self.settings.max_question_chars]), top_k=top_k)

    def ask(self, question: str, top_k: int = 5) -> tuple[Answer, float]:
        """Answer a question; returns the answer and the search time in milliseconds. The question
        is read once (a Query) and that reading goes to search and to the answer."""
        searcher = self._current()
        start = time.perf_counter()
        query = searcher.read(question[: self.settings.max_question_chars])
        tuning = self.settings.search
        retrieval = searcher.search(query, top_k=seats(top_k, tuning))
        answer = answer_with_citations(retrieval, tuning, top_k)
        return answer, (time.perf_counter() - start) * 1000

    def deadlines(self) -> list[Deadline]:
        """Deadlines extracted from the live index generation (read once per generation)."""
        gen = self.index.generation
        cached = self._deadline_cache
        if cached is None or cached[0] != gen:
            cached = self._deadline_cache = (gen, load_deadlines(self.settings))
        return list(cached[1])

    def passage(self, pid: str):
        """A passage of the live index by id, or None (it may have gone with a re-index)."""
        return self.index.by_pid.get(pid)

    def section_text(self, pid: str) -> tuple[str, str] | None:
        """(section path, whole text of the section) around a passage, overlaps removed."""
        first = self.passage(pid)
        if first is None:
            return None
        index = self.index
        lines: list[str] = []
        seen: set[str] = set()
        for i in index.by_section.get(first.section_key, []):
            for line in index.passages[i].text.split("\n"):
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
        return first.section, "\n".join(lines)

    def rebuild(self, progress: bool = True, on_progress=None, full: bool = False) -> BuildReport:
        """Bring the index in line with the corpus (new documents only, unless ``full``) and switch to it."""
        report = build_index(self.settings, self.embedder, progress=progress, on_progress=on_progress, full=full)
        self._current()
        return report

    # ---- what an asker may see (the bot's door) ---------------------------------------------------
    def _levels(self) -> dict[str, str]:
        """Each live document's access level: its stamp, or the stricter level an admin set."""
        index = self.index
        with self._lock:
            cached = self._level_cache
            if cached is not None and cached[0] == (index.generation, self._level_version):
                return cached[1]
        try:
            journal = library.Journal(self.settings)
            try:
                overrides = journal.levels()
            finally:
                journal.close()
        except (sqlite3.Error, OSError):
            # The admins' marks cannot be read (data dir unreadable): fail closed, every document is
            # treated as of the highest level, so nobody but those cleared for it sees anything.
            logging.getLogger("docbot.engine").exception("Không đọc được mức truy cập của tài liệu")
            overrides = {name: levels.LEVELS[-1] for name in index.docs}
        found = {
            name: levels.higher(getattr(rec.meta, "level", ""), overrides.get(name, ""))
            for name, rec in index.docs.items()
        }
        with self._lock:
            self._level_cache = ((index.generation, self._level_version), found)
        return found

    @classmethod
    def for_reading(cls, settings: Settings) -> Engine:
        """An Engine that loads the model only when a question needs it: listing documents and
        deadlines (``docbot docs``, ``docbot deadlines``) then starts in a fraction of a second."""
        return cls(settings, embedder=_LazyEmbedder(settings))  # type: ignore[arg-type]

    max_upload_bytes = library.MAX_BYTES  # what the public Bot API lets a bot download
    _deadline_cache: tuple[str, list[Deadline]] | None = None
    _level_version = 0  # bumped by every document change: an admin's level may change with it
    _level_cache: tuple[tuple[str, int], dict[str, str]] | None = None

    def level(self, doc: str) -> str:
        """A document's access level ("" = anyone allowed to ask)."""
        return self._levels().get(doc, "")

    def visible(self, doc: str, cleared: str | None = ALL) -> bool:
        """Whether a live document exists for this clearance."""
        return doc in self.index.docs and sees(cleared, self.level(doc))

    def documents(self, cleared: str | None = ALL) -> dict[str, DocRecord]:
        """The indexed documents this clearance may see."""
        lv = self._levels()
        return {n: d for n, d in self.index.docs.items() if sees(cleared, lv.get(n, ""))}

    def citation(self, passage: StoredPassage) -> Citation:
        """A passage's citation: document title, số hiệu, date, section, page."""
        rec = self.index.docs.get(passage.doc)
        meta = rec.meta if rec is not None else DocMeta(passage.doc)
        return Citation(
            passage.doc,
            meta.title,
            meta.number,
            meta.date,
            passage.section,
            passage.page,
            self.level(passage.doc),
            meta.ocr,
        )

    def _cite(self, hits: list[Hit], docs: dict[str, DocRecord]) -> list[Cited]:
        out = []
        for h in hits:
            if h.passage.doc not in docs:
                continue
            if any(d not in docs for d in h.also_in + h.variants):  # never name a document the asker may not see
                h = replace(
                    h, also_in=[d for d in h.also_in if d in docs], variants=[d for d in h.variants if d in docs]
                )
            out.append(Cited(h, self.citation(h.passage)))
        return out

    def ask_as(self, question: str, cleared: str | None = ALL, top_k: int = 5) -> Asked:
        """Answer a question from the documents this clearance may see.

        Why filter the retrieval, not the answer: the answer line is taken from the hits, so a
        hidden document must be gone before the answer is made, or its words would be quoted."""
        docs = self.documents(cleared)
        if len(docs) == len(self.index.docs):
            answer, took = self.ask(question, top_k=top_k)
            return Asked(answer, self._cite(answer.hits, docs), took, docs)
        start = time.perf_counter()
        # hidden documents' passages are dropped from a wider retrieval, so the asker still gets top_k
        tuning = self.settings.search
        retrieval = self.retrieve(question, top_k=seats(top_k, tuning) * 3)
        hits = [h for h in retrieval.hits if h.passage.doc in docs][: seats(top_k, tuning)]
        query = replace(retrieval.query, scope=frozenset(d for d in retrieval.query.scope if d in docs))
        retrieval = replace(retrieval, query=query, hits=hits)
        answer = answer_with_citations(retrieval, tuning, top_k)
        took = (time.perf_counter() - start) * 1000
        return Asked(answer, self._cite(answer.hits, docs), took, docs)

    def recall(self, pids: list[str], cleared: str | None = ALL) -> list[Cited]:
        """The passages of an earlier answer, in its order ("Xem thêm"); gone or hidden ones are skipped.
        Their scores are not kept: only the order is shown again."""
        docs = self.documents(cleared)
        out = []
        for rank, pid in enumerate(pids):
            p = self.index.by_pid.get(pid)
            if p is not None and p.doc in docs:
                out.append(Cited(Hit(p, 0.0, 0.0, 0.0, rank), self.citation(p)))
        return out

    def section(self, pid: str, cleared: str | None = ALL) -> Section | None:
        """The whole section around a passage, or None (gone with a re-index, or hidden)."""
        p = self.index.by_pid.get(pid)
        if p is None or not self.visible(p.doc, cleared):
            return None
        found = self.section_text(pid)
        if found is None:
            return None
        return Section(self.citation(p), found[1])

    def deadlines_for(
        self,
        today: date,
        cleared: str | None = ALL,
        unit: str | None = None,
        days: int | None = None,
        overdue_days: int | None = 0,
    ) -> list[Deadline]:
        """Deadlines of the documents this clearance may see, filtered by ``select_deadlines``."""
        docs = self.documents(cleared)
        return select_deadlines([d for d in self.deadlines() if d.doc in docs], today, unit, days, overdue_days)

    # ---- documents: one implementation for the CLI and Telegram ------------------------------------
    def check_upload(self, data: bytes, name: str, level: str = "", on_page: PageProgress | None = None) -> Upload:
        """Validate an upload (raises DocumentError with the reason in Vietnamese). ``level`` is what the
        admin set; the document's own stamp counts too, the stricter wins. ``on_page(done, total)``
        hears each page OCR reads (a scan takes 3-12 s a page), so the admin sees it progress."""
        try:
            cache: ParseCache | None = ParseCache(self.settings.parse_cache_path)
        except (sqlite3.Error, OSError):
            cache = None  # a data dir that cannot hold the cache: the file is read again when indexed
        try:
            checked = library.check(data, name, on_page=on_page, cache=cache)
        finally:
            if cache is not None:
                cache.close()
        return Upload(data, checked, levels.higher(getattr(checked.meta, "level", ""), level))

    def add_document(
        self, upload: Upload, who: str, replace_existing: bool = False, confirmed: str | None = None
    ) -> Change | NeedsConfirmation:
        """Store, index and audit an upload in one crash-consistent change (index/store/library.py).

        The conflict check (same file name or số hiệu) runs under the same lock as the commit, so two
        uploads of one name cannot both land. A conflict is replaced only with ``replace_existing``,
        or when it is still the ``confirmed`` document the admin said yes to."""
        started = time.perf_counter()
        checked = upload.checked
        with library.change_lock(self.settings):
            conflict = library.find_conflict(self.settings, checked)
            if conflict is not None and not replace_existing and conflict.existing != confirmed:
                return NeedsConfirmation(upload, conflict.existing, conflict.reason)
            journal = library.Journal(self.settings)
            try:
                sid = journal.stage(upload.data, checked.name)
                action = "replace" if conflict else "add"
                change = library.new_change(
                    action,
                    checked.name,
                    conflict.existing if conflict else "",
                    upload.data,
                    who,
                    f"{checked.meta.title[:120]} | {checked.meta.number or ''}",
                    upload.level,
                    sid,
                )
                report = self._apply(journal, change)
            finally:
                journal.close()
        doc = self.index.docs.get(checked.name)
        return Change(
            action,
            checked.name,
            checked.meta,
            checked.pages,
            doc.passages if doc else 0,
            sum(1 for d in self.deadlines() if d.doc == checked.name),
            time.perf_counter() - started,
            report.embedded,
            self.level(checked.name),
            conflict.existing if conflict else "",
        )

    def _apply(self, journal: library.Journal, change: library.Change) -> BuildReport:
        """Move the files, rebuild, commit; on any failure put everything back and re-raise."""
        try:
            journal.begin(change)
            report = self.rebuild(progress=False)
            if change.action != "remove" and change.doc in report.errors:
                raise DocumentError(report.errors[change.doc])
            journal.commit(change)
        except BaseException:
            journal.rollback(change)
            try:
                self.rebuild(progress=False)  # in case the failed build had gone live
            except Exception:  # noqa: BLE001 - the first error is the one to report
                pass
            raise
        finally:
            self._level_version += 1
        return report

    def find_documents(self, query: str) -> list[str]:
        """Documents matching a file name, part of one, or a số hiệu."""
        return library.find_document(self.settings, query)

    def remove_document(self, doc: str, who: str) -> Change | None:
        """Remove a document from the corpus and the index, audited; None if it is not there."""
        started = time.perf_counter()
        with library.change_lock(self.settings):
            if not (self.settings.corpus_dir / doc).is_file():
                return None
            journal = library.Journal(self.settings)
            try:
                change = library.new_change("remove", doc, "", b"", who, "", "", library.fresh_id())
                report = self._apply(journal, change)
            finally:
                journal.close()
        return Change("remove", doc, seconds=time.perf_counter() - started, embedded=report.embedded)

    def reindex(self, who: str, on_progress: Callable | None = None, fresh_vectors: bool = False) -> BuildReport:
        """Rebuild the whole index (``fresh_vectors``: embed everything again), audited."""
        with library.change_lock(self.settings):
            if fresh_vectors:
                library.drop_vector_cache(self.settings)
            report = self.rebuild(progress=on_progress is None, on_progress=on_progress, full=True)
            journal = library.Journal(self.settings)
            try:
                journal.record(who, "reindex", "*", f"{report.documents} tài liệu, {report.passages} đoạn")
            finally:
                journal.close()
        return report

    def audit(self, n: int = 15) -> list[tuple[float, str, str, str, str]]:
        """The latest document changes: (time, who, action, document, detail), newest first."""
        journal = library.Journal(self.settings)
        try:
            return journal.latest(n)
        finally:
            journal.close()

    def recover(self) -> list[str]:
        """At start: finish or roll back changes a killed process left half-done, and remove stale
        temporary files. Returns what was done (for the log)."""
        done: list[str] = []
        with library.change_lock(self.settings):
            journal = library.Journal(self.settings)
            try:
                pending = journal.pending()
                if pending:
                    indexed = {n: r.sha256 for n, r in self.index.docs.items()}
                    for change in pending:
                        if change.action == "remove":
                            finished = change.doc not in indexed
                        else:
                            finished = indexed.get(change.doc) == change.sha and (
                                not change.replaces or change.replaces == change.doc or change.replaces not in indexed
                            )
                        if finished:
                            journal.commit(change)
                            done.append(f"hoàn tất {change.action} {change.doc}")
                        else:
                            journal.rollback(change)
                            done.append(f"hoàn tác {change.action} {change.doc}")
                    self._level_version += 1
                    self.rebuild(progress=False)
                done.extend(f"xóa tệp tạm {p}" for p in journal.clean_temporary())
            finally:
                journal.close()
        return done

    @staticmethod
    def install_model(settings: Settings, progress: bool = True):
        """Convert the offline model into the data directory (once)."""
        return ensure_model(settings, progress=progress)
