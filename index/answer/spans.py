"""The short answers of each kind a sentence holds: a unit, a person, a date or period, a place, a
figure with what it counts. Read with the shared vocabulary (index/vocab); no pattern is defined here.

Each finder returns the spans of its kind in one sentence with a preference (``weight``): what makes
one span a better answer than another of the same kind is said by the question (a clock time for "mấy
giờ", a firm cue for a deadline, the counted noun after "bao nhiêu", a rank for "xếp thứ mấy", a share
for "tỷ lệ") or by the document's form (a cited document's date is a reference; "Giao X chủ trì" names
the unit a task is given to). Some spans are no answer at all, as the abstention's evidence reads them
too (index.answer.evidence): one made only of the numbers the question gives ("Năm 2026" for "… năm
2026 khi nào"); a month, quarter or year for "ngày nào", which asks a day; a share for "bao nhiêu
N", which asks a count of N ("20% xã" for "bao nhiêu vụ"). The sentence scorer weighs the spans against how
well their sentences match the question (index/answer/sentences.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.ingest.parsed import StoredPassage
from index.retrieval.query import Query
from index.text import fold, tokens
from index.vocab import cues, figures
from index.vocab.dates import (
    ARRIVAL_STAMP,
    CITED_DOC,
    CUE_BEFORE,
    CUTOFF,
    DATE_EXPR,
    DOC_CODE,
    HEADER_DATE,
    RECURRING_DATE,
    RECURS,
    parse_due,
)
from index.vocab.figures import given_numbers, only_given
from index.vocab.places import PLACE_SPAN
from index.vocab.sections import RESULT_COLUMN, TARGET_COLUMN, of_targets
from index.vocab.spans import PATTERNS as SPAN_PATTERNS
from index.vocab.units import (
    ADDRESSEE,
    ASSIGNMENT,
    OFFICIAL,
    PERSON,
    PROPOSER,
    ROLE_LABEL,
    UNIT_SPAN,
    heading_unit_name,
    names_unit,
)
from index.vocab.words import STOPWORDS

FINENESS = {"day": 0, "month": 1, "quarter": 2, "year": 3}  # a date's precision, finest first
CUE_WINDOW = 25  # characters before a date the deadline grammar looks for its cue in (as deadlines does)
_STARTS_FROM = re.compile(r"(?<!\w)(?:kể từ|từ)\s+(?:ngày\s*)?$", re.IGNORECASE)  # "… kể từ ngày 01/7/2021": a start
FIRM_CUE = re.compile(r"^(?:trước|chậm nhất|hạn|thời hạn|hoàn thành trước|xong trước)", re.IGNORECASE)
UNIT_MAX = 120  # a unit longer than this is a clause, not a name


@dataclass(frozen=True)
class Span:
    """One short answer in a sentence: its text, where it starts (-1: from outside the sentence, such
    as the unit heading the sentence sits under) and how well it fits what is asked."""

    text: str
    start: int
    weight: float = 0.0


Finder = Callable[[str, StoredPassage, Query], list[Span]]


def cued_date(sentence: str) -> tuple[int, int, bool] | None:
    """Where a sentence's due date is written, from its cue word on ("trước ngày 30/9/2024"), and
    whether it has a cue; the first date of the deadline grammar when none has one."""
    first = None
    for m in DATE_EXPR.finditer(sentence):
        window = sentence[: m.start()][-CUE_WINDOW:]
        cue = CUE_BEFORE.search(window)
        if cue:
            return m.start() - len(window) + cue.start(1), m.end(), True
        first = first or (m.start(), m.end(), False)
    return first


def has_deadline_cue(span: str) -> bool:
    """A date of the deadline grammar with a deadline cue just before it ("trước ngày 30/9/2024"), or
    a day with a firm cue and no year, as a recurring date's span is ("chậm nhất vào ngày 05 [hằng
    tháng]": ``date_spans`` gives one only where the sentence says it recurs)."""
    found = cued_date(span)
    if found is not None and found[2]:
        return True
    return any(FIRM_CUE.search(m.group(0)) for m in RECURRING_DATE.finditer(span))


def _named_in_question(before: str, query: Query) -> bool:
    """Whether the cited document right before a date is one the question names ("chỉ thị 35-CT/TW … ngày
    nào"): its number is among the question's words."""
    numbers = re.findall(r"\d+", before[-40:])
    asked = set(re.findall(r"\d+", query.whole_folded))
    return bool(numbers) and numbers[-1] in asked


