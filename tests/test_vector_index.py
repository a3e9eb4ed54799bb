"""The FAISS index type follows corpus size, and the approximate one finds what exact search finds."""

from __future__ import annotations

import faiss
import numpy as np

from index.store.dense import make_faiss


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


def test_opened_flat_index_scores_from_its_own_storage(tmp_path) -> None:
    from index.store.dense import FaissDenseIndex, write_faiss

    x = _clustered(300)
    both_views = np.concatenate([x, _clustered(300, seed=1)])  # 2 views of 300 passages
    write_faiss(tmp_path, both_views)
    dense = FaissDenseIndex.open(tmp_path, passages=300)
    assert dense.views == 2 and dense.kind == "IndexFlatIP"
    np.testing.assert_allclose(dense.vectors, both_views)
    q = x[7]
    found = dense.search(q, 5)
    assert max(found, key=found.get) == 7
    assert abs(dense.score([7], q)[7] - 1.0) < 1e-5


def test_exact_search_finds_what_faiss_finds(tmp_path) -> None:
    from index.store.dense import FaissDenseIndex, write_faiss

    both_views = np.concatenate([_clustered(400), _clustered(400, seed=2)])
    write_faiss(tmp_path, both_views)
    dense = FaissDenseIndex.open(tmp_path, passages=400)
    for q in _clustered(20, seed=3):
        scores, ids = dense.index.search(q.reshape(1, -1), 30)
        expected: dict[int, float] = {}
        for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True):
            expected[i % 400] = max(expected.get(i % 400, -1.0), s)
        found = dense.search(q, 15)
        assert found.keys() == expected.keys()
        assert all(abs(found[i] - expected[i]) < 1e-5 for i in found)
