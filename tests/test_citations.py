"""Citations: overlapping passages of one section are one quote, joined after the answer is taken."""

from __future__ import annotations

import pytest

from index.answer.citations import join_overlaps
from index.ingest.parsed import StoredPassage
from index.retrieval.hits import Hit

SECTION = "II. NHIỆM VỤ › 2. Các giải pháp"
HEADINGS = ("II. NHIỆM VỤ", "2. Các giải pháp")
HEAD = "\n".join(HEADINGS)


def _hit(body: str, index: int, key: str = "d@1", doc: str = "d.txt", score: float = 1.0, page: int = 2) -> Hit:
    """A stored passage as ingest makes it: headings and body as fields, text = both flattened."""
    text = f"{HEAD}\n{body}"
    passage = StoredPassage(f"{doc}#{index}", doc, SECTION, text, "body", key, text, HEADINGS, body, (), page)
    return Hit(passage, score, 0, 0, index)


def _flat(text: str, index: int) -> Hit:
    """A passage with only its flattened text (older readers, hand-built retrievals)."""
    return Hit(StoredPassage(f"d.txt#{index}", "d.txt", SECTION, text, "body", "d@1", text), 1.0, 0, 0, index)


FIRST = "- (1) Rà soát quy hoạch.\n- (2) Đổi mới tuyển dụng."


