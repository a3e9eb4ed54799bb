"""Deadlines in the documents: where a date or period of the grammar (index/vocab/dates.py) is a
task's due date, and where it is only a reference.

Every part of a document is read — its preamble (a công văn is often nothing else), its numbered
sections, its closing paragraphs and its tables — from the one parse the passages come from.
"trước ngày 30/9/2024", "Dự kiến Quý IV/2024", "hoàn thành trong Quý I/2021", "chậm nhất ngày …",
"4. Thời gian: từ 14h00 ngày 22/01/2026", a schedule table's "Thời gian" column and a table under
"… TRONG QUÝ II/2024" are deadlines. "Kế hoạch số 05-KH/TBVK ngày 21/3/2024" (a cited document's
date), "tính đến 20/3/2023" (a data cut-off), "có hiệu lực từ ngày …", the place-and-date line and
a past event ("Ngày 22/01/2026, … đã chủ trì …") are references: reminding about them would be a
false alarm.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date

from index.ingest.structure import Block, Segment, is_group_row, parse_segments, render_row, table_items
from index.text import first_sentence_end, split_sentences
from index.vocab.dates import (
    ACTION,
    CITED_DOC,
    CITED_LAW,
    CUE_AFTER,
    CUE_BEFORE,
    CUTOFF,
    DATE_EXPR,
    DOC_CODE,
    EFFECTIVE,
    HEADER_DATE,
    OPEN_ENDED_AFTER,
    PERIOD_TASKS_HEADING,
    SCHEDULE_LABEL,
    TENTATIVE,
    WEAK_CUES,
    Due,
    find_dues,
    parse_due,
)
from index.vocab.sections import SECTION_SEP
from index.vocab.units import names_unit, strip_numbering

__all__ = ["DATE_EXPR", "Deadline", "Due", "extract_deadlines", "deadlines_from", "parse_due"]


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


# --- units ------------------------------------------------------------------------------------
# the words a unit's name starts with (a subject of a task sentence, a unit heading)
_UNIT_WORDS = (
    r"(?:Ban|Đảng đoàn|Ủy ban|Uỷ ban|UBND|Văn phòng|Sở|Bộ|Hội|Hiệp hội|Trung tâm|Công an|Cục|Chi cục|Thường trực|"
    r"Mặt trận|Thành đoàn|Đảng ủy|Nhà đầu tư|Thủ tướng|Chủ tịch|Các sở|Các ban|Các cơ quan|Các đơn vị|Các cấp|"
    r"Các bộ|Các đảng bộ|Các địa phương|Các Hội|Các hội|Phòng(?!,|\s+(?:chống|ngừa))|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|"
    r"Huyện ủy|Huyện uỷ|Quận ủy|Quận uỷ|Thị ủy|Thị uỷ|Chi bộ|Đảng bộ|Liên đoàn|Tổng cục|Kho bạc|Tòa án|Toà án|"
    r"Viện kiểm sát|Hội đồng|Đài|Báo(?!\s+cáo)|Tổ(?!\s+(?:chức|quốc|dân phố))|Đoàn(?!\s+kết)|"
    r"Giám đốc|Thủ trưởng|Chánh Văn phòng|Trưởng|Các trưởng)"
)
# what a unit does in a task sentence, right after its name ("tổ chức" and "trình" are left out: they
# are as often part of a noun, "các tổ chức chính trị - xã hội", "Chương trình"); lower case only, so a
# unit's own name ("Phòng Tổng hợp", "Ủy ban Kiểm tra") is not cut at it
_TASK_VERBS = (
    r"(?:chủ trì|có trách nhiệm|có nhiệm vụ|chỉ đạo|xây dựng|theo dõi|tham mưu|phối hợp|thực hiện|khẩn trương|gửi|"
    r"báo cáo|hoàn thành|hoàn thiện|căn cứ|nộp|triển khai|rà soát|tiến hành|chuẩn bị|dự kiến|sẽ|phải|cần|"
    r"tập trung|đăng ký|tổng hợp|cập nhật|hướng dẫn|kiểm tra|đôn đốc|ban hành|đánh giá|tiếp tục|cung cấp|đề xuất)"
)
# "1. Các sở, ban, ngành thuộc tỉnh căn cứ …" (the subject opens the sentence), or "Sau khi …, Ban
# Chấp hành Hội … lâm thời tổ chức đại hội vào …" (after a subordinate clause: sau khi, khi, để,
# trường hợp, nếu, căn cứ, thực hiện, theo)
_ITEM_NUMBER = r"(?:Điều\s+\d{1,3}\.|\d{1,2}\.)"  # "2.", and a legal text's "Điều 2."
_SUBJECT_TAIL = rf"({_UNIT_WORDS}(?:(?:\s|,)[^:;.]{{1,110}}?)??)\s+(?:{_TASK_VERBS}|tổ chức)(?!\w)"
_SUBJECT = re.compile(rf"^\s*(?:[-+]\s*|{_ITEM_NUMBER}\s*|[a-zđ]\)\s*)?{_SUBJECT_TAIL}")
_SUBORDINATE = re.compile(
    rf"^\s*(?:[-+]\s*|{_ITEM_NUMBER}\s*|[a-zđ]\)\s*)?(?:Sau khi|Khi|Để|Trường hợp|Nếu|Căn cứ|Thực hiện|Theo)\b"
    rf"[^.;]{{0,300}}?,\s+{_SUBJECT_TAIL}"
)
# "Giao <units> chủ trì …", "<X> đề nghị <units> khẩn trương xây dựng …", "Giao Sở Tài chính:"
_ASSIGN_VERBS = (
    r"(?:chủ trì|tập trung|thực hiện|có trách nhiệm|chỉ đạo|khẩn trương|rà soát|gửi|nộp|hoàn thiện|hoàn thành|"
    r"báo cáo|triển khai|xây dựng)"
)
_ASSIGN = re.compile(rf"(?:[Gg]iao|[Đđ]ề nghị|[Yy]êu cầu)\s+(.{{4,400}}?)(?:\s+{_ASSIGN_VERBS}(?!\w)|\s*:\s*$)")


_REQUESTER = re.compile(r"(?:đề nghị|yêu cầu|kính đề nghị)\s*:?\s*$", re.IGNORECASE)


def _assigned(text: str) -> str | None:
    m = _ASSIGN.search(text)
    if m and re.match(r"(?:[A-ZĐ]|các |cho )", m.group(1)):
        return m.group(1).strip(" ,")
    return None


def _heading_unit(section: str) -> str | None:
    for part in reversed(section.split(SECTION_SEP)):
        if _REQUESTER.search(part):  # "IV. Văn phòng Chính phủ trân trọng đề nghị:" names who asks
            continue
        if names_unit(part):
            return re.split(r"\s+-\s+|\s*\(", strip_numbering(part))[0].strip()
        if given := _assigned(strip_numbering(part).rstrip(":") + ":"):  # "8. Giao Sở Nội vụ:"
            return given
    return None


def responsible_for(sentence: str, section: str, at: int | None = None) -> str | None:
    """The unit a task falls to: the one it is given to ("Giao X …", "đề nghị X …"), else the
    subject of the sentence (before the date at ``at``), else a unit named by a heading above it."""
    if given := _assigned(sentence):
        return given
    m = _SUBJECT.match(sentence) or _SUBORDINATE.match(sentence)
    if m and (at is None or m.start(1) < at):
        # "Phòng Văn hóa và Thông tin là cơ quan thường trực, có trách nhiệm …": the unit, not its role
        return re.split(r"\s+là\s+", m.group(1))[0].strip(" ,")
    return _heading_unit(section) if section else None


# --- references ---------------------------------------------------------------------------------
def _anchor_year(segments: list[Segment], issued: str | None) -> int:
    """The document's own year: its issue date, else the latest full date it mentions."""
    if issued:
        return int(issued[:4])
    years = [int(y) for seg in segments for b in seg.blocks for y in re.findall(r"\d{1,2}/\d{1,2}/(\d{4})", b.text)]
    return max(years) if years else date.today().year


