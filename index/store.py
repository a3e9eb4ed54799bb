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
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .cachedb import open_cache_db
from .deadlines import Deadline
from .dense import DenseIndex, FaissDenseIndex, write_faiss
from .loaders import SUPPORTED_SUFFIXES, LoaderError, read_file
from .metadata import DocMeta
from .parsed import ParseCache, StoredPassage
from .settings import Settings


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


def build_index(
    settings: Settings, embedder, progress: bool = True, on_progress: ProgressFn | None = None
) -> BuildReport:
    """Load, chunk and embed every corpus document into a new generation, then switch to it."""
    started = time.perf_counter()
    index_dir = settings.index_dir
    with build_lock(index_dir):
        docs: list[DocRecord] = []
        passages: list[StoredPassage] = []
        content_views: list[str] = []
        deadlines: list[dict] = []
        errors: dict[str, str] = {}
        files = corpus_files(settings.corpus_dir)
        parse_cache = ParseCache(settings.data_dir / "cache" / "parsed.sqlite")
        for n, path in enumerate(files, 1):
            if on_progress:
                on_progress("đọc tài liệu", n, len(files))
            try:
                parsed = parse_cache.parse(path.name, read_file(path))
            except LoaderError as exc:
                errors[path.name] = str(exc)
                continue
            passages.extend(parsed.passages)
            content_views.extend(parsed.content_views)
            docs.append(DocRecord(path.name, parsed.sha256, parsed.meta, parsed.pages, len(parsed.passages)))
            deadlines.extend(parsed.deadlines)
        parse_cache.close()

        # Two views per passage: with its document label and section path (context), and the quoted
        # text alone (content). Dense search takes the better of the two.
        views = [p.index_text for p in passages] + content_views
        vectors, embedded = embed_cached(
            embedder,
            views,
            settings.data_dir / "cache" / "vectors.sqlite",
            progress=progress,
            on_progress=on_progress,
        )

        gen = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{int(time.time() * 1000) % 1000:03d}"
        tmp = index_dir / (gen + ".tmp")
        tmp.mkdir(parents=True)
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as fh:
            for p in passages:
                fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
        with open(tmp / "docs.json", "w", encoding="utf-8") as fh:
            json.dump([{**asdict(d), "meta": asdict(d.meta)} for d in docs], fh, ensure_ascii=False, indent=1)
        write_faiss(tmp, vectors)
        (tmp / "deadlines.json").write_text(json.dumps(deadlines, ensure_ascii=False, indent=1), encoding="utf-8")
        manifest = {
            "model": embedder.name,
            "dim": embedder.dim,
            "passages": len(passages),
            "documents": len(docs),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "errors": errors,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.rename(tmp, index_dir / gen)
        switch_current(index_dir, gen)
        prune_generations(index_dir, keep=2)
        return BuildReport(
            gen,
            len(docs),
            len(passages),
            embedded,
            len(views) - embedded,
            round(time.perf_counter() - started, 2),
            errors,
        )


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
    """Drop old generations and half-built leftovers (a killed build leaves a .tmp)."""
    live = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    gens = sorted(
        (p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")), key=lambda p: p.stat().st_mtime
    )
    finished = [g for g in gens if not g.name.endswith(".tmp")]
    for g in gens:
        if g.name.endswith(".tmp") or (g.name != live and g in finished[:-keep]):
            shutil.rmtree(g, ignore_errors=True)


@dataclass
class LoadedIndex:
    """A generation loaded in memory, read-only."""

    generation: str
    model: str
    passages: list[StoredPassage]
    docs: dict[str, DocRecord]
    dense: DenseIndex
    by_section: dict[str, list[int]] = field(default_factory=dict)
    by_pid: dict[str, StoredPassage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Lookups derived from the passages, built once per loaded generation."""
        for i, p in enumerate(self.passages):
            self.by_section.setdefault(p.section_key, []).append(i)
            self.by_pid[p.pid] = p


def load_deadlines(settings: Settings) -> list[Deadline]:
    """Deadlines of the live generation (no model needed)."""
    gen = current_generation(settings.index_dir)
    path = gen / "deadlines.json"
    if not path.exists():
        return []
    return [Deadline(**d) for d in json.loads(path.read_text(encoding="utf-8"))]


def load_index(settings: Settings) -> LoadedIndex:
    """Load the live generation; refuse one built by a different model."""
    gen = current_generation(settings.index_dir)
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    if manifest["model"] != settings.embedding_model:
        raise IndexModelMismatch(
            f"Chỉ mục được xây bằng mô hình «{manifest['model']}», nhưng cấu hình hiện tại là "
            f"«{settings.embedding_model}». Hãy chạy lại: docbot index --rebuild"
        )
    passages = [
        StoredPassage(**json.loads(line))
        for line in (gen / "passages.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    docs = {}
    for d in json.loads((gen / "docs.json").read_text(encoding="utf-8")):
        d["meta"] = DocMeta(**d["meta"])
        docs[d["doc"]] = DocRecord(**d)
    return LoadedIndex(gen.name, manifest["model"], passages, docs, FaissDenseIndex.open(gen, len(passages)))