STAMP_WINDOW = 40  # an arrival stamp's "ĐẾN Số: 146 Ngày:" stands within this many characters of its date


def date_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """Dates and periods of the deadline grammar, from their cue word on. Preferred: a day for an issue
    date, the precision asked ("quý mấy"), a clock time when one is asked, a firm cue for a deadline;
    a cited document's date or a data cut-off is a reference, unless the question names that document;
    the header's date answers "ban hành ngày nào". No answer: a date made only of the question's
    numbers, a coarser one than the day "ngày nào" asks, and a cited document's date (uncued) when the
    question asks of no paper (``cues.PAPER_ASKED``): "hội nghị lần thứ 13 họp ngày nào" is not answered
    by "Kế hoạch số 134-KH/TU ngày 17/02/2023". Measured on the four dev sets (2026-12-02): blind1
    abstention 0.6 → 0.629, realdocs answer line 0.833 → 0.857; dev2 q093 (its line was that wrong
    date; the right quarter stands in a table's capitals caption, which the date line reads since
    2026-12-04: ``SentenceScorer.best_span``'s captions) then abstained."""
    spans = []
    given = given_numbers(query.whole_folded)
    asked = next((p for rx, p in cues.PRECISION_ASKED if rx.search(query.whole_folded)), None)
    taken = []  # where the grammar's dates stand, answers or not: a recurring date is read elsewhere
    cited_asked = query.issued or bool(cues.PAPER_ASKED.search(query.whole_folded))
    arrival = bool(cues.ARRIVAL.search(query.whole_folded))  # "có dấu ĐẾN … ngày nào": the arrival stamp
    at = passage.text.find(sentence[:40])
    # a stamp's "Ngày:" line stands under its "ĐẾN Số:" line: the text right above the sentence
    above = passage.text[max(0, at - STAMP_WINDOW) : at] if at > 0 else ""
    for m in DATE_EXPR.finditer(sentence):
        taken.append((m.start(), m.end()))
        due = parse_due(m)
        if due is None:
            continue
        if query.exact_day and due.precision != "day":
            continue  # "ngày nào" asks a day: "năm 2026", "Quý I/2026" do not say it
        if only_given(m.group(0), given):
            continue
        if asked and FINENESS[due.precision] > FINENESS[asked]:
            continue  # "tháng mấy" asks a month: "nhiệm kỳ 2025-2030", "Quý IV" do not say it
        before = sentence[: m.start()]
        window = before[-CUE_WINDOW:]
        cue = CUE_BEFORE.search(window)
        start = m.start() - len(window) + cue.start(1) if cue else m.start()
        weight = 0.0
        if query.issued:
            weight += 1.0 if due.precision == "day" else -1.0
        if asked:
            weight += 1.0 if due.precision == asked else 0.0
        if query.clock and m.group("clock"):
            weight += 1.0
        if CITED_DOC.search(before):
            # "Kế hoạch số 134-KH/TU ngày 17/02/2023" says when a paper was signed, not an event; but "…
            # Nghị định 32/2021/NĐ-CP của Chính phủ kể từ ngày 01/7/2021" says when something starts
            if not (cited_asked or cue or _STARTS_FROM.search(before)):
                continue
            named = _named_in_question(before, query)
            if query.issued and not named:
                # "KH 34 ban hành ngày nào", "báo cáo sơ kết số mấy, ký ngày nào": the papers a passage
                # cites were issued on other days than the one asked of, named by number or not
                continue
            weight += 1.0 if named else -1.0
        elif ARRIVAL_STAMP.search((above + before)[-STAMP_WINDOW:]):
            # the stamp says when the paper came in: the answer when that is asked, never an issue date
            if arrival:
                weight += 2.0
            elif query.issued:
                continue
        elif query.issued and HEADER_DATE.search(before):
            weight += 1.0
        if query.kind == "deadline":  # a deadline is a cued date: a firm cue most of all
            if cue:
                weight += 2.0 if FIRM_CUE.search(sentence[start:]) else 1.0
            if CUTOFF.search(before):
                weight -= 1.0
        spans.append(Span(sentence[start : m.end()].strip(), start, weight))
    if RECURS.search(sentence):  # "chậm nhất đến ngày 31/3" hằng năm: a day, every year
        for m in RECURRING_DATE.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken) or only_given(m.group(0), given):
                continue
            weight = 2.0 if query.kind == "deadline" and FIRM_CUE.search(m.group(0)) else 0.0
            spans.append(Span(m.group(0).strip(), m.start(), weight))
    return spans