def _inside_title(before: str) -> bool:
    """The date belongs to a quoted name or a cited document's title ("… Nghị quyết 15-NQ/TW … về phát
    triển Thủ đô đến năm 2030"), not to a task of this document."""
    if before.count("“") > before.count("”") or before.count('"') % 2 == 1:
        return True
    codes = list(DOC_CODE.finditer(before[-200:]))
    return bool(codes) and not ACTION.search(before[-200:][codes[-1].end() :])


def _is_reference(
    before: str, m: re.Match[str], due: Due, anchor: int, issued: date | None = None, cue: re.Match[str] | None = None
) -> bool:
    """A date that is cited, not to be done by: a cited document, a title, a data cut-off, an
    effective date, the place-and-date line, or a year before the document's own."""
    if CITED_DOC.search(before[-80:]) or CITED_LAW.search(before[-160:]):
        return True
    if _inside_title(before):
        return True
    cut = CUTOFF.search(before[-40:])
    if cut and not m.group("clock") and not _task_on_data(cut, cue):  # "từ 14h00 ngày …" starts an event
        return True
    if EFFECTIVE.search(before[-50:]):
        return True
    if HEADER_DATE.search(before[-30:]) and due.precision == "day":
        return True
    if issued is not None and due.end < issued:  # a document sets no task due before its own date
        return True
    return due.end.year < anchor


