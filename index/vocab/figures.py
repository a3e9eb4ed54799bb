"""Figures and other spans of a closed form in a passage: a sum of money, a time of day, a share, a
rank, a score, a document's number, a phone number, an e-mail address, a link; a count or share
("3/63", "89,58%", "31.706"); a personal name and a date mention (for the abstention evidence)."""

from __future__ import annotations

import re

# a sum: "331.969 tỷ đồng", "150.000đ/tháng", "5 triệu", "200 nghìn" (not "tỷ lệ", "tỷ trọng")
MONEY = re.compile(r"\d[\d.,]*\s*(?:đồng|đ\b|triệu|tỷ(?! lệ| trọng)|nghìn|ngàn|VNĐ|VND|USD)", re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}\s*(?:giờ|h)\s*\d{0,2}\b|\b\d{1,2}:\d{2}\b", re.IGNORECASE)
# a figure, not a list number or a bare year: 31.706, 7,5, 67/76, 30%, 1.000, 288 trường hợp
# (every group of a thousands-separated number: "5.000.000 đồng" is one figure, not "5.000" and "000")
FIGURE = re.compile(
    r"(?<![\w(/-])(?:\d+(?:[.,]\d+)+(?![-/]?[A-Za-z])|\d+/\d+(?![-/]?[A-Za-z])|\d+\s*%"
    r"|(?!(?:19|20)\d\d\b)\d{2,}(?![.)]\s|[-/\w]))"
)
# a day and month written out without the year ("ngày 5 tháng 6"), which the date grammar leaves out
DAY_MONTH = re.compile(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}", re.IGNORECASE)
# right after a figure: a percent sign ("89,58 %"), and the words that say what it counts ("3/63 tỉnh",
# "331.969 tỷ đồng", "180 hội viên"): up to two words (a noun), to a comma, bracket or figure
PERCENT_AFTER = re.compile(r"\s?%")
# the upper end of a range after a figure: "7,5 - 8,0%", "80 - 85%", "3,1 - 3,2 triệu tỷ đồng" (a target's form)
RANGE_AFTER = re.compile(r"\s?[-–]\s?(\d[\d.,]*)(?:\s?%)?")  # group 1: the upper figure
COUNTED_NOUN = re.compile(r"[ \t]+[^\W\d_]+(?:[ \t][^\W\d_]+)?")
# right before a figure: it is a rank ("xếp thứ 3/63", "hạng 54", "vị trí 19")
RANK_BEFORE = re.compile(r"(?:thứ|hạng|vị trí)\s*$", re.IGNORECASE)
# a one-digit count ("5 năm", "3 tháng"): a figure only with the noun the question counts
SMALL_COUNT = re.compile(r"(?<![\w.,/])\d(?![\w.,/%])")

# a phone number: 0 (or +84) and nine or ten more digits, grouped as offices write them ("0912.345.678",
# "0243.8832.456", "024 3883 2456", "(024) 3883 2456"), not a sum's digits ("100.000.000.000")
PHONE = re.compile(
    r"(?<![\d.,/])(?:\+84[\s.]?|0)\d(?:[\s.-]?\d){8,9}(?![\d/])|\(0\d{2,3}\)\s?\d{3,4}[\s.]?\d{3,4}(?!\d)"
    r"|(?:ĐT|Điện thoại|Tel)\s*:?\s*\d"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:gov|com|org|edu|net)(?:\.vn)?\b|\.vn/")
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%|phần trăm", re.IGNORECASE)
RANK = re.compile(r"(?:thứ|hạng)\s+(?:\d+|nhất|nhì|ba|tư|[IVX]+)\b|\b\d+\s*/\s*(?:63|34)\b", re.IGNORECASE)
# a score: "đạt 89,5 điểm", "75/100 điểm"
POINTS = re.compile(r"\d+(?:[.,/]\d+)?\s*điểm", re.IGNORECASE)
# a document's number with digits ("Số: 85/GM-UBND", "số 05/2006"), not the blank "Số: /TB-UBND"
DOC_NUMBER = re.compile(r"\bS[ốo]\s*:?\s*\d+|\bsố\s+\d+\s*[-/]", re.IGNORECASE)
# a Vietnamese full name: a common family name and one to three capitalised syllables, or in capitals;
# not a province or city whose name starts like one ("Lâm Đồng", "Hà Nội", "Thái Bình", "Hồ Chí Minh")
PERSON_NAME = re.compile(
    r"\b(?!Lâm Đồng|Hà Nội|Hà Nam|Hà Tĩnh|Hà Giang|Cao Bằng|Thái Bình|Thái Nguyên|Hồ Chí Minh|"
    r"LÂM ĐỒNG|HÀ NỘI|HỒ CHÍ MINH)"
    r"(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Hồ|Ngô|Dương|Lý|Đinh|Đào|Trương|"
    r"Lưu|Mai|Trịnh|Đoàn|Lâm|Tạ|Hà|Cao|Vương|Tô|Châu|Quách|Thái|Lương|Kiều|Phùng|Tăng|Triệu|Chu)"
    r"(?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){1,3}\b|\b(?:NGUYỄN|TRẦN|LÊ|PHẠM|HOÀNG|PHAN|VŨ|VÕ|ĐẶNG|BÙI|ĐỖ|HỒ|NGÔ)"
    r"(?:\s+[A-ZÀ-ỸĐ]+){1,3}\b"
)
# any mention of a date or period, looser than the deadline grammar (index.vocab.dates): "20/9", "ngày 5",
# "tháng 6", "Quý IV", "năm 2025", "hằng tháng"
DATE_MENTION = re.compile(
    r"\d{1,2}\s*[/.]\s*\d{1,2}(?:\s*[/.]\s*\d{2,4})?|\bngày\s+\d{1,2}|\btháng\s+\d{1,2}|"
    r"\b[Qq]uý\s+(?:[IV]+|\d)|\bnăm\s+\d{4}|\b(?:hằng|hàng)\s+(?:tuần|tháng|quý|năm)",
    re.IGNORECASE,
)
# a number that may be a count: not a year, not part of a code ("31.706", "12")
COUNT = re.compile(r"(?<![\w/])(?!(?:19|20)\d\d\b)\d+(?:[.,]\d+)*(?![\w/])")