def _counted(sentence: str, end: int) -> str:
    """What a figure counts: the words right after it, up to a comma, bracket or the next figure, and
    not a function word or preposition that opens what follows ("5.000.000 đồng từ ngân sách": đồng)."""
    m = figures.COUNTED_NOUN.match(sentence, end)
    if not m:
        return ""
    words = m.group(0).split()
    if len(words) > 1 and words[-1].lower() in _NOT_COUNTED:
        words = words[:-1]
    return " ".join(words)


_NOT_COUNTED = STOPWORDS | {"từ", "tại", "trong", "trên", "dưới", "so", "bằng"}


def counts_noun(counted: str, noun: Sequence[str]) -> bool:
    """Whether the words after a figure are the asked noun (its first two words), or spell out its
    initials as officials type them ("DN" for "doanh nghiệp"), or are the short form the document
    writes for it ("708 TTHC" for "bao nhiêu thủ tục hành chính")."""
    words = tokens(fold(counted))
    if not noun or not words:
        return False
    if words[: min(len(noun), 2)] == list(noun[:2]):
        return True
    initials = noun[0]
    if len(initials) >= 2 and "".join(w[0] for w in words[: len(initials)]) == initials:
        return True
    return len(noun) > 1 and words[0] in cues.short_forms(noun)


def _of_noun(sentence: str, end: int, noun: Sequence[str]) -> bool:
    """Whether the words right after a figure open with the asked noun: "11% vốn điều lệ" is a share of
    the "vốn" asked ("bao nhiêu vốn"), "20% xã" no count of "vụ"."""
    words = tokens(fold(_counted(sentence, end)))
    return bool(words) and words[0] == noun[0]


_NUMBERING_AFTER = re.compile(r"[.)](?:\s|$)")


def _numbering(sentence: str, m: re.Match[str]) -> bool:
    """Whether a figure is an item's number ("1.3. Quyết liệt …", "(6) Tốc độ …"), not a quantity: it
    opens the sentence and a dot or bracket follows it."""
    return not sentence[: m.start()].strip(" *-+•(") and bool(_NUMBERING_AFTER.match(sentence, m.end()))


# A figure asked of a part (Query.part: "…, trong đó cán bộ nữ mấy người") is the one written beside the
# part's words: the text since the previous figure and the words right after it ("Trong đó: cán bộ nữ 14
# đồng chí", "66 nhiệm vụ … cho cấp sở"). Beside it stand at least half the part's words (the part as asked
# runs to the question word and may carry its verb: "riêng năm 2022 HN khai trừ bao nhiêu") and its last two
# as written: a Vietnamese noun phrase puts its head first and what tells it from the other parts after
# ("cán bộ nữ" beside "cán bộ trẻ", "cấp sở" not "tổng số … cấp Thành phố").
PART_MIN_SHARE = 0.5
_BESIDE = re.compile(r"[^\d,;.()\n]{0,60}")  # the words right after a figure, to the next figure or break


def _beside(sentence: str, end: int) -> str:
    m = _BESIDE.match(sentence, end)
    return m.group(0) if m else ""


def _part_window(sentence: str, start: int, end: int, dates: Sequence[tuple[int, int]]) -> str:
    """A figure's own words: from past the previous figure's (its number and the words right after it:
    "66 nhiệm vụ … cho cấp sở, 23 nhiệm vụ …") to the figure, and the words right after it."""
    since = 0
    for m in figures.FIGURE.finditer(sentence, 0, start):
        if not any(a <= m.start() < b for a, b in dates):
            since = m.end() + len(_beside(sentence, m.end()))
    # an aside in brackets is no label of the figure: "Tỷ lệ trường công lập (Mầm non, …, Trung học phổ thông)
    # đạt chuẩn: 80 - 85%" counts every level, not the one the brackets also name
    before = _ASIDE.sub(" ", sentence[min(since, start) : start])
    return before + " " + _beside(sentence, end)


_ASIDE = re.compile(r"\([^()]*\)")


