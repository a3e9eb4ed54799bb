"""Ordinals in questions ("thứ hai", "thu 2") and enumerated items in documents ("(2)", "2.", "Hai là")."""

from __future__ import annotations

import re

ORDINAL_NUMBERS = {
    "nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip
ORDINAL_WORDS = {1: "Một", 2: "Hai", 3: "Ba", 4: "Bốn", 5: "Năm", 6: "Sáu", 7: "Bảy", 8: "Tám", 9: "Chín", 10: "Mười"}
ITEM_WORD_NUMBERS = {w.lower(): n for n, w in ORDINAL_WORDS.items()}
# in a folded question: "thu hai", "thu 2"
ORDINAL_ASKED = re.compile(r"\bthu (nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi|\d{1,2})\b")
# a line that starts an enumerated item: "(2) …", "2. …", "Hai là, …"
ITEM_START = re.compile(r"^[-+\s]*(?:\((\d{1,2})\)|(\d{1,2})\.(?!\d)\s|(Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là)")
