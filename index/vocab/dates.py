"""Dates and periods as the documents write them, defined once for deadlines and answers.

The grammar reads "30/9/2024", "30.9.2024", "ngày 12 tháng 01 năm 2026", "14 giờ 30 phút, ngày …",
"Quý IV/2024", "quý 2 năm 2025", "tháng 6/2022", "từ tháng 3 đến tháng 9/2026", "tháng 11, tháng 12
năm 2025", "tuần cuối của tháng 9 năm 2025", "đầu Quý I/2026", "6 tháng đầu năm 2025", "giai đoạn
2021-2025" and "năm 2025". A period is reminded against its last day.

The cue words say what a date is for. Before it: a deadline ("trước ngày", "chậm nhất", "hoàn thành
trong", "vào", "đến hết") or a reference — a cited document ("Kế hoạch số 05-KH/TBVK ngày …"), a data
cut-off ("tính đến", "ước thực hiện đến"), an effective date ("có hiệu lực từ ngày"), the place-and-date
line and the signing stamp. These are Vietnamese constructions, not words of one document.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

# --- the grammar -------------------------------------------------------------------------------
# a clock time that may precede a day: "14 giờ 30 phút, ", "14h00 ", "8 giờ ngày"
TIME_OF_DAY = r"(?P<clock>\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s*(?:ngày\s+)?)"
_DAY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d{2})(?!\d)"
_DAY_WORDS = r"ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})"
# "đầu Quý I/2026", "cuối tháng 9/2024", "tuần cuối của tháng 9 năm 2025": the period still ends it
_PART_OF = r"(?:(?:tuần|ngày|những ngày)\s+)?(?:đầu|cuối|giữa)\s+(?:của\s+)?"
_QUARTER = rf"(?:{_PART_OF})?[Qq]uý\s+(?P<q>IV|I{{1,3}}|[1-4])\s*(?:/|\s+năm\s+)\s*(?P<qy>\d{{4}})"
# the last month of a list or range carries the year: "tháng 11, tháng 12 năm 2025", "tháng 3 đến tháng 9/2026"
_MONTH = (
    rf"(?:{_PART_OF})?tháng\s+(?:\d{{1,2}}\s*(?:,|và|-|–|đến)\s*(?:tháng\s+)?)*"
    r"(?P<mm>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<my>\d{4})"
)
_HALF = r"6\s+tháng\s+(?P<half>đầu|cuối)\s+năm\s+(?P<hy>\d{4})"
_RANGE = r"(?:giai đoạn|[Nn]ăm|nhiệm kỳ)\s+(?P<r1>\d{4})\s*[-–]\s*(?P<r2>\d{4})"
_YEAR = r"(?:(?:hết|cuối|đầu)\s+)?năm\s+(?P<yy>\d{4})"
DATE_EXPR = re.compile(
    rf"(?:{TIME_OF_DAY}?(?:{_DAY_WORDS}|{_DAY})|{_QUARTER}|{_HALF}|{_MONTH}|{_RANGE}|{_YEAR})", re.IGNORECASE
)


@dataclass(frozen=True)
class Due:
    """A parsed date or period: its value, its precision and the last day it covers."""

    due: str  # 2024-09-30 | 2024-09 | 2024-Q4 | 2024
    precision: str  # day | month | quarter | year
    end: date


def _month_end(y: int, mo: int) -> date:
    return date(y, mo, calendar.monthrange(y, mo)[1])


def parse_due(m: re.Match[str]) -> Due | None:
    """A grammar match → due value, precision and the last day of the period (None when the
    numbers are no date, such as "31/2/2024")."""
    g = m.groupdict()
    try:
        if g.get("d2") or g.get("d"):
            d, mo, y = (
                (int(g["d2"]), int(g["m2"]), int(g["y2"])) if g.get("d2") else (int(g["d"]), int(g["m"]), int(g["y"]))
            )
            end = date(y, mo, d)
            return Due(end.isoformat(), "day", end)
        if g.get("q"):
            q = ROMAN.get(g["q"].upper(), None) or int(g["q"])
            y = int(g["qy"])
            return Due(f"{y}-Q{q}", "quarter", _month_end(y, q * 3))
        if g.get("half"):
            y = int(g["hy"])
            mo = 6 if g["half"].lower() == "đầu" else 12
            return Due(f"{y}-{mo:02d}", "month", _month_end(y, mo))
        if g.get("mm"):
            y, mo = int(g["my"]), int(g["mm"])
            return Due(f"{y}-{mo:02d}", "month", _month_end(y, mo))
        if g.get("r2"):
            y = int(g["r2"])
            return Due(str(y), "year", date(y, 12, 31))
        if g.get("yy"):
            y = int(g["yy"])
            return Due(str(y), "year", date(y, 12, 31))
    except ValueError:
        return None
    return None


def find_dues(text: str) -> list[tuple[re.Match[str], Due]]:
    """Every date or period in a text with its parse, in order."""
    return [(m, d) for m in DATE_EXPR.finditer(text) if (d := parse_due(m)) is not None]


# --- what a date is for ------------------------------------------------------------------------
# right before the date: the task must be done by then (or happens then). GENERAL_CUES are the
# constructions that say so by themselves ("trước ngày", "chậm nhất", "hoàn thành trong", "hạn");
# CONTEXT_CUES say it only with the rest of the rules (a past-tense sentence with "trong" is a
# report, not a task). scripts/cv_deadlines.py chooses which context cues to keep, by measurement.
GENERAL_CUES: tuple[str, ...] = (
    "trước ngày",
    "trước",
    "chậm nhất là vào",
    "chậm nhất vào",
    "chậm nhất là",
    "chậm nhất",
    "hạn chót",
    "thời hạn",
    "hạn nộp",
    "hạn",
    "hoàn thành trong",
    "hoàn thành trước",
    "hoàn thành vào",
    "hoàn thành",
    "xong trong",
    "xong trước",
    "xong",
    "đến hết",  # "đến hết năm 2025": by the end of
    "đến",  # "Đến năm 2030, …": a target; "tính đến" (a cut-off) is told apart by CUTOFF
    "dự kiến",  # "Dự kiến Quý IV/2024": a planned time, kept as tentative
)
CONTEXT_CUES: tuple[str, ...] = ("trong", "vào", "cuối", "hết")
WEAK_CUES = frozenset({"trong", "vào", "đến", "cuối", "hết", "đến hết"})


def cue_pattern(cues: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """A pattern that finds one of the cue words right before a date (longest first)."""
    alts = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({alts})\s*(?:ngày\s*)?$", re.IGNORECASE)


CUE_BEFORE = cue_pattern(GENERAL_CUES + CONTEXT_CUES)
# right after the date: a future or obligatory action ("… để đầu Quý I/2026 sẽ tiến hành Đại hội",
# "Quý III/2025 phải tổ chức xong")
CUE_AFTER = re.compile(r"^\s*,?\s*(?:sẽ|phải)\s+(?:được\s+)?\w", re.IGNORECASE)
# a report's section for the coming period: "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ CCHC QUÝ II NĂM 2026"
PERIOD_TASKS_HEADING = re.compile(r"(nhiệm vụ|phương hướng|kế hoạch)", re.IGNORECASE)
# a schedule item: "4. Thời gian: từ 14h00 ngày 22/01/2026", "2. Thời gian phát hành bắt đầu từ ngày …", and a
# due date's label: "Hạn nộp hồ sơ: ngày 20/01/2027", "Hạn cuối: …" (not "Hạn chế", "Hạn mức")
SCHEDULE_LABEL = re.compile(
    r"^[\s\dIVX.)-]*(?:Thời gian|Thời hạn|Thời điểm|Lịch"
    r"|Hạn(?=\s*:|\s+(?:chót|cuối|nộp|gửi|hoàn thành|báo cáo|đăng ký|trình)\b))\b[^.;]{0,60}$",
    re.IGNORECASE,
)
TENTATIVE = re.compile(r"dự kiến", re.IGNORECASE)
ACTION = re.compile(
    r"(hoàn thành|triển khai|thực hiện|tổ chức|xây dựng|phấn đấu|trình|gửi|tổng kết|sắp xếp|báo cáo|nộp)",
    re.IGNORECASE,
)

# a cited document right before the date: "Kế hoạch số 05-KH/TBVK ngày 21/3/2024", "Quy định 22-QĐ/TW, ngày …",
# "Nghị định số 126/2024/NĐ-CP ngày …", "Quyết định số 2764/QĐ- TTg ngày …", "Luật … ngày"
DOC_CODE_PATTERN = r"\d+(?:\s*/\s*\d{4})?\s*[-/]\s*[A-ZĐ][\wĐ&]*(?:\s*[-/]\s*[A-ZĐ][\wĐ&\-]*)*"
DOC_CODE = re.compile(DOC_CODE_PATTERN)
DOC_KINDS = (
    r"Nghị quyết|Chỉ thị|Kết luận|Quyết định|Kế hoạch|Thông báo|Hướng dẫn|Quy định|Đề án|Chương trình|Công văn|"
    r"văn bản|Luật|Nghị định|Thông tư(?: liên tịch| liên bộ)?|Tờ trình|Báo cáo|Công điện|Pháp lệnh|Giấy mời"
)
CITED_DOC = re.compile(
    rf"(?:{DOC_CODE_PATTERN}|(?:{DOC_KINDS})\s+(?:số\s*)?\d+\S*)"
    r"\s*(?:của [^,;]{1,40})?\s*,?\s*(?:ngày|ban hành ngày)?\s*$",
    re.IGNORECASE,
)
# a law or code named before its date: "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
CITED_LAW = re.compile(rf"(?:^|\s)(?:Căn cứ|căn cứ)\s+(?:{DOC_KINDS})\b[^.;]{{0,120}}$")
# data cut-offs and starting points: "tính đến hết tháng 7/2025", "ước thực hiện đến ngày", "kể từ ngày …"
CUTOFF = re.compile(
    r"(?<!\w)(tính đến|tính từ|đến nay|số liệu|ước|lũy kế|luỹ kế|từ ngày|kể từ|từ)(?!\w)\s*[^.;]{0,25}$", re.IGNORECASE
)
# "… có hiệu lực (thi hành) (kể) từ ngày …", "áp dụng từ …"
EFFECTIVE = re.compile(r"(hiệu lực|áp dụng|thi hành)[^.;]{0,40}$", re.IGNORECASE)
# the place-and-date line, the signing stamp, an arrival stamp, an annex's "Kèm theo … ngày"
HEADER_DATE = re.compile(r"(Hà Nội|Kèm theo|Ngày:|ĐẾN|Thời gian ký|ký ngày|[A-ZĐ]\w+(?: [A-ZĐ]\w+){0,3},)\s*$")
# an office's arrival stamp ("ĐẾN  Số: 146  Ngày: 06/11/2020"): the day the paper came in, not the day it
# was issued
ARRIVAL_STAMP = re.compile(r"\bĐẾN\b[^.;]{0,30}Ngày:?\s*$")
# the place-and-date line that dates a paper ("Hà Nội, ngày 06 tháng 02 năm 2024", "Lâm Đồng, ngày …")
DATING_LINE = re.compile(r"(?:^|\t)[^\S\n]*[A-ZĐ]\w+(?: [A-ZĐ]\w+){0,3}, (?P<day>ngày)\s*", re.MULTILINE)


def has_dating_line(text: str) -> bool:
    """Whether a text holds a paper's place-and-date line, in which its header says when it was issued: a
    date of the grammar from its "ngày" on ("ngày 06 tháng 02 năm 2024") or right after it ("5/1/2026")."""
    return any(DATE_EXPR.match(text, m.start("day")) or DATE_EXPR.match(text, m.end()) for m in
               DATING_LINE.finditer(text))


# an open-ended period: "trong năm 2026 và những năm tiếp theo", "… và các năm sau"
OPEN_ENDED_AFTER = re.compile(
    r"^\s*(?:và|,)\s*(?:các|những)\s+(?:năm|quý|tháng)\s+(?:tiếp theo|sau|tới)", re.IGNORECASE
)


# A recurring date: no year, and the recurrence said ("Hàng năm chậm nhất đến ngày 31/3", "định kỳ hằng
# tuần (trước 16 giờ ngày thứ sáu)", "từ ngày 05 đến ngày 15 mỗi tháng"). It answers "ngày nào", "hạn
# nào", "lúc nào"; it sets no single deadline to remind of, so the deadline grammar (DATE_EXPR) leaves it.
RECURS = re.compile(r"\b(?:hằng|hàng|mỗi)\s+(?:tuần|tháng|quý|năm)\b|\bđịnh kỳ\b", re.IGNORECASE)
RECURRING_DATE = re.compile(
    r"(?:(?:chậm nhất|trước|từ|vào|hạn)\s+(?:(?:đến|vào)\s+)?)?"
    r"(?:\d{1,2}\s*giờ(?:\s*\d{1,2}(?:\s*phút)?)?,?\s*)?"
    r"ngày\s+(?:\d{1,2}(?:\s*/\s*\d{1,2}(?!\s*/\s*\d))?(?!\d)|thứ\s+(?:hai|ba|tư|năm|sáu|bảy)\b)"
    r"(?:\s+(?:đến|-)\s+(?:hết\s+)?ngày\s+\d{1,2}(?:\s*/\s*\d{1,2})?(?!\s*/\s*\d))?"
    r"(?:\s+(?:của\s+)?(?:hằng|hàng|mỗi)\s+(?:tuần|tháng|quý|năm))?",
    re.IGNORECASE,
)
