"""Metadata of state and Party documents: số hiệu in every common form, issuer, place, date, kind."""

from __future__ import annotations

import pytest

from index.ingest.metadata import extract_metadata


def head(left: list[str], right: list[str], body: list[str]) -> str:
    """A header block as the loaders give it: left and right columns tab-separated, then the body."""
    n = max(len(left), len(right))
    rows = ["\t".join(pair) for pair in zip(left + [""] * n, right + [""] * n, strict=False)][:n]
    return "\n".join(rows + [""] + body)


MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
CASES = [
    # (text, kind, number, issuer, place, date)
    (
        head(["UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Số: 3367/TTr-SNV"], [*MOTTO, "Lâm Đồng, ngày 28 tháng 11 năm 2025"],
             ["TỜ TRÌNH", "Về việc ban hành Kế hoạch"]),
        "Tờ trình", "3367/TTr-SNV", "UBND TỈNH LÂM ĐỒNG SỞ NỘI VỤ", "Lâm Đồng", "2025-11-28",
    ),
    (
        head(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 991/QĐ-UBND"], [*MOTTO, "Lâm Đồng, ngày 5 tháng 3 năm 2025"],
             ["QUYẾT ĐỊNH", "Về việc thành lập Tổ công tác"]),
        "Quyết định", "991/QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Lâm Đồng", "2025-03-05",
    ),
    (
        head(["NGÂN HÀNG NHÀ NƯỚC", "VIỆT NAM", "Số : 01/2006/TT-NHNN"], [*MOTTO, "Hà Nội, ngày 20 tháng 02 năm 2006"],
             ["THÔNG TƯ", "Hướng dẫn một số nội dung về góp vốn"]),
        "Thông tư", "01/2006/TT-NHNN", "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "Hà Nội", "2006-02-20",
    ),
    (
        head(["THỦ TƯỚNG CHÍNH PHỦ", "Số: 115/2004/QĐ-TTg"], [*MOTTO, "Hà Nội, ngày 25 tháng 6 năm 2004"],
             ["QUYẾT ĐỊNH CỦA THỦ TƯỚNG CHÍNH PHỦ", "Về việc ban hành quy chế"]),
        "Quyết định", "115/2004/QĐ-TTg", "THỦ TƯỚNG CHÍNH PHỦ", "Hà Nội", "2004-06-25",
    ),
    (  # a draft: số and ngày left blank; the code still says the kind
        head(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số:    /TB-UBND"], [*MOTTO, "Lâm Đồng, ngày      tháng 4 năm 2026"],
             ["Kết luận của Phó Chủ tịch", "Ngày 21/4/2026, đồng chí"]),
        "Thông báo", None, "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Lâm Đồng", None,
    ),
    (  # công văn: a number without a kind code, a V/v subject line
        head(["BỘ NỘI VỤ", "Số: 11902 /BNV-TCPCP", "V/v báo cáo tình hình tổ chức"],
             [*MOTTO, "Hà Nội, ngày 11 tháng 12 năm 2025"], ["Kính gửi: Ủy ban nhân dân tỉnh, thành phố"]),
        "Công văn", "11902/BNV-TCPCP", "BỘ NỘI VỤ", "Hà Nội", "2025-12-11",
    ),
    (  # legacy uppercase font lost its capitals; columns set apart by spaces, "TT/BTC"
        "Bộ tài chính                 cộng hoà xã hội chủ nghĩa việt nam\n"
        "   -*-                       Độc lập - Tự do - Hạnh phúc\n"
        "Số:      40   /2000/TT/BTC\n"
        "                             Hà nội, ngày  15  tháng  5  năm 2000\n\nthông tư\n\nHướng dẫn thi hành",
        "Thông tư", "40/2000/TT/BTC", "Bộ tài chính", "Hà nội", "2000-05-15",
    ),
    (  # OCR of a scan: both columns on one line, a signature stamp printed above the header
        "Ký bởi: ỦY BAN NHÂN\nDÂN TỈNH LÂM ĐỒNG\nThời gian ký: 13/11/2025\n"
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH LÂM ĐỒNG Độc lập - Tự do - Hạnh phúc\n"
        "Số: 62/TTr-STP Lâm Đồng, ngày 12 tháng 9 năm 2025\nTỜ TRÌNH\nVề việc hợp nhất",
        "Tờ trình", "62/TTr-STP", "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Lâm Đồng", "2025-09-12",
    ),
    (  # an annex known by its decision
        head(["UỶ BAN NHÂN DÂN", "TỈNH CÀ MAU"], MOTTO,
             ["QUY ĐỊNH", "VỀ CHỨC NĂNG, NHIỆM VỤ CỦA ĐỘI KIỂM TRA",
              "( Ban hành kèm theo Quyết định số …05…./2006/ QĐ-UBND,", "ngày …25..tháng 01 năm 2006 của UBND tỉnh )"]),
        "Quy định", "05/2006/QĐ-UBND", "UỶ BAN NHÂN DÂN TỈNH CÀ MAU", None, "2006-01-25",
    ),
    (  # the Party form, as the seed documents have it
        "THÀNH ỦY HÀ NỘI\n*\nSố 1021 -CV/TU\nV/v lãnh đạo, chỉ đạo\nĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Hà Nội, ngày 06 tháng 02 năm 2024\n\nKính gửi: các đồng chí",
        "Công văn", "1021-CV/TU", "Thành Ủy Hà Nội", "Hà Nội", "2024-02-06",
    ),
    (
        head(["VĂN PHÒNG CHÍNH PHỦ", "______", "Số: 58/CĐ-VPCP"], [*MOTTO, "Hà Nội, ngày 10 tháng 01 năm 2026"],
             ["CÔNG ĐIỆN", "Phiên họp lần thứ nhất"]),
        "Công điện", "58/CĐ-VPCP", "VĂN PHÒNG CHÍNH PHỦ", "Hà Nội", "2026-01-10",
    ),
    (
        head(["UBND TỈNH LÂM ĐỒNG", "Số: 85 /GM-UBND"], [*MOTTO, "Lâm Đồng, ngày 19 tháng 01 năm 2026"],
             ["GIẤY MỜI", "Thực hiện Chương trình công tác"]),
        "Giấy mời", "85/GM-UBND", "UBND TỈNH LÂM ĐỒNG", "Lâm Đồng", "2026-01-19",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "kind", "number", "issuer", "place", "date"), CASES)
def test_state_and_party_document_metadata(text, kind, number, issuer, place, date) -> None:
    m = extract_metadata(text, "fallback")
    assert (m.kind, m.number, m.issuer, m.place, m.date) == (kind, number, issuer, place, date)


def test_a_number_cited_in_the_body_is_not_the_documents() -> None:
    m = extract_metadata("Phụ lục\nHướng dẫn cách ghi phiếu\nCăn cứ Thông tư số 23/2003/TT-BLĐTBXH ngày 3/11/2003", "x")
    assert m.number is None and m.kind == "Phụ lục"