def part_beside(text: str, part: Sequence[str]) -> bool:
    """Whether a figure's neighbourhood names the part asked: at least ``PART_MIN_SHARE`` of its words,
    and its last two words in a row; a short form typed ("thpt") is held by the words it abbreviates
    ("Trung học phổ thông")."""
    if not part:
        return True
    words = tokens(fold(text))
    have = set(words)
    runs = range(2, cues.LONGEST_SHORT_FORM + 1)
    initials = {"".join(w[0] for w in words[i : i + n]) for n in runs for i in range(len(words) - n + 1)}

    def held(word: str) -> bool:
        return word in have or (cues.SHORT_FORM.match(word) is not None and word in initials)

    if sum(map(held, part)) < PART_MIN_SHARE * len(part):
        return False
    last = part[-1]
    if len(part) == 1 or cues.SHORT_FORM.match(last):
        return held(last)
    return f" {part[-2]} {last} " in f" {' '.join(words)} "


def figure_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """Figures with what they count ("3/63 tỉnh", "89,58%", "331.969 tỷ đồng"), not a date's numbers.
    Preferred: the noun the question counts, a rank for "xếp thứ mấy", a share for "tỷ lệ", a sum for
    a money question. No answer: a figure the question gives ("chương trình 10"), a share for a
    count of a noun ("bao nhiêu vụ", not a sum, share or rank), unless a share of that noun ("11% vốn"),
    and a figure not of the form a closed kind asks (a sum, a share, a rank: "tổng thu … bao nhiêu tỷ" is not
    answered by "7,5%"; measured 2026-12-02: blind1 abstention 0.629 → 0.686 with "tỷ trọng" read as a
    share, no line and no answerable question of the four dev sets changed); a figure over a span of
    years ("bình quân giai đoạn 2021 - 2025: 7,5%", an average or a target: a report's form) for one
    year's result ("GRDP cả năm 2023"); an item's number ("1.3.", "(6)").
    A figure of another noun stays a candidate, unmarked: documents count in their own words ("24 cơ
    quan, đơn vị" for "bao nhiêu đơn vị", "236 điểm cầu" for "bao nhiêu chỗ"; marking them down
    chose a worse figure on the dev sets)."""
    # a date's or a document number's digits are no figure ("ngày 20/3/2023", "Nghị quyết số 09/2002/QH11")
    dates = [(m.start(), m.end()) for rx in (DATE_EXPR, DOC_CODE) for m in rx.finditer(sentence)]
    noun = query.counted  # the noun a "bao nhiêu / mấy" asks the count of
    folded = query.whole_folded
    given = given_numbers(folded)
    asks_share, asks_rank = bool(cues.SHARE.search(folded)), bool(cues.RANK.search(folded))
    count_of = bool(noun) and not (query.money or asks_share or asks_rank)
    asked = figures.asked_period(query.text)
    achieved = bool(cues.ACHIEVED.search(folded)) and not cues.TARGET_ASKED.search(folded)
    target = bool(cues.TARGET_ASKED.search(folded)) and not cues.ACHIEVED.search(folded)
    if achieved and of_targets(passage.section):
        return []  # "thực tế đạt bao nhiêu" and a target's figure ("Các chỉ tiêu chủ yếu đến năm 2025")
    # a year's result asked ("GRDP cả năm 2023"), not a target: a figure of a span of years is none
    one_year = figures.single_years(asked) and not cues.TARGET_ASKED.search(folded)
    label = figures.period_label(passage.section)  # until the sentence labels one: its heading's period
    header = passage.columns if " | " in sentence else ()  # a table row: its columns, as ingest read them
    share_row = bool(header) and fold(sentence.split(" | ")[1] if sentence.count(" | ") > 1 else "").startswith("ty le")
    spans = []
    label_from = 0  # a figure's period label is the text since the previous figure
    range_end = -1  # where the last range read ends: its upper figure is no figure of its own
    for m in figures.FIGURE.finditer(sentence):
        if any(a <= m.start() < b for a, b in dates) or _numbering(sentence, m) or m.start() < range_end:
            continue
        own, label_from = figures.period_label(sentence[label_from : m.start()]), m.end()
        label = own if own[0] else label  # unlabelled: the previous figure's ("năm 2022 là X, đạt Y%")
        if figures.other_period(label, asked):  # "năm 2021 đạt 2,92%" for "năm 2022 … bao nhiêu"
            continue
        if one_year and figures.spans_years(label):  # "giai đoạn 2021 - 2025: 7,5%" for "cả năm 2023"
            continue
        end = m.end()
        upper = figures.RANGE_AFTER.match(sentence, end)
        if upper:  # "7,5 - 8,0%": the range, as the target states it
            end = range_end = upper.end()
        pct = upper if upper and upper.group(0).endswith("%") else figures.PERCENT_AFTER.match(sentence, end)
        if pct:
            end = pct.end()
        cell = sentence.count("|", 0, m.start())  # the figure's column, by the bars before it
        column = header[cell] if cell < len(header) else ""
        if (achieved and TARGET_COLUMN.match(column)) or (target and RESULT_COLUMN.match(column)):
            continue  # "đạt bao nhiêu so với chỉ tiêu": the row's result, not its target ("Trên 75% | 77,6")
        # a bare figure in a table's result or target column of a "Tỷ lệ …" row is that share ("| 77,6")
        share = bool(pct) or m.group(0).endswith("%") or (share_row and bool(column))
        counted = "" if pct else _counted(sentence, end)  # a share counts nothing
        if only_given(m.group(0), given) or (count_of and share and not _of_noun(sentence, end, noun)):
            continue
        ranked = bool(figures.RANK_BEFORE.search(sentence[: m.start()])) or "/" in m.group(0)
        money = bool(figures.MONEY.match(sentence, m.start())) or bool(  # a range's unit follows its upper end
            upper and figures.MONEY.match(sentence, upper.start(1)))
        # the form a closed kind asks: a sum for "bao nhiêu tỷ", a share or a fraction ("251/277") for
        # "tỷ lệ … bao nhiêu", a rank for "xếp thứ mấy"; other questions take any figure
        if not {"money": money, "percent": share or "/" in m.group(0), "rank": ranked}.get(query.span, True):
            continue
        if query.part and not part_beside(_part_window(sentence, m.start(), end, dates), query.part):
            continue  # "trong đó cán bộ nữ mấy người": the whole's figure, or another part's
        text = sentence[m.start() : end] + (f" {counted}" if counted else "")
        weight = 0.0
        if counts_noun(counted, noun):
            weight += 1.0
        if asks_rank and ranked:
            weight += 1.0
        if asks_share and share:
            weight += 1.0
        if query.money and money:
            weight += 1.0
        spans.append(Span(text.strip(), m.start(), weight))
    if noun:  # "mấy năm" → "5 năm": a one-digit count of the asked noun, which FIGURE leaves out
        for m in figures.SMALL_COUNT.finditer(sentence):
            if query.part and not part_beside(_part_window(sentence, m.start(), m.end(), dates), query.part):
                continue
            if not any(a <= m.start() < b for a, b in dates) and counts_noun(_counted(sentence, m.end()), noun):
                spans.append(Span(f"{m.group(0)} {_counted(sentence, m.end())}", m.start(), 1.0))
    return spans


