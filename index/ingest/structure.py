"""Find a document's own structure and cut it into citable passages.

Headings are recognised by their numbering (PHẦN THỨ…, Chương I, Mục 1, Điều 1., A., I. or I-, 1.,
1.1., 1.1.1., a), (1)), never by markdown level, because the seed documents use ``#`` inconsistently.
Nesting follows the order in which numbering styles appear (a style already open closes everything below it), so both
"B. > I." and "II. > B." nest correctly. Every passage carries its section path and quotes the
headings right above it, so a unit named only in a heading ("3.4. Ban Dân vận Thành ủy") stays
attached to its bullets.

One parse gives :class:`Segment` s (a heading path, a kind, and blocks of text with their page);
passages (:func:`passages_from`), deadlines and the table items both read are made from them, so a
document is read once and nothing downstream parses a flattened passage back. A form feed (``\f``,
the loaders' page break) starts a new page: it is never text, it does not end a paragraph, and a
page-number line beside it is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.text import (
    SUPERSCRIPT_RUN,
    clean_markup,
    first_sentence_end,
    split_sentences,
    superscript_to_int,
)
from index.vocab.sections import SECTION_SEP
from index.vocab.signature import SIGNATURE_LINE

MAX_BODY = 650  # characters of body per passage; with headings most passages stay under ~900

# Heading numberings, outermost first. Besides the Party forms (PHẦN THỨ, A., I., 1., 1.1.) the
# formatting guide HD 36 writes "I- …" and "1- …", and decrees and decisions use "Chương I",
# "Mục 1" and "Điều 1." (or "Điều 1:"); "Điều 20 Điều lệ … quy định" (no stop after the number)
# cites an article and is not one.
_NUMBERINGS: list[tuple[str, re.Pattern[str]]] = [
    ("phan", re.compile(r"^(PHẦN THỨ [A-ZÀ-Ỹ]+|Phần thứ [a-zà-ỹ]+)\b[.:]?\s*", re.UNICODE)),
    ("chuong", re.compile(r"^((?:CHƯƠNG|Chương)\s+(?:[IVXL]{1,6}|\d{1,2}))(?![\w/])[.:]?\s*")),
    ("muc", re.compile(r"^((?:MỤC|Mục)\s+\d{1,2})(?:[.:]\s*|\s*$|\s+(?=[A-ZĐÀ-Ỹ]))")),
    ("dieu", re.compile(r"^((?:Điều|ĐIỀU)\s+\d{1,3})\s*[.:]\s*")),
    ("n3", re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+")),
    ("n2", re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+")),
    ("roman", re.compile(r"^([IVX]{1,5})(?:\.\s*|\s*[-–]\s+)")),
    ("letter", re.compile(r"^([A-H])\.\s+")),
    ("n1", re.compile(r"^(\d{1,2})(?:\.\s*|-\s+)")),
    ("alpha", re.compile(r"^([a-zđ])\)\s+")),
    ("paren", re.compile(r"^\((\d{1,2})\)\s+")),
]
_NUMBERINGS_BY_STYLE = dict(_NUMBERINGS)
_PART_RE = re.compile(r"^(PHỤ LỤC|Phụ lục|ĐỀ CƯƠNG)\b")
# "Nơi nhận:", alone or with the signer's title beside it in a layout text ("Nơi nhận:     KT. BỘ TRƯỞNG")
_RECIPIENTS_RE = re.compile(r"^Nơi nhận\s*:?\s*(?:(?:\s{2,}|\t).*)?$", re.IGNORECASE)
_FOOTNOTE_PLAIN_RE = re.compile(r"^(\d{1,3})\s+(?=[A-ZĐÀ-Ỹ])")
_GLUED_MARKER_RE = re.compile(r"[a-zà-ỹđ]{2,}(\d{1,2})(?![\w/.,])")
_FOOTNOTE_BOTTOM_LINES = 6  # a footnote of a paged file sits within the last lines before a page break
_LABEL_VALUE_RE = re.compile(r"^(.{1,60}?):\s+(\S.*)$")
_TABLE_RULE_RE = re.compile(r"^\s*[-=_]{4,}\s*$")


Cells = tuple[tuple[tuple[str, str], ...], ...]  # table rows, each as (column header, value) pairs


@dataclass(frozen=True)
class Passage:
    """One citable piece of a document, its structure kept as data.

    ``headings`` are the headings quoted above it (context for a reader), ``body`` what it says
    (for a table: its rows as a person reads them), ``cells`` a table passage's rows as (header,
    value) pairs, ``page`` the page it starts on when the file has pages. ``text`` is the flattened
    form the search indexes: the headings, then the body."""

    doc: str
    ordinal: int
    section: str
    text: str
    kind: str = "body"  # body | table | footnote | preamble | closing | outline (DERIVED_KINDS)
    section_key: str = ""
    headings: tuple[str, ...] = ()
    body: str = ""
    cells: Cells = ()
    page: int | None = None
    notes: tuple[str, ...] = ()  # the footnotes its body cites, quoted under it (not searched)

    @property
    def pid(self) -> str:
        """Stable id within an index build."""
        return f"{self.doc}#{self.ordinal}"


def passage_text(headings: tuple[str, ...] | list[str], body: str) -> str:
    """The flattened text of a passage: its quoted headings, one a line, then its body."""
    return "\n".join([*headings, body]) if body else "\n".join(headings)


def page_label(page: int | None) -> str:
    """How a citation names a page ("tr. 3"); empty for files without pages."""
    return f"tr. {page}" if page else ""


@dataclass(frozen=True)
class Heading:
    """An open heading: its numbering style, its text as shown, whether it is a label-value line
    whose text already stands in the body ("1. Thời gian: Dự kiến Quý IV/2024")."""

    style: str
    text: str
    inline: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph (cleaned, lines joined) or a table row (cells separated by tabs), and its page."""

    text: str
    page: int | None = None

    @property
    def cells(self) -> list[str]:
        """A table row's cells."""
        return [c.strip() for c in self.text.split("\t")]


