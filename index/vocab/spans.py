"""What a span of each asked kind looks like in a passage: one pattern per kind of ``Query.span``.

The question's side (which kind is asked: "số điện thoại" → phone, "mấy giờ" → clock) is
``index.retrieval.query.SPAN_CUES``; this is the passage's side, read by retrieval (a passage that
holds a span of the asked kind is lifted) and by the abstention evidence (no top passage holds one).
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.vocab import figures, places

PATTERNS: dict[str, re.Pattern[str]] = {
    "phone": figures.PHONE,
    "email": figures.EMAIL,
    "link": figures.LINK,
    "clock": figures.CLOCK,
    "percent": figures.PERCENT,
    "points": figures.POINTS,
    "money": figures.MONEY,
    "rank": figures.RANK,
    "doc_number": figures.DOC_NUMBER,
    "person": figures.PERSON_NAME,
    "place": places.PLACE_NAMED,
    "date": figures.DATE_MENTION,
    "count": figures.COUNT,
}
KINDS = tuple(PATTERNS)


@lru_cache(maxsize=65536)
def has_span(kind: str, text: str) -> bool:
    """Whether a text holds a span of the given kind (a phone number, a name, a date, …). Cached: the
    same passages are read for many questions, by search and by the abstention evidence."""
    return bool(PATTERNS[kind].search(text))
