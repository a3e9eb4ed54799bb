"""What a span of each asked kind looks like in a passage: one pattern per kind of ``Query.span``.

The question's side (which kind is asked: "số điện thoại" → phone, "mấy giờ" → clock) is
``index.retrieval.query.SPAN_CUES``; this is the passage's side, read by retrieval (a passage that
holds a span of the asked kind is lifted) and by the abstention evidence (no top passage holds one).
"""

from __future__ import annotations

import re

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
