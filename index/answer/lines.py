"""Answer lines and abstention.

A one-line answer is *taken* from the retrieved passages, never generated: the unit named in the
heading or sentence for "who" questions, the date or period for "when", the place for "where", the
sentence carrying the figure for "how much". When the passages do not hold what the question asks
for (a sum of money, a time of day, a date) or retrieval is weak, the answer is "không có trong tài
liệu" and the closest passages are offered as possibly related.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from index.answer.abstain import decide, evidence_of
from index.ingest.structure import body_lines
from index.retrieval.search import STOPWORDS_FOLDED, Hit, Retrieval
from index.text import fold_diacritics, has_diacritics, normalize, split_sentences, tokens
from index.units import names_unit, strip_numbering

NOT_FOUND = "Không có trong tài liệu."

_WHO = re.compile(
    r"\b(ai|don vi nao|co quan nao|ban nao|do ai|ai phu trach|chu tri|phu trach|giao cho ai|"
    r"cho ai|nop cho ai|gui ve dau|trach nhiem)\b"
)
_WHEN = re.compile(
    r"\b(khi nao|bao gio|ngay nao|thoi gian|thoi han|han nop|han chot|han|nam nao|thang nao|"
    r"quy nao|luc nao|tu ngay|den ngay|thoi diem)\b"
)
_WHERE = re.compile(r"\b(o dau|tai dau|dia diem|noi nao|cho nao)\b")
_HOW_MUCH = re.compile(r"\b(bao nhieu|may|ty le|chi tieu|muc tieu|so luong|so|dat)\b")
_SIGN = re.compile(r"\b(ai ky|ky boi|nguoi ky|ky ten|ai ki)\b")
_MONEY_Q = re.compile(
    r"\b(bao nhieu tien|kinh phi bao nhieu|may trieu|may ty|so tien|bao nhieu dong|"
    r"duoc duyet bao nhieu|ho tro bao nhieu|muc ho tro|chi phi bao nhieu|bao nhieu trieu|"
    r"bao nhieu ty)\b"
)
# A price, fee, wage or fine asked for by amount ("mức lương tối thiểu là bao nhiêu", "học phí tăng
# bao nhiêu"): with diacritics the noun is unambiguous ("lương", not "lượng"); without them only
# phrases that cannot be another word count.
_MONEY_NOUN_ACC = re.compile(r"\b(lương|học phí|lệ phí|phí|giá vé|giá bán|tiền phạt|mức phạt|đóng bao nhiêu)\b")
_MONEY_NOUN_FOLDED = re.compile(
    r"\b(muc luong|tien luong|luong toi thieu|luong co ban|hoc phi|le phi|gia ve|tien phat)\b"
)
_AMOUNT_ASKED = re.compile(r"\b(bao nhieu|la bao)\b|\bmức\b")
_EXACT_DAY_Q = re.compile(r"\b(ngay nao|ngay may|hom nao|ngay bao nhieu)\b")
_CLOCK_Q = re.compile(r"\b(may gio|gio nao|luc may gio|bat dau luc)\b")

DATE_RX = re.compile(
    r"(?:(?:trước|chậm nhất|hạn|hoàn thành trong|hoàn thành trước|dự kiến|từ|đến hết|đến|trong)\s+)?"
    r"(?:ngày\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
    r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|[Qq]uý\s+(?:[IV]+|\d)\s*/\s*\d{4}|"
    r"tháng\s+\d{1,2}\s*/\s*\d{4}|(?:cuối |hết )?năm\s+\d{4})",
    re.IGNORECASE,
)
MONEY_RX = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|tỷ(?! lệ| trọng)|nghìn đồng|VNĐ|VND|USD)", re.IGNORECASE)
DAY_RX = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}", re.IGNORECASE)
CLOCK_RX = re.compile(r"\b\d{1,2}\s*(?:giờ|h)\s*\d{0,2}\b|\b\d{1,2}:\d{2}\b")
NUMBER_RX = re.compile(r"\d[\d.,/]*\s*%?")
# a figure, not a list number or a bare year: 31.706, 7,5, 67/76, 30%, 1.000, 288 trường hợp
FIGURE_RX = re.compile(
    r"(?<![\w(/-])(?:\d+[.,/]\d+(?![-/]?[A-Za-z])|\d+\s*%|(?!(?:19|20)\d\d\b)\d{2,}(?![.)]\s|[-/\w]))"
)
UNIT_RX = re.compile(
    r"((?:Đảng đoàn|Ban Cán sự|Ban cán sự|Ban Chỉ đạo|Ban chỉ đạo|Ban Thường vụ|Thường trực|Ban Chấp hành|"
    r"Ban [A-ZĐ][\wÀ-ỹ]+(?: [A-ZĐ\w][\wÀ-ỹ]*){0,3}|Ủy ban [\wÀ-ỹ ]{2,30}?|Uỷ ban [\wÀ-ỹ ]{2,30}?|"
    r"Văn phòng [\wÀ-ỹ ]{2,20}?|Văn Phòng [\wÀ-ỹ ]{2,20}?|Sở [A-ZĐ][\wÀ-ỹ ,&-]{2,40}?|UBND [\wÀ-ỹ ]{2,20}?|"
    r"HĐND [\wÀ-ỹ ]{2,20}?|MTTQ|Mặt trận Tổ quốc|Thành đoàn|Hội [A-ZĐ][\wÀ-ỹ ]{2,30}?|"
    r"(?:các )?(?:đồng chí|Đồng chí) [\wÀ-ỹ ]{2,40}?|Chủ tịch [\wÀ-ỹ ]{2,30}?|Các Ban Chỉ đạo [\wÀ-ỹ ]{2,60}?|"
    r"[Cc]ác (?:cấp uỷ|cấp ủy|sở|ban|Ban) [\wÀ-ỹ ,]{2,60}?)"
    r"(?=$|[,.;:()\n]| chủ trì| phối hợp| có trách nhiệm| làm| tham mưu| theo dõi| chỉ đạo| định kỳ| xây dựng))"
)


@dataclass
class Answer:
    """What the user is told: an answer line (or 'not found') and the supporting passages."""

    found: bool
    text: str
    qtype: str
    hits: list[Hit] = field(default_factory=list)
    scoped: bool = False  # the question named its document, so copies elsewhere do not compete


def question_type(question: str) -> str:
    """who / when / where / how_much / sign / other, from the question's wording (diacritics folded)."""
    q = fold_diacritics(normalize(question))
    if _SIGN.search(q):
        return "sign"
    if _WHERE.search(q):
        return "where"
    if _WHEN.search(q) and not re.search(r"\bbao nhieu\b", q):
        return "when"
    if _WHO.search(q):
        return "who"
    if _HOW_MUCH.search(q):
        return "how_much"
    return "other"


