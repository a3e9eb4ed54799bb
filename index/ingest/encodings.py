"""Legacy Vietnamese encodings (TCVN3 / ABC and VNI) detected and converted to Unicode.

Offices typed with these 8-bit fonts until the mid-2000s: the file stores Windows-1252 bytes and a
font (.VnTime, VNI-Times) draws them as Vietnamese letters. Every reader (antiword, pdftotext,
python-docx, striprtf) hands us those bytes as the Windows-1252 characters they are ("QuyÕt ®Þnh",
"Coäng hoaø"), so conversion works on text, before anything else reads it.

No maintained converter is on PyPI (viparse is not published there), so the two tables are written
here from the encodings' definitions and measured against the reference texts
(``scripts/eval_extraction.py``).
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3 (ABC, TCVN 5712:1993 VN3): one 8-bit code per lowercase letter with its tone; the few
# uppercase letters it has are Ă Â Đ Ê Ô Ơ Ư (the others are drawn by the uppercase fonts .VnTimeH).
_TCVN3_PAIRS = (
    "µà ¸á ¶ả ·ã ¹ạ ¨ă »ằ ¾ắ ¼ẳ ½ẵ Æặ ©â Çầ Êấ Èẩ Éẫ Ëậ ®đ "
    "Ìè Ðé Îẻ Ïẽ Ñẹ ªê Òề Õế Óể Ôễ Öệ ×ì Ýí Øỉ Üĩ Þị "
    "ßò ãó áỏ âõ äọ «ô åồ èố æổ çỗ éộ ¬ơ êờ íớ ëở ìỡ îợ "
    "ïù óú ñủ òũ ôụ \u00adư õừ øứ öử ÷ữ ùự úỳ ýý ûỷ üỹ þỵ "
    "¡Ă ¢Â §Đ £Ê ¤Ô ¥Ơ ¦Ư"
)
TCVN3_TABLE: dict[str, str] = {pair[0]: pair[1] for pair in _TCVN3_PAIRS.split()}
# PDF producers map two WinAnsi codes of the .VnTime fonts to other glyph names: 0xAD (ư) comes out
# as U+2212 MINUS SIGN and 0xB7 (ã) as U+2219 BULLET OPERATOR.
TCVN3_PDF_EXTRA = {"\u2212": "ư", "\u2219": "ã"}

# Characters TCVN3 text is full of and Unicode Vietnamese (or VNI) text never has.
# (Uppercase Latin letters that Vietnamese capitals or VNI modifiers also use are left out.)
_TCVN3_MARKS = set("µ¸¶·¹¨¾¼½©®ª¬\u00ad¡¢§£¤¥¦ÐÞß×Ç")

# VNI: a base letter followed by a modifier character (the font draws the mark over the letter).
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_LETTERS = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip
_VNI_CIRC = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_TONE = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}


def _both_cases(table: dict[str, str]) -> dict[str, str]:
    return {**table, **{k.upper(): v for k, v in table.items()}}


_CIRC_ALL, _BREVE_ALL, _TONE_ALL = _both_cases(_VNI_CIRC), _both_cases(_VNI_BREVE), _both_cases(_VNI_TONE)
_VNI_CIRC_RE = re.compile(f"([aeoAEO])([{''.join(_CIRC_ALL)}])")
_VNI_BREVE_RE = re.compile(f"([aA])([{''.join(_BREVE_ALL)}])")
_VNI_TONE_RE = re.compile(f"([aeiouyAEIOUYơưƠƯ\u0302\u0306])([{''.join(_TONE_ALL)}])")
# A VNI modifier right after a vowel: Vietnamese Unicode never writes ø û ï ä å ë ü there.
_VNI_MARK_RE = re.compile("[aeiouyAEIOUY][øûïäåëüØÛÏÄÅËÜ]")

# Letters only Vietnamese Unicode text has (ă â đ ê ô ơ ư and the precomposed toned vowels).
_VIET_UNICODE_RE = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")


def tcvn3_to_unicode(text: str, from_pdf: bool = False) -> str:
    """TCVN3 characters (as Windows-1252 text) to Unicode; a word already in Unicode is left as is
    (documents mix a Unicode header with a TCVN3 body)."""
    table = {**TCVN3_TABLE, **TCVN3_PDF_EXTRA} if from_pdf else TCVN3_TABLE
    trans = str.maketrans(table)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        return w if _VIET_UNICODE_RE.search(w) else w.translate(trans)

    return unicodedata.normalize("NFC", re.sub(r"[^\s]+", word, text))


def vni_to_unicode(text: str) -> str:
    """VNI characters (as Windows-1252 text) to Unicode; words already in Unicode are left as is."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if _VIET_UNICODE_RE.search(w):
            return w
        w = _VNI_CIRC_RE.sub(lambda x: x.group(1) + _CIRC + _CIRC_ALL[x.group(2)], w)
        w = _VNI_BREVE_RE.sub(lambda x: x.group(1) + _BREVE + _BREVE_ALL[x.group(2)], w)
        w = w.translate(str.maketrans(_VNI_LETTERS))
        w = _VNI_TONE_RE.sub(lambda x: x.group(1) + _TONE_ALL[x.group(2)], w)
        return unicodedata.normalize("NFC", w)

    return re.sub(r"[^\s]+", word, text)


