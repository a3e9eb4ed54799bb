"""Normalisation on real lines of the seed documents."""

import pytest

from index.text import (
    clean_markup,
    fold_diacritics,
    has_diacritics,
    normalize,
    split_sentences,
    unify_tone_marks,
)


def test_tone_marks_unified_but_not_inside_words():
    assert unify_tone_marks("Thành uỷ khoá XVII") == "Thành ủy khóa XVII"
    assert unify_tone_marks("hoàn thành Quý IV") == "hoàn thành Quý IV"  # 'oà' followed by a letter, 'uý' after q


def test_footnote_superscripts_never_glue_to_numbers():
    assert normalize("kết nạp 31.706 đảng viên mới¹⁸ (trung bình") == "kết nạp 31.706 đảng viên mới (trung bình"
    assert "đảng39" not in normalize("28 tổ chức đảng³⁹ và 2.377 đảng viên")


def test_markdown_and_html_removed_for_display():
    assert clean_markup("#### **3.4. Ban Dân vận Thành ủy**") == "3.4. Ban Dân vận Thành ủy"
    assert (
        clean_markup("[vanthu\\\\_btctu@hanoi.gov.vn](mailto:vanthu_btctu@hanoi.gov.vn)") == "vanthu_btctu@hanoi.gov.vn"
    )
    assert clean_markup("<b>ĐẾN</b>\tSố: 146") == "ĐẾN\tSố: 146"
    assert clean_markup("- Đ/c Bí thư TU, Trưởng BCD, } (để b/c)") == "- Đ/c Bí thư TU, Trưởng BCD, (để b/c)"


def test_folding_for_questions_without_diacritics():
    assert fold_diacritics("hạn nộp báo cáo Đảng") == "han nop bao cao Dang"
    assert not has_diacritics("han nop bao cao")
    assert has_diacritics("hạn nộp")


def test_sentence_split_keeps_inline_numbered_items_apart():
    parts = split_sentences("Về kinh tế: (1) Tăng trưởng 7,5%. (2) GRDP/người: 8.300 USD. (3) Khác")
    assert parts[-2:] == ["(2) GRDP/người: 8.300 USD.", "(3) Khác"]


def test_fold_diacritics_handles_precomposed_and_decomposed_text() -> None:
    import unicodedata

    assert fold_diacritics("Hạn nộp báo cáo Đảng ủy") == "Han nop bao cao Dang uy"
    assert fold_diacritics(unicodedata.normalize("NFD", "Thành uỷ")) == "Thanh uy"
    assert fold_diacritics("ư ơ ă â ê ô Ư Ơ") == "u o a a e o U O"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gửi qua e-mail", ["gửi", "qua", "email"]),  # written with the hyphen, typed without
        ("hệ thống e-Cabinet", ["hệ", "thống", "eCabinet"]),
        ("kt-xh 2021-2025", ["kt", "xh", "2021", "2025"]),  # two-letter words and ranges stay apart
        ("Quý I-2024, 31.706 tỷ, 20/9/2024", ["Quý", "I", "2024", "31.706", "tỷ", "20/9/2024"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    from index.text import tokens

    assert tokens(text) == expected
