"""One parse, on the forms of state documents: headings (I-, Chương, Mục, Điều), pages, wrapped lines,
passages that keep their structure, and deadlines told from references in every part of a document.

The lines are written for these tests in the style of real công văn, kế hoạch, nghị định and báo cáo
(no real names or phone numbers); the seed-corpus tests live in test_structure / test_deadlines.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from index.ingest.deadlines import extract_deadlines
from index.ingest.parsed import StoredPassage
from index.ingest.structure import chunk, page_label, parse_segments, passage_text, render_row, table_items
from index.vocab.dates import find_dues


# --- the grammar ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("chậm nhất ngày 30.9.2025", "2025-09-30", "day"),
        ("trước 14 giờ, ngày 11 tháng 01 năm 2026", "2026-01-11", "day"),
        ("từ 14h00 ngày 22/01/2026", "2026-01-22", "day"),
        ("trong tháng 6/2022", "2022-06", "month"),
        ("Từ tháng 3 đến tháng 9/2026", "2026-09", "month"),
        ("Thực hiện trong tháng 11, tháng 12 năm 2025", "2025-12", "month"),
        ("vào tuần cuối của tháng 9 năm 2025", "2025-09", "month"),
        ("hoàn thành trong Quý I/2021", "2021-Q1", "quarter"),
        ("để đầu Quý I/2026 sẽ tiến hành", "2026-Q1", "quarter"),
        ("PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ II NĂM 2026", "2026-Q2", "quarter"),
    ],
)
def test_date_and_period_grammar(text: str, due: str, precision: str) -> None:
    [(_, parsed)] = find_dues(text)
    assert (parsed.due, parsed.precision) == (due, precision)


@pytest.mark.parametrize("text", ["31/2/2024", "Số 12-KH/TU", "Phụ lục 3/5"])
def test_no_date(text: str) -> None:
    assert find_dues(text) == []


# --- headings ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "needle", "section"),
    [
        (  # formatting guide HD 36: "I- …", "1- …"
            "I- MỤC ĐÍCH, YÊU CẦU\n\n1- Mục đích\n\nBảo đảm triển khai đồng bộ các nhiệm vụ đã đề ra.\n",
            "Bảo đảm triển khai",
            "I- MỤC ĐÍCH, YÊU CẦU › 1- Mục đích",
        ),
        (  # a decree: Chương with its title on the next line, Điều with its title
            "Chương I\nNHỮNG QUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi điều chỉnh\n\n"
            "Nghị định này quy định việc phát hành công trái.\n",
            "phát hành công trái",
            "Chương I. NHỮNG QUY ĐỊNH CHUNG › Điều 1. Phạm vi điều chỉnh",
        ),
        (
            "Chương II\nTỔ CHỨC THỰC HIỆN\n\nMục 1. TRÁCH NHIỆM CỦA CÁC SỞ\n\nĐiều 5. Sở Tài chính\n\n"
            "Bố trí kinh phí theo dự toán được giao.\n",
            "Bố trí kinh phí",
            "Chương II. TỔ CHỨC THỰC HIỆN › Mục 1. TRÁCH NHIỆM CỦA CÁC SỞ › Điều 5. Sở Tài chính",
        ),
        (  # an article of one sentence: "Điều 4" is the heading, the sentence its body
            "Điều 3. Cơ chế hoạt động\n\nTổ làm việc theo chế độ kiêm nhiệm.\n\n"
            "Điều 4. Quyết định này có hiệu lực kể từ ngày ký ban hành.\n",
            "có hiệu lực kể từ ngày ký",
            "Điều 4",
        ),
        (  # "Điều 20 Điều lệ … quy định" cites an article: not a heading
            "Điều 3. Nhiệm kỳ\n\nĐiều 20 Điều lệ Hiệp hội quy định một hội viên chỉ được bầu hai nhiệm kỳ.\n",
            "Điều 20 Điều lệ",
            "Điều 3. Nhiệm kỳ",
        ),
        (  # "Chương trình …" at a line start is no chapter
            "I. CĂN CỨ\n\nChương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030.\n",
            "Chương trình tổng thể",
            "I. CĂN CỨ",
        ),
    ],
)
def test_heading_forms(text: str, needle: str, section: str) -> None:
    [p] = [p for p in chunk("d.txt", text) if needle in p.body]
    assert p.section == section


# --- pages and wrapped lines ------------------------------------------------------------------
_FILLER = [
    "Ủy ban nhân dân tỉnh giao các sở, ban, ngành căn cứ chức năng, nhiệm vụ được",
    "giao, chủ động rà soát các nhiệm vụ còn chậm, báo cáo kết quả thực hiện về Sở",
    "Nội vụ để tổng hợp chung, bảo đảm đúng thời gian và chất lượng theo yêu cầu.",
] * 6


def test_page_break_neither_cuts_a_sentence_nor_leaves_its_number() -> None:
    text = "\n".join(
        _FILLER
        + [
            "",
            "Các đơn vị tổng hợp kết quả, khó khăn, vướng mắc trong quá trình triển khai và",
            "\f                                       2",
            "",
            "đề xuất giải pháp tháo gỡ trong thời gian tới.",
            "",
            "Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.",
        ]
    )
    ps = chunk("d.pdf", text, paged=True)
    [joined] = [p for p in ps if "triển khai và đề xuất giải pháp tháo gỡ" in p.body]
    assert joined.page == 1
    blocks = [b for s in parse_segments(text, paged=True) for b in s.blocks]
    assert [b.page for b in blocks if b.text.startswith(("Các đơn vị tổng hợp", "Sở Nội vụ theo dõi"))] == [1, 2]
    assert page_label(2) == "tr. 2" and page_label(None) == ""
    assert not any(line.strip() == "2" for p in ps for line in p.text.split("\n"))
    assert all(p.page is None for p in chunk("d.txt", text.replace("\f", "")))


def test_wrapped_first_line_of_a_numbered_paragraph_is_not_a_heading() -> None:
    text = "\n".join(
        _FILLER
        + [
            "      1. Sở Thông tin và Truyền thông báo cáo kết quả triển khai nền tảng số và",
            "gửi báo cáo các nội dung trên về Văn phòng Ủy ban nhân dân tỉnh để tổng hợp",
            "Ủy ban nhân dân tỉnh trước ngày 10 tháng 01 năm 2026.",
        ]
    )
    segments = parse_segments(text)
    assert not any("1. Sở Thông tin" in h.text for s in segments for h in s.path)
    assert any("nền tảng số và gửi báo cáo" in u and "trước ngày 10 tháng 01" in u for s in segments for u in s.units)


# --- passages keep their structure ------------------------------------------------------------
def test_passage_fields_and_flattened_text() -> None:
    text = (
        "I. NHIỆM VỤ\n\n1. Sở Nội vụ\n\nChủ trì tổng hợp báo cáo.\n\n"
        "STT\tNội dung\tCơ quan chủ trì\n1\tRà soát thủ tục\tSở Tư pháp\n\tCập nhật cơ sở dữ liệu\t\n"
    )
    ps = chunk("d.docx", text)
    body = next(p for p in ps if p.kind == "body")
    assert body.headings == ("I. NHIỆM VỤ", "1. Sở Nội vụ") and body.body == "Chủ trì tổng hợp báo cáo."
    assert body.text == passage_text(body.headings, body.body)
    table = next(p for p in ps if p.kind == "table")
    assert table.cells[0] == (("STT", "1"), ("Nội dung", "Rà soát thủ tục"), ("Cơ quan chủ trì", "Sở Tư pháp"))
    assert table.cells[1] == (("STT", ""), ("Nội dung", "Cập nhật cơ sở dữ liệu"))
    assert table.body.split("\n")[0] == "STT | Nội dung | Cơ quan chủ trì"
    assert table.text == passage_text(table.headings, table.body)


_SUB_ITEMS = (
    "TT\tNội dung\tChỉ tiêu\tKết quả\n"
    "3\tTỷ lệ tổ chức đảng hoàn thành tốt nhiệm vụ\tTrên 75%\t77,5\n"
    "3.1.\tĐảng bộ cấp trên cơ sở\t\t\n\t- Năm 2021\t\t78,0\n"
    "3.2\tTổ chức cơ sở đảng\t\t\n\t- Năm 2021\t\t74,9\n"
    "3.2.1\tChi bộ cơ sở\t\t70,1\n"
    "4\tSố đảng viên mới\t9.000\t9.729\n"
)


@pytest.mark.parametrize(
    ("label", "quoted"),
    [
        ("3", ["TT", "3"]),  # a top item quotes the header and its own rows
        ("3.1", ["TT", "3", "3.1.", ""]),  # a sub-item quotes the item it is part of ("3.1." read as 3.1)
        ("3.2", ["TT", "3", "3.2", ""]),
        ("3.2.1", ["TT", "3", "3.2", "3.2.1"]),  # every level above it, the nearest last
        ("4", ["TT", "4"]),  # the next top item quotes none of them
    ],
)
def test_a_table_sub_item_quotes_the_items_it_is_part_of(label: str, quoted: list[str]) -> None:
    [seg] = [s for s in parse_segments(_SUB_ITEMS) if s.kind == "table"]
    item = next(i for i in table_items(seg) if i.label == label)
    assert [b.cells[0] for b in item.quoted] == quoted
    [p] = [p for p in chunk("d.docx", _SUB_ITEMS) if p.kind == "table" and p.section.endswith(label)]
    assert p.body.split("\n")[1:] == [render_row(b) for b in item.quoted[1:]]


def test_stored_passage_round_trips_through_json() -> None:
    [p] = [p for p in chunk("d.docx", "STT\tNội dung\tĐơn vị\n1\tTổng hợp\tSở Nội vụ\n") if p.kind == "table"]
    stored = StoredPassage(p.pid, p.doc, p.section, p.text, p.kind, p.section_key, "", p.headings, p.body, p.cells, 3)
    again = StoredPassage(**json.loads(json.dumps(asdict(stored))))
    assert again == stored and again.page_label == "tr. 3" and again.quote() == p.text


# --- deadlines in every part, references never ------------------------------------------------
_HEAD = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\n\nSố: 120/UBND-NC\n\nLâm Đồng, ngày 11 tháng 02 năm 2026\n\n"


@pytest.mark.parametrize(
    ("body", "due"),
    [
        # a công văn with no numbered heading at all: the preamble holds the task
        ("Đề nghị các sở gửi văn bản góp ý về Sở Nội vụ trước ngày 15/3/2026 để tổng hợp.", "2026-03-15"),
        ("Các đơn vị gửi báo cáo về Sở Nội vụ chậm nhất ngày 30.4.2026.", "2026-04-30"),
        ("Sở Tài chính thẩm định dự toán, hoàn thành trong Quý II/2026.", "2026-Q2"),
        ("Tổ chức hội nghị sơ kết trong tháng 6/2026.", "2026-06"),
        ("4. Thời gian: từ 14h00 ngày 20/02/2026 (chiều thứ Sáu).", "2026-02-20"),
        ("Đến năm 2030, tỷ lệ hồ sơ giải quyết trực tuyến đạt trên 80%.", "2030"),
        # references: cited documents, cut-offs, effective dates, past events, the date line
        ("Căn cứ Nghị định số 126/2024/NĐ-CP ngày 08/10/2024 của Chính phủ về quản lý hội.", None),
        ("Thực hiện Kế hoạch số 9669/KH-UBND ngày 24/12/2025 của UBND tỉnh về cải cách hành chính.", None),
        ("Tính đến hết tháng 01/2026, toàn tỉnh có 2.934 dự án đầu tư còn hiệu lực.", None),
        ("Văn bản này có hiệu lực kể từ ngày 01/3/2026.", None),
        ("Ngày 22/01/2026, Sở Nội vụ đã tổ chức hội nghị đánh giá công tác năm 2025.", None),
        ("Trong tháng 01/2026, Sở đã ban hành 12 văn bản hướng dẫn.", None),
        ("Góp phần cải thiện chỉ số cải cách hành chính trong năm 2026 và những năm tiếp theo.", None),
    ],
)
def test_deadline_or_reference(body: str, due: str | None) -> None:
    found = extract_deadlines("cv.txt", _HEAD + body + "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n", "2026-02-11")
    assert [d.due for d in found] == ([due] if due else [])


def test_schedule_table_gives_each_row_its_month_and_unit() -> None:
    text = (
        _HEAD + "Phụ lục I\nTHỜI GIAN, ĐƠN VỊ ĐƯỢC KIỂM TRA\n\n"
        "STT\tĐơn vị được kiểm tra\tThời gian kiểm tra\nI\tCơ quan chuyên môn cấp tỉnh\t\n"
        "1\tSở Xây dựng\tTháng 7/2026\n2\tSở Y tế\tTừ tháng 3 đến tháng 8/2026\n"
    )
    found = extract_deadlines("kh.docx", text, "2026-02-11")
    assert [(d.due, d.responsible) for d in found] == [("2026-07", "Sở Xây dựng"), ("2026-08", "Sở Y tế")]
    assert "2 | Sở Y tế | Từ tháng 3 đến tháng 8/2026" in found[1].text


def test_unit_given_by_a_lead_in_line_and_period_of_a_task_section() -> None:
    text = (
        _HEAD + "I. KẾT QUẢ\n\nĐã hoàn thành các nhiệm vụ đề ra.\n\n"
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ II NĂM 2026\n\n"
        "1. Tiếp tục rà soát, đơn giản hóa thủ tục hành chính trên các lĩnh vực.\n\n"
        "2. Về tài chính công\n\nGiao Sở Tài chính:\n\n"
        "a) Theo dõi, đôn đốc giải ngân vốn đầu tư công trong năm 2026.\n"
    )
    found = {d.due: d for d in extract_deadlines("bc.docx", text, "2026-02-11")}
    assert found["2026"].responsible == "Sở Tài chính"
    assert "rà soát, đơn giản hóa" in found["2026-Q2"].text


# --- the renderer builds the quote from the fields and names the page --------------------------
def test_citation_shows_page_and_quote_built_from_fields() -> None:
    from bot.render import render_html, render_text
    from index.answer.lines import Answer
    from index.engine import Asked, Citation, Cited
    from index.retrieval.search import Hit

    p = StoredPassage(
        "d.pdf#0",
        "d.pdf",
        "II. NHIỆM VỤ",
        "II. NHIỆM VỤ\nGửi báo cáo trước ngày 15/3/2026.",
        "body",
        "k",
        "",
        ("II. NHIỆM VỤ",),
        "Gửi báo cáo trước ngày 15/3/2026.",
        (),
        3,
    )
    hit = Hit(p, 1.0, 1.0, 1.0, 0)
    citation = Citation("d.pdf", "Kế hoạch kiểm tra", None, None, p.section, p.page)
    asked = Asked(Answer(True, "Trước ngày 15/3/2026", "deadline", [hit]), [Cited(hit, citation)], 0.0, {})
    out = render_text(asked)
    assert "[1] Kế hoạch kiểm tra (tr. 3)" in out and "Mục: II. NHIỆM VỤ" in out
    assert "│ Gửi báo cáo trước ngày 15/3/2026." in out
    assert "Kế hoạch kiểm tra (tr. 3)" in render_html(asked)


@pytest.mark.parametrize(
    "table",
    [
        "STT | Đơn vị được kiểm tra | Thời gian kiểm tra\n1 | Sở Xây dựng | Tháng 7/2026\n",
        "| STT | Đơn vị được kiểm tra | Thời gian kiểm tra |\n|---|---|---|\n| 1 | Sở Xây dựng | Tháng 7/2026 |\n",
    ],
)
def test_plain_text_and_markdown_tables_are_tables(table: str) -> None:
    [p] = [p for p in chunk("d.md", table) if p.kind == "table"]
    assert p.cells == ((("STT", "1"), ("Đơn vị được kiểm tra", "Sở Xây dựng"), ("Thời gian kiểm tra", "Tháng 7/2026")),)


def test_footnote_at_the_bottom_of_a_page_does_not_cut_the_sentence() -> None:
    text = "\n".join(
        _FILLER
        + [
            "",
            "Các sở báo cáo nội dung thuộc phạm vi theo dõi, quản lý của ngành1 và đề xuất",
            "",
            "1 Sở Tư pháp về cải cách thể chế; Sở Tài chính về cải cách tài chính công;",
            "Sở Nội vụ về cải cách tổ chức bộ máy.",
            "\f                                       2",
            "giải pháp trọng tâm năm 2026.",
        ]
    )
    ps = chunk("gm.pdf", text, paged=True)
    assert any("của ngành1 và đề xuất giải pháp trọng tâm năm 2026." in p.body for p in ps)
    [fn] = [p for p in ps if p.kind == "footnote"]
    assert fn.section == "Chú thích 1" and fn.body.endswith("cải cách tổ chức bộ máy.") and fn.page == 1


@pytest.mark.parametrize(
    ("page", "ocr", "expected"),
    [
        (3, False, "Tờ trình (tr. 3)"),
        (2, True, "Tờ trình (tr. 2, bản quét, đọc bằng OCR)"),
        (None, True, "Tờ trình (bản quét, đọc bằng OCR)"),
        (None, False, "Tờ trình"),
    ],
)
def test_citation_line_names_page_and_ocr(page: int | None, ocr: bool, expected: str) -> None:
    from bot.render import cite_label
    from index.engine import Citation

    assert cite_label(Citation("t.pdf", "Tờ trình", None, None, "I. MỤC ĐÍCH", page, "", ocr)) == expected
