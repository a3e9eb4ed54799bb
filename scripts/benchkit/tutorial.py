"""The "typical tutorial stack" the core issue compares against, rebuilt for the benchmark.

1,000-character chunks cut without regard to structure, BM25 over lower-cased words, the same
multilingual-e5-small vectors in an exact FAISS index, the two rankings fused by reciprocal rank
(k = 60). No section paths, no diacritic folding, no answer extraction. It shares our embedder and
vector cache, so timing it on the same machine in the same run makes ratios that hold on a busy box.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss

from index.store.generations import embed_cached

CHUNK_CHARS = 1000
RRF_K = 60
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Chunk:
    """A fixed-size slice of one document."""

    doc: str
    text: str


def split(doc: str, text: str, size: int = CHUNK_CHARS) -> list[Chunk]:
    """Consecutive slices of ``size`` characters, as the tutorials cut them."""
    return [Chunk(doc, text[i : i + size]) for i in range(0, len(text), size) if text[i : i + size].strip()]


def words(text: str) -> list[str]:
    """Lower-cased words, the tutorials' tokenizer."""
    return _WORD.findall(text.lower())


class TutorialStack:
    """Build once, then search; ``build_s`` and ``embedded`` say what the build cost."""

    def __init__(self, files: list[Path], embedder, cache_path: Path, progress: bool = False):
        started = time.perf_counter()
        self.embedder = embedder
        self.chunks = [c for f in files for c in split(f.name, f.read_text(encoding="utf-8"))]
        self.bm25 = bm25s.BM25()
        self.bm25.index([words(c.text) for c in self.chunks], show_progress=False)
        texts = [c.text for c in self.chunks]
        vectors, self.embedded = embed_cached(embedder, texts, cache_path, tag_prefix="tutorial|", progress=progress)
        self.faiss = faiss.IndexFlatIP(vectors.shape[1])
        self.faiss.add(vectors)
        self.build_s = time.perf_counter() - started

    def search(self, question: str, top_k: int = 5, depth: int = 50) -> list[Chunk]:
        """Reciprocal-rank fusion of the BM25 and the dense top ``depth``."""
        n = len(self.chunks)
        depth = min(depth, n)
        fused: dict[int, float] = {}
        q = words(question)
        if q:
            ids, _ = self.bm25.retrieve([q], k=depth, show_progress=False)
            for rank, i in enumerate(ids[0]):
                fused[int(i)] = fused.get(int(i), 0.0) + 1.0 / (RRF_K + rank + 1)
        _, dense = self.faiss.search(self.embedder.encode_query(question).reshape(1, -1), depth)
        for rank, i in enumerate(dense[0]):
            if i >= 0:
                fused[int(i)] = fused.get(int(i), 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda i: -fused[i])[:top_k]
        return [self.chunks[i] for i in best]
