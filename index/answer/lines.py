"""Answer lines: taken from the retrieved passages by what the query asks for, never generated.

The unit named in the assignment clause, the table's responsible column or the unit heading for a
"who"; the date or period (the deadline grammar's) for "when"; the place for "where"; the sentence
carrying the figure for "how much"; the signature block for "who signed". When the passages do not
hold what is asked (``abstain``), the answer is "không có trong tài liệu" and the closest passages
are offered as possibly related.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.answer.abstain import abstention
from index.answer.sentences import SentenceScorer
from index.retrieval.hits import Hit, Retrieval
from index.settings import Tuning
from index.text import split_sentences
from index.vocab import figures
from index.vocab.dates import CUE_BEFORE, DATE_EXPR
from index.vocab.places import PLACE
from index.vocab.sections import last_heading
from index.vocab.signature import SIGNATURE_LINE
from index.vocab.units import ADDRESSEE, ASSIGNMENT, RESPONSIBLE_COLUMN, UNIT_SPAN, names_unit, strip_numbering

NOT_FOUND = "Không có trong tài liệu."
CUE_WINDOW = 25  # characters before a date the deadline grammar looks for its cue in (as deadlines does)
# display lengths of an answer line, in characters
LINE_MAX = 300
DATE_LINE_MAX = 260
UNIT_LINE_MAX = 220
LEAD_MAX = 240  # a long sentence is cut to the part leading up to its date or figure


@dataclass
class Answer:
    """What the user is told: an answer line (or 'not found') and the supporting passages."""

    found: bool
    text: str
    kind: str  # what the question asked for (Query.kind)
    hits: list[Hit] = field(default_factory=list)
    scoped: bool = False  # the question named its document, so copies elsewhere do not compete


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


def has_deadline_cue(sentence: str) -> bool:
    """A date of the deadline grammar with a deadline cue just before it ("trước ngày 30/9/2024")."""
    found = cued_date(sentence)
    return found is not None and found[2]


def _around(sentence: str, rx: re.Pattern[str], limit: int = LEAD_MAX) -> str:
    """A long sentence cut to the part that leads up to its date or figure, so the answer shows it."""
    if len(sentence) <= limit:
        return sentence
    m = rx.search(sentence)
    if m is None or m.end() <= limit:
        return sentence
    start = max(0, m.end() - limit)
    start = sentence.find(" ", start) + 1
    return "…" + sentence[start:].strip()


def _trim(text: str, limit: int = LINE_MAX) -> str:
    text = re.sub(r"^[-+•\s]+", "", text.strip())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def with_numeric_dates(text: str) -> str:
    """'ngày 18 tháng 8 năm 2011' → 'ngày 18 tháng 8 năm 2011 (18/8/2011)': easier to read at a glance."""

    def spelled(m: re.Match[str]) -> str:
        if not m.group("d2"):
            return m.group(0)
        return f"{m.group(0)} ({int(m.group('d2'))}/{int(m.group('m2'))}/{m.group('y2')})"

    return DATE_EXPR.sub(spelled, text)


def _unit_from_heading(hit: Hit) -> str | None:
    last = last_heading(hit.passage.section)
    if not names_unit(last):
        return None
    name = strip_numbering(last)
    return name if len(name) < 120 else None


def _table_who(hit: Hit) -> str | None:
    """For a table row: the value of its 'responsible' column, an empty cell said as such."""
    rows = [ln for ln in hit.passage.text.split("\n") if " | " in ln or ln.startswith("| ")]
    if not rows:
        return None
    header = [c.strip() for c in rows[0].split(" | ")]
    col = next((i for i, c in enumerate(header) if RESPONSIBLE_COLUMN.search(c)), None)
    if col is None:
        return None
    parts = []
    for row in rows[1:]:
        cells = [c.strip() for c in (" " + row if row.startswith("| ") else row).split(" | ")]
        if len(cells) <= 1 or re.fullmatch(r"[IVX]+\.?", cells[0]):
            continue
        content = next((c for c in cells[1:col] if c), "")
        value = cells[col] if col < len(cells) and cells[col] else f"({header[col]} để trống)"
        parts.append(f"{_trim(content, 90)}: {value}")
    return "; ".join(parts) if parts else None


def unit_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """Who: the table's responsible column, the assignment or address clause, a sentence opening
    with a unit, or the unit heading the passage sits under."""
    top = hits[0]
    if top.passage.kind == "table":
        table = _table_who(top)
        if table:
            return table
    sent, _ = scorer.best(top.passage.text)
    heading_unit = _unit_from_heading(top)
    if sent:
        for rx in (ASSIGNMENT, ADDRESSEE):
            m = rx.search(sent)
            if m:
                return _trim(m.group(0)[0].upper() + m.group(0)[1:], UNIT_LINE_MAX)
        m = UNIT_SPAN.search(sent)
        if m and sent.find(m.group(1)) <= 3:
            return _trim(sent)
    if heading_unit:
        return heading_unit + (f" — {_trim(sent, 200)}" if sent else "")
    return _trim(sent) if sent else None


def date_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """When: the best sentence with a date or period of the deadline grammar."""
    sent, _ = scorer.best_in(hits, must=DATE_EXPR.search)
    return with_numeric_dates(_trim(_around(sent, DATE_EXPR), DATE_LINE_MAX)) if sent else None


FIRM_CUE = re.compile(r"^(?:trước|chậm nhất|hạn|thời hạn|hoàn thành trước|xong trước)", re.IGNORECASE)
_LABEL_BEFORE = re.compile(r"(?:^|[.;]?\s+)[\wÀ-ỹ ]{1,20}:\s*$")


def _firmness(sentence: str, found: tuple[int, int, bool]) -> int:
    """2 for a firm cue ("trước ngày", "chậm nhất", "hạn"), 1 for another cue ("dự kiến", "trong"), 0 for none."""
    start, _, cued = found
    return 2 if cued and FIRM_CUE.search(sentence[start:]) else int(cued)


def deadline_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """A deadline: the date first, from its cue word on, then what is to be done by whom ("Trước
    ngày 20/9/2024 — gửi báo cáo về Ban Chỉ đạo"); a sentence with a cued date is preferred."""
    best, _ = scorer.best_in(hits, must=DATE_EXPR.search, bonus=has_deadline_cue)
    if not best:
        return None
    # a run of short lines holds several sentences: the one whose date has the firmest cue
    located = [(p, found) for p in split_sentences(best) or [best] if (found := cued_date(p))]
    sent, (start, end, _) = max(located, key=lambda pair: _firmness(*pair))  # the first of the firmest
    due = sent[start:end].strip()
    before = _LABEL_BEFORE.sub("", sent[:start])  # "Thời hạn: trước ngày …": the label goes with the date
    rest = re.sub(r"\s+", " ", f"{before} {sent[end:]}").strip(" ,.;:-–")
    rest = re.sub(r"^[-+•]\s*", "", rest)
    if not rest:  # "Thời hạn: trước ngày …" alone: the task is the sentence it follows
        rest = " ".join(p for p in split_sentences(best) if p != sent).strip(" ,.;:-–")
    line = due[:1].upper() + due[1:] + (f" — {_trim(rest, UNIT_LINE_MAX)}" if rest else "")
    return with_numeric_dates(line)


def place_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """Where: the best sentence naming a place."""
    sent, _ = scorer.best_in(hits, must=PLACE.search)
    return _trim(sent, DATE_LINE_MAX) if sent else None


def figure_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """How much: the best sentence with a figure, unless one without is much the better match
    ("không còn hộ nghèo" answers a how-much question without a figure)."""
    fig, fig_score = scorer.best_in(hits, must=figures.FIGURE.search)
    any_sent, any_score = scorer.best_in(hits)
    sent = any_sent if (fig is None or any_score - fig_score >= scorer.tuning.figure_margin) else fig
    return _trim(_around(sent, figures.FIGURE), LINE_MAX) if sent else None


def sign_line(scorer: SentenceScorer, hits: list[Hit]) -> str | None:
    """Who signed: the signature block of a closing passage, else as for "who"."""
    for hit in hits[: scorer.tuning.coverage_depth]:
        if hit.passage.kind == "closing":
            lines = hit.passage.text.split("\n")
            for i, line in enumerate(lines):
                if SIGNATURE_LINE.match(line):
                    return _trim(" ".join(x for x in lines[i:] if x.strip()), 200)
    return unit_line(scorer, hits)


LINES: dict[str, Callable[[SentenceScorer, list[Hit]], str | None]] = {
    "sign": sign_line,
    "unit": unit_line,
    "deadline": deadline_line,
    "date": date_line,
    "place": place_line,
    "figure": figure_line,
}


def content_line(scorer: SentenceScorer, hits: list[Hit]) -> str:
    """The top passage's best sentence: the line for a question of no particular kind, and for
    one whose kind found no line."""
    top = hits[0].passage
    sent, _ = scorer.best(top.text, top.section)
    return _trim(sent) if sent else _trim(top.text.split("\n")[-1])


def make_answer(
    retrieval: Retrieval, tuning: Tuning, abstain: Callable[[Retrieval, Tuning], str | None] = abstention
) -> Answer:
    """Answer line from the passages, or an abstention with the closest passages (``abstain`` says
    why the passages do not answer, or None: index.answer.abstain's rules unless another is passed)."""
    query, hits = retrieval.query, retrieval.hits
    scoped = bool(query.scope)
    if not hits:
        return Answer(False, NOT_FOUND, query.kind, [])
    if abstain(retrieval, tuning):
        return Answer(False, NOT_FOUND, query.kind, hits, scoped)
    scorer = SentenceScorer(query, retrieval.idf, tuning)
    line = LINES[query.kind](scorer, hits) if query.kind in LINES else None
    return Answer(True, line or content_line(scorer, hits), query.kind, hits, scoped)
