"""Short forms are read as the phrases the indexed documents write for them, and only then."""

from __future__ import annotations

import pytest

from index.retrieval.lexical import Lexicon
from index.text import normalize, tokens

TEXTS = [
    normalize(text)
    for text in (
        "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ hằng năm; các tổ chức cơ sở đảng",
        "kết nạp đảng viên mới, phân công nhiệm vụ cho tổ chức cơ sở đảng",
        "mỗi đảng viên và mọi tổ chức cơ sở đảng; đảng viên dự họp, nhiệm vụ năm tới",
        "đơn vị chủ trì; hội công chứng viên; đảng viên; 15 tổ chức cơ sở đảng",
        "quản lý nhà nước về công chứng; mỗi công chứng viên; các công chứng viên; dân vận",
        "ban chỉ đạo cchc của tỉnh; cải cách hành chính; cải cách hành chính; cải cách hành chính",
        "công chứng viên hành nghề; giao nhiệm vụ",
    )
]


@pytest.mark.parametrize(
    "typed, spelled",
    [
        ("tỷ lệ đv hoàn thành tốt nv", "tỷ lệ đảng viên hoàn thành tốt nhiệm vụ"),  # the majority reading
        ("TCCSĐ nào?", "tổ chức cơ sở đảng nào?"),  # capitals, a run of four words, punctuation kept
        ("bao nhiêu CCV", "bao nhiêu công chứng viên"),
        ("số dv nào", "số dv nào"),  # "dân vận" once: a one-off is no reading (typed with diacritics, d is no đ)
        ("so dv nao", "so đảng viên nao"),  # typed without any, a d may be a đ
        ("qlnn", "qlnn"),  # "quản lý nhà nước" once
        ("cchc", "cchc"),  # written as a word by the documents themselves: left to search
        ("kết nạp", "kết nạp"),  # words, not short forms
        ("KH-UBND 2024", "KH-UBND 2024"),  # a code: no short form as a whole
    ],
)
def test_short_forms_are_spelled_out_as_the_corpus_writes_them(typed: str, spelled: str) -> None:
    assert Lexicon.build(TEXTS).spell_out(typed) == spelled


def test_a_short_form_with_two_readings_about_as_often_stays_as_typed() -> None:
    both = ["mỗi đảng viên dự họp", "các đảng viên", "đơn vị chủ trì", "mỗi đơn vị"] * 2
    assert Lexicon.build(both).spell_out("đv") == "đv"
    # a part added later counts with the base: now one reading is most of them
    assert Lexicon.build(both).extended(["có đảng viên", "là đảng viên"] * 2).spell_out("đv") == "đảng viên"


@pytest.mark.parametrize(
    "texts, typed, spelled",
    [
        # always after the same word: the tail of a longer phrase ("xây dựng hệ thống"), no reading
        (["xây dựng hệ thống"] * 6, "dh", "dh"),
        (["xây dựng hệ thống"] * 3 + ["mới dựng hệ", "và dựng hệ", "cho dựng hệ"], "dh", "dựng hệ"),
        # at the start of a passage it follows no word: it stands on its own
        (["sản xuất kinh doanh giỏi"] * 4, "sxkd", "sản xuất kinh doanh"),
    ],
)
def test_a_reading_must_stand_on_its_own(texts: list[str], typed: str, spelled: str) -> None:
    assert Lexicon.build(texts).spell_out(typed) == spelled


def test_a_long_short_form_is_read_back_from_the_counted_passages_only() -> None:
    texts = ["sản xuất kinh doanh"] * 3 + ["sắp xếp kiện dịch"] * 3
    assert Lexicon.build(texts, [True] * 3 + [False] * 3).spell_out("sxkd") == "sản xuất kinh doanh"
    assert Lexicon.build(texts).spell_out("sxkd") == "sxkd"  # two readings, half each


def test_the_initials_string_lines_up_with_the_passages_words() -> None:
    lexicon = Lexicon.build(TEXTS)
    forms = lexicon.short_forms
    assert forms is not None
    for start, text in zip(forms.starts, TEXTS, strict=True):
        assert len(forms.initials[start:].split("|", 1)[0]) == len(tokens(text))