def _candidates(text: str, section: str = "") -> list[str]:
    """Sentences of a passage, plus runs of short lines (a stamp, a signature, a table row) joined.
    The headings quoted above the passage (its section path) are context, not answers."""
    lines = body_lines(text, section)
    out: list[str] = []
    run: list[str] = []
    for line in lines + [""]:
        if line:
            out.extend(split_sentences(line))
        if line and len(line) < 60:
            run.append(line)
            continue
        if len(run) > 1:
            out.append(" ".join(run))
        run = []
    return out


def _q_bigrams(terms_seq: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in zip(terms_seq, terms_seq[1:], strict=False)}


# IDF of the index being answered from; a ContextVar keeps concurrent answers (bot threads) apart.
_IDF: ContextVar[dict[str, float] | None] = ContextVar("idf", default=None)


def _w(term: str) -> float:
    idf = _IDF.get()
    return min(idf.get(term, 3.0), 6.0) / 3.0 if idf else 1.0


def _best_sentence(
    question: str,
    text: str,
    must: re.Pattern[str] | None = None,
    bonus: re.Pattern[str] | None = None,
    section: str = "",
) -> tuple[str | None, float]:
    """The sentence of a passage sharing most (rare) words and word pairs with the question."""
    seq = [t for t in tokens(fold_diacritics(normalize(question))) if t not in STOPWORDS_FOLDED]
    terms, pairs = set(seq), _q_bigrams(seq)
    best, best_score = None, -1.0
    for sent in _candidates(text, section) or _candidates(text):
        if must is not None and not must.search(sent):
            continue
        toks = tokens(fold_diacritics(normalize(sent)))
        shared_pairs = pairs & _q_bigrams(toks)
        score = (
            sum(_w(t) for t in terms & set(toks))
            + sum(0.25 * (_w(a) + _w(b)) for a, b in (p.split(" ") for p in shared_pairs))
            - 0.004 * len(toks)
        )
        if bonus is not None and bonus.search(sent):
            score += 1.5
        if score > best_score:
            best, best_score = sent, score
    return best, best_score


