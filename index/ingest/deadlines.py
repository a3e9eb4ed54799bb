"""Deadlines in the documents: a grammar of Vietnamese date and period expressions, cue words that
make one a deadline, and the rules that tell a deadline from a reference.

"trước ngày 30/9/2024", "Dự kiến Quý IV/2024", "hoàn thành trong Quý I/2021", "Năm 2012-2014:",
"Đến năm 2025" and a table under "… TRONG QUÝ II/2024" are deadlines. "Kế hoạch số 05-KH/TBVK ngày
21/3/2024" (a cited document's date), "tính đến 20/3/2023" (a data cut-off) and the issue date in
the header are references: reminding about them would be a false alarm.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date

from index.ingest.structure import _render_row, _table_groups, parse_segments
from index.text import split_sentences
from index.units import names_unit, strip_numbering

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

# --- the grammar -------------------------------------------------------------------------------
_DAY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})"
_DAY_WORDS = r"ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})"
_QUARTER = r"[Qq]uý\s+(?P<q>IV|I{1,3}|[1-4])\s*(?:/|\s+năm\s+)\s*(?P<qy>\d{4})"
_MONTH = r"tháng\s+(?P<mm>\d{1,2})\s*(?:/|\s+năm\s+)\s*(?P<my>\d{4})"
_HALF = r"6\s+tháng\s+(?P<half>đầu|cuối)\s+năm\s+(?P<hy>\d{4})"
_RANGE = r"(?:giai đoạn|[Nn]ăm|nhiệm kỳ)\s+(?P<r1>\d{4})\s*[-–]\s*(?P<r2>\d{4})"
_YEAR = r"(?:(?:hết|cuối|trong)\s+)?năm\s+(?P<yy>\d{4})"
DATE_EXPR = re.compile(rf"(?:{_DAY_WORDS}|{_DAY}|{_QUARTER}|{_HALF}|{_MONTH}|{_RANGE}|{_YEAR})", re.IGNORECASE)

CUE_BEFORE = re.compile(
    r"(?<!\w)(trước ngày|chậm nhất|hạn chót|thời hạn|hạn nộp|hạn|hoàn thành trong|hoàn thành trước|hoàn thành vào|"
    r"dự kiến|trong|vào|đến hết|đến|cuối|hết|xong trước)\s*$",
    re.IGNORECASE,
)
TENTATIVE = re.compile(r"dự kiến", re.IGNORECASE)
ACTION = re.compile(
    r"(hoàn thành|triển khai|thực hiện|tổ chức|xây dựng|phấn đấu|trình|gửi|tổng kết|sắp xếp)", re.IGNORECASE
)
# a cited document right before the date: "Kế hoạch số 05-KH/TBVK ngày 21/3/2024", "Quy định 22-QĐ/TW, ngày …"
_DOC_CODE = r"\d+\s*[-/]\s*[A-ZĐ][\wĐ]*(?:/[A-ZĐ][\wĐ\-]*)+"
CITED_DOC = re.compile(
    rf"(?:{_DOC_CODE}|(?:Nghị quyết|Chỉ thị|Kết luận|Quyết định|Kế hoạch|Thông báo|Hướng dẫn|Quy định|Đề án|"
    rf"Chương trình|Công văn|văn bản|Luật|Nghị định|Thông tư)\s+(?:số\s*)?\d+\S*)\s*,?\s*(?:ngày|ban hành ngày)?\s*$",
    re.IGNORECASE,
)
DOC_CODE = re.compile(_DOC_CODE)
CUTOFF = re.compile(r"(?<!\w)(tính đến|đến nay|số liệu|ước|từ ngày|kể từ|từ)(?!\w)\s*[^.;]{0,25}$", re.IGNORECASE)
HEADER_DATE = re.compile(r"(Hà Nội|Kèm theo|Ngày:|ĐẾN)", re.IGNORECASE)


@dataclass(frozen=True)
class Deadline:
    """A time-bound task found in a document."""

    id: str
    doc: str
    section: str
    due: str  # 2024-09-30 | 2024-09 | 2024-Q4 | 2024
    precision: str  # day | month | quarter | year
    due_date: str  # the day it is reminded against (end of its period), ISO
    due_text: str
    task: str
    responsible: str | None
    firm: bool
    text: str

    def to_json(self) -> dict:
        """JSON item for `docbot deadlines --json`."""
        return asdict(self)


@dataclass(frozen=True)
class Due:
    """A parsed date or period."""

    due: str
    precision: str
    end: date


def _quarter_end(y: int, q: int) -> date:
    m = q * 3
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_due(m: re.Match[str]) -> Due | None:
    """A grammar match → due value, precision and the last day of the period."""
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
            return Due(f"{y}-Q{q}", "quarter", _quarter_end(y, q))
        if g.get("half"):
            y = int(g["hy"])
            mo = 6 if g["half"].lower() == "đầu" else 12
            return Due(f"{y}-{mo:02d}", "month", date(y, mo, calendar.monthrange(y, mo)[1]))
        if g.get("mm"):
            y, mo = int(g["my"]), int(g["mm"])
            return Due(f"{y}-{mo:02d}", "month", date(y, mo, calendar.monthrange(y, mo)[1]))
        if g.get("r2"):
            y = int(g["r2"])
            return Due(str(y), "year", date(y, 12, 31))
        if g.get("yy"):
            y = int(g["yy"])
            return Due(str(y), "year", date(y, 12, 31))
    except ValueError:
        return None
    return None


# --- units ------------------------------------------------------------------------------------
_UNIT_START = re.compile(
    r"^(?:-\s*)?((?:Ban|Đảng đoàn|Ủy ban|Uỷ ban|Văn phòng|Sở|Các sở|Các ban|Các cấp|Mặt trận|Thành đoàn|Đảng ủy|"
    r"Thường trực|Các đảng bộ)[^,.;:]{2,80}?)(?=\s+(?:chủ trì|có trách nhiệm|tổ chức|chỉ đạo|xây dựng|theo dõi|"
    r"tham mưu|phối hợp|thực hiện)|:)"
)
_ASSIGN = re.compile(r"(?:[Gg]iao|[Đđ]ề nghị)\s+(.{4,400}?)\s+(?:chủ trì|tập trung|thực hiện|có trách nhiệm|chỉ đạo)")


def _heading_unit(section: str) -> str | None:
    for part in reversed(section.split(" › ")):
        if names_unit(part):
            return re.split(r"\s+-\s+|\s*\(", strip_numbering(part))[0].strip()
    return None


def responsible_for(sentence: str, section: str) -> str | None:
    """The unit a task falls to: named in its sentence, else inherited from a unit heading."""
    m = _ASSIGN.search(sentence)
    if m and re.match(r"(?:[A-ZĐ]|các |cho )", m.group(1)):
        return m.group(1).strip(" ,")
    m = _UNIT_START.match(sentence.strip())
    if m:
        return m.group(1).strip()
    return _heading_unit(section)


# --- extraction -------------------------------------------------------------------------------
def _anchor_year(text: str, issued: str | None) -> int:
    """The document's own year: its issue date, else the latest full date it mentions."""
    if issued:
        return int(issued[:4])
    years = [int(y) for y in re.findall(r"\d{1,2}/\d{1,2}/(\d{4})", text)]
    return max(years) if years else date.today().year


