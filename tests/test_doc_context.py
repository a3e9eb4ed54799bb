"""A paragraph copied into many documents is cited from the document that is about the question."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from index.engine import Engine
from index.retrieval.search import Hit, Searcher, collapse_duplicates
from index.settings import Settings, Tuning
from index.store.generations import StoredPassage
from tests.conftest import seed
from tests.test_incremental_index import StandInEmbedder

PLAN = "ke-hoach-34-KH-BCD-2024-tong-ket-chuong-trinh-01.txt"
PLACE = "Hội trường Thành ủy, số 9 Ngô quyền"


def _hit(doc: str, text: str, score: float, context: float, index: int) -> Hit:
    return Hit(StoredPassage(f"{doc}#{index}", doc, "s", text, "body", "k", ""), score, 0, 0, index, context=context)


def test_of_near_equal_copies_the_one_in_the_likeliest_document_is_cited() -> None:
    para = (
        "Hội nghị tổng kết cấp Thành phố: địa điểm Hội trường Thành ủy, số 9 Ngô Quyền; thời gian dự kiến "
        "Quý IV/2024; thành phần gồm Thường trực Thành ủy, HĐND, UBND Thành phố và các đồng chí Ủy viên "
        "Ban Thường vụ Thành ủy, thành viên Ban Chỉ đạo và Tổ công tác giúp việc Ban Chỉ đạo Chương trình."
    )
    other = para.replace("Hội trường Thành ủy, số 9", "Nhà văn hóa quận, số 19")

    def hits() -> list[Hit]:
        return [
            _hit("compilation", other, 1.00, 0.3, 0),
            _hit("plan", para, 0.95, 1.6, 1),  # a hair lower, in the document about the question
            _hit("report", "Một đoạn khác hẳn về kết nạp đảng viên mới.", 0.90, 0.5, 2),
        ]

    kept = collapse_duplicates(hits(), top_k=5, margin=0.2)
    assert [h.passage.doc for h in kept] == ["plan", "report"]
    assert kept[0].variants == ["compilation"] and kept[0].also_in == []  # named against the cited copy's words
    assert kept[0].score == 1.00  # the group keeps its place in the ranking

    # a copy well below the best is not an equal: the best-scored copy stays
    far = [hits()[0], _hit("plan", para, 0.70, 1.6, 1)]
    assert [h.passage.doc for h in collapse_duplicates(far, top_k=5, margin=0.2)] == ["compilation"]
    # without a margin the best-scored copy is cited, as before
    assert collapse_duplicates(hits()[:2], top_k=5)[0].passage.doc == "compilation"


def test_likely_documents_are_the_best_by_content_and_a_title_clearly_echoed() -> None:
    topic = {"a": 1.0, "b": 0.9, "c": 0.8, "d": 0.7, "e": 0.0}
    tuning = Tuning()
    assert Searcher.likely_docs({}, topic, tuning) == {"a", "b", "c"}
    # one title stands out: it joins; many titles tie ("báo cáo" in all): none does
    assert "e" in Searcher.likely_docs({"e": 1.0, "d": 0.3, "c": 0.3, "b": 0.3, "a": 0.3}, topic, tuning)
    assert Searcher.likely_docs({d: 1.0 for d in topic}, topic, tuning) == {"a", "b", "c"}


def _compilations(tmp_path: Path, copies: int) -> Path:
    """The plan, and ``copies`` compilations that each hold its conference section (with another
    place) among paragraphs of an unrelated programme."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    plan = seed("ke-hoach-34")
    (corpus / PLAN).write_text(plan, encoding="utf-8")
    section = plan[plan.index("### **III.") :]
    section = section[: section.index("\n### ", 10)]  # the conference: time, place, who attends, budget
    assert PLACE in section
    unrelated = [p for p in seed("chuong-trinh-hanh-dong").split("\n\n") if len(p) > 200]
    rng = random.Random(7)
    for i in range(copies):
        moved = section.replace(PLACE, f"Hội trường Thành ủy, số {i + 10} Ngô quyền")
        body = rng.sample(unrelated, 4) + [moved] + rng.sample(unrelated, 4)
        head = f"BÁO CÁO\n\nSố {i + 100}-BC/GL\n\nVăn bản tổng hợp số {i + 100}\n\n"
        (corpus / f"tong-hop-{i:03d}.txt").write_text(head + "\n\n".join(body) + "\n", encoding="utf-8")
    return corpus


@pytest.mark.slow
def test_the_plan_is_cited_before_its_copies_in_compilations(tmp_path: Path) -> None:
    """Seventy compilations carry the plan's conference section with another house number: a question
    about the conference, naming no document, is answered from the plan, and the others are named as
    differing copies."""
    corpus = _compilations(tmp_path, copies=70)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    engine = Engine(settings, embedder=StandInEmbedder(settings.embedding_model))
    engine.rebuild(progress=False)
    question = "địa điểm hội nghị tổng kết"

    retrieval = engine.retrieve(question, top_k=5)
    assert not retrieval.scope  # no document is named: the documents' own evidence decides
    top = retrieval.hits[0]
    assert top.passage.doc == PLAN and PLACE in top.passage.text
    assert len(top.variants) >= 10 and all(d.startswith("tong-hop-") for d in top.variants)

    # without the documents' evidence, a compilation's copy is cited: the test measures the feature
    blind = Tuning(likely_docs=0, title_weight=0, topic_weight=0, copy_margin=0)
    engine = Engine(settings.model_copy(update={"search": blind}), embedder=StandInEmbedder(settings.embedding_model))
    assert engine.retrieve(question, top_k=5).hits[0].passage.doc != PLAN