@dataclass
class Segment:
    """A run of blocks under one heading path: body, preamble, closing, footnote or table."""

    path: list[Heading]
    kind: str
    blocks: list[Block] = field(default_factory=list)
    note: int | None = None  # a footnote's number, as its marker gives it

    @property
    def units(self) -> list[str]:
        """The blocks' texts."""
        return [b.text for b in self.blocks]

    @property
    def section(self) -> str:
        """The heading path as shown in a citation."""
        names = [_short(h.text, 90) for h in self.path]
        return SECTION_SEP.join(names) if names else "Phần đầu văn bản"

    @property
    def headings(self) -> list[str]:
        """The headings a passage of this segment quotes above its body (none for a preamble,
        closing or footnote)."""
        return [] if self.kind in ("footnote", "closing", "preamble") else _context(self.path)

    def add(self, text: str, page: int | None) -> None:
        """Append a block."""
        self.blocks.append(Block(text, page))


@dataclass(frozen=True)
class TableItem:
    """One item of a table: its header row, its group row ("II. | Về văn hóa – xã hội") if any,
    its own rows (the numbered row and the continuation rows under it), with its label, and the
    numbered rows of the items it is a sub-item of ("3 | Tỷ lệ tổ chức đảng hoàn thành tốt nhiệm vụ"
    above "3.2 | Tổ chức cơ sở đảng"): a sub-item's own row names only what sets it apart."""

    header: Block
    group: Block | None
    rows: tuple[Block, ...]
    label: str
    parents: tuple[Block, ...] = ()

    @property
    def quoted(self) -> list[Block]:
        """Every row a passage about this item quotes, header first, then its group and parents."""
        return [self.header, *([self.group] if self.group else []), *self.parents, *self.rows]


@dataclass
class _Para:
    text: str  # cleaned, joined
    raw: str
    is_table: bool = False
    footnote: int | None = None
    page: int | None = None


def _is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.9


def _numbering(text: str) -> tuple[str, str] | None:
    for style, rx in _NUMBERINGS:
        m = rx.match(text)
        if m:
            if style == "letter" and not _is_upper_line(text[m.end() : m.end() + 30] or "x"):
                continue
            return style, m.group(1)
    return None