# a number as a question or a passage writes it: "22/01/2026", "31.706", "10"
NUMBER = re.compile(r"\d+(?:[.,/]\d+)*")


def canonical_number(word: str) -> str:
    """A number token without leading zeros in its parts: '22/01/2026' → '22/1/2026', '01' → '1'."""
    parts = re.split(r"[/.,]", word)
    if not all(p.isdigit() for p in parts):
        return word
    return "/".join(str(int(p)) for p in parts)


def number_forms(word: str) -> set[str]:
    """A number token in the forms a question may ask it: '22/01/2026' → 22/1/2026, 22/1, 2026."""
    canon = canonical_number(word)
    clean = canon.split("/")
    forms = {canon}
    if len(clean) == 3:
        forms |= {"/".join(clean[:2]), clean[2]}
    if len(clean) == 2 and len(clean[1]) == 4:  # 6/2022, 1/2026: a month or quarter and its year
        forms |= {clean[0], clean[1]}
    elif len(clean) == 2 and clean[1].isdigit() and int(clean[1]) > MONTHS:
        # 12/63, 251/277: no month is over 12, so a fraction (a rank of 63 provinces, a share of 277
        # bodies): "trên 63 tỉnh" asks of its whole, "12 tỉnh" of its part
        forms |= {clean[0], clean[1]}
    return forms


MONTHS = 12  # a day/month's second part is at most this; a fraction's whole may be anything


def given_numbers(question: str) -> set[str]:
    """The numbers a question gives, in every form a span may repeat them ("năm 2026", "22/1")."""
    given: set[str] = set()
    for m in NUMBER.finditer(question):
        given |= number_forms(m.group(0))
    return given


def only_given(span: str, given: set[str]) -> bool:
    """Whether a span's numbers are all numbers the question gives: "Năm 2026" for "… năm 2026 khi
    nào", "22/01/2026" for "họp ngày 22/01/2026 lúc mấy giờ". Such a span tells the asker nothing."""
    numbers = NUMBER.findall(span)
    return bool(numbers) and all(canonical_number(n) in given for n in numbers)


# ---- the period a figure is of ------------------------------------------------------------------
# A report labels each figure with its period just before it: "năm 2021 đạt 2,92%, năm 2022 đạt 8,89%
# và quý I/2023 đạt 5,80%"; a figure with no label in its sentence is of its heading's period ("Các chỉ
# tiêu chủ yếu đến năm 2025"). A year after "so với" / "so cùng kỳ" is the basis of a comparison, not
# the figure's period ("tăng 8% so với năm 2021"), and is left out. "2021 - 2025" is every year between.
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\s*[-–]\s*((?:19|20)\d\d))?(?!\d)")
COMPARED = re.compile(r"so\s+(?:với|cùng\s+kỳ)[^,;:()]*", re.IGNORECASE)
SUB_PERIOD = re.compile(r"\b(?:quý|tháng|qu[yý]\s+[IVX\d]|th[aá]ng)\b", re.IGNORECASE)

Years = frozenset[tuple[int, int]]  # year spans, first and last year


def _years(text: str) -> Years:
    return frozenset((int(a), int(b or a)) for a, b in YEAR.findall(text))


def asked_period(question: str) -> tuple[Years, bool]:
    """The years a question names, and whether it names a part of one ("quý I/2026", "6 tháng đầu năm")."""
    return _years(question), bool(SUB_PERIOD.search(question))


def period_label(before: str) -> tuple[Years, bool]:
    """The years a figure's label names (the text between the previous figure and this one) and whether
    it names a part of a year (a quarter, months): "năm 2022 đạt " → ({(2022, 2022)}, False), " và quý
    I/2023 đạt " → ({(2023, 2023)}, True). As a question's period, less the years compared with."""
    return asked_period(COMPARED.sub(" ", before))


def other_period(label: tuple[Years, bool], asked: tuple[Years, bool]) -> bool:
    """Whether a figure labelled so is of another period than the one asked: none of its years is one of
    the question's, or it is a quarter's or months' figure for a question about a whole year."""
    years, part = label
    asked_years, asked_part = asked
    if not asked_years or not years:
        return False
    overlap = any(a <= d and c <= b for a, b in years for c, d in asked_years)
    return not overlap or (part and not asked_part)


def spans_years(label: tuple[Years, bool]) -> bool:
    """Whether a figure's label is a span of years only ("giai đoạn 2021 - 2025"): an average, a sum
    or a target over the span, not one year's figure."""
    years = label[0]
    return bool(years) and all(a < b for a, b in years)


def single_years(asked: tuple[Years, bool]) -> bool:
    """Whether a question names single years only ("năm 2023", not "giai đoạn 2021 - 2025")."""
    years = asked[0]
    return bool(years) and all(a == b for a, b in years)


# a clause that opens with its period and says no subject: "…; năm 2022 là 331.969 tỷ đồng" goes on
# with the subject of the clause before ("tổng thu ngân sách năm 2021 là 324.100 tỷ đồng; …")
PERIOD_CLAUSE = re.compile(r"^\s*(?:và\s+)?(?:năm|quý|tháng|giai đoạn|\d+\s+tháng)\b", re.IGNORECASE)
