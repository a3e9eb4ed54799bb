"""Which documents a question names: "kế hoạch 34", "CV 1021", "chương trình 01 năm 2011".

An archive repeats itself: next year's plan copies this year's paragraphs with another date or unit,
and a question that names its document ("theo công văn 1021 …") must be answered from that
document, not from whichever copy ranks first. This module reads the names documents are called by
(type and number of their số hiệu, the documents their title refers to, the years they cover) and
finds them in a question. It is deliberately strict: a type word alone ("kế hoạch nào") names
nothing; it takes a number or a year beside it, and a mention no document answers to is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.ingest.metadata import DocMeta
from index.text import fold

# Document types, as written out and as abbreviated in số hiệu (folded, lower case).
_TYPE_WORDS = {
    "ke hoach": "kh",
    "chuong trinh": "ctr",
    "cong van": "cv",
    "bao cao": "bc",
    "nghi quyet": "nq",
    "quyet dinh": "qd",
    "thong bao": "tb",
    "ket luan": "kl",
    "chi thi": "ct",
    "to trinh": "ttr",
    "huong dan": "hd",
    "thong tri": "tt",
    "thong tu": "tt",
    "quy dinh": "qdi",
}
_CODES = frozenset(_TYPE_WORDS.values())
_TYPE = "|".join(sorted(list(_TYPE_WORDS) + list(_CODES), key=len, reverse=True))
# "chuong trinh so 01-ctr/tu", "kh 34", "cong van 1021", "chuong trinh hanh dong": type, then a number
_MENTION = re.compile(
    rf"\b(?P<type>{_TYPE})\b(?:\s+hanh dong)?(?:\s+so)?"
    r"(?:\s*[:.]?\s*(?P<num>\d{1,5})(?!\d)(?:\s*-\s*(?P<code>[a-z]+))?(?:/[a-z]+)*)?"
)
_SO_HIEU = re.compile(r"^\s*(\d{1,4})\s*-\s*([a-z]+)")
_CODE = "|".join(sorted(_CODES, key=len, reverse=True))  # a type code, longest first
# a số hiệu written bare: "34-KH/BCĐ", "1021-CV"
_BARE = re.compile(rf"\b(\d{{1,4}})\s*-\s*({_CODE})\b")
_LEADING = re.compile(r"^\s*(\d{1,5})(?!\d)")  # the number a số hiệu opens with
_SUFFIX = re.compile(r"(?:/[a-z]+)*")  # the issuer after the type: "/tu", "/bcd"
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_RANGE = re.compile(r"\b(19[5-9]\d|20\d\d)\s*-\s*(19[5-9]\d|20\d\d)\b")
# a year that qualifies the mention just before it: "… năm 2011", "… (2011)", "… 2011-2015"
# or its date: "… 01-CTr/TU ngày 18/8/2011", "… ngày 18 tháng 8 năm 2011"
_YEAR_AFTER = re.compile(
    r"^\s*(?:[,(]\s*)?(?:nam\s+|giai doan\s+|nhiem ky\s+|ngay\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*|"
    r"ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+)?(19[5-9]\d|20\d\d)\b"
)


def _is_year(num: str) -> bool:
    return 1950 <= int(num) <= 2099


@dataclass(frozen=True)
class DocName:
    """What a document is called by, and the documents its title cites."""

    doc: str
    kinds: frozenset[str]  # its own type: from its số hiệu, or the word its title opens with
    numbers: frozenset[tuple[str, int]]  # its số hiệu as (type, number)
    cites: frozenset[tuple[str, int]]  # documents its title names: "Kế hoạch Tổng kết Chương trình số 01-CTr/TU"
    years: frozenset[int]  # the year it was issued and the years its title covers
    own: frozenset[int] = frozenset()  # the number its số hiệu opens with ("11902/BNV-TCPCP": 11902), any type


def doc_name(doc: str, meta: DocMeta) -> DocName:
    """A document's names, read from its metadata (never from its body, which cites other documents)."""
    title = fold(meta.title)
    kinds: set[str] = set()
    numbers: set[tuple[str, int]] = set()
    cites: set[tuple[str, int]] = set()
    if meta.number and (m := _SO_HIEU.match(fold(meta.number))) and m.group(2) in _CODES:
        kinds.add(m.group(2))
        numbers.add((m.group(2), int(m.group(1))))
    for m in _MENTION.finditer(title):
        if m.start() == 0 and not numbers:  # the title opens with the document's own type: "Chương trình …"
            kinds.add(_type_code(m.group("type")))
        num = m.group("num")
        if num and not _is_year(num) and (ref := (_kind(m), int(num))) not in numbers:
            cites.add(ref)
    years = {int(y) for y in _YEAR.findall(title)}
    for a, b in _RANGE.findall(title):
        years.update(range(int(a), int(b) + 1))
    if meta.date:
        years.add(int(meta.date[:4]))
    own = {int(m.group(1))} if meta.number and (m := _LEADING.match(meta.number)) else set()
    return DocName(doc, frozenset(kinds), frozenset(numbers), frozenset(cites), frozenset(years), frozenset(own))


def _type_code(word: str) -> str:
    return _TYPE_WORDS.get(word, word)


def _kind(m: re.Match[str]) -> str:
    """A mention's document type: the code of its số hiệu ("chương trình số 01-CTr/TU"), else its type word."""
    return m.group("code") if m.group("code") in _CODES else _type_code(m.group("type"))


