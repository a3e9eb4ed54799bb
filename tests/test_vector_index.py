"""The FAISS index type follows corpus size, and the approximate one finds what exact search finds."""

from __future__ import annotations

import faiss
import numpy as np

from index.dense import make_faiss


def _clustered(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((40, dim))
    x = centers[rng.integers(0, 40, n)] + 0.3 * rng.standard_normal((n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_small_corpus_gets_exact_search() -> None:
    index = make_faiss(_clustered(500), flat_max=1000)
    assert isinstance(index, faiss.IndexFlatIP)
    assert index.ntotal == 500


def test_large_corpus_gets_ivf_with_high_recall() -> None:
    x = _clustered(6000)
    approx = make_faiss(x, flat_max=1000)
    exact = make_faiss(x, flat_max=10_000)
    assert isinstance(approx, faiss.IndexIVFFlat) and approx.ntotal == 6000
    queries = x[:50] + 0.05
    _, a = approx.search(queries, 10)
    _, e = exact.search(queries, 10)
    recall = np.mean([len(set(a[i]) & set(e[i])) / 10 for i in range(len(queries))])
    assert recall >= 0.95


def test_empty_corpus() -> None:
    assert make_faiss(np.zeros((0, 384), dtype=np.float32)).ntotal == 0
