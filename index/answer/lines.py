"""Answer lines: taken from the retrieved passages by what the query asks for, never generated.

Each answer kind has its span (index/answer/spans.py): the unit named in the assignment clause, the
table's responsible column or the unit heading for a "who"; a person for "… là ai"; the date or period
of the deadline grammar for "when", a deadline said date first; the place for "where"; the figure with
what it counts for "how much"; the signature block for "who signed". A span is taken only from a
passage that carries the question's key terms, never from a heading; when none of the asked kind is
found the line says so and the passages are offered as related. The line is taken first; then the
abstention decision reads the passages and what the line found (``typed_of``: no span of the asked
kind, the sentence that carries it), and when the passages do not hold what is asked at all
(``abstain``), the answer is "không có trong tài liệu".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.answer.abstain import abstention
from index.answer.evidence import Typed
from index.answer.sentences import Found, SentenceScorer
from index.answer.spans import CONTACT_KINDS, FINDERS, cued_date, has_deadline_cue
from index.retrieval.hits import Hit, Retrieval
from index.settings import Tuning
from index.text import split_sentences
from index.vocab.dates import DATE_EXPR, parse_due
from index.vocab.signature import SIGNATURE_LINE
from index.vocab.units import PARTNER_COLUMN, RESPONSIBLE_COLUMN

__all__ = [
    "NOT_FOUND", "NO_SPAN", "Answer", "cued_date", "has_deadline_cue", "make_answer", "typed_of", "with_numeric_dates",
]

NOT_FOUND = "Không có trong tài liệu."
# the question names by number a paper the archive neither holds nor cites (Query.unheld): say so, so the
# asker knows to upload it rather than rephrase
NOT_HELD = "Không có trong tài liệu: kho chưa có văn bản mang số hiệu này; các đoạn dưới đây nói về văn bản khác."
# what the line says when the passages hold no span of the asked kind (they are shown as related)
NO_SPAN = {
    "unit": "Không thấy đơn vị cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
    "person": "Không thấy người cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
    "sign": "Không thấy người ký trong các đoạn liên quan; xem các đoạn dưới đây.",
    "deadline": "Không thấy ngày cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
    "date": "Không thấy ngày cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
    "place": "Không thấy địa điểm cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
    "figure": "Không thấy số liệu cụ thể trong các đoạn liên quan; xem các đoạn dưới đây.",
}
LINE_MAX = 200  # an answer line: the span, then a short context
SPAN_MAX = 120  # a span longer than this is cut (a table's several responsible cells)
CONTEXT_MIN_WORDS = 2  # a context of no more words than this beside the span is its label, not context
LEAD_MAX = 240  # a long sentence is cut to the part leading up to its span


@dataclass
class Answer:
    """What the user is told: an answer line (or 'not found') and the supporting passages.

    ``span`` is the short answer itself (the unit, date, figure with what it counts, place or person;
    the renderer shows it in bold), ``sentence`` the whole sentence that carries it (highlighted in the
    quote; a run of short lines is joined by spaces, so match it ignoring whitespace), ``source`` the
    index in ``hits`` of the passage it came from. ``related`` says no span of the asked kind was
    found: the line says so, span and sentence are empty, and the passages are offered as related."""

    found: bool
    text: str
    kind: str  # what the question asked for (Query.kind)
    hits: list[Hit] = field(default_factory=list)
    scoped: bool = False  # the question named its document, so copies elsewhere do not compete
    span: str = ""  # the answer itself (a unit, a date, a figure with what it counts), shown in bold
    sentence: str = ""  # the sentence of a passage that carries it: the quote's highlight
    source: int | None = None  # which of ``hits`` it was taken from
    related: bool = False  # no span of the asked kind was found: the passages are shown as related


@dataclass(frozen=True)
class Line:
    """An answer line and where it came from."""

    text: str
    span: str
    sentence: str
    source: int | None


def _trim(text: str, limit: int = LINE_MAX) -> str:
    text = re.sub(r"^[-+•\s]+", "", re.sub(r"\s+", " ", text.strip()))
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _around(sentence: str, start: int, limit: int = LEAD_MAX) -> str:
    """A long sentence cut to the part around its span (from a little before it), so the line shows it."""
    if len(sentence) <= limit or start < 0 or start < limit // 2:
        return sentence
    cut = sentence.find(" ", max(0, start - limit // 3)) + 1
    return "…" + sentence[cut:].strip()


def _line(found: Found, span_text: str | None = None) -> Line:
    """Span first, then the sentence around it as context (unless the span is the sentence)."""
    span = _trim(span_text or found.span.text, SPAN_MAX)
    sent = found.sentence.strip()
    context = _trim(_around(sent, found.span.start), LINE_MAX - len(span) - 3)
    # the context adds nothing when, the span taken out, at most a label is left ("Địa điểm: <span>")
    rest = context.lower().replace(span.lower().rstrip(".…"), " ")
    same = len(re.findall(r"\w+", rest)) <= CONTEXT_MIN_WORDS
    text = span if same or not context else f"{span} — {context}"
    return Line(with_numeric_dates(text), with_numeric_dates(span), sent, found.source)


def with_numeric_dates(text: str) -> str:
    """'ngày 18 tháng 8 năm 2011' → 'ngày 18 tháng 8 năm 2011 (18/8/2011)': easier to read at a glance."""

    def spelled(m: re.Match[str]) -> str:
        if not m.group("d2"):
            return m.group(0)
        return f"{m.group(0)} ({int(m.group('d2'))}/{int(m.group('m2'))}/{m.group('y2')})"

    return DATE_EXPR.sub(spelled, text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_KEPT_CAPS = re.compile(r"^(?:[IVX]+\b.*|.*\d.*)$")  # "II/2024", "IV", "30/9/2024": as written


def _date_cap(text: str) -> str:
    """A date span as a line opens with it; one read from a caption in capitals ("TRONG QUÝ II/2024")
    in sentence case ("Trong quý II/2024"), its numerals as written."""
    if text.isupper():
        text = " ".join(w if _KEPT_CAPS.match(w) else w.lower() for w in text.split(" "))
    return _cap(text)


def _table_who(hit: Hit, partner: bool = False) -> tuple[str, str, str] | None:
    """For a table's rows: the values of its 'responsible' column (an empty cell said as such), each
    row's content with its value, and the rows as the passage has them (the quote's highlight). Read
    from the cells ingest stored, not from the flattened text. ``partner``: the question asks who works
    with the unit in charge, so the "phối hợp" column answers; otherwise the one in charge does, before
    a "phối hợp" column that the responsible words ("cơ quan") also name."""
    passage = hit.passage
    header = passage.columns
    partners = [i for i, c in enumerate(header) if PARTNER_COLUMN.search(c)]
    in_charge = [i for i, c in enumerate(header) if RESPONSIBLE_COLUMN.search(c) and i not in partners]
    cols = partners if partner else in_charge + partners
    col = cols[0] if cols else None
    if col is None:
        return None
    parts, values, raw = [], [], []
    for row, rendered in zip(passage.cells, passage.rows, strict=False):
        cells = [value for _, value in row]
        if len(cells) <= 1 or re.fullmatch(r"[IVX]+\.?", cells[0]):
            continue  # a group row ("II. | Về văn hóa – xã hội") names no task
        content = next((c for c in cells[1:col] if c), "")
        value = cells[col] if col < len(cells) and cells[col] else f"({header[col]} để trống)"
        parts.append(f"{_trim(content, 90)}: {value}")
        values.append(value)
        raw.append(rendered)
    return ("; ".join(values), "; ".join(parts), "\n".join(raw)) if parts else None


def unit_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """Who: the top table's responsible column, else the best sentence naming a unit (the assignment
    or address clause, a sentence opening with a unit, the unit heading it sits under)."""
    top = hits[0]
    if top.passage.kind == "table" and scorer.carries(top):
        table = _table_who(top, scorer.query.partner)
        if table:
            values, rows, raw = table
            return Line(_trim(rows), _trim(values, SPAN_MAX), raw, 0)
    # a recipient asked ("báo cáo cho ai"): the addressee clause where a passage has one, else any unit
    found = scorer.best_span(hits, FINDERS["addressee"], after=True) if scorer.query.recipient else None
    found = found or scorer.best_span(
        hits, FINDERS[scorer.query.kind if scorer.query.kind in FINDERS else "unit"], after=True
    )
    return _line(found, _cap(found.span.text)) if found else None


def date_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """When: the best sentence with a date or period of the deadline grammar, the date first."""
    found = scorer.best_span(hits, FINDERS["date"], captions=True)
    return _line(found, _date_cap(found.span.text)) if found else None


_LABEL_BEFORE = re.compile(r"(?:^|[.;]?\s+)[\wÀ-ỹ ]{1,20}:\s*$")


def deadline_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """A deadline: the date first, from its cue word on, then what is to be done by whom ("Trước
    ngày 20/9/2024 — gửi báo cáo về Ban Chỉ đạo"); a firmly cued date is preferred."""
    found = scorer.best_span(hits, FINDERS["deadline"], captions=True)
    if not found:
        return None
    best, span = found.sentence, found.span
    # a run of short lines holds several sentences: the one that carries the span
    sent = next((p for p in split_sentences(best) if span.text in p), best)
    start = sent.find(span.text)
    end = start + len(span.text)
    before = _LABEL_BEFORE.sub("", sent[:start])  # "Thời hạn: trước ngày …": the label goes with the date
    rest = re.sub(r"\s+", " ", f"{before} {sent[end:]}").strip(" ,.;:-–")
    rest = re.sub(r"^[-+•]\s*", "", rest)
    if not rest:  # "Thời hạn: trước ngày …" alone: the task is the sentence it follows
        rest = " ".join(p for p in split_sentences(best) if p != sent).strip(" ,.;:-–")
    due = _date_cap(span.text)
    text = due + (f" — {_trim(rest, LINE_MAX - len(due) - 3)}" if rest else "")
    return Line(with_numeric_dates(text), with_numeric_dates(due), best, found.source)


def place_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """Where: the place the best sentence names."""
    found = scorer.best_span(hits, FINDERS["place"], after=True)
    return _line(found) if found else None


def figure_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """How much: the figure with what it counts, from the best sentence that has one."""
    found = scorer.best_span(hits, FINDERS["figure"])
    return _line(found) if found else None


def sign_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """Who signed: the signature block of a closing passage (its title and name); None without one (a
    unit or a person the text names elsewhere is no signer: "Chánh Văn phòng … chịu trách nhiệm thi hành
    Quyết định này" is who carries it out, "đồng chí … Tổ trưởng" who the decision appoints)."""
    for rank, hit in enumerate(hits[: scorer.tuning.coverage_depth]):
        if hit.passage.kind == "closing":
            lines = hit.passage.text.split("\n")
            for i, line in enumerate(lines):
                if SIGNATURE_LINE.match(line):
                    block = _trim(" ".join(x for x in lines[i:] if x.strip()))
                    return Line(block, block, block, rank)
    return None


def contact_line(scorer: SentenceScorer, hits: list[Hit]) -> Line | None:
    """An e-mail, phone or link asked: the address as written, from the best sentence that has one of
    the kind ("gửi file văn bản qua địa chỉ e-mail: vanthu@…"); None: the kind's own line answers."""
    found = scorer.best_span(hits, FINDERS["contact"])
    return _line(found) if found else None


def cause_line(scorer: SentenceScorer, hits: list[Hit]) -> Line:
    """Why: the clause a connective opens in the best sentence that has one ("Do sáp nhập vào …"), else
    the best sentence (whether it answers is the abstention's ``unstated_cause``)."""
    found = scorer.best_span(hits, FINDERS["cause"])
    return _line(found, _cap(found.span.text)) if found else content_line(scorer, hits)  # a line opens capitalised


def _day(line: Line) -> str | None:
    """The day a date line's span names, ISO, or None."""
    m = DATE_EXPR.search(line.span)
    due = parse_due(m) if m else None
    return due.end.isoformat() if due is not None and due.precision == "day" else None


def issued_line(retrieval: Retrieval, line: Line | None) -> Line | None:
    """When the named document was issued: the date its metadata read (its header's date line, or an
    annex's "Kèm theo Kế hoạch số 34 -KH/BCĐ, ngày 12/9/2024"), when the question names the one scoped
    document by its number and the passages' line says another day (a cited paper's: "Thực hiện Kế hoạch
    số 05-KH/TBVK ngày 21/3/2024"), or none. None: the passages' line stands."""
    query = retrieval.query
    if len(retrieval.issued) != 1:
        return None
    doc, (number, day) = next(iter(retrieval.issued.items()))
    own = re.match(r"\d+", number)
    if own is None or own.group(0).lstrip("0") not in {w.lstrip("0") for w in query.naming}:
        return None
    if line is not None and _day(line) == day:
        return None
    y, m, d = (int(x) for x in day.split("-"))
    span = f"Ngày {d}/{m}/{y}"
    source = next((i for i, h in enumerate(retrieval.hits) if h.passage.doc == doc), None)
    return Line(f"{span} — ngày ban hành của văn bản số {number}", span, "", source)


LINES: dict[str, Callable[[SentenceScorer, list[Hit]], Line | None]] = {
    "sign": sign_line,
    "person": unit_line,
    "unit": unit_line,
    "deadline": deadline_line,
    "date": date_line,
    "place": place_line,
    "figure": figure_line,
    "cause": cause_line,
}


def content_line(scorer: SentenceScorer, hits: list[Hit]) -> Line:
    """The top passage's best sentence: the line for a question of no particular kind."""
    top = hits[0].passage
    if top.kind == "outline" and top.body:  # "gồm những mục gì": the items, not one of them
        items = "; ".join(line.strip() for line in top.body.split("\n") if line.strip())
        return Line(_trim(items), _trim(items, SPAN_MAX), top.body, 0)
    sent, _ = scorer.best(top.text, top.section)
    sent = sent or top.text.split("\n")[-1]
    text = _trim(sent)
    return Line(text, text, sent, 0)


def typed_of(answer: Answer) -> Typed:
    """What an answer's line found, as the abstention decision reads it (index.answer.evidence)."""
    uncued = answer.kind == "deadline" and bool(answer.span) and not has_deadline_cue(answer.span)
    return Typed(answer.kind, answer.related, answer.sentence, answer.source, uncued)


def make_answer(
    retrieval: Retrieval,
    tuning: Tuning,
    abstain: Callable[[Retrieval, Tuning, Typed | None], str | None] = abstention,
) -> Answer:
    """Answer line from the passages, or an abstention with the closest passages. The line is taken
    first; ``abstain`` reads the retrieval and what the line found and says why the passages do not
    answer, or None (index.answer.abstain's rules unless another is passed)."""
    query, hits = retrieval.query, retrieval.hits
    if not hits:
        return Answer(False, NOT_FOUND, query.kind, [])
    answer = _line_answer(retrieval, tuning)
    if abstain(retrieval, tuning, typed_of(answer)):
        return Answer(False, NOT_HELD if query.unheld else NOT_FOUND, query.kind, hits, answer.scoped)
    return answer


def _line_answer(retrieval: Retrieval, tuning: Tuning) -> Answer:
    """The typed answer line whatever the evidence: the span of the asked kind, or "Không thấy …"."""
    query, hits = retrieval.query, retrieval.hits
    scoped = bool(query.scope)
    scorer = SentenceScorer(query, retrieval.idf, tuning)
    contact = contact_line(scorer, hits) if query.span in CONTACT_KINDS else None  # whatever the kind
    if query.kind not in LINES:
        line = contact or content_line(scorer, hits)
        return Answer(True, line.text, query.kind, hits, scoped, line.span, line.sentence, line.source)
    line = contact or LINES[query.kind](scorer, hits)
    if query.kind == "date" and query.issued:
        line = issued_line(retrieval, line) or line
    if line is None and query.kind == "figure" and not query.counts:  # "mục tiêu … là gì": not a count
        line = content_line(scorer, hits)
    if line is None:
        return Answer(True, NO_SPAN[query.kind], query.kind, hits, scoped, related=True)
    return Answer(True, line.text, query.kind, hits, scoped, line.span, line.sentence, line.source)
