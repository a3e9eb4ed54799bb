"""Small ranking rules of the searcher, on texts of our own."""

from __future__ import annotations

import pytest

from index.retrieval.query import read_query
from index.retrieval.search import starts_with_item


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


@pytest.mark.parametrize(
    ("question", "accented", "expanded"),
    [
        # a spelled-out short form brings diacritics of its own: the question is still unaccented,
        # so it is restored from the corpus and searched in the folded index
        ("hoi nghi tong ket ctr 01 o dau", False, "hoi nghi tong ket chuong trinh 01 o dau dia diem"),
        ("btv giao ai theo dõi?", True, "ban thường vụ giao ai theo dõi?"),
        ("han nop bao cao", False, "han nop bao cao truoc ngay gui ve"),  # a deadline's words, folded too
    ],
)
def test_typed_diacritics_are_read_off_what_was_typed(question: str, accented: bool, expanded: str) -> None:
    query = read_query(question)
    assert query.accented is accented
    assert query.expanded == expanded


def _passage(text: str):
    from index.ingest.parsed import StoredPassage

    return StoredPassage("d.txt#1", "d.txt", "1. Nội dung", text, "body", "d.txt@1", text.lower())


@pytest.mark.parametrize(
    "question, text, lifted",
    [
        # a "when" question and a passage with a date or period
        ("hội nghị tổ chức ngày nào?", "Thời gian: 14h00 ngày 22/01/2026 tại Hội trường.", True),
        ("hội nghị tổ chức ngày nào?", "Hội nghị đánh giá kết quả thực hiện chương trình.", False),
        # "mấy giờ" asks a time of day: a date alone is not one
        ("họp lúc mấy giờ?", "Thời gian: 14 giờ 30 phút, ngày 12 tháng 01 năm 2026.", True),
        ("họp lúc mấy giờ?", "Họp vào ngày 12 tháng 01 năm 2026.", False),
        # a share asked, a share held
        ("tỷ lệ giải ngân đạt bao nhiêu %?", "Lũy kế giải ngân đạt 1,75% kế hoạch năm.", True),
        ("tỷ lệ giải ngân đạt bao nhiêu %?", "Đẩy mạnh giải ngân vốn đầu tư công.", False),
        # a question that asks no span lifts nothing
        ("đơn vị nào phụ trách công tác dân vận?", "Ban Dân vận Thành ủy chủ trì, ngày 20/9/2024.", False),
    ],
)
def test_a_passage_holding_a_span_of_the_asked_kind_is_lifted(question: str, text: str, lifted: bool) -> None:
    from index.retrieval.search import structural_boost
    from index.settings import Tuning

    tuning = Tuning(span_kind_boost=0.2)
    query = read_query(question)
    boost = structural_boost(_passage(text), query, tuning)
    assert (boost == pytest.approx(0.2)) is lifted, (query.span, boost)


@pytest.mark.parametrize(
    "question, steps_aside",
    [
        ("phần cải cách hành chính trong đề cương gồm những mục gì?", False),  # a list of parts
        ("những bên nào phối hợp tuyên truyền?", True),  # a list of actors: "bên nào" asks who
        ("hạn nộp báo cáo là ngày nào?", True),
        ("Ban Tổ chức phải làm gì?", True),
    ],
)
def test_an_outline_answers_list_questions_only(question: str, steps_aside: bool) -> None:
    from index.ingest.parsed import StoredPassage
    from index.retrieval.search import structural_boost
    from index.settings import Tuning

    text = "C. CẢI CÁCH\n1. Thể chế\n2. Thủ tục"
    outline = StoredPassage("d.txt#9", "d.txt", "C. CẢI CÁCH", text, "outline", "d@1", text.lower())
    boost = structural_boost(outline, read_query(question), Tuning())
    assert (boost < 0) is steps_aside


@pytest.mark.parametrize(
    "text, lifted",
    [
        ("HỘI NÔNG DÂN TỈNH\nSố 12-CV/HND\nĐà Lạt, ngày 05 tháng 3 năm 2025\nKính gửi: các huyện hội", True),
        ("Số: 58/CĐ-VPCP\tHà Nội, ngày 10 tháng 01 năm 2026", True),  # the header's columns, tab-separated
        # text before the first heading that is no header: a công văn's body without headings
        ("Thực hiện Kế hoạch số 05-KH/TU ngày 21/3/2024, đề nghị các huyện hội báo cáo kết quả.", False),
        ("Tỉnh, ngày    tháng    năm", False),  # a draft's blank date
    ],
)
def test_an_issue_date_asked_lifts_the_preamble_that_dates_the_paper(text: str, lifted: bool) -> None:
    from index.ingest.parsed import StoredPassage
    from index.retrieval.search import structural_boost
    from index.settings import Tuning

    tuning = Tuning(span_kind_boost=0.0)
    preamble = StoredPassage("d.txt#0", "d.txt", "Phần đầu văn bản", text, "preamble", "d@0", text.lower())
    boost = structural_boost(preamble, read_query("công văn 12 ban hành ngày nào"), tuning)
    assert (boost == pytest.approx(tuning.preamble_boost)) is lifted