def _best_in_hits(
    question: str,
    hits: list[Hit],
    must: re.Pattern[str] | None = None,
    bonus: re.Pattern[str] | None = None,
    depth: int = 2,
) -> str | None:
    return _scored_best(question, hits, must, bonus, depth)[0]


def _scored_best(question, hits, must=None, bonus=None, depth: int = 2) -> tuple[str | None, float]:
    best, best_score = None, -1e9
    for rank, hit in enumerate(hits[:depth]):
        sent, score = _best_sentence(question, hit.passage.text, must, bonus, hit.passage.section)
        if sent is not None and score - 0.6 * rank > best_score:
            best, best_score = sent, score - 0.6 * rank
    return best, best_score


def _around(sentence: str, rx: re.Pattern[str], limit: int = 240) -> str:
    """A long sentence cut to the part that leads up to its date or figure, so the answer shows it."""
    if len(sentence) <= limit:
        return sentence
    m = rx.search(sentence)
    if m is None or m.end() <= limit:
        return sentence
    start = max(0, m.end() - limit)
    start = sentence.find(" ", start) + 1
    return "…" + sentence[start:].strip()


def _trim(text: str, limit: int = 300) -> str:
    text = re.sub(r"^[-+•\s]+", "", text.strip())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _unit_from_heading(hit: Hit) -> str | None:
    last = hit.passage.section.split(" › ")[-1]
    if not names_unit(last):
        return None
    name = strip_numbering(last)
    return name if len(name) < 120 else None


_RESP_COL = re.compile(r"(chủ trì|cơ quan|đơn vị thực hiện|phụ trách|trách nhiệm)", re.IGNORECASE)


def _table_who(hit: Hit) -> str | None:
    """For a table row: the value of its 'responsible' column, an empty cell said as such."""
    rows = [ln for ln in hit.passage.text.split("\n") if " | " in ln or ln.startswith("| ")]
    if not rows:
        return None
    header = [c.strip() for c in rows[0].split(" | ")]
    col = next((i for i, c in enumerate(header) if _RESP_COL.search(c)), None)
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


_ASSIGN_RX = re.compile(
    r"(?:[Gg]iao|do)\s+(.{4,120}?)\s+(?:chủ trì|làm|phụ trách|có trách nhiệm|chỉ đạo|"
    r"thực hiện|theo dõi|tham mưu|xây dựng)"
)
_ADDRESS_RX = re.compile(r"(?:gửi về|báo cáo kết quả với|báo cáo với|nộp về|nộp cho)\s+(.{4,160}?)(?:[;.]|$)")


def _who(question: str, hits: list[Hit]) -> str | None:
    top = hits[0]
    if top.passage.kind == "table":
        table = _table_who(top)
        if table:
            return table
    sent, _ = _best_sentence(question, top.passage.text)
    heading_unit = _unit_from_heading(top)
    if sent:
        for rx in (_ASSIGN_RX, _ADDRESS_RX):
            m = rx.search(sent)
            if m:
                return _trim(m.group(0)[0].upper() + m.group(0)[1:], 220)
        m = UNIT_RX.search(sent)
        if m and sent.find(m.group(1)) <= 3:
            return _trim(sent)
    if heading_unit:
        return heading_unit + (f" — {_trim(sent, 200)}" if sent else "")
    return _trim(sent) if sent else None


_DEADLINE_CUE = re.compile(r"(trước ngày|chậm nhất|hạn|hoàn thành trong|hoàn thành trước|dự kiến)", re.I)


def _when(question: str, hits: list[Hit]) -> str | None:
    q = fold_diacritics(normalize(question))
    bonus = _DEADLINE_CUE if re.search(r"\b(han|cham nhat|truoc ngay)\b", q) else None
    sent = _best_in_hits(question, hits, must=DATE_RX, bonus=bonus)
    return with_numeric_dates(_trim(_around(sent, DATE_RX), 260)) if sent else None