_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–]\s*)?(?:[Tt]rang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$")


def _paged_lines(text: str, paged: bool) -> list[tuple[str, int | None, bool]]:
    """Lines with their page and whether each is the first non-blank line of a page after a break.

    The form feed goes; a page-number line right before or after a break goes too (a loader may
    leave one in), so it never sits inside a sentence that runs on to the next page."""
    lines = text.split("\n")
    breaks = [i for i, line in enumerate(lines) if "\f" in line]
    drop: set[int] = set()
    for i in breaks:
        rest = lines[i].replace("\f", "")
        if rest.strip() and _PAGE_NUMBER_RE.match(rest):
            drop.add(i)
        for step in (-1, 1):
            if step == 1 and rest.strip() and i not in drop:
                continue  # the page starts with text on the break's own line
            j = i + step
            while 0 <= j < len(lines) and not lines[j].strip():
                j += step
            if 0 <= j < len(lines) and "\f" not in lines[j] and _PAGE_NUMBER_RE.match(lines[j]):
                drop.add(j)
    out: list[tuple[str, int | None, bool]] = []
    page = 1 if paged else None
    fresh = False
    for i, line in enumerate(lines):
        if "\f" in line:
            if page is not None:
                page += line.count("\f")
            fresh = True
            line = line.replace("\f", "")
        if i in drop:
            line = ""
        out.append((line, page, fresh and bool(line.strip())))
        if line.strip():
            fresh = False
    return out


def _wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text (a PDF's layout text) wraps at, or None for a text whose
    paragraphs are one line each: 90% of non-blank lines are no longer than it, and at least a
    third of them reach within 15 characters of it."""
    lengths = sorted(len(line.rstrip().expandtabs()) for line in lines if line.strip())
    if len(lengths) < 15:
        return None
    width = lengths[int(len(lengths) * 0.9)]
    if width > 110 or sum(n >= width - 15 for n in lengths) < len(lengths) / 3:
        return None
    return width


_PIPE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _pipe_row(line: str) -> str:
    """A plain-text or markdown table row ("1 | Sở Xây dựng | Tháng 7/2026", "| a | b |") as the
    loaders write rows, cells separated by tabs; any other line unchanged."""
    if "\t" in line or line.count(" | ") < 2:
        return line
    cells = line.strip().split("|")
    if cells and not cells[0].strip() and line.lstrip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1].strip() and line.rstrip().endswith("|"):
        cells = cells[:-1]
    return "\t".join(c.strip() for c in cells)


def _paragraphs(text: str, paged: bool | None = None) -> list[_Para]:
    """Lines → logical paragraphs: bold spans over several lines are joined, lines cut by a page
    break or an inserted footnote are rejoined, footnotes and table rows are kept apart."""
    paged_lines = _paged_lines(text, "\f" in text if paged is None else paged)
    width = _wrap_width([line for line, _, _ in paged_lines])
    merged: list[tuple[str, int | None, bool]] = []
    buf = ""
    buf_page: int | None = None
    buf_fresh = False
    for line, page, fresh in paged_lines:
        if _PIPE_RULE_RE.match(line):  # a markdown table's rule row
            continue
        line = _pipe_row(line)
        if buf:
            buf += "\n" + line
            if buf.count("**") % 2 == 0:
                merged.append((buf, buf_page, buf_fresh))
                buf = ""
            continue
        if line.count("**") % 2 == 1 and "\t" not in line:
            buf, buf_page, buf_fresh = line, page, fresh
            continue
        merged.append((line, page, fresh))
    if buf:
        merged.append((buf, buf_page, buf_fresh))

    # a PDF's footnote: "1 Văn phòng UBND tỉnh về …" in the last lines of a page, its marker glued to
    # a word of the body ("… của ngành1 và …")
    glued = {int(n) for n in _GLUED_MARKER_RE.findall(text)}
    to_break = [0] * len(merged)
    left = 0  # the end of the text ends the last page
    for i in range(len(merged) - 1, -1, -1):
        to_break[i] = left
        if merged[i][2]:
            left = 0
        elif merged[i][0].strip():
            left += 1

    paras: list[_Para] = []
    last_footnote = 0
    prev_blank = True
    for n, (raw, page, fresh) in enumerate(merged):
        if not raw.strip():
            prev_blank = True
            continue
        if fresh:  # blank lines around a page break are layout, not a paragraph break
            prev_blank = False
        if paras and paras[-1].footnote is not None and paras[-1].page is not None and not fresh:
            plain = _FOOTNOTE_PLAIN_RE.match(raw.strip())
            if not (plain and int(plain.group(1)) in glued) and not _numbering(raw.strip()):
                paras[-1].text += " " + clean_markup(raw.strip())  # the footnote goes on
                continue
        is_table = raw.count("\t") >= 2 or (raw.count("\t") == 1 and paras and paras[-1].is_table)
        if _TABLE_RULE_RE.match(raw):
            prev_blank = True
            continue
        cleaned = " ".join(clean_markup(x) for x in raw.split("\n")).strip()
        if not cleaned and not is_table:
            continue
        if is_table:
            paras.append(
                _Para(text="\t".join(clean_markup(c) for c in raw.split("\t")), raw=raw, is_table=True, page=page)
            )
            prev_blank = False
            continue
        m = SUPERSCRIPT_RUN.match(cleaned)
        if m:
            last_footnote = superscript_to_int(m.group(0))
            paras.append(_Para(text=cleaned, raw=raw, footnote=last_footnote, page=page))
            prev_blank = False
            continue
        m2 = _FOOTNOTE_PLAIN_RE.match(cleaned)
        bottom = page is not None and to_break[n] <= _FOOTNOTE_BOTTOM_LINES and m2 and int(m2.group(1)) in glued
        if bottom or (m2 and last_footnote and last_footnote < int(m2.group(1)) <= last_footnote + 3):
            last_footnote = int(m2.group(1))
            paras.append(_Para(text=cleaned, raw=raw, footnote=last_footnote, page=page))
            continue
        starts_lower = cleaned[0].islower() and _numbering(cleaned) is None
        target = next((p for p in reversed(paras) if p.footnote is None), None)
        # the first line of a numbered paragraph that wraps at the page width is not a heading
        wrapped_numbered = (
            target is not None
            and width is not None
            and len(target.raw.split("\n")[-1].rstrip().expandtabs()) >= width - 12
            and _numbering(target.text) is not None
            and not _is_upper_line(target.text)
        )
        if (
            target is not None
            and not target.is_table
            and (
                starts_lower
                or (
                    not prev_blank
                    and not first_sentence_end(target.text)
                    and not _numbering(cleaned)
                    and (wrapped_numbered or not _numbering(target.text))
                    and not cleaned.startswith(("-", "+"))
                    and not SIGNATURE_LINE.match(cleaned)
                    and not _is_upper_line(cleaned)
                    and not _is_upper_line(target.text)
                )
            )
        ):
            target.text = target.text.rstrip() + " " + cleaned
            target.raw += "\n" + raw
            prev_blank = False
            continue
        paras.append(_Para(text=cleaned, raw=raw, page=page))
        prev_blank = False
    return paras


def _classify_heading(para: _Para) -> tuple[str, str, str | None] | None:
    """(style, heading text, inline body) when a paragraph is a numbered heading, else None."""
    text = para.text
    num = _numbering(text)
    if num is None:
        return None
    style, _ = num
    stripped = para.raw.strip().lstrip("#").strip()
    bold_whole = (stripped.startswith("**") and stripped.rstrip(".:").endswith("**")) or para.raw.lstrip().startswith(
        "#"
    )
    lv = _LABEL_VALUE_RE.match(text)
    if lv and style not in ("phan", "paren") and len(lv.group(2)) > 0 and "(" not in lv.group(1):
        label = lv.group(1)
        if len(label) <= 70:
            return style, label.strip(), text
    if style == "phan":
        return style, text, None
    if style == "dieu":
        # "Điều 3. Cơ chế hoạt động" is a heading; "Điều 4. Quyết định này có hiệu lực …." is an
        # article whose one sentence is its body
        m = _NUMBERINGS_BY_STYLE["dieu"].match(text)
        assert m is not None
        rest = text[m.end() :].strip()
        if rest and (len(rest) > 160 or rest.endswith((".", ";")) and not _is_upper_line(rest)):
            return style, m.group(1), text
        return style, text.rstrip(":").strip(), None
    if len(text) > 320:
        return None
    if text.rstrip().endswith(":"):
        return style, text.rstrip(": "), None
    if text.rstrip().endswith((".", ";", "./.")) and not (bold_whole and len(text) < 120 and style != "paren"):
        # "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU./." is an empty outline heading, still a heading
        if not (_is_upper_line(text) and len(text) < 160):
            return None
    if style == "paren" and not bold_whole:
        return None
    return style, text, None


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def parse_segments(text: str, paged: bool | None = None) -> list[Segment]:
    """The one parse of a document: walk its paragraphs with a stack of open headings and emit
    segments. ``paged`` says the file has pages (blocks then carry their page); by default a text
    with a form feed has pages."""
    paras = _paragraphs(text, paged)
    stack: list[Heading] = []
    segments: list[Segment] = [Segment(path=[], kind="preamble")]
    seen_heading = False
    closing = False  # inside "Nơi nhận" / signature

    def new_segment(kind: str = "body") -> Segment:
        seg = Segment(path=list(stack), kind=kind)
        segments.append(seg)
        return seg

    current = segments[0]
    footnotes: list[_Para] = []
    absorbed: set[int] = set()
    for i, para in enumerate(paras):
        if i in absorbed:
            continue
        if para.footnote is not None:
            footnotes.append(para)
            continue
        if para.is_table:
            if current.kind != "table":
                current = new_segment("table")
            current.add(para.text, para.page)
            continue
        cleaned = para.text
        if _RECIPIENTS_RE.match(cleaned) or (SIGNATURE_LINE.match(cleaned) and not closing):
            closing = True
            stack = [h for h in stack if h.style == "part"][:1] + [Heading("closing", "Nơi nhận, chữ ký")]
            current = new_segment("closing")
            current.add(cleaned, para.page)
            continue
        part = _PART_RE.match(cleaned)
        if part or (
            closing
            and _is_upper_line(cleaned)
            and len(cleaned) > 15
            and not SIGNATURE_LINE.match(cleaned)
            and i + 1 < len(paras)
            and len(cleaned) > 25
        ):
            closing = False
            stack = [Heading("part", _short(cleaned, 160))]
            current = new_segment("body")
            seen_heading = True
            continue
        if closing:
            current.add(cleaned, para.page)
            continue
        heading = _classify_heading(para)
        if heading is not None:
            style, head_text, inline = heading
            title = _title_line(paras, i + 1) if style in ("chuong", "muc") and _bare(head_text) else None
            if title is not None:  # "Chương II" / "NHỮNG QUY ĐỊNH CHUNG" on the next line
                head_text = f"{head_text}. {paras[i + 1].text}"
                absorbed.add(i + 1)
            for idx, h in enumerate(stack):
                if h.style == style:
                    stack = stack[:idx]
                    break
            stack.append(Heading(style, head_text, inline=inline is not None))
            seen_heading = True
            current = new_segment("body")
            if inline:
                current.add(inline, para.page)
            continue
        if (not seen_heading and current.kind == "preamble") or cleaned.endswith("./.") and stack:
            if cleaned.endswith("./.") and seen_heading:
                # the unnumbered closing paragraph applies to every unit of the top section
                top = [h for h in stack if h.style in ("part", "phan")]
                first_numbered = next((h for h in stack if h.style not in ("part", "phan")), None)
                base = top + ([first_numbered] if first_numbered else [])
                if len(stack) > len(base) and current.blocks:
                    seg = Segment(
                        path=base + [Heading("closing_para", "(đoạn kết, áp dụng cho mọi đơn vị)")],
                        kind="body",
                        blocks=[Block(cleaned, para.page)],
                    )
                    segments.append(seg)
                    current = new_segment("body")
                    continue
        current.add(cleaned, para.page)
    for fn in footnotes:
        segments.append(
            Segment(
                path=[Heading("footnote", f"Chú thích {fn.footnote}")],
                kind="footnote",
                blocks=[Block(fn.text, fn.page)],
                note=fn.footnote,
            )
        )
    # a heading with nothing under it but sub-headings stays, empty: an outline lists it (a report's
    # đề cương is headings to fill in: "C. CẢI CÁCH HÀNH CHÍNH" / "1. Cải cách thể chế" / "2. …")
    return [s for s in segments if s.blocks or (s.kind == "body" and s.path)]


def _bare(head_text: str) -> bool:
    """A heading that is only its numbering ("Chương II", "Mục 1")."""
    return bool(re.fullmatch(r"\S+\s+\S+[.:]?", head_text.strip()))


def _title_line(paras: list[_Para], j: int) -> str | None:
    """The title under a bare "Chương"/"Mục" heading: the next paragraph when it is short, not
    numbered and not a sentence."""
    if j >= len(paras):
        return None
    nxt = paras[j]
    if nxt.is_table or nxt.footnote is not None or _numbering(nxt.text) or len(nxt.text) > 160:
        return None
    return None if nxt.text.rstrip().endswith((".", ";", ":")) else nxt.text


def _pieces(unit: str) -> list[str]:
    """A unit longer than a passage is cut at sentence ends (and inline '(n)' items)."""
    if len(unit) <= MAX_BODY:
        return [unit]
    out: list[str] = []
    for sent in split_sentences(unit):
        while len(sent) > MAX_BODY:  # a monster sentence: cut at a comma or semicolon
            cut = max(sent.rfind(", ", 0, MAX_BODY), sent.rfind("; ", 0, MAX_BODY))
            cut = cut if cut > MAX_BODY // 3 else MAX_BODY
            out.append(sent[: cut + 1].strip())
            sent = sent[cut + 1 :].strip()
        if sent:
            out.append(sent)
    return out


def _pack(blocks: list[Block]) -> list[list[Block]]:
    """Pack blocks (cut into pieces) into groups of at most MAX_BODY characters, each group starting
    with the last piece of the previous one, so evidence that spans two neighbouring units is
    quoted whole. A piece keeps the page of the block it comes from."""
    pieces = [Block(p, b.page) for b in blocks for p in _pieces(b.text)]
    groups: list[list[Block]] = []
    cur: list[Block] = []
    size = 0
    for p in pieces:
        if cur and size + len(p.text) > MAX_BODY:
            groups.append(cur)
            last = cur[-1]
            cur = [last] if len(last.text) + len(p.text) <= MAX_BODY * 1.35 else []
            size = sum(len(x.text) for x in cur)
        cur.append(p)
        size += len(p.text)
    if cur and (not groups or cur != groups[-1][-len(cur) :]):
        groups.append(cur)
    return groups


def _context(path: list[Heading]) -> list[str]:
    """Headings quoted above a passage: the nearest one or two real headings."""
    real = [h for h in path if not h.inline and h.style not in ("closing", "closing_para")]
    picked: list[str] = []
    for h in reversed(real):
        if h.style == "part" and picked:
            break
        if picked and sum(len(x) for x in picked) + len(h.text) > 260:
            break
        picked.insert(0, _short(h.text, 200))
        if len(picked) == 2:
            break
    return picked


_GROUP_CELL_RE = re.compile(r"[IVX]{1,4}\.?")
_SUB_LABEL_RE = re.compile(r"\d+(?:\.\d+)+")  # "3.2", "4.1.1": a sub-item's number (its trailing dot dropped)


def table_items(seg: Segment) -> list[TableItem]:
    """A table segment's items: the header (its first row), the group row an item sits under
    ("II. | Về văn hóa – xã hội"), the numbered row and the continuation rows under it (empty
    number cell), and the numbered rows of the items whose label its own extends ("3" for "3.2",
    "4.1" for "4.1.1"). A header repeated after a page break is not a row."""
    if not seg.blocks:
        return []
    header = seg.blocks[0]
    group: Block | None = None
    items: list[TableItem] = []
    cur: list[Block] = []
    label = ""
    by_label: dict[str, TableItem] = {}  # the items under the current group, by label

    def flush() -> None:
        if cur:
            parent = by_label.get(label.rpartition(".")[0]) if _SUB_LABEL_RE.fullmatch(label) else None
            parents = (*parent.parents, parent.rows[0]) if parent else ()
            item = TableItem(header, group, tuple(cur), label, parents)
            items.append(item)
            by_label[label] = item

    for row in seg.blocks[1:]:
        if row.text.strip() == header.text.strip():
            continue
        first = row.cells[0]
        if _GROUP_CELL_RE.fullmatch(first):
            flush()
            cur, group, label = [], row, ""
            by_label = {}
            continue
        if first:
            flush()
            cur, label = [row], first.rstrip(".")
            continue
        cur.append(row)
    flush()
    return items


def is_group_row(row: Block) -> bool:
    """A row that names a group of items ("I. | Về kinh tế"), not an item."""
    return bool(_GROUP_CELL_RE.fullmatch(row.cells[0]))


def render_row(row: Block | str) -> str:
    """A table row as a person reads it: cells joined by " | ", a leading "| " when its number
    cell is empty (a continuation row), trailing empty cells dropped."""
    cells = [c.strip() for c in (row.text if isinstance(row, Block) else row).split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    if cells and not cells[0]:
        return "| " + " | ".join(cells[1:])
    return " | ".join(cells)


def row_cells(header: Block, row: Block) -> tuple[tuple[str, str], ...]:
    """A row as (column header, value) pairs; cells beyond the header have an empty header."""
    heads = header.cells
    values = row.cells
    while values and not values[-1]:
        values.pop()
    return tuple((heads[i] if i < len(heads) else "", v) for i, v in enumerate(values))


def body_lines(text: str, section: str) -> list[str]:
    """A passage's non-empty lines without the headings of its section path repeated at its top
    (they are context for the reader, not part of what the passage says). Prefer a passage's
    ``body``: this is for callers that still hold only the flattened text."""
    headings = {part.strip() for part in section.split(SECTION_SEP)}
    return [line for line in text.split("\n") if line.strip() and line.strip() not in headings]


_TABLE_PASSAGE_CHARS = 1100  # a table item quoted with more rows than this loses its last rows


NOTE_MAX_CHARS = 300  # a footnote quoted under the passage citing it is cut here (it stays whole on its own)
NOTES_PER_PASSAGE = 3  # footnotes quoted under one passage at most
QUOTE_MAX_CHARS = 1200  # ... while the quote with its notes stays chat-sized (score.py reads 1500)


def footnote_texts(segments: list[Segment]) -> dict[int, str]:
    """Each footnote's text by its number; a number used twice in a document (two numberings) is
    left out, as it cannot be told which one a mark cites."""
    notes: dict[int, str] = {}
    twice: set[int] = set()
    for seg in segments:
        n = seg.note
        if n is None:
            continue
        if n in notes:
            twice.add(n)
        notes[n] = " ".join(seg.units)
    return {n: t for n, t in notes.items() if n not in twice}


def cited_notes(body: str, notes: dict[int, str], room: int) -> tuple[str, ...]:
    """The footnotes a body cites by its superscript marks ("… ban hành²" → "² Quyết định số 01 …"),
    in order, each once, within ``room`` characters: a reader sees what the mark points to, under
    the sentence that makes it."""
    cited: list[int] = []
    for m in SUPERSCRIPT_RUN.finditer(body):
        n = superscript_to_int(m.group(0))
        if n in notes and n not in cited:
            cited.append(n)
    out: list[str] = []
    for n in cited[:NOTES_PER_PASSAGE]:
        note = _short(notes[n], NOTE_MAX_CHARS)
        if sum(map(len, out)) + len(note) > room:
            break
        out.append(note)
    return tuple(out)


# kinds of passage that restate words other passages hold (an outline lists sub-headings, each the
# heading of a passage of its own): searched, but kept out of the corpus statistics (document
# frequencies, average length, a document's mean score), so adding them moves no other passage's
# score: a first version counted them, and eight short outlines flipped a near tie between a plan and
# the compilations that copy it (tests/test_doc_context.py)
DERIVED_KINDS = frozenset({"outline"})
OUTLINE_MIN_ITEMS = 2  # a heading with at least this many sub-headings gets an outline passage


def outlines(doc: str, segments: list[Segment], start: int) -> list[Passage]:
    """For each heading with no text of its own, only sub-headings, a passage listing them under it
    ("C. CẢI CÁCH HÀNH CHÍNH" / "1. Cải cách thể chế" / "2. Cải cách thủ tục hành chính" …: a
    report's đề cương is headings to fill in). Without it those headings are in no passage at all, and
    "phần này gồm những mục gì" has nothing to find. Search offers these to list questions only
    (``Tuning.outline_penalty``)."""
    children: dict[tuple[Heading, ...], list[Heading]] = {}
    where: dict[tuple[Heading, ...], tuple[str, int | None]] = {}
    spoken: set[tuple[Heading, ...]] = set()  # headings with text of their own
    for seg_no, seg in enumerate(segments):
        path = [h for h in seg.path if not h.inline and h.style not in ("closing", "closing_para", "footnote")]
        if seg.blocks:
            spoken.add(tuple(path))
        for depth in range(1, len(path)):
            parent = tuple(path[:depth])
            kids = children.setdefault(parent, [])
            if path[depth] not in kids:
                kids.append(path[depth])
            where.setdefault(parent, (f"{doc}@{seg_no}", seg.blocks[0].page if seg.blocks else None))
    out: list[Passage] = []
    for parent, kids in children.items():
        if len(kids) < OUTLINE_MIN_ITEMS or parent in spoken:
            continue
        head = tuple(_context(list(parent)))
        body = "\n".join(_short(k.text, 200) for k in kids)
        section = SECTION_SEP.join(_short(h.text, 90) for h in parent)
        key, page = where[parent]
        text = passage_text(head, body)
        out.append(Passage(doc, start + len(out), section, text, "outline", key, head, body, (), page))
    return out


CITING_MAX_CHARS = 240  # the clause a footnote is quoted under: its end, cut at a word, keeps the mark


def citing_clauses(segments: list[Segment], notes: dict[int, str]) -> dict[int, tuple[str, str]]:
    """For each footnote, where it is cited: the section of the first body that marks it and the clause
    that carries the mark, back to the sentence, semicolon or earlier mark before it ("… triển khai thi
    tuyển 07 chức danh tại 03 đơn vị làm điểm²²" for "²² Ban Tổ chức Thành ủy; Thành đoàn; …"). A note
    says what its mark points to and never what it is about, so on its own neither the search nor a
    reader can tell what "Ban Tổ chức Thành ủy; Thành đoàn" answers."""
    out: dict[int, tuple[str, str]] = {}
    for seg in segments:
        if seg.kind == "footnote":
            continue
        for text in seg.units:
            start = 0
            for m in SUPERSCRIPT_RUN.finditer(text):
                n = superscript_to_int(m.group(0))
                cut = max(text.rfind(". ", start, m.start()), text.rfind("; ", start, m.start()))
                begin = cut + 2 if cut >= 0 else start
                clause = SUPERSCRIPT_RUN.sub("", text[begin : m.start()]).strip(" ,;:")
                start = m.end()
                if n not in notes or n in out or not clause:
                    continue
                if len(clause) > CITING_MAX_CHARS:
                    tail = clause[-CITING_MAX_CHARS:]
                    clause = "…" + tail[tail.find(" ") + 1 :]
                out[n] = (seg.section, clause + m.group(0))
    return out


def passages_from(doc: str, segments: list[Segment]) -> list[Passage]:
    """A parsed document's passages, with section paths, quoted headings, table cells and pages, the
    footnotes each cites (quoted under it; the search reads the note as a passage of its own), and an
    outline of each heading's sub-headings."""
    passages: list[Passage] = []
    notes = footnote_texts(segments)
    citing = citing_clauses(segments, notes)
    for seg_no, seg in enumerate(segments):
        section = seg.section
        key = f"{doc}@{seg_no}"
        context = seg.headings
        blocks = seg.blocks
        if seg.kind == "footnote" and seg.note in citing:  # quoted under the clause citing it, in its section
            where, clause = citing[seg.note]
            section, blocks = where + SECTION_SEP + section, [Block(clause, blocks[0].page), *blocks]
        if seg.kind == "table":
            for item in table_items(seg):
                head = tuple(context[-1:])
                rows = item.quoted
                while (
                    sum(map(len, list(head) + [render_row(r) for r in rows])) > _TABLE_PASSAGE_CHARS and len(rows) > 3
                ):
                    rows.pop()
                body = "\n".join(render_row(r) for r in rows)
                cells = tuple(row_cells(item.header, r) for r in rows[1:])
                sec = section + (SECTION_SEP + item.label if item.label else "")
                page = next((r.page for r in item.rows if r.page is not None), None)
                passages.append(
                    Passage(doc, len(passages), sec, passage_text(head, body), "table", key, head, body, cells, page)
                )
            continue
        head = tuple(context)
        for group in _pack(blocks):
            body = "\n".join(b.text for b in group)
            page = group[0].page
            text = passage_text(head, body)
            cites = cited_notes(body, notes, QUOTE_MAX_CHARS - len(text)) if seg.kind != "footnote" else ()
            passages.append(Passage(doc, len(passages), section, text, seg.kind, key, head, body, (), page, cites))
    return passages + outlines(doc, segments, len(passages))


def chunk(doc: str, text: str, paged: bool | None = None) -> list[Passage]:
    """Cut a document's text into passages (parse and passages in one call, for tests and tools)."""
    return passages_from(doc, parse_segments(text, paged))