_PAST = re.compile(r"(?<!\w)đã(?!\w)")
_RANGE_CUES = frozenset({"đến", "đến hết", "hết", "cuối"})  # they close a data range: "số liệu đến hết tháng 9"


def _cue_word(cue: re.Match[str]) -> str:
    """A cue as its list writes it ("chậm  nhất" → "chậm nhất")."""
    return re.sub(r"\s+", " ", cue.group(1).lower())


def _task_on_data(cut: re.Match[str], cue: re.Match[str] | None) -> bool:
    """Whether "số liệu" before a date is the object of a task with a cue of its own (``cue``: "cập nhật số
    liệu lên hệ thống trong tháng 12/2026", "gửi số liệu trước ngày …"), not a data cut-off ("số liệu đến
    hết tháng 9/2024", "số liệu tính đến …", "số liệu năm 2025")."""
    return cut.group(1).lower() == "số liệu" and cue is not None and _cue_word(cue) not in _RANGE_CUES


def _is_deadline(cue: re.Match[str] | None, line_start: bool, due: Due, sentence: str, anchor: int, m) -> bool:
    if cue:
        # "Trong quý I/2026, Sở đã ban hành …" reports what was done: a weak cue in a past-tense
        # sentence is no task (the strong ones — trước, chậm nhất, hoàn thành, hạn — always are)
        return not (_cue_word(cue) in WEAK_CUES and _PAST.search(sentence))
    if line_start and due.precision == "year":  # roadmap labels: "2.2. Năm 2012-2014: …"
        return True
    if m.groupdict().get("r2") and "giai đoạn" in m.group(0).lower():
        # "… giai đoạn 2022-2025" is a deadline only for a task still to do, not a period in a title
        return bool(ACTION.search(sentence)) and int(m.group("r2")) > anchor and int(m.group("r1")) >= anchor - 1
    return False


# --- building items ------------------------------------------------------------------------------
_LABEL_WORDS = re.compile(
    r"\b(?:thời gian|thời điểm|lịch|từ|vào|lúc|ngày|buổi|sáng|chiều|tối|thứ\s+\w+|chủ nhật)\b|(?<=\d)h|[\d:.,()\-–/]",
    re.IGNORECASE,
)


def _says_nothing(task: str) -> bool:
    """Whether a schedule item's task is its label and the day's words only ("Thời gian: từ (Chiều thứ
    Năm)"): a reminder of it must say what happens then."""
    return not _LABEL_WORDS.sub(" ", task).split()


def document_subject(title: str, kind: str | None) -> str:
    """What a document is about, for a schedule item that says only when: its title without its kind
    and "Về việc" ("Giấy mời Họp đánh giá công tác CCHC …" → "Họp đánh giá công tác CCHC …")."""
    t = title[len(kind) :] if kind and title.startswith(kind) else title
    return re.sub(r"^\s*(?:về việc|v/v)\s*:?\s*", "", t.strip(), flags=re.IGNORECASE).strip(" .")


def _task(sentence: str, due_text: str) -> str:
    """What is due: the sentence without its date's wording (nor the "ngày" a label's date keeps: "Hạn
    nộp hồ sơ: ngày 20/01/2027" is "Hạn nộp hồ sơ")."""
    t = sentence.replace(due_text, " ").strip(" ,.;:-–")
    t = re.sub(r"[\s:,]*(?:vào\s+|là\s+)?ngày$", "", t, flags=re.IGNORECASE)
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


_RESPONSIBLE_COLUMN = re.compile(r"chủ trì|cơ quan|đơn vị|phụ trách|thực hiện", re.IGNORECASE)
_TIME_COLUMN = re.compile(r"^(?:thời gian|thời hạn|hạn|tiến độ|thời điểm|ngày)", re.IGNORECASE)


def _column(header: Block, rx: re.Pattern[str]) -> int | None:
    return next((i for i, c in enumerate(header.cells) if rx.search(c)), None)