# Share of letters that must be legacy marks before a text is called TCVN3 or VNI. Measured
# (scripts in the report): the Unicode seed texts and realdocs' Unicode files 0.0000-0.0003; the
# TCVN3 files 0.12-0.17 TCVN3 marks; the VNI files 0.10-0.11 VNI marks. 0.01 sits in the gap
# (leave-one-out over the 27 files: all classed alike).
LEGACY_SHARE = 0.01


def detect(text: str, hint: str | None = None) -> str | None:
    """ "tcvn3", "vni" or None (Unicode or plain ASCII), judged by the characters. ``hint``: what the
    file's font names say; the characters then need only a fifth of the usual share to confirm it."""
    letters = sum(c.isalpha() for c in text) or 1
    unicode_viet = len(_VIET_UNICODE_RE.findall(text))
    tcvn3 = sum(c in _TCVN3_MARKS for c in text)
    vni = len(_VNI_MARK_RE.findall(text)) + text.count("ñ") + text.count("Ñ")
    share = LEGACY_SHARE / 5 if hint else LEGACY_SHARE
    if max(tcvn3, vni) < share * letters or unicode_viet > 2 * max(tcvn3, vni):
        return None
    if hint in ("tcvn3", "vni") and min(tcvn3, vni) * 2 < max(tcvn3, vni):
        return "tcvn3" if tcvn3 >= vni else "vni"
    return "tcvn3" if tcvn3 >= vni else "vni"


_VIET_LETTERS = set("abcdefghijklmnopqrstuvwxyzđ" "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
_TONES = set("\u0300\u0301\u0303\u0309\u0323")


def plausibility(text: str) -> float:
    """Share of the words (2+ letters) spelled with Vietnamese letters only and at most one tone:
    how a decoding is chosen when the bytes do not say (a .txt in cp1258, TCVN3 or VNI). Vietnamese
    prose scores 0.95-1.0; the same bytes decoded the wrong way score under 0.7."""
    words = [w for w in re.findall(r"[^\W\d_]{2,}", unicodedata.normalize("NFC", text).lower())]
    if not words:
        return 0.0
    good = 0
    for w in words:
        if all(c in _VIET_LETTERS for c in w):
            good += sum(ch in _TONES for ch in unicodedata.normalize("NFD", w)) <= 1
    return good / len(words)


def font_encoding(font: str) -> str | None:
    """The legacy encoding a font name says: .VnTime / VnTimeH (TCVN3), VNI-Times (VNI)."""
    name = font.split("+", 1)[-1].strip().lstrip(".").lower()
    if name.startswith("vni"):
        return "vni"
    if name.startswith("vn") and not name.startswith("vni"):
        return "tcvn3"
    return None


def is_upper_font(font: str) -> bool:
    """.VnTimeH, .VnArialH…: TCVN3 uppercase fonts draw lowercase codes as capitals."""
    name = font.split("+", 1)[-1].strip().lstrip(".")
    base = re.sub(r"(Bold|Italic|Narrow|,| )+$", "", name)
    return name.lower().startswith("vn") and base.endswith("H")


def to_unicode(text: str, encoding: str | None, from_pdf: bool = False) -> str:
    """Convert text in the given legacy encoding (None: unchanged)."""
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text, from_pdf=from_pdf)
    if encoding == "vni":
        return vni_to_unicode(text)
    return text
