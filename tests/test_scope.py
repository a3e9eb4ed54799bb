"""A question that names its document is answered from that document first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.engine import Engine
from index.ingest.metadata import DocMeta
from index.retrieval.scope import cited_in, doc_name, known_papers, mentions, read_names, unheld
from index.retrieval.search import Hit, named_first
from index.settings import Settings
from index.store.generations import StoredPassage
from tests.conftest import CORPUS, seed
from tests.test_incremental_index import StandInEmbedder

PLAN_TITLE = "Kế hoạch Tổng kết Chương trình số 05-CTr/TU giai đoạn 2016-2020"
NAMES = [
    doc_name("kh", DocMeta(PLAN_TITLE, "12-KH/BCĐ", None, "2020-10-01")),
    doc_name(
        "ctr-2011", DocMeta("Chương trình Phát triển du lịch giai đoạn 2011 - 2015", "05-CTr/TU", None, "2011-05-02")
    ),
    doc_name("ctr-hd", DocMeta("Chương trình hành động thực hiện Nghị quyết Đại hội, nhiệm kỳ 2020 - 2025")),
    doc_name("cv", DocMeta("Công văn V/v sơ kết công tác", "877-CV/TU", None, "2023-04-11")),
    doc_name("bc", DocMeta("Báo cáo Sơ kết giữa nhiệm kỳ 2020-2025")),
]


def test_doc_name_reads_own_number_cited_documents_and_years() -> None:
    kh = NAMES[0]
    assert kh.kinds == {"kh"} and kh.numbers == {("kh", 12)}
    assert kh.cites == {("ctr", 5)}  # the programme its title sums up is not its own number
    assert {2016, 2020} <= kh.years
    assert NAMES[2].kinds == {"ctr"} and not NAMES[2].numbers  # typed by its title's first words


def test_mentions_need_a_number_or_a_year() -> None:
    assert mentions("kế hoạch nào giao việc này?") == []
    assert [(m.kind, m.number, m.year) for m in mentions("theo CV 877 thì ai làm?")] == [("cv", 877, None)]
    assert [(m.kind, m.number, m.year) for m in mentions("chuong trinh 05 (2011) lam gi")] == [("ctr", 5, 2011)]
    assert [(m.kind, m.number, m.year) for m in mentions("chương trình 2011-2015 giao ai")] == [("ctr", None, 2011)]
    assert [(m.kind, m.number) for m in mentions("văn bản số 877-CV/TU")] == [("cv", 877)]  # a bare số hiệu
    # a số hiệu with its date: the date's year is the document's
    assert [(m.kind, m.number, m.year) for m in mentions("CTr 05-CTr/TU ngày 02/5/2011 ai ký")] == [("ctr", 5, 2011)]
    assert [(m.kind, m.number, m.year) for m in mentions("chương trình 05 ngày 2 tháng 5 năm 2011")] == [
        ("ctr", 5, 2011)
    ]
    assert [(m.kind, m.number) for m in mentions("cong van so 877-CV/TU")] == [("cv", 877)]


def named(question: str, names: list) -> set[str]:
    return read_names(question, names)[0]


def asked(question: str, names: list) -> str:
    return read_names(question, names)[1]


def test_named_documents_only_without_doubt() -> None:
    assert named("kế hoạch 12 họp ở đâu", NAMES) == {"kh"}
    assert named("CV 877 giao ai", NAMES) == {"cv"}
    assert named("chương trình 05 năm 2011 đặt chỉ tiêu gì", NAMES) == {"ctr-2011"}
    assert named("chương trình năm 2011 giao ai", NAMES) == {"ctr-2011"}
    # "chương trình 05" alone: the 2011 programme, or the 2016-2020 one that the plan sums up
    assert named("tổng kết chương trình 05 thế nào", NAMES) == set()
    assert named("chương trình 05 năm 2018", NAMES) == set()  # only cited: not indexed itself
    assert named("kế hoạch 99 giao ai", NAMES) == set()  # no such document
    assert named("kết nạp bao nhiêu đảng viên năm 2022", NAMES) == set()


def test_without_names_keeps_what_is_asked() -> None:
    assert asked("chương trình 05 năm 2011 tổng kết vào năm nào?", NAMES) == "tổng kết vào năm nào?"
    assert asked("ctr 05 (2011) giao ai?", NAMES) == "giao ai?"
    assert asked("tổng kết chương trình 05 thế nào", NAMES) == "tổng kết chương trình 05 thế nào"


def test_search_answers_from_the_named_document_before_its_copy(tmp_path: Path) -> None:
    """Next year's plan copies this year's with another number and place: the number decides."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    plan = seed("ke-hoach-34")
    copy = plan.replace("Số 34 -KH/BCĐ", "Số 77-KH/BCĐ").replace(
        "Hội trường Thành ủy, số 9 Ngô quyền", "Cung Văn hóa Hữu nghị, số 91 Trần Hưng Đạo"
    )
    assert copy != plan
    (corpus / "ke-hoach-77-ban-sao.txt").write_text(copy, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    engine = Engine(settings, embedder=StandInEmbedder(settings.embedding_model))
    engine.rebuild(progress=False)

    for number, doc, place in [
        ("77", "ke-hoach-77-ban-sao.txt", "Cung Văn hóa"),
        ("34", "ke-hoach-34-KH-BCD-2024-tong-ket-chuong-trinh-01.txt", "Hội trường Thành ủy"),
    ]:
        hits = engine.retrieve(f"kế hoạch {number} hội nghị tổng kết tổ chức ở địa điểm nào", top_k=5).hits
        assert {h.passage.doc for h in hits[:4]} == {doc}  # the fifth seat goes to the best passage anywhere
        assert any(place in h.passage.text for h in hits[:4])


def test_named_documents_come_first_but_the_best_passage_elsewhere_keeps_a_seat() -> None:
    def hit(doc: str, score: float) -> Hit:
        return Hit(StoredPassage(f"{doc}#{score}", doc, "s", "t", "body", "k", "t"), score, 0, 0, 0)

    hits = [hit("report", 0.9), hit("copy", 0.8), hit("plan", 0.5), hit("plan", 0.4), hit("plan", 0.3)]
    ranked = named_first(hits, {"plan"}, top_k=3)
    assert [(h.passage.doc, h.score) for h in ranked[:3]] == [("plan", 0.5), ("plan", 0.4), ("report", 0.9)]
    assert [h.passage.doc for h in named_first(hits, {"plan"}, top_k=1)][:1] == ["plan"]


def test_the_date_that_names_a_document_is_no_term_a_passage_must_hold() -> None:
    """"chương trình 05 ngày 02/5/2011 giao ai" names the 2011 programme by its date: the scope holds the
    date (the header has it), so the evidence does not look for it in the asked section's passages."""
    from index.answer.evidence import question_terms
    from index.retrieval.query import read_query

    query = read_query("chương trình 05 ngày 02/5/2011 giao ai chủ trì", NAMES)
    assert query.scope == {"ctr-2011"} and "02/5/2011" in query.naming
    words = [t.word for t in question_terms(query, {"chu": 2.0, "tri": 2.0, "giao": 1.0}, 7.0)]
    assert "02/5/2011" not in words and "chu" in words
    unscoped = read_query("hội nghị ngày 02/5/2011 giao ai chủ trì", NAMES)  # a date asked about stays
    assert not unscoped.naming and "02/5/2011" in [t.word for t in question_terms(unscoped, {}, 7.0)]


# ---- a paper the archive neither holds nor cites ------------------------------------------------------
CITED = cited_in(
    [
        "Thực hiện Kế hoạch số 134-KH/TU ngày 17/02/2023 của Ban Thường vụ Thành ủy",
        "theo Hướng dẫn số 11-HD/BTCTU; Tờ trình 124/TTr-SNV; Quyết định số 144/2002/QĐ-BTC",
    ]
)


def test_cited_in_reads_every_form_a_paper_is_named_by() -> None:
    assert {("kh", 134), ("hd", 11), ("ttr", 124), ("qd", 144)} <= CITED


@pytest.mark.parametrize(
    ("question", "unheld_paper"),
    [
        ("KH 200-KH/TU về chuyển đổi số nội dung gì", True),  # no document has it, no passage cites it
        ("hướng dẫn 15-HD/BTCTU quy định gì", True),
        ("cv 1050 hướng dẫn cv 877 yêu cầu gì", True),  # one held, one not: the unheld one is asked of
        ("kế hoạch 134-KH/TU về nội dung gì", False),  # cited by a passage
        ("hướng dẫn 11 yêu cầu gì", False),
        ("CV 877 giao ai", False),  # a held document's own number
        ("văn bản 12 giao ai", False),  # no type read ("văn bản"): nothing is judged
        ("công văn 12 giao ai", False),  # the plan's own number, whatever type the asker calls it
        ("kế hoạch năm 2024 giao ai", False),  # a year names no paper by number
        ("cv 11902 bnv căn cứ điều mấy", True),  # five digits are read whole (not as 1190)
    ],
)
def test_unheld_papers(question: str, unheld_paper: bool) -> None:
    assert unheld(question, known_papers(NAMES, CITED)) is unheld_paper


def test_a_query_read_without_the_index_citations_judges_no_paper_unheld() -> None:
    from index.retrieval.query import read_query

    assert read_query("KH 200-KH/TU nội dung gì", NAMES).unheld is False
    assert read_query("KH 200-KH/TU nội dung gì", NAMES, papers=known_papers(NAMES, CITED)).unheld is True