def _caption_period(seg: Segment, cues: re.Pattern[str]) -> tuple[Due, str, str] | None:
    """The period a table's part heading gives every row ("… TRONG QUÝ II/2024"), with its wording
    and the heading without it, when a cue word says it is a deadline."""
    caption = " ".join(h.text for h in seg.path if h.style == "part")
    cm = next(
        (m for m in DATE_EXPR.finditer(caption) if parse_due(m) and cues.search(caption[: m.start()][-25:])),
        None,
    )
    if cm is None:
        return None
    due = parse_due(cm)
    assert due is not None
    due_text = caption[max(0, cm.start() - 6) : cm.end()].strip()
    due_text = (
        re.sub(r"^.*?(TRONG|trong|ĐẾN|đến)", r"\1", due_text)
        if re.search(r"(TRONG|trong|ĐẾN|đến)", due_text)
        else cm.group(0)
    )
    return due, due_text, caption


def _table_deadlines(doc: str, seg: Segment, section: str, anchor: int, cues: re.Pattern[str]) -> list[Deadline]:
    """A table is a list of deadlines under a period with a cue ("TRONG QUÝ II/2024"), one per row;
    a schedule table (a column headed "Thời gian", "Thời hạn", "Tiến độ" …) gives each row the date
    in that column."""
    out: list[Deadline] = []
    header = seg.blocks[0]
    resp_col = _column(header, _RESPONSIBLE_COLUMN)
    time_col = _column(header, _TIME_COLUMN)
    caption_due = _caption_period(seg, cues)
    caption = " ".join(h.text for h in seg.path if h.style == "part")
    if caption_due is None and time_col is None:
        return out
    for item in table_items(seg):
        parent: Block | None = None
        for row in item.rows:
            cells = row.cells
            if is_group_row(row):
                continue
            content = next((c for i, c in enumerate(cells[1:], 1) if c and i != time_col), "")
            if not content:
                continue
            resp = cells[resp_col] if resp_col is not None and resp_col < len(cells) else ""
            if caption_due is not None:
                due, due_text, _ = caption_due
                task_head = re.sub(DATE_EXPR, "", caption).strip(" ,.;:")
                task_head = re.sub(r"\s+(TRONG|trong)$", "", task_head)
                task = f"{task_head[:1]}{task_head[1:].lower()}: {content}"[:240]
                firm = not TENTATIVE.search(caption)
            else:
                cell = cells[time_col] if time_col is not None and time_col < len(cells) else ""
                found = [(m, d) for m, d in find_dues(cell) if d.end.year >= anchor]
                if not found:
                    continue
                m, due = found[-1]
                due_text = cell[: m.end()].strip()
                task = content[:240]
                firm = not TENTATIVE.search(cell)
            quoted = [caption, render_row(header)] + ([render_row(parent)] if parent else []) + [render_row(row)]
            body = "\n".join(x for x in quoted if x)
            out.append(_deadline(doc, section, due, due_text, task, resp or None, firm, body, body))
            if cells[0]:
                parent = row
    return out


def _heading_period(seg: Segment, anchor: int) -> tuple[Due, str] | None:
    """The coming period a report's task section is for ("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ CCHC QUÝ II
    NĂM 2026"): a quarter or month in a heading that names tasks, not before the document's year."""
    for h in reversed(seg.path):
        if h.inline or not PERIOD_TASKS_HEADING.search(h.text):
            continue
        for m, due in find_dues(h.text):
            if due.precision in ("quarter", "month") and due.end.year >= anchor:
                return due, m.group(0)
    return None


