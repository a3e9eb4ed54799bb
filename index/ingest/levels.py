"""Access levels of documents: the confidentiality stamp a document carries ("MẬT", "TỐI MẬT",
"NỘI BỘ"), read from its head.

Why only the head: the stamp is printed in a box at the top of the first page, above or beside the
title (Quy định về công tác văn thư của Đảng; Luật Bảo vệ bí mật nhà nước: "MẬT", "TỐI MẬT",
"TUYỆT MẬT"). The words "mật" and "nội bộ" also occur in ordinary sentences ("bảo mật thông tin",
"sinh hoạt nội bộ"), so a stamp is a short line of capitals standing alone, not a word in prose.

Levels are ordered: someone cleared for a level may see every level below it.
"""

from __future__ import annotations

import re
import unicodedata

PUBLIC = ""
LEVELS = ("noi-bo", "mat", "toi-mat", "tuyet-mat")  # lowest first
LABELS = {"noi-bo": "NỘI BỘ", "mat": "MẬT", "toi-mat": "TỐI MẬT", "tuyet-mat": "TUYỆT MẬT"}
HEAD_LINES = 15  # the stamp sits on the first page, above the body; 15 lines covers the header block
_STAMP = re.compile(
    r"^[\s\*\(\[«\"“]*(?:(?:TÀI LIỆU|VĂN BẢN|ĐỘ)\s*(?:MẬT\s*:?\s*)?)?"
    r"(?:LƯU HÀNH\s+)?(TUYỆT MẬT|TỐI MẬT|MẬT|NỘI BỘ)[\s\*\)\]»\"”\.]*$"
)
_ALIASES = {
    "mat": "mat",
    "toi mat": "toi-mat",
    "toi-mat": "toi-mat",
    "tuyet mat": "tuyet-mat",
    "tuyet-mat": "tuyet-mat",
    "noi bo": "noi-bo",
    "noi-bo": "noi-bo",
}


def rank(level: str) -> int:
    """0 for a public document, then 1, 2, … up the order of LEVELS."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def detect_level(text: str) -> str:
    """The highest stamp among the first lines of a document, or PUBLIC."""
    best = PUBLIC
    for line in text.split("\n")[:HEAD_LINES]:
        m = _STAMP.match(unicodedata.normalize("NFC", line).strip())
        if m:
            level = parse_level(m.group(1))
            if rank(level) > rank(best):
                best = level
    return best


def parse_level(text: str) -> str:
    """An admin's or a stamp's wording ("mật", "TỐI MẬT", "noi bo", "toi-mat") as a level; PUBLIC if none."""
    folded = unicodedata.normalize("NFD", text.strip().lower())
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn").replace("đ", "d")
    return _ALIASES.get(re.sub(r"\s+", " ", folded), PUBLIC)


def higher(a: str, b: str) -> str:
    """The stricter of two levels."""
    return a if rank(a) >= rank(b) else b
