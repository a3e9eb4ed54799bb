"""Figures in a passage: a sum of money, a time of day, a count or share ("3/63", "89,58%", "31.706")."""

from __future__ import annotations

import re

MONEY = re.compile(r"\d[\d.,]*\s*(?:đồng|triệu|tỷ(?! lệ| trọng)|nghìn đồng|VNĐ|VND|USD)", re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}\s*(?:giờ|h)\s*\d{0,2}\b|\b\d{1,2}:\d{2}\b")
# a figure, not a list number or a bare year: 31.706, 7,5, 67/76, 30%, 1.000, 288 trường hợp
FIGURE = re.compile(r"(?<![\w(/-])(?:\d+[.,/]\d+(?![-/]?[A-Za-z])|\d+\s*%|(?!(?:19|20)\d\d\b)\d{2,}(?![.)]\s|[-/\w]))")
# a day and month written out without the year ("ngày 5 tháng 6"), which the date grammar leaves out
DAY_MONTH = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}", re.IGNORECASE)
# right after a figure: a percent sign ("89,58 %"), and the words that say what it counts ("3/63 tỉnh",
# "331.969 tỷ đồng", "180 hội viên"): up to two words (a noun), to a comma, bracket or figure
PERCENT_AFTER = re.compile(r"\s?%")
COUNTED_NOUN = re.compile(r"[ \t]+[^\W\d_]+(?:[ \t][^\W\d_]+)?")
# right before a figure: it is a rank ("xếp thứ 3/63", "hạng 54", "vị trí 19")
RANK_BEFORE = re.compile(r"(?:thứ|hạng|vị trí)\s*$", re.IGNORECASE)
# a one-digit count ("5 năm", "3 tháng"): a figure only with the noun the question counts
SMALL_COUNT = re.compile(r"(?<![\w.,/])\d(?![\w.,/%])")
