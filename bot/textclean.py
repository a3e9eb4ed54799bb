"""What a user types, made safe to read: invisible and control characters removed before anything
looks at the question, and any argument cut before it is echoed back.

Why: a zero-width space or a soft hyphen pasted from a web page splits a word the search then
cannot match ("tổng\u200bkết"), and an ANSI escape copied from a terminal adds words; none of them
carries meaning in a question.
"""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
# zero-width space / non-joiner / joiner, word joiner, BOM, soft hyphen, invisible separators, LRM/RLM
# and bidi embedding / isolate controls
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u2061-\u2064\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ECHO_CHARS = 80  # an argument quoted back in a reply ("đơn vị «…»"): enough for any unit's name


def clean(text: str) -> str:
    """NFC, without escapes, invisible characters and controls (a control becomes a space);
    spaces collapsed, line breaks kept."""
    text = _ANSI.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = "".join(
        " " if unicodedata.category(c) == "Cc" and c not in "\n" else c for c in unicodedata.normalize("NFC", text)
    )
    lines = [re.sub(r"[ \t\u00a0\u2000-\u200a\u3000]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def short(text: str, limit: int = ECHO_CHARS) -> str:
    """An argument as it may be echoed: at most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def small_number(text: str, max_digits: int = 4) -> int | None:
    """A day count typed as ASCII digits ("30"), else None: "²" or "٣" pass str.isdigit() but are
    not numbers a person means here."""
    return int(text) if re.fullmatch(rf"[0-9]{{1,{max_digits}}}", text) else None
