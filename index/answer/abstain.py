"""When to say "Không có trong tài liệu": the abstention rules, one function each, in one table.

A rule reads the query, the retrieval and what the typed answer line found (``Typed``: the line is
taken first, so the decision and the line agree on what a span of the asked kind is) and says why
the passages do not answer (a short reason, for tests and logs) or None. The answer abstains when
any rule speaks. A new rule is one function here and one entry in ``RULES``, and its rows in
tests/test_answer_rules.py.

The rule in force is ``weak_evidence``: the fitted decision of :mod:`index.answer.evidence` (does a
span of the asked kind stand among the question's words in the top passages; measured on dev, dev2
and the realdocs set, fitted and cross-validated, in docs/abstention.md). The earlier hand rules
(``off_topic``, ``missing_entity``) stay as the evaluation's baseline: measured over all dev sets,
the exact-day cue and the weak-retrieval rule were each backed by one question or none, and money and
clock time live on inside the evidence model's closed kinds.
"""

from __future__ import annotations

from collections.abc import Callable

from index.answer.evidence import Typed, decide, evidence_of, load_model
from index.retrieval.hits import Retrieval
from index.settings import Tuning
from index.vocab import figures
from index.vocab.dates import DATE_EXPR, parse_due

Rule = Callable[[Retrieval, Tuning, Typed | None], str | None]


def _top_text(retrieval: Retrieval, tuning: Tuning) -> str:
    return " ".join(h.passage.text for h in retrieval.hits[: tuning.coverage_depth])


def has_day(text: str) -> bool:
    """Whether the text names a day: a full date the deadline grammar reads ("30/9/2024", "30.9.2024",
    "ngày 30 tháng 9 năm 2024"), or a day and month ("ngày 5 tháng 6")."""
    for m in DATE_EXPR.finditer(text):
        due = parse_due(m)
        if due is not None and due.precision == "day":
            return True
    return bool(figures.DAY_MONTH.search(text))


def off_topic(retrieval: Retrieval, tuning: Tuning, typed: Typed | None = None) -> str | None:
    """Weak retrieval: few of the question's (IDF-weighted) words in any top passage, or a middling
    share together with a low embedding similarity."""
    cov, dense = retrieval.term_coverage, retrieval.max_dense
    if cov < tuning.min_coverage:
        return "few of the question's words"
    if cov < tuning.soft_coverage and dense < tuning.min_dense:
        return "some of the question's words, and a low similarity"
    return None


# What a question may ask for that a passage must hold to answer it: (the Query's flag, a test of the
# top passages' text, the reason given). "kinh phí bao nhiêu" with no sum in sight is not answered.
ASKED_ENTITIES: list[tuple[str, Callable[[str], object], str]] = [
    ("money", figures.MONEY.search, "no sum of money"),
    ("exact_day", has_day, "no day"),
    ("clock", figures.CLOCK.search, "no time of day"),
]


def missing_entity(retrieval: Retrieval, tuning: Tuning, typed: Typed | None = None) -> str | None:
    """The question asks for a sum of money, a day or a time of day, and no close passage has one."""
    text = None
    for flag, present, reason in ASKED_ENTITIES:
        if getattr(retrieval.query, flag):
            text = _top_text(retrieval, tuning) if text is None else text
            if not present(text):
                return reason
    return None


def weak_evidence(retrieval: Retrieval, tuning: Tuning, typed: Typed | None = None) -> str | None:
    """The fitted evidence model says the top passages do not hold what is asked."""
    decision = decide(retrieval.query, evidence_of(retrieval.hits), retrieval.idf, load_model(), typed=typed)
    if decision.abstain:
        return f"weak evidence (P(answered) = {decision.probability:.2f}, asked: {decision.kind or 'content'})"
    return None


RULES: list[Rule] = [weak_evidence]


def never(retrieval: Retrieval, tuning: Tuning, typed: Typed | None = None) -> str | None:
    """No abstention at all: the answer line whatever the evidence (the evaluation measures the lines so)."""
    return None


def abstention(retrieval: Retrieval, tuning: Tuning, typed: Typed | None = None) -> str | None:
    """Why the passages do not answer the question (the first rule that says so), or None; ``typed``:
    what the answer line found (None: the decision goes without it)."""
    if not retrieval.hits:
        return "nothing found"
    for rule in RULES:
        reason = rule(retrieval, tuning, typed)
        if reason:
            return reason
    return None
