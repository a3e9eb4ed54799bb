"""Whether the best passages hold what a question asks: the abstention decision, from evidence.

A question can be on the documents' topic and still not be answered by them: "số điện thoại đầu
mối Ban Tổ chức" where the plan gives only an e-mail, "chỉ số SIPAS năm 2024 đạt bao nhiêu %" where
the report names SIPAS without a figure. Nearest passages always exist, so similarity alone cannot
tell. The decision reads four kinds of evidence from the top passages:

* coverage of the question's words, weighted by IDF (a word the corpus rarely uses says the most);
* its *specific* terms — numbers, years and dates, acronyms (PCI, DDCI), rare words — each either
  somewhere in the top passages or missing; one missing specific term is a strong sign;
* whether a span of the kind asked for is there: a phone number for "số điện thoại", a name for
  "họ tên / trưởng đoàn là ai", a figure with its unit for an amount, a date for "ngày nào" ...
  (the cues are Vietnamese question constructions, each a general form, not a known question);
* the embedding similarity of the best passage and the BM25 margin of the first over the rest.

A logistic regression over some of these features gives the probability that the passages answer;
under a threshold the bot says "không có trong tài liệu". Which features it uses is chosen by
cross-validation (scripts/evalkit/fit.py says what each candidate did): on the dev sets only a
missing span of a *closed* kind (a sum, a share, a phone, an e-mail, a link, a clock time, a rank, a
document number) and the coverage of the line holding the asked span held up on held-out documents.
The weights and the threshold live in ``abstain_model.json`` beside this module, written by
``scripts/eval_answers.py --fit`` (which also cross-validates them, leaving one document out). Inputs
are plain — the question, its terms with IDF, the passages' texts and scores — so any retrieval front
end can call it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.text import fold_diacritics, normalize, tokens

MODEL_PATH = Path(__file__).with_name("abstain_model.json")
TOP_PASSAGES = 3  # the passages an answer is read from (and the first three citations)

# Question and function words: they say what kind of answer is wanted, not what about.
_FUNCTION_WORDS = frozenset(
    """ai gi nao dau sao bao nhieu may khi luc the nhu vay ha nhi khong co phai la cua va cac
    nhung duoc cho voi thi ma nay do kia ra vao len ve theo de bi da dang se roi chua nua cung
    hay hoac toi den a oi nhe lam cai nguoi ta minh hien""".split()
)


@dataclass(frozen=True)
class Evidence:
    """A retrieved passage as the decision sees it."""

    text: str  # the display text: spans of the asked kind are looked for here
    index_text: str = ""  # normalised text with document label and section path: term coverage
    dense: float = 0.0  # cosine to the question
    bm25: float = 0.0  # raw BM25
    score: float = 0.0  # fused score


@dataclass(frozen=True)
class Term:
    """A content word of the question (diacritics folded) and how much it says."""

    word: str
    weight: float  # IDF over the unknown-word IDF, 0-1: 1 for a word no passage holds
    specific: bool  # a number, an acronym or a rare word: the passage must hold it


# ---- what kind of answer is asked for -------------------------------------------------------------
# Each kind: the question construction (diacritics folded) and what a span of that kind looks like in
# a passage. Order matters: the first kind that matches is the one asked ("mấy giờ" before "mấy").
_KINDS: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (
        "phone",
        re.compile(r"\b(so dien thoai|dien thoai|sdt|hotline|duong day nong|so may le)\b"),
        re.compile(r"(?<!\d)(?:\+?84|0)\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}(?!\d)|(?:ĐT|Điện thoại|Tel)\s*:?\s*\d"),
    ),
    (
        "email",
        re.compile(r"\b(e ?-?mail|thu dien tu|hop thu dien tu|dia chi thu)\b"),
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    (
        "link",
        re.compile(r"\b(link|duong link|duong dan|website|trang web|url|ma qr|dia chi trang)\b"),
        re.compile(r"https?://|www\.|\b[\w-]+\.(?:gov|com|org|edu|net)(?:\.vn)?\b|\.vn/"),
    ),
    (
        "clock",
        re.compile(r"\b(may gio|gio nao|luc may gio|den may gio|bat dau luc|ket thuc luc)\b"),
        re.compile(r"\b\d{1,2}\s*(?:giờ|h)\s*\d{0,2}\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE),
    ),
    (
        # a share: "bao nhiêu %", "tỷ lệ … bao nhiêu" (before money: "vốn … đạt bao nhiêu %" is a share)
        "percent",
        re.compile(r"\b(bao nhieu phan tram|phan tram|ty le\b.{0,60}\bbao nhieu)|bao nhieu\s*%"),
        re.compile(r"\d+(?:[.,]\d+)?\s*%|phần trăm", re.IGNORECASE),
    ),
    (
        # a sum of money: the nouns Vietnamese administrative text uses for one, asked by amount. Not
        # "thưởng" alone (folded, it is also "thường"), nor "đầu tư" ("vốn", "tổng mức đầu tư" are).
        "money",
        re.compile(
            r"\b(bao nhieu tien|so tien|may trieu|may ty|bao nhieu trieu|bao nhieu ty|bao nhieu dong|"
            r"(kinh phi|muc ho tro|duoc ho tro|phu cap|muc thuong|tien thuong|muc phi|le phi|hoc phi|"
            r"phi hoi vien|muc luong|tien luong|muc boi duong|von dieu le|von|tong muc dau tu|chi phi|"
            r"cong tac phi|muc chi|gia ve|gia ban)\b.{0,70}\bbao nhieu\b)"
        ),
        re.compile(r"\d[\d.,]*\s*(?:đồng|đ\b|triệu|tỷ(?! lệ| trọng)|nghìn|ngàn|VNĐ|VND|USD)", re.IGNORECASE),
    ),
    (
        "rank",
        re.compile(r"\b(thu may|xep thu|xep hang|thu hang|dung thu)\b"),
        re.compile(r"(?:thứ|hạng)\s+(?:\d+|nhất|nhì|ba|tư|[IVX]+)\b|\b\d+\s*/\s*(?:63|34)\b", re.IGNORECASE),
    ),
    (
        # a document's number: "số mấy", "số hiệu" — a số with digits, not the blank "Số: /TB-UBND"
        "doc_number",
        re.compile(r"\b(so may|so hieu|so bao nhieu)\b"),
        re.compile(r"\bS[ốo]\s*:?\s*\d+|\bsố\s+\d+\s*[-/]", re.IGNORECASE),
    ),
    (
        # a person: a title asked with "ai" or "họ tên"; answered by a Vietnamese full name
        "person",
        re.compile(
            r"\b(ho ten|ho va ten|ten la gi)\b|"
            r"\b(truong doan|truong ban|pho truong ban|chu tich|pho chu tich|giam doc|pho giam doc|bi thu|"
            r"pho bi thu|truong phong|nguoi dung dau|thu truong|chanh van phong)\b.{0,50}\b(ai|la ai)\b"
        ),
        re.compile(
            r"\b(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Đào|Trương|"
            r"Lưu|Mai|Trịnh|Đoàn|Lâm|Tạ|Hà|Cao|Vương|Tô|Châu|Quách|Thái|Lương|Kiều|Phùng|Tăng|Triệu|Chu)"
            r"(?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){1,3}\b|\b(?:NGUYỄN|TRẦN|LÊ|PHẠM|HOÀNG|PHAN|VŨ|VÕ|ĐẶNG|BÙI|ĐỖ|HỒ|NGÔ)"
            r"(?:\s+[A-ZÀ-ỸĐ]+){1,3}\b"
        ),
    ),
    (
        "place",
        re.compile(r"\b(o dau|tai dau|dia diem|phong nao|phong hop nao|tru so|noi nao|cho nao|dat o)\b"),
        re.compile(
            r"\b(?:[Tt]ại (?:[A-ZĐ]|số \d)|Hội trường|[Pp]hòng họp|[Tt]rụ sở|[Đđ]ịa điểm\s*:|[Đđ]iểm cầu|"
            r"[Ss]ố \d+,? (?:đường|phố))"
        ),
    ),
    (
        "date",
        re.compile(
            r"\b(ngay nao|ngay may|hom nao|khi nao|bao gio|luc nao|thang may|thang nao|nam nao|quy may|"
            r"quy nao|thoi han|han chot|han nop|han hoan thanh|truoc ngay nao|thoi gian nao|thoi diem nao)\b"
        ),
        re.compile(
            r"\d{1,2}\s*[/.]\s*\d{1,2}(?:\s*[/.]\s*\d{2,4})?|\bngày\s+\d{1,2}|\btháng\s+\d{1,2}|"
            r"\b[Qq]uý\s+(?:[IV]+|\d)|\bnăm\s+\d{4}|\b(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm)",
            re.IGNORECASE,
        ),
    ),
    (
        "count",
        re.compile(r"\b(bao nhieu|may)\b"),
        re.compile(r"(?<![\w/])(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*(?![\w/])"),
    ),
]
KINDS = tuple(k for k, _, _ in _KINDS)
# Kinds whose answer has a form no other text takes: a passage either has a phone number, a URL, a sum in
# đồng, a percentage, a rank, a số with digits or a clock time, or it cannot answer. Counts, places,
# dates and names are written in too many ways (and near every passage has some) to be told missing.
CLOSED_KINDS = frozenset({"phone", "email", "link", "clock", "money", "percent", "rank", "doc_number"})


def asked_kind(question: str) -> str | None:
    """The kind of answer a question asks for (phone, person, money, date, …), or None."""
    q = fold_diacritics(normalize(question))
    return next((kind for kind, ask, _ in _KINDS if ask.search(q)), None)


def has_span(kind: str, text: str) -> bool:
    """Whether a text holds a span of the given kind (a phone number, a name, a date, …)."""
    span = next(s for k, _, s in _KINDS if k == kind)
    return bool(span.search(text))


# ---- the question's terms -------------------------------------------------------------------------
_ACRONYM = re.compile(r"\b[A-ZĐ]{2,}[A-ZĐ0-9-]*\b")
RARE_WEIGHT = 0.6  # a word is rare when its IDF is at least this share of an unknown word's


def question_terms(question: str, idf: Mapping[str, float], unknown_idf: float | None = None) -> list[Term]:
    """The question's content words (folded), weighted by IDF, with the specific ones marked.

    Numbers (years, dates, "chương trình 10"), acronyms as typed (PCI, DDCI, C04) and rare words
    (IDF at least ``RARE_WEIGHT`` of an unknown word's) are specific: a passage that answers holds them.
    """
    top = unknown_idf or (max(idf.values()) if idf else 1.0)
    acronyms = {fold_diacritics(a.lower()) for a in _ACRONYM.findall(question)}
    out: list[Term] = []
    seen: set[str] = set()
    for word in tokens(fold_diacritics(normalize(question))):
        if word in _FUNCTION_WORDS or word in seen or (len(word) < 2 and not word.isdigit()):
            continue
        seen.add(word)
        weight = min(idf.get(word, top), top) / top
        numeric = any(c.isdigit() for c in word)
        out.append(Term(word, weight, numeric or word in acronyms or weight >= RARE_WEIGHT))
    return out


def _canonical(word: str) -> str:
    """A number token without leading zeros in its parts: '22/01/2026' → '22/1/2026', '01' → '1'."""
    parts = re.split(r"[/.,]", word)
    if not all(p.isdigit() for p in parts):
        return word
    return "/".join(str(int(p)) for p in parts)


def _number_forms(word: str) -> set[str]:
    """A number token in the forms a question may ask it: '22/01/2026' → 22/1/2026, 22/1, 2026."""
    canon = _canonical(word)
    clean = canon.split("/")
    forms = {canon}
    if len(clean) == 3:
        forms |= {"/".join(clean[:2]), clean[2]}
    if len(clean) == 2 and len(clean[1]) == 4:  # 6/2022, 1/2026: a month or quarter and its year
        forms.add(clean[1])
    return forms


def _words_of(text: str) -> set[str]:
    words = set()
    for w in tokens(fold_diacritics(normalize(text))):
        words.add(w)
        if any(c.isdigit() for c in w):
            words |= _number_forms(w)
    return words


def _holds(term: Term, words: set[str]) -> bool:
    """A question's "22/1" is held by "22/01/2026", its "2026" by a date in 2026, "01" by "1"."""
    return term.word in words or _canonical(term.word) in words


# ---- the features ---------------------------------------------------------------------------------
FEATURES = (
    "coverage",  # IDF-weighted share of the question's words in the best of the top passages
    "specific_missing",  # IDF weight of the specific terms no top passage holds (0 = none missing)
    "pair_coverage",  # share of the question's adjacent word pairs found in a top passage
    "kind_asked",  # a kind of answer is asked (phone, person, amount, date, …)
    "kind_missing",  # ... and no top passage holds a span of that kind
    "closed_missing",  # ... of a kind with an unmistakable form (a sum, a share, a phone, a link, a time, …)
    "kind_missing_near",  # ... or none in a line of the passage that holds the question's rarest term
    "line_coverage",  # IDF-weighted share of the question's words in one line (with its headings)
    "span_coverage",  # ... in a line that holds a span of the asked kind (0 when none does)
    "dense",  # cosine of the best passage
    "bm25_margin",  # first passage's BM25 over the best of the others, log ratio
)


def features(question: str, passages: Sequence[Evidence], terms: Sequence[Term]) -> dict[str, float]:
    """The evidence that the top passages answer the question, as numbers (see ``FEATURES``)."""
    top = list(passages[:TOP_PASSAGES])
    f = dict.fromkeys(FEATURES, 0.0)
    if not top:
        return f
    word_sets = [_words_of(p.index_text or p.text) for p in top]
    union = set().union(*word_sets)
    total = sum(t.weight for t in terms) or 1.0
    f["coverage"] = max(sum(t.weight for t in terms if _holds(t, ws)) for ws in word_sets) / total if terms else 0.0
    f["specific_missing"] = 0.0 + sum(t.weight for t in terms if t.specific and not _holds(t, union))
    plain = [t.word for t in terms]
    pairs = [f"{a} {b}" for a, b in zip(plain, plain[1:], strict=False)]
    if pairs:
        folded = [" ".join(tokens(fold_diacritics(normalize(p.index_text or p.text)))) for p in top]
        f["pair_coverage"] = max(sum(1 for pr in pairs if pr in tx) for tx in folded) / len(pairs)
    else:
        f["pair_coverage"] = 1.0
    kind = asked_kind(question)
    if kind is not None:
        check = _span_check(kind, question)
        f["kind_asked"] = 1.0
        f["kind_missing"] = float(not any(check(p.text) for p in top))
        f["closed_missing"] = f["kind_missing"] if kind in CLOSED_KINDS else 0.0
        f["kind_missing_near"] = float(not _span_near(check, top, [t for t in terms if _holds(t, union)]))
    check = _span_check(kind, question) if kind is not None else None
    for p in top:
        context = _words_of(p.index_text.split(" | ")[0] + " " + " ".join(p.index_text.split(" | ")[1:2]))
        for line in p.text.split("\n"):
            words = _words_of(line) | context
            share = sum(t.weight for t in terms if _holds(t, words)) / total
            f["line_coverage"] = max(f["line_coverage"], share)
            if check is None or check(line):
                f["span_coverage"] = max(f["span_coverage"], share)
    f["dense"] = max(p.dense for p in top)
    bms = sorted((p.bm25 for p in passages), reverse=True)
    f["bm25_margin"] = math.log((1.0 + bms[0]) / (1.0 + (bms[1] if len(bms) > 1 else 0.0)))
    return f


def _span_near(check, passages: Sequence[Evidence], held: Sequence[Term]) -> bool:
    """A span of the kind in a line that also holds one of the question's rarest words the passages hold."""
    rare = [t for t in sorted(held, key=lambda t: -t.weight) if not any(c.isdigit() for c in t.word)][:3]
    for p in passages:
        for line in p.text.split("\n"):
            words = _words_of(line)
            if any(t.word in words for t in rare) and check(line):
                return True
    return False


# a number in figures or in words (folded): "31.706", "hai", "mười"
_NUMBER_WORDS = r"(?:\d[\d.,]*|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi)"
_COUNTED = re.compile(r"\b(?:bao nhieu|may)\s+([a-z]+)")


def counted_noun(question: str) -> str | None:
    """What a count question counts: 'bao nhiêu vụ phạm tội' → 'vu'; None for '… là bao nhiêu'."""
    m = _COUNTED.search(fold_diacritics(normalize(question)))
    return m.group(1) if m and m.group(1) not in _FUNCTION_WORDS else None


def _span_check(kind: str, question: str):
    """A test for a span of the asked kind; a count asked as 'bao nhiêu N' wants a number before N
    ('31.706 đảng viên', 'hai phó chủ tịch'), not any number."""
    noun = counted_noun(question) if kind == "count" else None
    if noun is None:
        return lambda text: has_span(kind, text)
    rx = re.compile(rf"\b{_NUMBER_WORDS}\s+(?:[a-z]+\s+){{0,2}}{re.escape(noun)}\b")
    return lambda text: bool(rx.search(fold_diacritics(normalize(text))))


# ---- a question about something else entirely ---------------------------------------------------
# Neither its words nor its meaning are in the index ("giá vé máy bay Hà Nội đi Đà Nẵng"): under half
# its IDF weight in any top passage and the best cosine under 0.85 (multilingual-e5-small's cosines sit in
# 0.82-0.95; every dev question's best passage, answerable or not, has one of the two). The dev sets ask
# only near misses, so the model never sees such a question: this rule is not fitted, and fires on none of
# the 253 dev questions (scripts/eval_answers.py reports it).
OFF_TOPIC_COVERAGE = 0.5
OFF_TOPIC_DENSE = 0.85


def off_topic(feats: Mapping[str, float]) -> bool:
    """Nothing retrieved is about the question: few of its words and a low similarity."""
    return feats.get("coverage", 0.0) < OFF_TOPIC_COVERAGE and feats.get("dense", 0.0) < OFF_TOPIC_DENSE


# ---- the model ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Model:
    """Logistic regression on standardised features: P(the passages answer the question)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float  # abstain when P(answers) is below this
    info: dict = field(default_factory=dict, compare=False)

    def probability(self, feats: Mapping[str, float]) -> float:
        """P(answered) for one question's features."""
        z = self.bias + sum(
            w * (feats.get(name, 0.0) - m) / s
            for name, w, m, s in zip(self.features, self.weights, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def with_threshold(self, threshold: float) -> Model:
        """The same weights with another threshold."""
        return Model(self.features, self.weights, self.bias, self.mean, self.scale, threshold, self.info)

    def with_info(self, info: dict) -> Model:
        """The same model with a note of how it was fitted."""
        return Model(self.features, self.weights, self.bias, self.mean, self.scale, self.threshold, info)

    def to_json(self) -> dict:
        """The stored form (``abstain_model.json``)."""
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "bias": self.bias,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "threshold": self.threshold,
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> Model:
        """Read the stored form."""
        return cls(
            tuple(data["features"]),
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            tuple(float(m) for m in data["mean"]),
            tuple(float(s) for s in data["scale"]),
            float(data["threshold"]),
            dict(data.get("info", {})),
        )


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The committed model, or None when there is none (then nothing abstains on evidence)."""
    if not path.exists():
        return None
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


# A model to use instead of the committed one, in this context only (the evaluation harness measures
# the answer lines with a model that never abstains, and cross-validated models, this way).
MODEL_OVERRIDE: ContextVar[Model | None] = ContextVar("abstain_model_override", default=None)


@dataclass(frozen=True)
class Decision:
    """Whether to abstain, with the probability and the evidence it came from (for logs and tests)."""

    abstain: bool
    probability: float
    kind: str | None
    features: dict[str, float]


def decide(
    question: str,
    passages: Sequence[Evidence],
    idf: Mapping[str, float],
    unknown_idf: float | None = None,
    model: Model | None = None,
) -> Decision:
    """Abstain or answer, from the top passages' evidence and the fitted model."""
    model = model or MODEL_OVERRIDE.get() or load_model()
    feats = features(question, passages, question_terms(question, idf, unknown_idf))
    if not passages:
        return Decision(True, 0.0, asked_kind(question), feats)
    if model is None:
        return Decision(False, 1.0, asked_kind(question), feats)
    p = model.probability(feats)
    return Decision(p < model.threshold or off_topic(feats), p, asked_kind(question), feats)


def evidence_of(hits: Sequence) -> list[Evidence]:
    """Evidence from the retrieval's hits (objects with ``passage.text``, ``passage.index_text``,
    ``dense``, ``bm25`` and ``score``)."""
    return [
        Evidence(h.passage.text, getattr(h.passage, "index_text", ""), float(h.dense), float(h.bm25), float(h.score))
        for h in hits
    ]