def _inside_title(before: str) -> bool:
    """The date belongs to a quoted name or a cited document's title ("… Nghị quyết 15-NQ/TW … về phát
    triển Thủ đô đến năm 2030"), not to a task of this document."""
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    codes = list(DOC_CODE.finditer(before[-200:]))
    return bool(codes) and not ACTION.search(before[-200:][codes[-1].end() :])


def _is_reference(before: str, due: Due, anchor: int) -> bool:
    if CITED_DOC.search(before[-80:]):
        return True
    if _inside_title(before):
        return True
    if CUTOFF.search(before[-40:]):
        return True
    if HEADER_DATE.search(before[-30:]) and due.precision == "day":
        return True
    return due.end.year < anchor


def _is_deadline(
    cue: re.Match[str] | None, line_start: bool, due: Due, sentence: str, anchor: int, m: re.Match[str]
) -> bool:
    if cue:
        return True
    if line_start and due.precision == "year":  # roadmap labels: "2.2. Năm 2012-2014: …"
        return True
    if m.groupdict().get("r2") and "giai đoạn" in m.group(0).lower():
        # "… giai đoạn 2022-2025" is a deadline only for a task still to do, not a period in a title
        return bool(ACTION.search(sentence)) and int(m.group("r2")) > anchor and int(m.group("r1")) >= anchor - 1
    return False


def _task(sentence: str, due_text: str) -> str:
    t = sentence.replace(due_text, " ").strip(" ,.;:-–")
    t = re.sub(r"^(?:[\d.]+\s*)?(?:Năm \d{4}(?:-\d{4})?\s*:)?\s*", "", t)
    t = re.sub(r"\s+", " ", t).strip(" ,.;:")
    return t if len(t) <= 240 else t[:239].rsplit(" ", 1)[0] + "…"


def _deadline(
    doc: str,
    section: str,
    due: Due,
    due_text: str,
    task: str,
    responsible: str | None,
    firm: bool,
    text: str,
    id_text: str,
) -> Deadline:
    """A Deadline whose id is stable across re-indexing (document, due value, the text it came from)."""
    ident = hashlib.sha1(f"{doc}|{due.due}|{id_text}".encode()).hexdigest()[:12]
    return Deadline(
        ident, doc, section, due.due, due.precision, due.end.isoformat(), due_text, task, responsible, firm, text
    )