@dataclass(frozen=True)
class Mention:
    """A document named in a question: its type, and its number or year (at least one)."""

    kind: str
    number: int | None
    year: int | None

    def names(self, doc: DocName) -> bool:
        """Whether this can be the document itself: its type and number (or year) are the mention's."""
        if self.number is not None:
            if (self.kind, self.number) not in doc.numbers:
                return False
        elif self.kind not in doc.kinds:
            return False
        return self.year is None or self.year in doc.years

    def cited_by(self, doc: DocName) -> bool:
        """Whether the document's title names a document this mention could mean (a plan to sum up
        "Chương trình 01" is not Chương trình 01, but "chương trình 01" alone may be asking about it)."""
        if self.number is not None:
            hit = (self.kind, self.number) in doc.cites
        else:
            hit = any(kind == self.kind for kind, _ in doc.cites)
        return hit and (self.year is None or self.year in doc.years)


def _year_after(folded: str, end: int) -> tuple[int | None, int]:
    """The year written just after a mention ("… năm 2011", "… (2011)"), and where the mention ends."""
    if y := _YEAR_AFTER.match(folded[end:]):
        return int(y.group(1)), end + y.end()
    return None, end


def _mentions(folded: str) -> list[tuple[Mention, int, int]]:
    """Documents named in folded text, with where each is written."""
    out = []
    for m in _MENTION.finditer(folded):
        kind = _kind(m)
        num, year, end = m.group("num"), None, m.end()
        if num and _is_year(num):
            num, year = None, int(num)
        if year is None:
            year, end = _year_after(folded, end)
        if num is not None or year is not None:
            out.append((Mention(kind, int(num) if num is not None else None, year), m.start(), end))
    for m in _BARE.finditer(folded):
        if not any(lo <= m.start() < hi for _, lo, hi in out):
            year, end = _year_after(folded, m.end() + len(_SUFFIX.match(folded, m.end()).group()))
            out.append((Mention(m.group(2), int(m.group(1)), year), m.start(), end))
    return out


def mentions(question: str) -> list[Mention]:
    """Documents named in a question by type plus number and/or year."""
    return [m for m, _, _ in _mentions(fold(question))]


def _resolved(mention: Mention, names: list[DocName]) -> set[str]:
    """The documents a mention names without doubt: none when another document's title cites a
    document the mention could equally mean ("chương trình 01", with no year, is the 2011 programme
    or the one a 2024 plan sums up)."""
    itself = {n.doc for n in names if mention.names(n)}
    if not itself or any(mention.cited_by(n) for n in names if n.doc not in itself):
        return set()
    return itself


# a số hiệu as the documents write it, number then type code, with a hyphen or a slash: "34-KH/BCĐ",
# "124/TTr-SNV" ("144/2002/QĐ-BTC", its year between, is read by the type word before it: "Quyết định số 144")
_CODED = re.compile(rf"\b(\d{{1,5}})\s*[-/]\s*({_CODE})\b")


def cited_in(texts: Iterable[str]) -> frozenset[tuple[str, int]]:
    """Every document the texts name by type and number ("Kế hoạch số 134-KH/TU", "Hướng dẫn số
    11-HD/BTCTU", "Tờ trình 124/TTr-SNV"): the papers an archive holds or cites. Read once per index."""
    out: set[tuple[str, int]] = set()
    for text in texts:
        folded = fold(text)
        for mention, _, _ in _mentions(folded):
            if mention.number is not None:
                out.add((mention.kind, mention.number))
        out.update((m.group(2), int(m.group(1))) for m in _CODED.finditer(folded))
    return frozenset(out)


@dataclass(frozen=True)
class Papers:
    """The papers an archive can speak of, read once per index: the (type, number) of every paper its
    documents are or cite (their số hiệu, their titles, their passages), and the number each document's
    own số hiệu opens with, whatever type an asker calls it by ("cv 11902" for 11902/BNV-TCPCP)."""

    named: frozenset[tuple[str, int]]
    own: frozenset[int]


def known_papers(names: Iterable[DocName], cited: frozenset[tuple[str, int]]) -> Papers:
    """The papers of an archive: its documents' names and the papers its passages cite (``cited_in``)."""
    named, own = set(cited), set()
    for name in names:
        named |= name.numbers | name.cites
        own |= name.own
    return Papers(frozenset(named), frozenset(own))


def unheld(question: str, papers: Papers) -> bool:
    """Whether the question names, by type and number, a paper the archive neither holds (no document's
    số hiệu) nor cites anywhere ("KH 200-KH/TU" where no passage writes it): a số hiệu names one paper,
    so passages about other papers cannot say what that one says."""
    return any(
        m.number is not None and (m.kind, m.number) not in papers.named and m.number not in papers.own
        for m in mentions(question)
    )


def read_names(question: str, names: Iterable[DocName]) -> tuple[set[str], str]:
    """The documents a question names without doubt, and the question less the words naming them:
    once "chương trình 01 năm 2011" has chosen the document, its "2011" must not also pull up that
    document's passages about 2011. One reading serves both (search asks for them together)."""
    words = question.split()
    folded = [fold(w) for w in words]
    starts, pos = [], 0
    for f in folded:
        starts.append(pos)
        pos += len(f) + 1
    names = list(names)
    docs: set[str] = set()
    drop: set[int] = set()
    for mention, lo, hi in _mentions(" ".join(folded)):
        if found := _resolved(mention, names):
            docs |= found
            drop.update(i for i, s in enumerate(starts) if s < hi and s + len(folded[i]) > lo)
    return docs, " ".join(w for i, w in enumerate(words) if i not in drop)