@pytest.mark.parametrize("typed", ["bn", "sđt", "đc"])
def test_the_short_forms_the_question_cues_read_stay_as_typed(typed: str) -> None:
    texts = [f"{w} bệnh nhân; {w} sự đồng thuận; {w} đồng chí" for w in ("mỗi", "các", "có", "là")]
    lexicon = Lexicon.build(texts)
    assert lexicon.spell_out(f"{typed} nào") == f"{typed} nào"
    assert lexicon.short_forms is not None and lexicon.short_forms.phrase(typed) is not None  # the corpus has one


@pytest.mark.parametrize(
    "typed, spelled",
    [
        ("so dv moi", "so đảng viên moi"),  # typed without diacritics: a d may be a đ
        ("số dv mới", "số dân vận mới"),  # typed with them: a d is a d
        ("số đv mới", "số đảng viên mới"),
    ],
)
def test_a_plain_d_may_stand_for_d_stroke_only_when_no_diacritics_were_typed(typed: str, spelled: str) -> None:
    texts = [f"{w} đảng viên; {w} đảng viên; {w} dân vận" for w in ("mỗi", "các", "có", "là")]
    assert Lexicon.build(texts).spell_out(typed) == spelled


def test_a_pasted_text_of_made_up_short_forms_reads_a_few_and_keeps_the_cache_bounded() -> None:
    from index.retrieval import short_forms

    texts = [f"{w} nhiệm vụ" for w in ("mỗi", "các", "có", "là")]
    lexicon = Lexicon.build(texts)
    junk = " ".join(f"x{a}{b}" for a in "bcdghklmnpqrstvx" for b in "bcdghklmnpqrstvx")  # 256 short forms
    assert lexicon.spell_out(junk + " nv") == junk + " nv"  # past the first few, none is read
    assert lexicon.spell_out("nv " + junk) == "nhiệm vụ " + junk
    forms = lexicon.short_forms
    assert forms is not None
    for i in range(short_forms.CACHE + 10):
        forms.phrase(f"q{i}")
    assert forms.readings_kept <= short_forms.CACHE


TRAFFIC = """KẾ HOẠCH
Số 15-KH/UBND
Bảo đảm trật tự an toàn giao thông năm 2026

I. NỘI DUNG
1. Phòng cảnh sát giao thông chủ trì tuần tra các tuyến quốc lộ, hoàn thành trước ngày 30/6/2026.
2. Mỗi phòng cảnh sát giao thông báo cáo kết quả hằng tháng; các phòng cảnh sát giao thông phối hợp với
Sở Xây dựng.
3. Lực lượng phòng cảnh sát giao thông được kiểm tra định kỳ; việc của phòng cảnh sát giao thông phải công khai.
"""
APPRAISAL = """QUYẾT ĐỊNH
Số 7/QĐ-UBND
Thành lập hội đồng thẩm định dự án

Điều 1. Thành lập hội đồng thẩm định dự án gồm 5 thành viên; mỗi hội đồng thẩm định họp hằng quý.
Điều 2. Các hội đồng thẩm định báo cáo Chủ tịch; một hội đồng thẩm định làm việc theo quy chế.
"""


def test_a_user_typing_short_forms_finds_the_document_that_spells_them_out(tmp_path) -> None:
    from tests.fastengine import make_engine

    engine = make_engine(tmp_path, {"giao-thong.txt": TRAFFIC, "kh.txt": "KẾ HOẠCH\nSố 1-KH/TU\nTổ chức hội nghị\n"})
    retrieval = engine.retrieve("PCSGT nào phải báo cáo kết quả hằng tháng?", top_k=3)
    assert "phong canh sat giao thong" in retrieval.query.whole_folded
    in_full = engine.retrieve("phòng cảnh sát giao thông nào phải báo cáo kết quả hằng tháng?", top_k=3)
    assert retrieval.query.kind == in_full.query.kind  # what is asked is read as if typed in full
    assert retrieval.hits[0].passage.doc == "giao-thong.txt"
    # a document uploaded later teaches its own short forms (as a part of its own, counted with the base:
    # test_a_short_form_with_two_readings_about_as_often_stays_as_typed)
    assert "hđtđ" in engine.retrieve("hđtđ dự án gồm mấy thành viên", top_k=3).query.expanded
    (engine.settings.corpus_dir / "hoi-dong.txt").write_text(APPRAISAL, encoding="utf-8")
    engine.rebuild(progress=False)
    retrieval = engine.retrieve("hđtđ dự án gồm mấy thành viên", top_k=3)
    assert "hoi dong tham dinh" in retrieval.query.whole_folded
    assert retrieval.hits[0].passage.doc == "hoi-dong.txt"
