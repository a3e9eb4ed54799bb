"""BM25 over a base part plus added parts scores an added passage as if it had been in the base."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from index.retrieval.lexical import DiacriticRestorer, Lexicon, PartedBM25

BASE = [
    "ban dân vận thành ủy chủ trì đánh giá công tác dân vận".split(),
    "văn phòng thành ủy tổng hợp báo cáo gửi về trước ngày 30/9".split(),
    "hội nghị tổng kết tổ chức tại hội trường thành ủy".split(),
    "sở tài chính bố trí kinh phí thực hiện kế hoạch".split(),
    "các quận huyện thị xã xây dựng kế hoạch triển khai".split(),
    "ban tuyên giáo thành ủy hướng dẫn tuyên truyền".split(),
]


def test_added_part_scores_as_a_full_rebuild_would() -> None:
    filler = [[f"từ{i}", f"khác{i}", "chung", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy"] for i in range(200)]
    added = [BASE[1], "hội thao cán bộ tổ chức tại sân vận động mỹ đình".split()]
    grown = PartedBM25.build(BASE + filler).extended(added)
    rebuilt = bm25s.BM25()
    rebuilt.index(BASE + filler + added, show_progress=False)
    for query in ("báo cáo gửi về trước ngày".split(), "sân vận động".split(), ["chung", "thành"]):
        mine, theirs = grown.get_scores(query)[-2:], rebuilt.get_scores(query)[-2:]
        assert np.allclose(mine, theirs, rtol=0.03), query  # only the average passage length differs
    assert int(np.argmax(grown.get_scores("sân vận động".split()))) == grown.size - 1


def test_base_scores_are_bm25s_scores() -> None:
    scorer = PartedBM25.build(BASE)
    reference = bm25s.BM25()
    reference.index(BASE, show_progress=False)
    query = ["thành", "ủy", "kế", "hoạch"]
    assert np.allclose(scorer.get_scores(query), reference.get_scores(query))


def test_extending_leaves_the_original_untouched() -> None:
    scorer = PartedBM25.build(BASE)
    grown = scorer.extended(["từ mới".split()])
    assert scorer.size == len(BASE) and grown.size == len(BASE) + 1
    assert scorer.get_scores(["mới"]).sum() == 0 and grown.get_scores(["mới"])[-1] > 0


OUTLINE = "báo cáo tổng kết gồm kết quả hạn chế nguyên nhân".split()


@pytest.mark.parametrize("where", ["base", "added"])
@pytest.mark.parametrize("query", ["báo cáo gửi về".split(), "kết quả hạn chế".split(), ["thành", "ủy"]])
def test_a_derived_passage_is_scored_without_moving_any_other(where: str, query: list[str]) -> None:
    """An outline restates headings: it is scored with the corpus's statistics and changes none of
    them, so every other passage scores exactly as it did without it."""
    plain = PartedBM25.build(BASE).extended([BASE[2]])
    if where == "base":
        mixed = PartedBM25.build([*BASE, OUTLINE], [True] * len(BASE) + [False]).extended([BASE[2]])
        others = np.r_[np.arange(len(BASE)), len(BASE) + 1]
        outline_at = len(BASE)
    else:
        mixed = PartedBM25.build(BASE).extended([BASE[2], OUTLINE], [True, False])
        others = np.arange(len(BASE) + 1)
        outline_at = len(BASE) + 1
    assert mixed.size == len(BASE) + 2
    assert np.allclose(mixed.get_scores(query)[others], plain.get_scores(query))
    counted = PartedBM25.build(BASE).extended([BASE[2], OUTLINE])  # the outline scored as if counted
    expected = counted.get_scores(query)[-1]
    assert (mixed.get_scores(query)[outline_at] > 0) == (expected > 0)


def test_a_derived_passage_is_left_out_of_the_lexicon_statistics() -> None:
    texts = [" ".join(t) for t in BASE]
    plain = Lexicon.build(texts)
    mixed = Lexicon.build([*texts, " ".join(OUTLINE)], [True] * len(BASE) + [False])
    assert mixed.size == len(BASE) + 1 and mixed.counted == plain.counted == len(BASE)
    assert mixed.df == plain.df and mixed.idf() == plain.idf()
    assert "nguyen" in mixed.folded_sets[-1]  # what it holds is still known, for coverage


def test_unknown_and_empty_queries_score_zero() -> None:
    grown = PartedBM25.build(BASE).extended([["a", "b"]])
    assert not grown.get_scores([]).any()
    assert not grown.get_scores(["không-có"]).any()


def test_repeated_query_word_counts_each_time_in_both_kinds_of_part() -> None:
    grown = PartedBM25.build(BASE).extended([BASE[0]])
    once, twice = grown.get_scores(["dân"]), grown.get_scores(["dân", "dân"])
    assert np.allclose(twice, 2 * once)


def test_lexicon_extension_adds_vocabulary_and_document_frequencies() -> None:
    base = Lexicon.build(["ban dân vận thành ủy chủ trì", "văn phòng thành ủy tổng hợp"])
    grown = base.extended(["sân vận động mỹ đình", "thành ủy kết luận"])
    assert grown.size == 4 and base.size == 2
    assert grown.df["thanh"] == 3 and base.df["thanh"] == 2
    assert grown.restorer.restore("san van dong my dinh") == "sân vận động mỹ đình"
    assert base.restorer.restore("san van dong") == "san vận dong"  # only "vận" is in the base
    idf, unknown = grown.idf()
    assert idf["dinh"] > idf["thanh"] and unknown > idf["dinh"]


def test_restorer_counts_forms_across_parts() -> None:
    lower = DiacriticRestorer([["bao"], ["bao"]])
    upper = DiacriticRestorer([["báo"], ["báo"], ["báo"]], under=lower)
    assert upper.restore("bao") == "báo"
    assert DiacriticRestorer([["báo"]], under=lower).restore("bao") == "bao"


@pytest.mark.parametrize(
    "typed, restored",
    [
        # the documents never ask: their vocabulary would give "não", "đầu", "máy", "cơ"
        ("hoi nghi to chuc o dau, khi nao", "hội nghị tổ chức ở đâu, khi nào"),
        ("kiem tra thang may", "kiểm tra tháng mấy"),
        ("co bao nhieu dau tu", "có bao nhiêu đầu tư"),
        ("bao cao nop ve dau?", "báo cáo nộp về đâu?"),
        ("dau tu may tinh", "đầu tư máy tính"),  # not question words here: the corpus decides
        ("ghi the nao", "ghi thế nào"),
    ],
)
def test_question_words_are_restored_from_the_interrogatives_not_the_corpus(typed: str, restored: str) -> None:
    corpus = [
        "hội nghị tổ chức tại hội trường não đầu máy".split(),
        "đầu tư máy tính kiểm tra tháng báo cáo nộp về ghi thể".split(),
        "cơ quan có bao nhiêu đầu tư máy tính".split(),
    ]
    assert DiacriticRestorer(corpus).restore(typed) == restored


def test_the_lexicon_reads_each_parts_cited_papers_once() -> None:
    base = Lexicon.build(["thực hiện kế hoạch số 134-kh/tu ngày 17/02/2023", "nội dung khác"])
    assert base.cited == {("kh", 134)}
    grown = base.extended(["theo hướng dẫn số 11-hd/btctu"])
    assert grown.cited == {("kh", 134), ("hd", 11)} and base.cited == {("kh", 134)}  # the old one untouched
