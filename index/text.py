"""Pure text functions for Vietnamese administrative documents.

Two copies of every passage exist: the *display* text (what a user sees quoted, close to the
original) and the *index* text (normalised, for BM25 and embeddings). Everything here is a pure
function so it can be tested on real lines of the seed documents.
"""

from __future__ import annotations

import re
import unicodedata

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = {ch: str(i) for i, ch in enumerate(SUPERSCRIPT_DIGITS)}
SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")

# Old-style ("hoá", "uỷ") vs new-style ("hóa", "ủy") tone placement. The documents mix both; a
# query must match either, so the index copy always uses the new style.
_TONE_PAIRS = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_TONE_RE = re.compile("|".join(sorted(_TONE_PAIRS, key=len, reverse=True)), re.IGNORECASE)

_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:mailto:|https?://)[^)]*\)")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]{0,40}>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")


def superscript_to_int(text: str) -> int:
    """Convert a run of superscript digits (footnote marker) to an int."""
    return int("".join(_SUP_TO_DIGIT[c] for c in text))


def _fix_tone_case(match: re.Match[str]) -> str:
    src = match.group(0)
    dst = _TONE_PAIRS[src.lower()]
    return dst.upper() if src.isupper() else (dst[0].upper() + dst[1:] if src[0].isupper() else dst)


def unify_tone_marks(text: str) -> str:
    """Rewrite old-style tone placement (hoá, uỷ) as the modern one (hóa, ủy).

    Only the vowel pair at the end of a syllable is ambiguous; "hoàn" or "quý" keep their form
    because the pair is followed by another letter or is preceded by q.
    """

    def repl(m: re.Match[str]) -> str:
        start, end = m.span()
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if after.isalpha() or before.lower() == "q":
            return m.group(0)
        return _fix_tone_case(m)

    return _TONE_RE.sub(repl, text)


def clean_markup(line: str) -> str:
    """Remove markdown/HTML decoration from one line, keeping the words for display.

    Escaped characters (``\\_``, ``\\*``) are unescaped, links become their text, emphasis marks
    and heading hashes disappear, and stray ``}`` used as brace art is dropped.
    """
    s = _MD_HEADING.sub("", line)
    s = _MD_LINK.sub(lambda m: m.group(1), s)
    s = _HTML_TAG.sub("", s)
    s = s.replace("\\\\", "\\")
    s = re.sub(r"\\([_*\[\]()#.\-])", r"\1", s)
    s = s.replace("**", "")
    # single * used for italics or as a stray star
    s = re.sub(r"(?<![\w])\*(?=\S)|(?<=\S)\*(?![\w])", "", s)
    s = re.sub(r"^\*\s*$", "", s)
    s = re.sub(r"\s+\}\s*", " ", s)
    s = s.replace("\u00a0", " ")
    s = re.sub(r"[ \t]+$", "", s)
    return s.strip(" ")


def separate_footnote_marks(text: str) -> str:
    """Put a space before superscript footnote markers so 'đảng³⁹' never becomes 'đảng39'."""
    return SUPERSCRIPT_RUN.sub(lambda m: " " + m.group(0) + " ", text)


def normalize(text: str) -> str:
    """Index form: NFC, one tone placement, no markup, no footnote markers, lower case, single spaces."""
    s = unicodedata.normalize("NFC", text or "")
    s = separate_footnote_marks(s)
    s = SUPERSCRIPT_RUN.sub(" ", s)
    s = _MD_LINK.sub(lambda m: m.group(1), s)
    s = _HTML_TAG.sub(" ", s)
    s = re.sub(r"[*#`\\|}]", " ", s)
    s = unify_tone_marks(s)
    s = s.lower()
    s = s.replace("–", "-").replace("—", "-").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip()


def _fold_table() -> dict[int, str]:
    """Each precomposed Latin letter → its base letter, built once from Unicode's own decompositions."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x2000):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(c) != "Mn")
        if base != chr(code) and len(base) == 1:
            table[code] = base
    return table


_FOLD = _fold_table()
_COMBINING = re.compile("[\u0300-\u036f]")


def fold_diacritics(text: str) -> str:
    """Strip Vietnamese diacritics (đ→d) so 'han nop bao cao' meets 'hạn nộp báo cáo'.

    A translate table, not NFD per call: the searcher folds every word of the corpus at load time.
    """
    if _COMBINING.search(text):  # decomposed input: drop the marks first
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return text.translate(_FOLD)


def fold(text: str) -> str:
    """The form questions are matched in whatever way they were typed: normalised, diacritics folded."""
    return fold_diacritics(normalize(text))


def has_diacritics(text: str) -> bool:
    """Whether a question was typed with Vietnamese diacritics at all."""
    return fold_diacritics(text) != text


_TOKEN_RE = re.compile(r"[0-9a-zA-ZÀ-ỹđĐ]+(?:[.,/][0-9]+)*", re.UNICODE)


# a lone letter hyphenated to a word is one word, written with or without the hyphen: "e-mail" is
# the "email" an official types, as "e-Cabinet", "e-office" are "ecabinet", "eoffice"
_LETTER_PREFIX = re.compile(r"\b([a-zA-Z])-(?=[a-zA-Z]{2,})")


def tokens(text: str) -> list[str]:
    """Word tokens of normalised text (numbers like 31.706 and 20/9/2024 stay whole; "e-mail" is
    "email")."""
    return _TOKEN_RE.findall(_LETTER_PREFIX.sub(r"\1", text))


def first_sentence_end(text: str) -> bool:
    """Whether a paragraph ends a sentence (used to rejoin lines split by a page break)."""
    t = text.rstrip()
    return bool(t) and t[-1] in '.;:!?…"”)»/'


def split_sentences(text: str) -> list[str]:
    """Split a long paragraph at sentence ends and at inline enumerations like '(3)'.

    Abbreviations common in these documents (TP., Tp., số 9) are rare at sentence ends, so a
    simple rule suffices: a period/semicolon followed by a space and an upper-case letter,
    digit or '(' starts a new sentence.
    """
    parts = re.split(r"(?<=[.;!?])\s+(?=[A-ZÀ-ỸĐ(\-+“\"0-9])|\s+(?=\(\d{1,2}\)\s)", text)
    return [p.strip() for p in parts if p and p.strip()]
