"""One document parsed into what an index generation stores, and a cache of that work.

Parsing (loading, metadata, chunking, deadlines) costs about 60 ms per 10,000 characters; a corpus
of thousands of documents would spend half a minute on it at every upload. The cache keys a parse by
the file's content, its name and the parser's own source, so an unchanged document is parsed once,
and a change to the parsing code invalidates every entry by itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from index import text
from index.ingest import deadlines, encodings, levels, loaders, metadata, ocr, structure, systools
from index.ingest.deadlines import deadlines_from, document_subject
from index.ingest.loaders import PageProgress, load_bytes
from index.ingest.metadata import DocMeta, extract_metadata
from index.ingest.structure import DERIVED_KINDS, Cells, page_label, parse_segments, passage_text, passages_from
from index.store.cachedb import open_cache_db
from index.text import normalize
from index.vocab import dates, units


@dataclass(frozen=True)
class StoredPassage:
    """A passage as stored in a generation, its structure kept as data.

    ``headings`` are the headings quoted above the passage, ``body`` what it says (a table item's
    rows as a person reads them), ``cells`` a table item's rows as (column header, value) pairs,
    ``page`` the page it starts on (None for files without pages). ``text`` is headings + body,
    flattened: what the search indexes and what older readers still read."""

    pid: str
    doc: str
    section: str
    text: str
    kind: str
    section_key: str
    index_text: str
    headings: tuple[str, ...] = ()
    body: str = ""
    cells: Cells = ()
    page: int | None = None
    notes: tuple[str, ...] = ()  # the footnotes the body cites: quoted under it, not searched with it

    def __post_init__(self) -> None:
        """JSON gives lists; keep the fields tuples so a stored passage equals a fresh one."""
        object.__setattr__(self, "headings", tuple(self.headings))
        object.__setattr__(self, "notes", tuple(self.notes))
        object.__setattr__(self, "cells", tuple(tuple(tuple(pair) for pair in row) for row in self.cells))

    def quote(self) -> str:
        """The text a person reads: the headings above, the body, the footnotes it cites (built from
        the fields; ``text``, what is searched, leaves the notes out: each is a passage of its own)."""
        text = passage_text(self.headings, self.body) if (self.headings or self.body) else self.text
        return "\n".join([text, *self.notes]) if self.notes else text

    @property
    def columns(self) -> tuple[str, ...]:
        """A table passage's column names, from its cells as ingest read them (the header row's cells;
        () for a passage that is no table): what a figure's column or the responsible column is read by."""
        return max((tuple(head for head, _ in row) for row in self.cells), key=len, default=())

    @property
    def rows(self) -> tuple[str, ...]:
        """A table passage's rows below its header as a person reads them, one for each row of ``cells``."""
        return tuple(self.body.split("\n")[1:]) if self.cells else ()

    @property
    def derived(self) -> bool:
        """Restates words other passages hold (an outline): searched, not counted in the statistics."""
        return self.kind in DERIVED_KINDS

    @property
    def page_label(self) -> str:
        """ "tr. 3" when the file has pages, else ""."""
        return page_label(self.page)


@dataclass
class ParsedDoc:
    """Everything the index keeps of one file, before embedding."""

    name: str
    sha256: str
    meta: DocMeta
    pages: int | None
    passages: list[StoredPassage]
    deadlines: list[dict]
    content_views: list[str]  # each passage's quote alone, normalised: what its second vector embeds


def doc_label(meta: DocMeta) -> str:
    """Short document label that is indexed with every passage (helps tell similar documents apart)."""
    parts = [meta.number or "", meta.title[:120], (meta.date or "")[:4]]
    return " ".join(p for p in parts if p)


def passage_index_text(meta: DocMeta, section: str, text: str) -> str:
    """Normalised text that BM25 and the embedding model see: document label, section path, text."""
    return normalize(f"{doc_label(meta)} | {section} | {text}")


def parse_document(name: str, data: bytes, on_page: PageProgress | None = None) -> ParsedDoc:
    """Load, describe, parse once, and make passages and deadlines from that parse (raises
    LoaderError when unreadable)."""
    raw = load_bytes(data, name, on_page)
    meta = extract_metadata(raw.text, fallback_title=Path(name).stem.replace("-", " "))
    meta = replace(meta, ocr=raw.ocr, encoding=raw.encoding)
    segments = parse_segments(raw.text, paged=raw.pages is not None)  # the one parse
    passages = [
        StoredPassage(
            pid=p.pid,
            doc=p.doc,
            section=p.section,
            text=p.text,
            kind=p.kind,
            section_key=p.section_key,
            index_text=passage_index_text(meta, p.section, p.text),
            headings=p.headings,
            body=p.body,
            cells=p.cells,
            page=p.page,
            notes=p.notes,
        )
        for p in passages_from(name, segments)
    ]
    subject = document_subject(meta.title, meta.kind)
    found = [d.to_json() for d in deadlines_from(name, segments, meta.date, subject=subject)]
    views = [normalize(p.text) for p in passages]
    return ParsedDoc(name, hashlib.sha256(data).hexdigest(), meta, raw.pages, passages, found, views)


def _source_hash() -> str:
    digest = hashlib.sha256()
    for module in (loaders, metadata, levels, structure, deadlines, dates, text, units, encodings, ocr, systools):
        source = Path(module.__file__ or "")
        # a package (the loaders): every module in it
        for path in sorted(source.parent.glob("*.py")) if source.name == "__init__.py" else [source]:
            digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


# Taken at import, with the code this process runs: a file edited later must not lend its hash to
# entries written by the old code still in memory.
_PARSER_VERSION = _source_hash()


def parser_version() -> str:
    """Hash of the parsing code itself: editing any of it re-parses every document once."""
    return _PARSER_VERSION


class ParseCache:
    """SQLite cache of parsed documents keyed by (parser version, file name, content hash)."""

    def __init__(self, path: Path):
        self.db = open_cache_db(path, "parsed", "doc TEXT")

    @staticmethod
    def key(name: str, data: bytes) -> str:
        """Cache key of one file's bytes under one name and this parser."""
        return f"{parser_version()}:{name}:{hashlib.sha256(data).hexdigest()}"

    def parse(self, name: str, data: bytes, on_page: PageProgress | None = None) -> ParsedDoc:
        """The cached parse of this file, parsing (and remembering) it when new (``on_page``: OCR progress)."""
        key = self.key(name, data)
        row = self.db.execute("SELECT doc FROM parsed WHERE key = ?", (key,)).fetchone()
        if row:
            try:
                return self._decode(row[0])
            except (KeyError, TypeError, ValueError):  # an entry of another shape: parse again
                pass
        parsed = parse_document(name, data, on_page)
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO parsed VALUES (?, ?)", (key, json.dumps(asdict(parsed), ensure_ascii=False))
            )
        return parsed

    @staticmethod
    def _decode(stored: str) -> ParsedDoc:
        obj = json.loads(stored)
        return ParsedDoc(
            obj["name"],
            obj["sha256"],
            DocMeta(**obj["meta"]),
            obj["pages"],
            [StoredPassage(**p) for p in obj["passages"]],
            obj["deadlines"],
            obj["content_views"],
        )

    def close(self) -> None:
        """Close the database."""
        self.db.close()
