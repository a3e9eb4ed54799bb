"""Uploads to a large archive cost about the new document: it goes in as a part of its own.

A stand-in embedder (hash-seeded vectors) keeps these tests fast; the parts, the hiding of removed
documents, the merge and the searcher's reuse are what is checked, not the model.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.engine import Engine
from index.settings import Settings
from index.store import generations as store
from tests.conftest import CORPUS

NEW_DOC = """KẾ HOẠCH
Số 901-KH/TU
Hà Nội, ngày 02 tháng 3 năm 2026
Tổ chức hội thao cán bộ

I. NỘI DUNG
1. Hội thao cán bộ tổ chức tại Sân vận động Mỹ Đình, trước ngày 15/11/2026.
2. Ban Tổ chức Thành ủy chủ trì, báo cáo kết quả trước ngày 30/11/2026.
"""


class StandInEmbedder:
    """Bag-of-words vectors (a fixed random vector per word, summed): texts sharing words are close.
    Enough to exercise storage and search without the model."""

    dim = 64

    def __init__(self, name: str):
        self.name = self.cache_tag = name
        self.passages_encoded = 0
        self.words: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        if word not in self.words:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            self.words[word] = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return self.words[word]

    def _vec(self, text: str) -> np.ndarray:
        words = text.lower().split()
        v = np.sum([self._word(w) for w in words], axis=0) if words else np.zeros(self.dim, dtype=np.float32)
        return v / (np.linalg.norm(v) or 1.0)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.passages_encoded += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._vec(text)


@pytest.fixture
def setup(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    embedder = StandInEmbedder(settings.embedding_model)
    engine = Engine(settings, embedder=embedder)
    engine.rebuild(progress=False)
    return settings, embedder, engine


def docs_found(engine: Engine, question: str) -> list[str]:
    return [h.passage.doc for h in engine.retrieve(question, top_k=5).hits]


def test_added_document_becomes_a_part_and_only_it_is_embedded(setup) -> None:
    settings, embedder, engine = setup
    before = engine._current()
    embedder.passages_encoded = 0
    (settings.corpus_dir / "hoi-thao.txt").write_text(NEW_DOC, encoding="utf-8")
    report = engine.rebuild(progress=False)
    assert not report.unchanged and report.documents == 6
    assert embedder.passages_encoded == report.embedded == 2 * engine.index.docs["hoi-thao.txt"].passages
    assert len(engine.index.parts) == 2
    after = engine._current()
    assert after is not before and after.lexicon.bm25.base is before.lexicon.bm25.base  # base shared, not rebuilt
    assert docs_found(engine, "hội thao cán bộ sân vận động Mỹ Đình")[0] == "hoi-thao.txt"
    assert any(d.doc == "hoi-thao.txt" for d in engine.deadlines())
    assert before.index.passages == after.index.passages[: len(before.index.passages)]  # old searcher untouched


def test_nothing_changed_writes_no_generation(setup) -> None:
    settings, _, engine = setup
    live = store.current_generation(settings.index_dir).name
    report = engine.rebuild(progress=False)
    assert report.unchanged and report.embedded == 0
    assert store.current_generation(settings.index_dir).name == live


def test_removed_document_is_hidden_everywhere(setup) -> None:
    settings, _, engine = setup
    gone = "cong-van-1021-CV-TU-2024.txt"
    assert gone in docs_found(engine, "công văn 1021-CV/TU")
    (settings.corpus_dir / gone).unlink()
    engine.rebuild(progress=False)
    assert len(engine.index.parts) == 1 and gone not in engine.index.docs  # hidden, not rebuilt
    assert gone not in docs_found(engine, "công văn 1021-CV/TU")
    assert all(d.doc != gone for d in engine.deadlines())
    assert all(p.doc != gone for p in engine.index.by_pid.values())
    assert gone not in store.indexed_docs(settings)


def test_changed_document_replaces_its_old_passages(setup) -> None:
    settings, _, engine = setup
    path = settings.corpus_dir / "hoi-thao.txt"
    path.write_text(NEW_DOC, encoding="utf-8")
    engine.rebuild(progress=False)
    path.write_text(NEW_DOC.replace("Sân vận động Mỹ Đình", "Cung thể thao Quần Ngựa"), encoding="utf-8")
    engine.rebuild(progress=False)
    texts = [p.text for p in engine.index.by_pid.values() if p.doc == "hoi-thao.txt"]
    assert any("Quần Ngựa" in t for t in texts) and not any("Mỹ Đình" in t for t in texts)
    hits = engine.retrieve("hội thao cán bộ Mỹ Đình", top_k=5).hits
    assert all("Mỹ Đình" not in h.passage.text for h in hits if h.passage.doc == "hoi-thao.txt")


def test_cold_load_of_parts_searches_like_the_extended_searcher(setup) -> None:
    settings, embedder, engine = setup
    (settings.corpus_dir / "hoi-thao.txt").write_text(NEW_DOC, encoding="utf-8")
    engine.rebuild(progress=False)
    cold = Engine(settings, embedder=embedder)
    for q in ("hội thao tổ chức ở đâu", "han nop bao cao tong ket", "Ban Tổ chức Thành ủy chủ trì"):
        warm_hits = [(h.passage.pid, round(h.score, 5)) for h in engine.retrieve(q).hits]
        assert warm_hits == [(h.passage.pid, round(h.score, 5)) for h in cold.retrieve(q).hits]


def test_large_changes_merge_into_one_part(setup, monkeypatch) -> None:
    settings, _, engine = setup
    monkeypatch.setattr(store, "MERGE_SHARE", 0.001)
    (settings.corpus_dir / "hoi-thao.txt").write_text(NEW_DOC, encoding="utf-8")
    engine.rebuild(progress=False)
    assert len(engine.index.parts) == 1 and "hoi-thao.txt" in engine.index.docs
    live_parts = store.live_part_dirs(settings)
    assert {p.name for p in (settings.index_dir / "parts").iterdir()} >= {p.name for p in live_parts}


def test_parser_change_rebuilds_whole(setup, monkeypatch) -> None:
    settings, _, engine = setup
    monkeypatch.setattr(store, "parser_version", lambda: "another-parser")
    report = engine.rebuild(progress=False)
    assert not report.unchanged and len(engine.index.parts) == 1


def test_old_parts_are_pruned(setup) -> None:
    settings, _, engine = setup
    for i in range(3):
        (settings.corpus_dir / f"hoi-thao-{i}.txt").write_text(NEW_DOC.replace("901", str(910 + i)), encoding="utf-8")
        engine.rebuild(progress=False)
    engine.rebuild(progress=False, full=True)
    on_disk = {p.name for p in (settings.index_dir / "parts").iterdir()}
    gens = [g for g in settings.index_dir.iterdir() if g.name.startswith("gen-")]
    assert len(gens) == 2 and len(on_disk) <= 1 + 4  # the live part, and the previous generation's
    assert {p.name for p in store.live_part_dirs(settings)} <= on_disk


def test_many_added_parts_fold_into_one_and_keep_the_base(setup, monkeypatch) -> None:
    settings, embedder, engine = setup
    monkeypatch.setattr(store, "MAX_PARTS", 3)
    base = engine._current()
    places = ["Cung thể thao Quần Ngựa", "Sân vận động Hàng Đẫy", "Nhà thi đấu Trịnh Hoài Đức", "Cung Hữu nghị"]
    for i, place in enumerate(places):
        text = NEW_DOC.replace("901", str(920 + i)).replace("Sân vận động Mỹ Đình", place)
        (settings.corpus_dir / f"hoi-thao-{i}.txt").write_text(text, encoding="utf-8")
        embedder.passages_encoded = 0
        engine.rebuild(progress=False)
        assert len(engine.index.parts) <= 3
    assert embedder.passages_encoded == 4  # the fold re-read the earlier additions from the vector cache
    searcher = engine._current()
    assert engine.index.parts[0] is base.index.parts[0] and searcher.lexicon.bm25.base is base.lexicon.bm25.base
    assert {f"hoi-thao-{i}.txt" for i in range(4)} <= set(engine.index.docs)
    assert docs_found(engine, "hội thao ở Cung Hữu nghị")[0] == "hoi-thao-3.txt"
    cold = Engine(settings, embedder=embedder)
    q = "hội thao ở Sân vận động Hàng Đẫy"
    assert [h.passage.pid for h in cold.retrieve(q).hits] == [h.passage.pid for h in engine.retrieve(q).hits]