def _clause_unit(clause: str, given: bool) -> str:
    """The unit a clause names: the clause when it opens with a unit or an official; a task's
    assignee ("Giao X chủ trì": ``given``) is a unit by the construction itself, when short."""
    m = UNIT_SPAN.match(clause) or OFFICIAL.match(clause) or PERSON.match(clause)
    if m:
        return m.group(0).strip()
    return clause if given and len(clause) <= UNIT_MAX else ""


def unit_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """Units: the assignment clause ("Giao X chủ trì"), the addressee ("gửi về X"), the proposer ("theo
    đề nghị của X"), a sentence opening with a unit, the unit heading the sentence sits under, a unit
    named anywhere in the sentence (least)."""
    spans = [span for rx in (ASSIGNMENT, ADDRESSEE, PROPOSER) for span in _clause_spans(rx, sentence)]
    for m in UNIT_SPAN.finditer(sentence):
        spans.append(Span(m.group(1).strip(), m.start(1), 1.0 if m.start(1) <= 3 else 0.5))
    if names_unit(passage.section):
        name = heading_unit_name(passage.section)
        if name and len(name) < UNIT_MAX:
            spans.append(Span(name, -1, 1.0))
    return spans


def addressee_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """To whom a paper goes: the addressee clause ("báo cáo kết quả thực hiện với Thường trực Thành ủy",
    "gửi về Ban Chỉ đạo", "Kính gửi: Văn phòng UBND tỉnh"). A recipient asked ("báo cáo cho ai") is
    answered by this form where a passage has it: the unit given the task writes the paper, it does not
    receive it, though it shares more of the question's words."""
    return _clause_spans(ADDRESSEE, sentence)


CLAUSE_WEIGHT = 2.0  # a unit named by its clause's construction outweighs one a sentence opens with (1.0)