def extract_deadlines(doc: str, text: str, issued: str | None = None) -> list[Deadline]:
    """Every deadline of one document (references excluded), in document order."""
    anchor = _anchor_year(text, issued)
    out: list[Deadline] = []
    seen: set[tuple[str, str]] = set()
    for seg in parse_segments(text):
        names = [h.text for h in seg.path]
        section = " › ".join(names) if names else "Phần đầu văn bản"
        if seg.kind in ("closing", "footnote", "preamble"):
            continue
        if seg.kind == "table":
            caption = " ".join(h.text for h in seg.path if h.style == "part")
            cm = next(
                (
                    m
                    for m in DATE_EXPR.finditer(caption)
                    if parse_due(m) and CUE_BEFORE.search(caption[: m.start()][-25:])
                ),
                None,
            )
            if cm is None:  # a table is a list of deadlines only under a period with a cue ("TRONG QUÝ II/2024")
                continue
            due = parse_due(cm)
            assert due is not None
            due_text = caption[max(0, cm.start() - 6) : cm.end()].strip()
            due_text = (
                re.sub(r"^.*?(TRONG|trong|ĐẾN|đến)", r"\1", due_text)
                if re.search(r"(TRONG|trong|ĐẾN|đến)", due_text)
                else cm.group(0)
            )
            header = seg.units[0]
            resp_col = next(
                (
                    i
                    for i, c in enumerate(header.split("\t"))
                    if re.search(r"chủ trì|cơ quan|đơn vị|phụ trách", c, re.IGNORECASE)
                ),
                None,
            )
            task_head = re.sub(DATE_EXPR, "", caption).strip(" ,.;:")
            task_head = re.sub(r"\s+(TRONG|trong)$", "", task_head)
            firm = not TENTATIVE.search(caption)
            for rows, _label in _table_groups(seg.units):
                parent = None
                for row in rows[1:]:
                    cells = row.split("\t")
                    if re.fullmatch(r"[IVX]+\.?", cells[0].strip()):
                        continue
                    content = next((c.strip() for c in cells[1:] if c.strip()), "")
                    if not content:
                        continue
                    resp = cells[resp_col].strip() if resp_col is not None and resp_col < len(cells) else ""
                    quoted = (
                        [caption, _render_row(header)] + ([_render_row(parent)] if parent else []) + [_render_row(row)]
                    )
                    body = "\n".join(quoted)
                    key = (due.due, body)
                    if key in seen:
                        continue
                    seen.add(key)
                    task = f"{task_head[:1]}{task_head[1:].lower()}: {content}"[:240]
                    out.append(_deadline(doc, section, due, due_text, task, resp or None, firm, body, body))
                    if cells[0].strip():
                        parent = row
            continue
        context = [h.text for h in seg.path if not h.inline and h.style not in ("closing", "closing_para")][-2:]
        for unit in seg.units:
            for sentence in split_sentences(unit) or [unit]:
                if sentence.isupper():  # a heading, not a task
                    continue
                for m in DATE_EXPR.finditer(sentence):
                    due = parse_due(m)
                    if due is None:
                        continue
                    before = sentence[: m.start()]
                    line_start = bool(re.match(r"^[\d.\s]*$", before))
                    if _is_reference(before, due, anchor) and not (
                        line_start and due.precision == "year" and due.end.year >= anchor
                    ):
                        continue
                    cue = CUE_BEFORE.search(before[-25:])
                    if not _is_deadline(cue, line_start, due, sentence, anchor, m):
                        continue
                    # the wording from the cue word on: "trước ngày 30/9/2024"
                    start = m.start() - len(before[-25:]) + cue.start(1) if cue else m.start()
                    due_text = sentence[start : m.end()]
                    body = "\n".join(context + [unit])
                    key = (due.due, unit)
                    if key in seen:
                        continue
                    seen.add(key)
                    tentative = bool(TENTATIVE.search(before[-30:]) or TENTATIVE.search(sentence[:40]))
                    resp = responsible_for(unit, section)
                    clause = sentence
                    if resp and len(resp) > 40 and resp in clause:  # "X đề nghị <units> tập trung …" → the task part
                        clause = clause.split(resp, 1)[1].strip(" ,.;:")
                    task = _task(clause, due_text)
                    task = task[:1].upper() + task[1:]
                    if len(task) < 25 and context:  # "1. Thời gian: Dự kiến Quý IV/2024" → what the heading says
                        task = f"{context[-1]} — {task}" if task else context[-1]
                    out.append(_deadline(doc, section, due, due_text.strip(), task, resp, not tentative, body, unit))
    return out


def is_upcoming(d: Deadline, today: date, days: int | None = None) -> bool:
    """Not yet past its period's end (and within `days` when given)."""
    end = date.fromisoformat(d.due_date)
    if end < today:
        return False
    return days is None or (end - today).days <= days


def match_unit(query: str, responsible: str | None, threshold: float = 80) -> bool:
    """Fuzzy unit match ("dan van" → "Ban Dân vận Thành ủy"), diacritics and typos tolerated."""
    from rapidfuzz import fuzz

    from index.text import fold_diacritics, normalize

    if not responsible:
        return False
    q = fold_diacritics(normalize(query))
    r = fold_diacritics(normalize(responsible))
    return q in r or fuzz.partial_ratio(q, r) >= threshold
