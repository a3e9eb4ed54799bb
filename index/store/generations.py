"""Build, store and load index generations.

A generation is one directory (passages, document metadata, vectors, FAISS index, manifest).
``CURRENT`` names the live one and is switched with an atomic rename, so questions keep being
answered from the old generation while a new one is built, and a crash mid-build leaves the old
one working. Vectors are cached by (model, passage text) hash, so re-indexing only embeds new or
changed passages.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from index.ingest.deadlines import Deadline
from index.ingest.loaders import SUPPORTED_SUFFIXES, LoaderError, read_file, unsupported_message
from index.ingest.metadata import DocMeta
from index.ingest.parsed import ParseCache, ParsedDoc, StoredPassage, parser_version
from index.settings import Settings
from index.store.cachedb import open_cache_db
from index.store.dense import DenseIndex, FaissDenseIndex, PartedDenseIndex, write_faiss


class IndexMissingError(Exception):
    """No index has been built yet."""


class IndexModelMismatch(Exception):
    """The index was built with another embedding model: vectors must not be mixed."""


@dataclass
class DocRecord:
    """One indexed document."""

    doc: str
    sha256: str
    meta: DocMeta
    pages: int | None
    passages: int


@dataclass
class BuildReport:
    """What a build did, for the CLI and the admin's confirmation message."""

    generation: str
    documents: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    errors: dict[str, str] = field(default_factory=dict)
    unchanged: bool = False  # the corpus matched the live index: no new generation