@pytest.mark.parametrize(
    ("second", "joined"),
    [
        # neighbours of one section sharing an item: one quote, lines in document order, each once
        (_hit("- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4), True),
        # the same section, no line in common: two quotes
        (_hit("- (5) Kiểm tra, giám sát.", 6), False),
        # a shared line in another section (not the next passage), or another document: two quotes
        (_hit("- (2) Đổi mới tuyển dụng.", 7, key="d@2"), False),
        (_hit("- (2) Đổi mới tuyển dụng.", 4, doc="e.txt"), False),
    ],
)
def test_overlapping_passages_of_one_section_are_one_citation(second: Hit, joined: bool) -> None:
    first = _hit(FIRST, 3, score=2.0)
    other = _hit("Một đoạn khác.", 9, key="d@7", score=0.5)
    kept, where = join_overlaps([first, second, other], max_chars=1200)
    assert len(kept) == (2 if joined else 3)
    assert where == ([0, 0, 1] if joined else [0, 1, 2])
    if joined:
        body = "- (1) Rà soát quy hoạch.\n- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo."
        assert kept[0].passage.body == body
        assert kept[0].passage.quote() == f"{HEAD}\n{body}"  # what the reader sees: headings once
        assert kept[0].passage.text == f"{HEAD}\n{body}"  # what the JSON result carries
        assert kept[0].passage.pid == "d.txt#3" and kept[1] is other
    assert first.passage.body == FIRST  # the retrieved passage itself is not changed


def test_a_joined_quote_longer_than_the_limit_stays_two_and_zero_never_joins() -> None:
    second = _hit("- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4)
    assert len(join_overlaps([_hit(FIRST, 3), second], max_chars=60)[0]) == 2
    assert len(join_overlaps([_hit(FIRST, 3), second], max_chars=0)[0]) == 2


def test_a_better_ranked_later_passage_is_joined_in_document_order() -> None:
    later = _hit("- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4, score=2.0, page=3)
    earlier = _hit(FIRST, 3, page=2)
    (kept,), _ = join_overlaps([later, earlier], max_chars=1200)
    assert kept.passage.pid == "d.txt#4"  # the citation keeps the better passage's identity
    assert kept.passage.body.split("\n") == [
        "- (1) Rà soát quy hoạch.",
        "- (2) Đổi mới tuyển dụng.",
        "- (3) Thi tuyển lãnh đạo.",
    ]
    assert kept.passage.page == 2  # the quote starts on the earlier passage's page


def test_passages_with_only_flattened_text_join_by_their_lines() -> None:
    a = _flat(f"{HEAD}\n{FIRST}", 3)
    b = _flat(f"{HEAD}\n- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4)
    (kept,), _ = join_overlaps([a, b], max_chars=1200)
    assert kept.passage.text.split("\n")[2:] == [
        "- (1) Rà soát quy hoạch.",
        "- (2) Đổi mới tuyển dụng.",
        "- (3) Thi tuyển lãnh đạo.",
    ]


def _item(heading: str, body: str, index: int, top: str = "III. THỜI GIAN, ĐỊA ĐIỂM") -> Hit:
    headings = (top, heading)
    text = "\n".join([*headings, body])
    section = f"{top} › {heading}"
    passage = StoredPassage(f"d.txt#{index}", "d.txt", section, text, "body", f"d@{index}", text, headings, body)
    return Hit(passage, 1.0, 0, 0, index)


@pytest.mark.parametrize(
    ("second", "joined"),
    [
        # the next item under the same heading: one quote, its own sub-heading kept
        (_item("2. Địa điểm", "Hội trường Thành ủy.", 5), True),
        # under the same heading but not next to it, or next to it under another heading: two quotes
        (_item("3. Thành phần", "Đại biểu.", 6), False),
        (_item("1. Mục đích", "Đánh giá.", 5, top="IV. TỔ CHỨC"), False),
    ],
)
def test_neighbouring_items_under_one_heading_are_one_citation(second: Hit, joined: bool) -> None:
    first = _item("1. Thời gian", "Dự kiến Quý IV/2024.", 4)
    kept, _ = join_overlaps([first, second], max_chars=1200)
    assert len(kept) == (1 if joined else 2)
    if joined:
        assert kept[0].passage.quote() == (
            "III. THỜI GIAN, ĐỊA ĐIỂM\n1. Thời gian\nDự kiến Quý IV/2024.\n2. Địa điểm\nHội trường Thành ủy."
        )
        assert kept[0].passage.section == "III. THỜI GIAN, ĐỊA ĐIỂM"  # what the whole quote is under


def test_the_answer_source_follows_its_passage_into_the_joined_citation() -> None:
    from index.answer.citations import cite
    from index.answer.lines import Answer

    first, other = _hit(FIRST, 3, score=2.0), _hit("Một đoạn khác.", 9, key="d@7")
    second = _hit("- (2) Đổi mới tuyển dụng.\n- (3) Thi tuyển lãnh đạo.", 4)
    answer = Answer(True, "x", "unit", [first, other, second], source=2)
    assert cite(answer, 1200, 5).source == 0  # the third passage now stands in the first citation
    assert cite(Answer(True, "x", "unit", [first, other, second], source=1), 1200, 5).source == 1
    assert cite(Answer(True, "x", "unit", [first, other], source=1), 1200, 1).source is None  # cut off


@pytest.mark.parametrize(
    ("first_notes", "second_notes", "max_chars", "kept"),
    [
        # the notes both passages cite are quoted under the joined text, each once
        (("¹ Kế hoạch số 12.",), ("¹ Kế hoạch số 12.", "² Quyết định số 5."), 1200, 2),
        # with too little room the last notes go first: the joined text matters more (a note is a passage too)
        (("¹ " + "x" * 60,), ("² " + "y" * 60,), 200, 1),
        (("¹ " + "x" * 120,), (), 150, 0),
    ],
)
def test_joined_quotes_keep_the_notes_their_passages_cite_while_they_fit(first_notes, second_notes, max_chars, kept):
    from dataclasses import replace

    a, b = _hit(FIRST, 3), _hit("- (2) Đổi mới tuyển dụng.\n- (3) Thi.", 4)
    a = replace(a, passage=replace(a.passage, notes=first_notes))
    b = replace(b, passage=replace(b.passage, notes=second_notes))
    [one], _ = join_overlaps([a, b], max_chars)
    assert len(one.passage.notes) == kept and len(one.passage.quote()) <= max_chars
    assert one.passage.quote().startswith(HEAD + "\n- (1) Rà soát quy hoạch.")