def _text_deadlines(
    doc: str, seg: Segment, section: str, anchor: int, cues: re.Pattern[str], issued: date | None, subject: str = ""
) -> list[Deadline]:
    """Deadlines in a segment's paragraphs, sentence by sentence; in a report's section for the
    coming period, each item is a task for that period."""
    out: list[Deadline] = []
    context = (
        [h.text for h in seg.path if not h.inline and h.style not in ("closing", "closing_para")][-2:]
        if seg.kind == "body"
        else []
    )
    label_head = next((h.text for h in reversed(seg.path) if h.inline), "")
    period = _heading_period(seg, anchor) if seg.kind == "body" else None
    lead_unit: str | None = None  # "Giao Sở Tài chính:" gives the items under it their unit
    for unit in seg.units:
        if seg.kind == "closing" and unit.startswith(("-", "+")):  # a recipient line
            continue
        if seg.kind == "preamble" and not first_sentence_end(unit):
            continue  # the header block and the title ("… đến hết nhiệm kỳ 2020-2025") set no task
        if unit.rstrip().endswith(":"):
            lead_unit = _assigned(unit) or lead_unit
        found_here = False
        for sentence in split_sentences(unit) or [unit]:
            if sentence.isupper():  # a heading, not a task
                continue
            for m, due in find_dues(sentence):
                before = sentence[: m.start()]
                line_start = bool(re.match(r"^[\d.\s]*$", before))
                label = bool(SCHEDULE_LABEL.search(before)) or bool(
                    line_start and label_head and SCHEDULE_LABEL.search(label_head + ":")
                )
                cue = cues.search(before[-30:])
                if (
                    _is_reference(before, m, due, anchor, issued, cue)
                    and not (line_start and due.precision == "year" and due.end.year >= anchor)
                    and not (label and due.end.year >= anchor and not CITED_DOC.search(before[-80:]))
                ):
                    continue
                if OPEN_ENDED_AFTER.match(sentence[m.end() :]):
                    continue  # "trong năm 2026 và những năm tiếp theo" has no end to remind of
                after_cue = bool(CUE_AFTER.match(sentence[m.end() :])) and due.end.year >= anchor
                if not label and not after_cue and not _is_deadline(cue, line_start, due, sentence, anchor, m):
                    continue
                # the wording from the cue word on: "trước ngày 30/9/2024"
                start = m.start() - len(before[-30:]) + cue.start(1) if cue else m.start()
                due_text = sentence[start : m.end()]
                body = "\n".join(context + [unit])
                tentative = bool(TENTATIVE.search(before[-30:]) or TENTATIVE.search(sentence[:40]))
                at = unit.find(sentence) + m.start() if sentence in unit else None
                resp = responsible_for(unit, "", at) or lead_unit or responsible_for(unit, section)
                clause = sentence
                if resp and len(resp) > 40 and resp in clause:  # "X đề nghị <units> tập trung …" → the task part
                    clause = clause.split(resp, 1)[1].strip(" ,.;:")
                task = _task(clause, due_text)
                task = task[:1].upper() + task[1:]
                if len(task) < 25 and context:  # "1. Thời gian: Dự kiến Quý IV/2024" → what the heading says
                    task = f"{context[-1]} — {task}" if task else context[-1]
                elif label and subject and _says_nothing(task):  # "Thời gian: từ (Chiều thứ Năm)": of what
                    task = f"{subject} — {task}"
                out.append(_deadline(doc, section, due, due_text.strip(), task, resp, not tentative, body, unit))
                found_here = True
        if period is not None and not found_here and not unit.rstrip().endswith(":") and len(unit) > 30:
            due, due_text = period
            resp = responsible_for(unit, "") or lead_unit or responsible_for(unit, section)
            task = _task(unit, "")
            body = "\n".join(context + [unit])
            out.append(_deadline(doc, section, due, due_text, task, resp, True, body, unit))
    return out


def deadlines_from(
    doc: str,
    segments: list[Segment],
    issued: str | None = None,
    cues: re.Pattern[str] = CUE_BEFORE,
    subject: str = "",
) -> list[Deadline]:
    """Every deadline of one parsed document (references excluded), in document order: preamble,
    body, closing paragraphs and tables alike. A footnote cites; it sets no task. ``cues`` is the
    cue-word pattern (the vocabulary's; scripts/cv_deadlines.py passes the list it is choosing)."""
    anchor = _anchor_year(segments, issued)
    issued_day = date.fromisoformat(issued) if issued else None
    out: list[Deadline] = []
    seen: set[tuple[str, str]] = set()
    for seg in segments:
        if seg.kind == "footnote":
            continue
        section = SECTION_SEP.join(h.text for h in seg.path) if seg.path else "Phần đầu văn bản"
        found = (
            _table_deadlines(doc, seg, section, anchor, cues)
            if seg.kind == "table"
            else _text_deadlines(doc, seg, section, anchor, cues, issued_day, subject)
        )
        for d in found:
            key = (d.due, d.text)
            if key not in seen:
                seen.add(key)
                out.append(d)
    return out


def extract_deadlines(
    doc: str, text: str, issued: str | None = None, cues: re.Pattern[str] = CUE_BEFORE
) -> list[Deadline]:
    """Every deadline of one document's text (parses it; the index uses :func:`deadlines_from` on
    the parse its passages come from)."""
    return deadlines_from(doc, parse_segments(text), issued, cues)


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
