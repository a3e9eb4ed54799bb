"""Where passage vectors live and how they are searched: the seam between search and storage.

The searcher only asks two things of it: the passages nearest a question vector, and the similarity
of given passages to it. Today that is FAISS in-process, over the generation's files; an engine
such as Qdrant or PostgreSQL/pgvector would implement the same two calls (see docs/scaling.md), so
changing the vector store is a new class and a setting, not a new searcher.

Each passage has ``views`` vectors (its text with context, and its text alone), stored view-major:
vector ``v * n + i`` is view ``v`` of passage ``i``. A passage's dense score is its best view.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

# Exact search costs ~0.2 ms per 1,000 vectors here: 23 ms at 114,000 (100× the seed corpus), well
# inside the latency budget. Beyond, an inverted-file index probes a share of its clusters; it builds
# in seconds, so uploads stay fast (HNSW took 88 s to build for 113,000 vectors). Its recall against
# exact search, for each probe share, is in docs/benchmarks.md.
FLAT_MAX_VECTORS = 150_000
IVF_PROBE_SHARE = 0.5  # share of clusters searched: recall@10 0.98 at 10× (0.89 at 0.16), see benchmarks.md


class DenseIndex(Protocol):
    """What the searcher needs from a vector store."""

    kind: str

    def search(self, query: np.ndarray, k: int) -> dict[int, float]:
        """Up to ``k`` nearest passages: passage index → best similarity over its views."""
        ...

    def score(self, ids: Iterable[int], query: np.ndarray) -> dict[int, float]:
        """Similarity of the given passages to the question (those the lexical search found)."""
        ...


def make_faiss(vectors: np.ndarray, flat_max: int = FLAT_MAX_VECTORS) -> faiss.Index:
    """Exact inner-product search while it is fast enough, an IVF index beyond."""
    dim = vectors.shape[1] if vectors.size else 384
    if len(vectors) <= flat_max:
        index: faiss.Index = faiss.IndexFlatIP(dim)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return index
    data = np.ascontiguousarray(vectors, dtype=np.float32)
    nlist = int(np.sqrt(len(data)))
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10
    ivf.cp.max_points_per_centroid = 64  # train on a sample: seconds, not minutes
    ivf.train(data)
    ivf.add(data)
    ivf.nprobe = max(8, int(nlist * IVF_PROBE_SHARE))
    return ivf


def write_faiss(directory: Path, vectors: np.ndarray) -> None:
    """Store a generation's vectors and their FAISS index."""
    np.save(directory / "vectors.npy", vectors)
    faiss.write_index(make_faiss(vectors), str(directory / "faiss.index"))


class FaissDenseIndex:
    """FAISS over one generation's files, with the raw vectors for direct scoring."""

    def __init__(self, index: faiss.Index, vectors: np.ndarray, passages: int):
        self.index = index
        self.vectors = vectors
        self.passages = passages
        self.views = index.ntotal // passages if passages else 1
        self.kind = type(index).__name__
        self._matrix = None  # the vectors as a torch tensor (no copy), made on the first exact search

    @classmethod
    def open(cls, directory: Path, passages: int) -> FaissDenseIndex:
        """Load a generation's index.

        An exact index already holds every vector in memory: score from a view of its storage (no
        second copy, no page faults on the first questions). An approximate one reads vectors.npy
        memory-mapped.
        """
        index = faiss.read_index(str(directory / "faiss.index"))
        if isinstance(index, faiss.IndexFlat) and index.ntotal:
            vectors = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
        else:
            vectors = np.load(directory / "vectors.npy", mmap_mode="r")
        return cls(index, vectors, passages)

    def search(self, query: np.ndarray, k: int) -> dict[int, float]:
        """Nearest passages (each view found counts for its passage; the best view wins)."""
        n = self.passages
        want = k * self.views
        if isinstance(self.index, faiss.IndexFlat) and len(self.vectors):
            # Exact search for one question as a matrix-vector product in torch, the model's own thread
            # pool: FAISS's one-query loop takes 28 ms at 114,000 vectors, and NumPy's BLAS threads fight
            # the model's just-used threads (10× corpus, encode + search p50: torch 32 ms, FAISS 41 ms,
            # NumPy 93 ms; encode alone 32 ms).
            import torch

            if self._matrix is None:
                self._matrix = torch.from_numpy(np.asarray(self.vectors))
            sims = self._matrix @ torch.from_numpy(np.ascontiguousarray(query, dtype=np.float32))
            top = torch.topk(sims, min(want, len(sims)))
            ids, scores = top.indices.numpy(), top.values.numpy()
        else:
            found, hits = self.index.search(query.reshape(1, -1), want)
            ids, scores = hits[0], found[0]
        best: dict[int, float] = {}
        for i, sc in zip(ids.tolist(), scores.tolist(), strict=True):
            if i >= 0:
                best[i % n] = max(best.get(i % n, -1.0), sc)
        return best

    def score(self, ids: Iterable[int], query: np.ndarray) -> dict[int, float]:
        """Best view similarity of each given passage (one gather and product per view: a scoped
        question scores a whole document's passages)."""
        idx = np.fromiter(ids, dtype=np.int64)
        if not idx.size:
            return {}
        n = self.passages
        q = np.asarray(query, dtype=np.float32)
        sims = np.max([np.asarray(self.vectors[idx + v * n], dtype=np.float32) @ q for v in range(self.views)], axis=0)
        return dict(zip(idx.tolist(), sims.tolist(), strict=True))


class PartedDenseIndex:
    """The dense indexes of an index's parts searched as one: passage numbers run on across parts.

    A document added to a large index gets a small part of its own, so the base's vectors are neither
    copied nor re-indexed; a merge folds the parts back into one.
    """

    def __init__(self, parts: list[FaissDenseIndex]):
        self.parts = parts
        self.starts = np.cumsum([0] + [p.passages for p in parts[:-1]]).tolist() if parts else []
        self.kind = parts[0].kind if parts else "IndexFlatIP"

    def search(self, query: np.ndarray, k: int) -> dict[int, float]:
        """The ``k`` nearest passages over every part."""
        found: dict[int, float] = {}
        for start, part in zip(self.starts, self.parts, strict=True):
            found.update({start + i: s for i, s in part.search(query, k).items()})
        if len(self.parts) > 1:
            found = dict(sorted(found.items(), key=lambda kv: -kv[1])[:k])
        return found

    def score(self, ids: Iterable[int], query: np.ndarray) -> dict[int, float]:
        """Best view similarity of each given passage, asked of the part that holds it."""
        out: dict[int, float] = {}
        wanted = sorted(ids)
        for start, part in zip(self.starts, self.parts, strict=True):
            mine = [i - start for i in wanted if start <= i < start + part.passages]
            out.update({start + i: s for i, s in part.score(mine, query).items()})
        return out

    @property
    def vectors(self) -> np.ndarray:
        """Every part's vectors (for measuring an approximate index against exact search)."""
        return np.concatenate([np.asarray(p.vectors) for p in self.parts]) if self.parts else np.zeros((0, 384))
