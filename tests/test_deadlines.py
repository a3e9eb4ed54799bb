"""The date/period grammar, deadlines vs references, units, on real lines of the seed documents."""

from datetime import date

import pytest

from index.ingest.deadlines import DATE_EXPR, extract_deadlines, is_upcoming, match_unit, parse_due
from tests.conftest import seed


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("trước ngày 30/9/2024", "2024-09-30", "day"),
        ("ngày 18 tháng 8 năm 2011", "2011-08-18", "day"),
        ("Dự kiến Quý IV/2024", "2024-Q4", "quarter"),
        ("hoàn thành trong quý 2 năm 2025", "2025-Q2", "quarter"),
        ("tháng 9/2024", "2024-09", "month"),
        ("6 tháng đầu năm 2025", "2025-06", "month"),
        ("Năm 2012-2014", "2014", "year"),
        ("đến hết năm 2025", "2025", "year"),
    ],
)
def test_grammar(text, due, precision):
    m = next(DATE_EXPR.finditer(text))
    parsed = parse_due(m)
    assert parsed is not None and (parsed.due, parsed.precision) == (due, precision)


def dues(name: str, issued: str | None = None):
    doc = {"ke-hoach-34": "2024-09-12", "1021": "2024-02-06", "2011": "2011-08-18"}.get(name, issued)
    return extract_deadlines(name, seed(name), doc)


def test_plan_deadlines_with_units_and_no_references():
    items = dues("ke-hoach-34")
    by_due = {d.due: d for d in items}
    assert by_due["2024-09-30"].responsible == "Ban Tổ chức Thành ủy"  # inherited from "3.1. Ban Tổ chức …"
    assert by_due["2024-09-20"].responsible.startswith("Đảng đoàn HĐND Thành phố")
    assert by_due["2024-Q4"].firm is False and by_due["2024-Q4"].due_date == "2024-12-31"
    # "Kế hoạch số 05-KH/TBVK ngày 21/3/2024" and the data cut-off "đến hết tháng 9/2024" are references
    assert "2024-03-21" not in by_due and "2024-09" not in by_due


def test_table_under_a_period_heading_gives_one_deadline_per_row():
    rows = [d for d in dues("1021") if d.due == "2024-Q2"]
    assert len(rows) == 8
    assert sum(d.responsible == "Ban cán sự đảng UBND Thành phố" for d in rows) == 7
    assert all("TRONG QUÝ II/2024" in d.text for d in rows)


def test_roadmap_years_and_cited_document_titles():
    assert {d.due for d in dues("2011")} >= {"2011", "2014", "2015"}
    report = dues("bao-cao-so-ket")
    # periods inside cited titles ("Nghị quyết 15-NQ/TW … đến năm 2030") are not tasks of this report
    assert not any("15-NQ/TW" in d.task and d.due == "2030" for d in report)
    assert any(d.due == "2030" and "48-KL/TW" in d.text for d in report)


def test_upcoming_and_fuzzy_unit():
    [d] = [x for x in dues("ke-hoach-34") if x.due == "2024-09-30"]
    assert is_upcoming(d, date(2024, 9, 1), days=30) and not is_upcoming(d, date(2024, 10, 1))
    assert match_unit("ban to chuc", d.responsible) and match_unit("Ban Tổ chứcThành ủy", d.responsible)
    assert not match_unit("dân vận", d.responsible)


# --- forms of a công văn no dev document writes (written for these tests) -----------------------
_HEAD = "Số: 1234/SNV-TCCB\nBắc Giang, ngày 02 tháng 11 năm 2026\n\n"