_LONG_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def with_numeric_dates(text: str) -> str:
    """'ngày 18 tháng 8 năm 2011' → 'ngày 18 tháng 8 năm 2011 (18/8/2011)': easier to read at a glance."""
    return _LONG_DATE.sub(lambda m: f"{m.group(0)} ({int(m.group(1))}/{int(m.group(2))}/{m.group(3)})", text)


_PLACE = re.compile(r"(Địa điểm|[Tt]ại |Hội trường|số \d+ )")


def _where(question: str, hits: list[Hit]) -> str | None:
    sent = _best_in_hits(question, hits, must=_PLACE)
    return _trim(sent, 260) if sent else None


def _how_much(question: str, hits: list[Hit]) -> str | None:
    fig, fig_score = _scored_best(question, hits, must=FIGURE_RX)
    any_sent, any_score = _scored_best(question, hits)
    # "không còn hộ nghèo" answers a how-much question without a figure: prefer a much better match
    sent = any_sent if (fig is None or any_score - fig_score >= 1.5) else fig
    return _trim(_around(sent, FIGURE_RX), 300) if sent else None


def _sign(hits: list[Hit]) -> str | None:
    for hit in hits[:3]:
        if hit.passage.kind == "closing":
            lines = hit.passage.text.split("\n")
            for i, line in enumerate(lines):
                if re.match(r"^(T/M|TM\.|KT\.|TL\.)", line):
                    return _trim(" ".join(x for x in lines[i:] if x.strip()), 200)
    return None


def asks_money(question: str) -> bool:
    """Whether the question asks for a sum of money (a budget, a subsidy, a price, a fee, a wage)."""
    q = fold_diacritics(normalize(question))
    if _MONEY_Q.search(q):
        return True
    accented = normalize(question)
    noun = _MONEY_NOUN_ACC.search(accented) if has_diacritics(question) else _MONEY_NOUN_FOLDED.search(q)
    return bool(noun and (_AMOUNT_ASKED.search(q) or _AMOUNT_ASKED.search(accented)))


def lacks_asked_entity(question: str, hits: list[Hit]) -> bool:
    """The question asks for a sum of money or a clock time and no close passage has one."""
    q = fold_diacritics(normalize(question))
    texts = " ".join(h.passage.text for h in hits[:3])
    if asks_money(question) and not MONEY_RX.search(texts):
        return True
    if _EXACT_DAY_Q.search(q) and not DAY_RX.search(texts):
        return True
    return bool(_CLOCK_Q.search(q) and not CLOCK_RX.search(texts))


def is_off_topic(
    retrieval: Retrieval, min_coverage: float = 0.3, soft_coverage: float = 0.7, min_dense: float = 0.85
) -> bool:
    """Weak retrieval: few of the question's (IDF-weighted) words in any top passage, or a middling
    share together with a low embedding similarity. Thresholds are for multilingual-e5-small,
    whose cosines are compressed into 0.8-0.95."""
    cov, dense = retrieval.term_coverage, retrieval.max_dense
    return cov < min_coverage or (cov < soft_coverage and dense < min_dense)


def make_answer(retrieval: Retrieval) -> Answer:
    """Answer line from the passages, or an abstention with the closest passages."""
    hits = retrieval.hits
    qtype = question_type(retrieval.question)
    if not hits:
        return Answer(False, NOT_FOUND, qtype, [])
    if decide(retrieval.question, evidence_of(hits), retrieval.idf).abstain:
        return Answer(False, NOT_FOUND, qtype, hits, bool(retrieval.scope))
    q = retrieval.query_text
    _IDF.set(retrieval.idf)
    line: str | None
    if qtype == "sign":
        line = _sign(hits) or _who(q, hits)
    elif qtype == "who":
        line = _who(q, hits)
    elif qtype == "when":
        line = _when(q, hits)
    elif qtype == "where":
        line = _where(q, hits)
    elif qtype == "how_much":
        line = _how_much(q, hits)
    else:
        line = None
    if not line:
        sent, _ = _best_sentence(q, hits[0].passage.text, section=hits[0].passage.section)
        line = _trim(sent) if sent else _trim(hits[0].passage.text.split("\n")[-1])
    return Answer(True, line, qtype, hits, bool(retrieval.scope))
