"""Small ranking rules of the searcher, on texts of our own."""

from __future__ import annotations

import pytest

from index.ingest.parsed import StoredPassage
from index.retrieval.hits import Hit
from index.retrieval.query import read_query
from index.retrieval.search import merge_overlaps, starts_with_item


def test_asked_ordinal_reads_words_and_digits() -> None:
    assert read_query("nhiệm vụ thứ ba là gì").ordinal == 3
    assert read_query("giai phap thu 2").ordinal == 2
    assert read_query("nhiệm vụ trọng tâm là gì").ordinal is None


def test_item_number_is_not_the_section_number() -> None:
    section = "II. NHIỆM VỤ › 2. Các giải pháp trọng tâm"
    parent = "II. NHIỆM VỤ\n2. Các giải pháp trọng tâm\n(1) Rà soát quy hoạch cán bộ.\n(2) Đổi mới tuyển dụng."
    second = "(2) Đổi mới tuyển dụng, thi tuyển chức danh lãnh đạo."
    assert not starts_with_item(parent, 2, section)  # its first item is (1); the 2 numbers the section
    assert starts_with_item(parent, 1, section)
    assert starts_with_item(second, 2, section)
    assert starts_with_item("Hai là, đổi mới tuyển dụng.", 2)


def test_corpus_tokens_fold_each_word_once_and_share_strings() -> None:
    from index.retrieval.lexical import corpus_tokens, with_bigrams
    from index.text import fold_diacritics, tokens

    texts = ["Ban Dân vận Thành ủy chủ trì", "Thành ủy giao Ban Dân vận 30/9/2024"]
    accented, folded = corpus_tokens(texts)
    assert accented == [tokens(t) for t in texts]
    assert folded == [tokens(fold_diacritics(t)) for t in texts]
    assert accented[0][0] is accented[1][3]  # "Ban": one string for every occurrence
    assert with_bigrams(accented)[1][-1] == "vận_30/9/2024"


def _hit(text: str, index: int, key: str = "d@1", doc: str = "d.txt", score: float = 1.0) -> Hit:
    section = "II. NHIỆM VỤ › 2. Các giải pháp"
    return Hit(StoredPassage(f"{doc}#{index}", doc, section, text, "body", key, text), score, 0, 0, index)


HEAD = "II. NHIỆM VỤ\n2. Các giải pháp"


@pytest.mark.parametrize(
    ("second", "joined"),
    [
        # neighbours of one section sharing an item: one quote, lines in document order, each once
        (_hit(f"{HEAD}\n- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4), True),
        # the same section, no line in common: two quotes
        (_hit(f"{HEAD}\n- (5) Kiểm tra, giám sát.", 6), False),
        # a shared line in another section, or another document: two quotes
        (_hit(f"{HEAD}\n- (2) Đổi mới tuyển dụng.", 4, key="d@2"), False),
        (_hit(f"{HEAD}\n- (2) Đổi mới tuyển dụng.", 4, doc="e.txt"), False),
    ],
)
def test_overlapping_passages_of_one_section_are_one_citation(second: Hit, joined: bool) -> None:
    first = _hit(f"{HEAD}\n- (1) Rà soát quy hoạch.\n- (2) Đổi mới tuyển dụng.", 3, score=2.0)
    other = _hit("Một đoạn khác.", 9, key="d@7", score=0.5)
    kept = merge_overlaps([first, second, other], max_chars=1200)
    assert len(kept) == (2 if joined else 3)
    if joined:
        assert (
            kept[0].passage.text
            == f"{HEAD}\n- (1) Rà soát quy hoạch.\n- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo."
        )
        assert kept[0].passage.pid == "d.txt#3" and kept[1] is other
    # too long to read as one: kept apart
    assert len(merge_overlaps([_hit(first.passage.text, 3), second], max_chars=40)) == 2


def test_a_better_ranked_later_passage_is_joined_in_document_order() -> None:
    later = _hit(f"{HEAD}\n- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4, score=2.0)
    earlier = _hit(f"{HEAD}\n- (1) Rà soát quy hoạch.\n- (2) Đổi mới tuyển dụng.", 3)
    (kept,) = merge_overlaps([later, earlier], max_chars=1200)
    assert kept.passage.pid == "d.txt#4"
    assert kept.passage.text.split("\n")[2:] == [
        "- (1) Rà soát quy hoạch.",
        "- (2) Đổi mới tuyển dụng.",
        "- (3) Thi tuyển lãnh đạo.",
    ]