def _clause_spans(rx: re.Pattern[str], sentence: str) -> list[Span]:
    """The units a clause construction names (an assignment, an addressee, a proposer: group 1), the
    assignment's by the construction itself (``_clause_unit``)."""
    spans = []
    for m in rx.finditer(sentence):
        unit = _clause_unit(m.group(1).strip(" ,;:"), rx is ASSIGNMENT)
        if unit:
            spans.append(Span(unit, m.start(1), CLAUSE_WEIGHT))
    return spans


def person_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """A person: "Ông / Bà / Đồng chí + name" (with the title that follows), an official's title with
    the unit ("Giám đốc Sở Nội vụ"); else the units, a little less."""
    spans = [Span(m.group(1).strip(" ,;"), m.start(1), 3.0) for m in ROLE_LABEL.finditer(sentence)]
    return spans + signer_spans(sentence, passage, query) + unit_spans(sentence, passage, query)


def signer_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """Who signed, outside a signature block: a person or an official by title ("Phó Bí thư Thường trực
    Thành ủy"); a unit signs nothing, and a passage that only names units does not say who signed."""
    spans = [Span(m.group(0).strip(" ,;"), m.start(), 2.5) for m in PERSON.finditer(sentence)]
    return spans + [Span(m.group(0).strip(" ,;"), m.start(), 2.0) for m in OFFICIAL.finditer(sentence)]


def place_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """A place: what follows "Địa điểm:", "tại", or a hall or house number."""
    return [
        Span(m.group("place").strip(" ,;.-"), m.start("place"), 1.0 if m.group("label") else 0.0)
        for m in PLACE_SPAN.finditer(sentence)
        if len(m.group("place").strip()) > 3
    ]


def cause_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """A cause, a purpose or a basis: the clause a connective opens ("do sáp nhập vào …", "Vì vậy, …",
    "Thực hiện Kế hoạch số …", "Căn cứ …"), to the end of its clause; the plainest cause words ("do", "vì",
    "bởi", "nguyên nhân", "lý do") first, since "để", "nhằm" and "thực hiện" also open what follows."""
    out = []
    for m in cues.CAUSE_STATED.finditer(sentence):
        end = _CLAUSE_END.search(sentence, m.end())
        clause = sentence[m.start() : end.start() if end else len(sentence)].strip(" ,;:.-")
        label = end is None and sentence.rstrip().endswith(":")  # "Nguyên nhân khách quan:": its items say it
        if len(clause.split()) > 2 and not label:
            plain = m.group(0).lower() in _PLAIN_CAUSE
            out.append(Span(clause, m.start(), 1.0 if plain else 0.0))
    return out


_CLAUSE_END = re.compile(r"[;.](?:\s|$)")  # a cause clause runs to the end of its clause or sentence
_PLAIN_CAUSE = frozenset({"do", "vì", "bởi", "nguyên nhân", "lý do", "lí do", "xuất phát từ", "dẫn đến"})


CONTACT_KINDS = ("email", "phone", "link")  # a contact asked ("qua email nào", "số điện thoại", "link họp")


def contact_spans(sentence: str, passage: StoredPassage, query: Query) -> list[Span]:
    """The e-mail address, phone number or link asked (``Query.span``), as written."""
    if query.span not in CONTACT_KINDS:
        return []
    tail = _PHONE_TAIL if query.span == "phone" else _TOKEN_TAIL  # the pattern tells one is there; the span runs on
    spans = []
    for m in SPAN_PATTERNS[query.span].finditer(sentence):
        end = tail.match(sentence, m.end()).end()
        start = m.start() if query.span == "phone" else _TOKEN_HEAD.search(sentence[: m.start()]).start()
        spans.append(Span(sentence[start:end].strip(" ,;.:()"), start, 0.0))
    return spans


_TOKEN_TAIL = re.compile(r"\S*")  # an address or link runs to the next blank
_TOKEN_HEAD = re.compile(r"\S*$")
_PHONE_TAIL = re.compile(r"(?:[\s.]?\d)*")  # "0243.825.1234", "024 3825 1234"


FINDERS: dict[str, Finder] = {
    "contact": contact_spans,
    "unit": unit_spans,
    "addressee": addressee_spans,
    "person": person_spans,
    "sign": signer_spans,
    "deadline": date_spans,
    "date": date_spans,
    "place": place_spans,
    "figure": figure_spans,
    "cause": cause_spans,
}