@pytest.mark.parametrize(
    ("line", "due", "task", "unit"),
    [
        # a due date's label at the start of a line ("Hạn nộp …:", "Hạn cuối …:"), as "Thời hạn:" is
        ("Hạn nộp hồ sơ: ngày 20/01/2027.", "2027-01-20", "Hạn nộp hồ sơ", None),
        ("Hạn cuối nhận hồ sơ khen thưởng cấp Nhà nước: 20/01/2027.", "2027-01-20",
         "Hạn cuối nhận hồ sơ khen thưởng cấp Nhà nước", None),
        # "số liệu" is the task's object when a cue of its own stands before the date
        ("Trung tâm Phục vụ hành chính công tỉnh cập nhật số liệu lên hệ thống trong tháng 12/2026.", "2026-12",
         "Trung tâm Phục vụ hành chính công tỉnh cập nhật số liệu lên hệ thống",
         "Trung tâm Phục vụ hành chính công tỉnh"),
        # the subject ends at its task verb ("tổng hợp", "cập nhật", …), whatever follows
        ("Các sở, ban, ngành tổng hợp kết quả thi đua năm 2026, gửi về Sở Nội vụ chậm nhất ngày 15/12/2026.",
         "2026-12-15", "Các sở, ban, ngành tổng hợp kết quả thi đua năm 2026, gửi về Sở Nội vụ", "Các sở, ban, ngành"),
        ("Phòng Tổng hợp gửi báo cáo trước ngày 15/12/2026.", "2026-12-15", "Phòng Tổng hợp gửi báo cáo",
         "Phòng Tổng hợp"),  # a unit's own capitalised name is not cut at the verb it holds
        ("Tỉnh ủy chỉ đạo hoàn thành việc rà soát trước ngày 15/12/2026.", "2026-12-15",
         "Tỉnh ủy chỉ đạo hoàn thành việc rà soát", "Tỉnh ủy"),
        ("Các trưởng thôn báo cáo kết quả về Văn phòng UBND xã trước ngày 15/12/2026.", "2026-12-15",
         "Các trưởng thôn báo cáo kết quả về Văn phòng UBND xã", "Các trưởng thôn"),  # an office holder's role
        ("Giám đốc các sở, ngành chỉ đạo rà soát trước ngày 15/12/2026.", "2026-12-15",
         "Giám đốc các sở, ngành chỉ đạo rà soát", "Giám đốc các sở, ngành"),
        ("Báo cáo kết quả gửi về Sở Nội vụ trước ngày 15/12/2026.", "2026-12-15",
         "Báo cáo kết quả gửi về Sở Nội vụ", None),  # "Báo cáo" opens no unit's name
        ("Điều 2. Tổ công tác có nhiệm vụ rà soát thủ tục hành chính, hoàn thành trước ngày 31/3/2027.", "2027-03-31",
         "Tổ công tác có nhiệm vụ rà soát thủ tục hành chính", "Tổ công tác"),  # a legal text's item
        ("Phòng Văn hóa và Thông tin là cơ quan thường trực, có trách nhiệm tổng hợp, báo cáo UBND huyện trước ngày "
         "20/12/2026.", "2026-12-20", "Phòng Văn hóa và Thông tin là cơ quan thường trực, có trách nhiệm tổng hợp, báo "
         "cáo UBND huyện", "Phòng Văn hóa và Thông tin"),  # the unit, not the role it is given
    ],
)
def test_deadline_forms_of_a_new_cong_van(line, due, task, unit):
    [d] = extract_deadlines("cv.txt", _HEAD + line + "\n", "2026-11-02")
    assert (d.due, d.task, d.responsible) == (due, task, unit)


@pytest.mark.parametrize(
    "line",
    [
        "Số liệu báo cáo tính đến ngày 15/12/2026.",  # a data cut-off
        "Số liệu đến hết tháng 12/2026 do các đơn vị cung cấp.",  # a data range's end
        "Hạn mức kinh phí năm 2027: 200 triệu đồng.",  # a quota, no label of a due date
    ],
)
def test_cut_offs_and_quotas_are_no_deadlines(line):
    assert extract_deadlines("cv.txt", _HEAD + line + "\n", "2026-11-02") == []


def test_a_schedule_item_says_what_happens_then():
    """A reminder of "Thời gian: từ 14h00 ngày 22/01/2027 (Chiều thứ Năm)" names the meeting: the document's
    subject, from its title, when the item says only when."""
    from index.ingest.parsed import parse_document

    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nSố: 12/GM-UBND\nBắc Giang, ngày 10 tháng 01 năm 2027\n\n"
        "GIẤY MỜI\nHọp đánh giá công tác cải cách hành chính năm 2026\n\n"
        "1. Thời gian: từ 14h00 ngày 22/01/2027 (Chiều thứ Năm).\n\n"
        "2. Thời hạn đăng ký dự họp: ngày 20/01/2027.\n"
    )
    items = {d["due"]: d["task"] for d in parse_document("gm.txt", text.encode()).deadlines}
    assert items["2027-01-22"].startswith("Họp đánh giá công tác cải cách hành chính năm 2026 — Thời gian")
    assert items["2027-01-20"] == "Thời hạn đăng ký dự họp"  # an item that says what is due keeps its words