class VectorCache:
    """SQLite cache of passage vectors keyed by sha256(model + text)."""

    def __init__(self, path: Path):
        self.db = open_cache_db(path, "vec", "v BLOB")

    @staticmethod
    def key(model: str, text: str) -> str:
        """Cache key for one passage under one model."""
        return hashlib.sha256(f"{model}\x00{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        """Vectors already known."""
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk_keys = keys[i : i + 500]
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(chunk_keys))})"
            for k, v in self.db.execute(q, chunk_keys):
                out[k] = np.frombuffer(v, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        """Remember new vectors."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def close(self) -> None:
        """Close the database."""
        self.db.close()


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time (uploads are queued, never interleaved)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Documents to index, in a stable order."""
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p
        for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
    )


ProgressFn = Callable[[str, int, int], None]


def embed_cached(
    embedder,
    texts: list[str],
    cache_path: Path,
    tag_prefix: str = "",
    progress: bool = False,
    on_progress: ProgressFn | None = None,
    batch: int = 32,
) -> tuple[np.ndarray, int]:
    """Vectors of the texts, embedding only those the cache does not hold; also how many it embedded."""
    from tqdm import tqdm

    cache = VectorCache(cache_path)
    tag = tag_prefix + getattr(embedder, "cache_tag", embedder.name)
    keys = [VectorCache.key(tag, t) for t in texts]
    known = cache.get_many(keys)
    # longest first, so each batch holds texts of similar length and pads little
    missing = sorted((i for i, k in enumerate(keys) if k not in known), key=lambda i: -len(texts[i]))
    bar = tqdm(total=len(missing), desc="Nhúng đoạn văn", unit="đoạn", disable=not progress or not missing)
    for start in range(0, len(missing), batch):
        ids = missing[start : start + batch]
        vecs = embedder.encode_passages([texts[i] for i in ids])
        new = {keys[i]: v for i, v in zip(ids, vecs, strict=True)}
        cache.put_many(new)
        known.update(new)
        bar.update(len(ids))
        if on_progress:
            on_progress("nhúng đoạn văn", min(start + batch, len(missing)), len(missing))
    bar.close()
    cache.close()
    if not keys:
        return np.zeros((0, embedder.dim), dtype=np.float32), 0
    return np.stack([known[k] for k in keys]).astype(np.float32), len(missing)


# An added document becomes a part of its own; once the added parts (and the passages of removed or
# replaced documents still stored) pass this share of the base, the next change rebuilds it whole.
MERGE_SHARE = 0.25
MAX_PARTS = 8  # beyond, the added parts are folded into one


@dataclass
class _Parsed:
    """The corpus files read for a build: their parses, and the files that could not be read."""

    docs: list[ParsedDoc]
    errors: dict[str, str]


def _parse_files(
    settings: Settings, files: list[Path], on_progress: ProgressFn | None, progress: bool = False
) -> _Parsed:
    """Parse each file; whatever one file does (a LoaderError, or any other failure of a reader) is
    that file's error, and the others are parsed all the same."""
    from tqdm import tqdm

    parsed: list[ParsedDoc] = []
    errors: dict[str, str] = {}
    cache = ParseCache(settings.parse_cache_path)
    try:
        for n, path in enumerate(files, 1):
            if on_progress:
                on_progress("đọc tài liệu", n, len(files))
            bar = None

            def on_page(done: int, total: int, name: str = path.name) -> None:
                nonlocal bar
                if progress and bar is None:
                    bar = tqdm(total=total, desc=f"Nhận dạng chữ (OCR) {name}", unit="trang")
                if bar is not None and done:
                    bar.update(1)
                if on_progress:
                    on_progress(f"nhận dạng chữ (OCR) {name}", done, total)

            try:
                parsed.append(cache.parse(path.name, read_file(path), on_page))
            except LoaderError as exc:
                errors[path.name] = str(exc)
            except Exception as exc:  # noqa: BLE001 - a reader's bug must not stop the other files
                errors[path.name] = f"Không đọc được tệp «{path.name}» ({exc.__class__.__name__})."
            finally:
                if bar is not None:
                    bar.close()
    finally:
        cache.close()
    return _Parsed(parsed, errors)


def unsupported_files(corpus_dir: Path) -> dict[str, str]:
    """Files in the corpus folder that no converter reads, each with the reason (for the summary)."""
    if not corpus_dir.is_dir():
        return {}
    return {
        p.name: unsupported_message(p.suffix.lower() or p.name)
        for p in sorted(corpus_dir.iterdir())
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in SUPPORTED_SUFFIXES
    }


def _new_name(prefix: str) -> str:
    """A directory name no other build can take: time, process and a random suffix."""
    return f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{secrets.token_hex(3)}"


def _write_part(settings: Settings, embedder, docs: list[ParsedDoc], progress: bool, on_progress) -> tuple[str, int]:
    """Embed and store documents as one part; returns its name (relative to the index directory) and
    how many vectors were newly embedded."""
    passages = [p for d in docs for p in d.passages]
    # Two views per passage: with its document label and section path (context), and the quoted
    # text alone (content). Dense search takes the better of the two.
    views = [p.index_text for p in passages] + [v for d in docs for v in d.content_views]
    vectors, embedded = embed_cached(
        embedder, views, settings.data_dir / "cache" / "vectors.sqlite", progress=progress, on_progress=on_progress
    )
    name = _new_name("part")
    parts = settings.index_dir / "parts"
    tmp = parts / (name + ".tmp")
    tmp.mkdir(parents=True)
    with open(tmp / "passages.jsonl", "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    records = [DocRecord(d.name, d.sha256, d.meta, d.pages, len(d.passages)) for d in docs]
    with open(tmp / "docs.json", "w", encoding="utf-8") as fh:
        json.dump([{**asdict(r), "meta": asdict(r.meta)} for r in records], fh, ensure_ascii=False, indent=1)
    write_faiss(tmp, vectors)
    deadlines = [x for d in docs for x in d.deadlines]
    (tmp / "deadlines.json").write_text(json.dumps(deadlines, ensure_ascii=False, indent=1), encoding="utf-8")
    os.rename(tmp, parts / name)
    return f"parts/{name}", embedded


def _publish(settings: Settings, embedder, manifest: dict) -> str:
    """Write a generation (a manifest naming its parts) and make it the live one."""
    index_dir = settings.index_dir
    gen = _new_name("gen")
    tmp = index_dir / (gen + ".tmp")
    tmp.mkdir(parents=True)
    docs = manifest["docs"]
    manifest = {
        "model": embedder.name,
        "dim": embedder.dim,
        "parser": parser_version(),
        "passages": sum(d["passages"] for d in docs.values()),
        "documents": len(docs),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **manifest,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.rename(tmp, index_dir / gen)
    switch_current(index_dir, gen)
    prune_generations(index_dir, keep=2)
    return gen


def _live_manifest(settings: Settings, model: str) -> dict | None:
    """The live generation's manifest when a change can be added to it: same model, same parser."""
    try:
        gen = current_generation(settings.index_dir)
    except IndexMissingError:
        return None
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    if "parts" not in manifest or manifest["model"] != model or manifest.get("parser") != parser_version():
        return None
    manifest["generation"] = gen.name
    return manifest


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def build_index(
    settings: Settings, embedder, progress: bool = True, on_progress: ProgressFn | None = None, full: bool = False
) -> BuildReport:
    """Bring the index in line with the corpus, then switch to the new generation.

    Added or changed documents become a new part and removed ones are hidden, so an upload costs
    about the new document alone, whatever the size of the archive. The whole index is rebuilt (from
    the parse and vector caches) when asked (``full``), when there is none yet or it was built by
    another model or parser, and once the changes since the last rebuild are a large share of it.
    """
    started = time.perf_counter()
    with build_lock(settings.index_dir):
        files = corpus_files(settings.corpus_dir)
        live = None if full else _live_manifest(settings, embedder.name)
        if live is not None:
            report = _update(settings, embedder, live, files, progress, on_progress)
            if report is not None:
                report.seconds = round(time.perf_counter() - started, 2)
                return report
        parsed = _parse_files(settings, files, on_progress, progress)
        parsed.errors.update(unsupported_files(settings.corpus_dir))
        part, embedded = _write_part(settings, embedder, parsed.docs, progress, on_progress)
        docs = {d.name: {"part": part, "sha256": d.sha256, "passages": len(d.passages)} for d in parsed.docs}
        gen = _publish(settings, embedder, {"parts": [part], "hidden": [], "docs": docs, "errors": parsed.errors})
        passages = sum(len(d.passages) for d in parsed.docs)
        seconds = round(time.perf_counter() - started, 2)
        return BuildReport(gen, len(docs), passages, embedded, 2 * passages - embedded, seconds, parsed.errors)


def _update(settings: Settings, embedder, live: dict, files: list[Path], progress, on_progress) -> BuildReport | None:
    """Add the corpus's changes to the live generation as one part; None when a rebuild is due instead."""
    indexed: dict[str, dict] = live["docs"]
    changed = [p for p in files if p.name not in indexed or indexed[p.name]["sha256"] != _digest(p)]
    present = {p.name for p in files} - {p.name for p in changed}
    gone = [d for d in indexed if d not in present]
    parsed = _parse_files(settings, changed, on_progress, progress)
    parsed.errors.update(unsupported_files(settings.corpus_dir))
    if not parsed.docs and not gone:
        n = live["passages"]
        return BuildReport(live["generation"], live["documents"], n, 0, 2 * n, 0.0, parsed.errors, unchanged=True)
    base = live["parts"][0]
    kept = {d: v for d, v in indexed.items() if d not in gone}
    hidden = live["hidden"] + [[indexed[d]["part"], d, indexed[d]["passages"]] for d in gone]
    base_size = sum(v["passages"] for v in indexed.values() if v["part"] == base) + sum(
        h[2] for h in live["hidden"] if h[0] == base
    )
    added = sum(len(d.passages) for d in parsed.docs) + sum(v["passages"] for v in kept.values() if v["part"] != base)
    stale = sum(h[2] for h in hidden)
    if added + stale > MERGE_SHARE * max(base_size, 1):
        return None
    parts = list(live["parts"])
    new_docs = parsed.docs
    if new_docs and len(parts) >= MAX_PARTS:
        # Too many small parts: fold the added ones and the new documents into one (from the caches,
        # costing the added documents' size, not the archive's); the base stays as it is.
        folded = [settings.corpus_dir / d for d, v in kept.items() if v["part"] != base]
        new_docs = _parse_files(settings, folded, None).docs + new_docs
        parts = [base]
        hidden = [h for h in hidden if h[0] == base]
    embedded = 0
    if new_docs:
        part, embedded = _write_part(settings, embedder, new_docs, progress, on_progress)
        parts.append(part)
        kept.update({d.name: {"part": part, "sha256": d.sha256, "passages": len(d.passages)} for d in new_docs})
    gen = _publish(settings, embedder, {"parts": parts, "hidden": hidden, "docs": kept, "errors": parsed.errors})
    passages = sum(v["passages"] for v in kept.values())
    return BuildReport(gen, len(kept), passages, embedded, 2 * passages - embedded, 0.0, parsed.errors)


def switch_current(index_dir: Path, gen: str) -> None:
    """Point CURRENT at a generation with an atomic rename."""
    tmp = index_dir / "CURRENT.tmp"
    tmp.write_text(gen, encoding="utf-8")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / "CURRENT")


def current_generation(index_dir: Path) -> Path:
    """The live generation directory."""
    cur = index_dir / "CURRENT"
    if not cur.exists():
        raise IndexMissingError("Chưa có chỉ mục. Hãy chạy: docbot index")
    gen = index_dir / cur.read_text(encoding="utf-8").strip()
    if not (gen / "manifest.json").exists():
        raise IndexMissingError(f"Chỉ mục {gen.name} bị thiếu. Hãy chạy lại: docbot index")
    return gen


def prune_generations(index_dir: Path, keep: int = 2) -> None:
    """Drop old generations, the parts no kept generation names, and half-built leftovers (a killed
    build leaves a .tmp). Called under the build lock, so no build is writing meanwhile."""
    live = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    gens = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")), key=lambda p: p.stat().st_mtime
    )
    finished = [g for g in gens if not g.name.endswith(".tmp")]
    kept: list[Path] = []
    for g in gens:
        if g.name.endswith(".tmp") or (g.name != live and g in finished[:-keep]):
            shutil.rmtree(g, ignore_errors=True)
        else:
            kept.append(g)
    used = set()
    for g in kept:
        with contextlib.suppress(OSError, ValueError):
            manifest = json.loads((g / "manifest.json").read_text(encoding="utf-8"))
            used.update(directory for _, directory in _parts(index_dir, g, manifest))
    parts = index_dir / "parts"
    if parts.is_dir():
        for p in parts.iterdir():
            if p not in used:
                shutil.rmtree(p, ignore_errors=True)


def _parts(index_dir: Path, gen: Path, manifest: dict) -> list[tuple[str, Path]]:
    """Each part a generation reads, by name and directory (an index written before parts existed is
    its own single part)."""
    if "parts" not in manifest:
        return [(gen.name, gen)]
    return [(name, index_dir / name) for name in manifest["parts"]]


def _hidden(manifest: dict) -> set[tuple[str, str]]:
    """(part, document) pairs of the documents removed or replaced since the part was written."""
    return {(h[0], h[1]) for h in manifest.get("hidden", [])}


@dataclass
class LoadedPart:
    """One part of a generation, loaded: its passages, documents and dense index."""

    name: str
    passages: list[StoredPassage]
    docs: list[DocRecord]
    dense: FaissDenseIndex

    @classmethod
    def read(cls, directory: Path, name: str) -> LoadedPart:
        """Load a part's files."""
        passages = [
            StoredPassage(**json.loads(line))
            for line in (directory / "passages.jsonl").read_text(encoding="utf-8").splitlines()
            if line
        ]
        return cls(name, passages, _read_docs(directory), FaissDenseIndex.open(directory, len(passages)))


def _read_docs(directory: Path) -> list[DocRecord]:
    out = []
    for d in json.loads((directory / "docs.json").read_text(encoding="utf-8")):
        d["meta"] = DocMeta(**d["meta"])
        out.append(DocRecord(**d))
    return out


@dataclass
class LoadedIndex:
    """A generation loaded in memory, read-only.

    ``passages`` are its parts' passages one after another, numbered as the lexical and dense indexes
    number them; it includes those of documents removed or replaced since the last rebuild, which
    ``alive`` marks false. ``docs``, ``by_pid`` and ``by_section`` hold live documents only."""

    generation: str
    model: str
    parts: list[LoadedPart]
    hidden: set[tuple[str, str]] = field(default_factory=set)  # (part, document)
    passages: list[StoredPassage] = field(init=False)
    docs: dict[str, DocRecord] = field(init=False)
    dense: DenseIndex = field(init=False)
    alive: np.ndarray = field(init=False)  # passage number → not hidden
    by_section: dict[str, list[int]] = field(init=False)
    by_doc: dict[str, list[int]] = field(init=False)  # live document → its passage numbers
    by_pid: dict[str, StoredPassage] = field(init=False)

    def __post_init__(self) -> None:
        """Lookups over all parts, built once per loaded generation."""
        self.passages = [p for part in self.parts for p in part.passages]
        self.dense = PartedDenseIndex([part.dense for part in self.parts])
        self.docs = {d.doc: d for part in self.parts for d in part.docs if (part.name, d.doc) not in self.hidden}
        self.alive = np.ones(len(self.passages), dtype=bool)
        self.by_section = {}
        self.by_doc = {}
        self.by_pid = {}
        for part, (start, _) in zip(self.parts, self.part_ranges(), strict=True):
            gone = {doc for name, doc in self.hidden if name == part.name}
            for i, p in enumerate(part.passages, start):
                if p.doc in gone:
                    self.alive[i] = False
                    continue
                self.by_section.setdefault(p.section_key, []).append(i)
                self.by_doc.setdefault(p.doc, []).append(i)
                self.by_pid[p.pid] = p

    def part_ranges(self) -> list[tuple[int, int]]:
        """Where each part's passages lie in ``passages``."""
        out, start = [], 0
        for part in self.parts:
            out.append((start, start + len(part.passages)))
            start += len(part.passages)
        return out


def indexed_docs(settings: Settings) -> dict[str, DocRecord]:
    """The live generation's documents and their metadata, without loading passages or vectors;
    empty when there is no index yet."""
    try:
        gen, manifest = _read_manifest(settings)
    except IndexMissingError:
        return {}
    hidden = _hidden(manifest)
    out = {}
    for name, directory in _parts(settings.index_dir, gen, manifest):
        for record in _read_docs(directory):
            if (name, record.doc) not in hidden:
                out[record.doc] = record
    return out


def live_part_dirs(settings: Settings) -> list[Path]:
    """The directories the live generation reads (to measure its size on disk)."""
    gen, manifest = _read_manifest(settings)
    return [directory for _, directory in _parts(settings.index_dir, gen, manifest)]


def extends(index: LoadedIndex, previous: LoadedIndex) -> bool:
    """Whether ``index`` is ``previous`` with parts added after its own (documents may be hidden)."""
    k = len(previous.parts)
    return len(index.parts) >= k and all(a is b for a, b in zip(index.parts[:k], previous.parts, strict=True))


def shares_base(index: LoadedIndex, previous: LoadedIndex) -> bool:
    """Whether ``index`` was built on ``previous``'s base part (only added parts differ)."""
    return bool(index.parts and previous.parts) and index.parts[0] is previous.parts[0]


def _read_manifest(settings: Settings) -> tuple[Path, dict]:
    gen = current_generation(settings.index_dir)
    return gen, json.loads((gen / "manifest.json").read_text(encoding="utf-8"))


def load_deadlines(settings: Settings) -> list[Deadline]:
    """Deadlines of the live generation's documents (no model needed)."""
    gen, manifest = _read_manifest(settings)
    hidden = _hidden(manifest)
    out = []
    for name, directory in _parts(settings.index_dir, gen, manifest):
        path = directory / "deadlines.json"
        if path.exists():
            out.extend(
                Deadline(**d) for d in json.loads(path.read_text(encoding="utf-8")) if (name, d["doc"]) not in hidden
            )
    return out


def load_index(settings: Settings, previous: LoadedIndex | None = None) -> LoadedIndex:
    """Load the live generation; refuse one built by a different model.

    Parts already loaded in ``previous`` (the generation this one was built on) are taken from it
    rather than read again: after an upload only the new document's part is read.
    """
    gen, manifest = _read_manifest(settings)
    if manifest["model"] != settings.embedding_model:
        raise IndexModelMismatch(
            f"Chỉ mục được xây bằng mô hình «{manifest['model']}», nhưng cấu hình hiện tại là "
            f"«{settings.embedding_model}». Hãy chạy lại: docbot index --rebuild"
        )
    have = {p.name: p for p in previous.parts} if previous is not None and previous.model == manifest["model"] else {}
    parts = [
        have.get(name) or LoadedPart.read(directory, name)
        for name, directory in _parts(settings.index_dir, gen, manifest)
    ]
    return LoadedIndex(gen.name, manifest["model"], parts, _hidden(manifest))
