"""Find a document's own structure and cut it into citable passages.

Headings are recognised by their numbering (PHẦN THỨ…, A., I., 1., 1.1., 1.1.1., a), (1)), never
by markdown level, because the seed documents use ``#`` inconsistently. Nesting follows the order
in which numbering styles appear (a style already open closes everything below it), so both
"B. > I." and "II. > B." nest correctly. Every passage carries its section path and quotes the
headings right above it, so a unit named only in a heading ("3.4. Ban Dân vận Thành ủy") stays
attached to its bullets.
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

MAX_BODY = 650  # characters of body per passage; with headings most passages stay under ~900
PATH_SEP = " › "

_NUMBERINGS: list[tuple[str, re.Pattern[str]]] = [
    ("phan", re.compile(r"^(PHẦN THỨ [A-ZÀ-Ỹ]+|Phần thứ [a-zà-ỹ]+)\b[.:]?\s*", re.UNICODE)),
    ("n3", re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+")),
    ("n2", re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s+")),
    ("roman", re.compile(r"^([IVX]{1,5})\.\s*")),
    ("letter", re.compile(r"^([A-H])\.\s+")),
    ("n1", re.compile(r"^(\d{1,2})\.\s*")),
    ("alpha", re.compile(r"^([a-zđ])\)\s+")),
    ("paren", re.compile(r"^\((\d{1,2})\)\s+")),
]
_PART_RE = re.compile(r"^(PHỤ LỤC|Phụ lục|ĐỀ CƯƠNG)\b")
_RECIPIENTS_RE = re.compile(r"^Nơi nhận\s*:?\s*$", re.IGNORECASE)
_SIGNATURE_RE = re.compile(r"^(T/M|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s*[A-ZĐÀ-Ỹ]")
_FOOTNOTE_PLAIN_RE = re.compile(r"^(\d{1,3})\s+(?=[A-ZĐÀ-Ỹ])")
_LABEL_VALUE_RE = re.compile(r"^(.{1,60}?):\s+(\S.*)$")
_TABLE_RULE_RE = re.compile(r"^\s*[-=_]{4,}\s*$")


@dataclass(frozen=True)
class Passage:
    """One citable piece of a document."""

    doc: str
    ordinal: int
    section: str
    text: str
    kind: str = "body"  # body | table | footnote | preamble | closing
    section_key: str = ""

    @property
    def pid(self) -> str:
        """Stable id within an index build."""
        return f"{self.doc}#{self.ordinal}"


@dataclass
class _Heading:
    style: str
    text: str  # cleaned heading text as shown
    inline: bool = False  # label-value line: its text is already in the body


@dataclass
class _Segment:
    path: list[_Heading]
    kind: str
    units: list[str] = field(default_factory=list)


@dataclass
class _Para:
    text: str  # cleaned, joined
    raw: str
    is_table: bool = False
    footnote: int | None = None


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


def _paragraphs(text: str) -> list[_Para]:
    """Lines → logical paragraphs: bold spans over several lines are joined, lines cut by a page
    break or an inserted footnote are rejoined, footnotes and table rows are kept apart."""
    raw_lines = text.split("\n")
    merged: list[str] = []
    buf = ""
    for line in raw_lines:
        if buf:
            buf += "\n" + line
            if buf.count("**") % 2 == 0:
                merged.append(buf)
                buf = ""
            continue
        if line.count("**") % 2 == 1 and "\t" not in line:
            buf = line
            continue
        merged.append(line)
    if buf:
        merged.append(buf)

    paras: list[_Para] = []
    last_footnote = 0
    prev_blank = True
    for raw in merged:
        if not raw.strip():
            prev_blank = True
            continue
        is_table = raw.count("\t") >= 2 or (raw.count("\t") == 1 and paras and paras[-1].is_table)
        if _TABLE_RULE_RE.match(raw):
            prev_blank = True
            continue
        cleaned = " ".join(clean_markup(x) for x in raw.split("\n")).strip()
        if not cleaned and not is_table:
            continue
        if is_table:
            paras.append(_Para(text="\t".join(clean_markup(c) for c in raw.split("\t")), raw=raw, is_table=True))
            prev_blank = False
            continue
        m = SUPERSCRIPT_RUN.match(cleaned)
        if m:
            last_footnote = superscript_to_int(m.group(0))
            paras.append(_Para(text=cleaned, raw=raw, footnote=last_footnote))
            prev_blank = False
            continue
        m2 = _FOOTNOTE_PLAIN_RE.match(cleaned)
        if m2 and last_footnote and last_footnote < int(m2.group(1)) <= last_footnote + 3:
            last_footnote = int(m2.group(1))
            paras.append(_Para(text=cleaned, raw=raw, footnote=last_footnote))
            continue
        starts_lower = cleaned[0].islower() and _numbering(cleaned) is None
        target = next((p for p in reversed(paras) if p.footnote is None), None)
        if (
            target is not None
            and not target.is_table
            and (
                starts_lower
                or (
                    not prev_blank
                    and not first_sentence_end(target.text)
                    and not _numbering(cleaned)
                    and not _numbering(target.text)
                    and not cleaned.startswith(("-", "+"))
                    and not _SIGNATURE_RE.match(cleaned)
                    and not _is_upper_line(cleaned)
                    and not _is_upper_line(target.text)
                )
            )
        ):
            target.text = target.text.rstrip() + " " + cleaned
            target.raw += "\n" + raw
            prev_blank = False
            continue
        paras.append(_Para(text=cleaned, raw=raw))
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


def parse_segments(text: str) -> list[_Segment]:
    """Walk the paragraphs with a stack of open headings and emit body segments."""
    paras = _paragraphs(text)
    stack: list[_Heading] = []
    segments: list[_Segment] = [_Segment(path=[], kind="preamble")]
    seen_heading = False
    closing = False  # inside "Nơi nhận" / signature

    def new_segment(kind: str = "body") -> _Segment:
        seg = _Segment(path=list(stack), kind=kind)
        segments.append(seg)
        return seg

    current = segments[0]
    footnotes: list[_Para] = []
    for i, para in enumerate(paras):
        if para.footnote is not None:
            footnotes.append(para)
            continue
        if para.is_table:
            if current.kind != "table":
                current = new_segment("table")
            current.units.append(para.text)
            continue
        cleaned = para.text
        if _RECIPIENTS_RE.match(cleaned) or (_SIGNATURE_RE.match(cleaned) and not closing):
            closing = True
            stack = [h for h in stack if h.style == "part"][:1] + [_Heading("closing", "Nơi nhận, chữ ký")]
            current = new_segment("closing")
            current.units.append(cleaned)
            continue
        part = _PART_RE.match(cleaned)
        if part or (
            closing
            and _is_upper_line(cleaned)
            and len(cleaned) > 15
            and not _SIGNATURE_RE.match(cleaned)
            and i + 1 < len(paras)
            and len(cleaned) > 25
        ):
            closing = False
            stack = [_Heading("part", _short(cleaned, 160))]
            current = new_segment("body")
            seen_heading = True
            continue
        if closing:
            current.units.append(cleaned)
            continue
        heading = _classify_heading(para)
        if heading is not None:
            style, head_text, inline = heading
            for idx, h in enumerate(stack):
                if h.style == style:
                    stack = stack[:idx]
                    break
            stack.append(_Heading(style, head_text, inline=inline is not None))
            seen_heading = True
            current = new_segment("body")
            if inline:
                current.units.append(inline)
            continue
        if (not seen_heading and current.kind == "preamble") or cleaned.endswith("./.") and stack:
            if cleaned.endswith("./.") and seen_heading:
                # the unnumbered closing paragraph applies to every unit of the top section
                top = [h for h in stack if h.style in ("part", "phan")]
                first_numbered = next((h for h in stack if h.style not in ("part", "phan")), None)
                base = top + ([first_numbered] if first_numbered else [])
                if len(stack) > len(base) and current.units:
                    seg = _Segment(
                        path=base + [_Heading("closing_para", "(đoạn kết, áp dụng cho mọi đơn vị)")],
                        kind="body",
                        units=[cleaned],
                    )
                    segments.append(seg)
                    current = new_segment("body")
                    continue
        current.units.append(cleaned)
    for fn in footnotes:
        segments.append(
            _Segment(path=[_Heading("footnote", f"Chú thích {fn.footnote}")], kind="footnote", units=[fn.text])
        )
    return [s for s in segments if s.units]


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


def _pack(units: list[str]) -> list[list[str]]:
    """Pack units into groups of at most MAX_BODY characters, each group starting with the last
    unit of the previous one, so evidence that spans two neighbouring units is quoted whole."""
    pieces = [p for u in units for p in _pieces(u)]
    groups: list[list[str]] = []
    cur: list[str] = []
    size = 0
    for p in pieces:
        if cur and size + len(p) > MAX_BODY:
            groups.append(cur)
            last = cur[-1]
            cur = [last] if len(last) + len(p) <= MAX_BODY * 1.35 else []
            size = sum(len(x) for x in cur)
        cur.append(p)
        size += len(p)
    if cur and (not groups or cur != groups[-1][-len(cur) :]):
        groups.append(cur)
    return groups


def _context(path: list[_Heading]) -> list[str]:
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


def _table_groups(rows: list[str]) -> list[tuple[list[str], str]]:
    """Table rows → (rows to quote, row label) per item: header, its group row, the item row and
    the continuation rows under it (empty number cell)."""
    if not rows:
        return []
    header = rows[0]
    group: str | None = None
    items: list[tuple[list[str], str]] = []
    cur: list[str] = []
    label = ""

    def flush() -> None:
        if cur:
            items.append(([header] + ([group] if group else []) + list(cur), label))

    for row in rows[1:]:
        if row.strip() == header.strip():
            continue
        first = row.split("\t")[0].strip()
        if re.fullmatch(r"[IVX]{1,4}\.?", first):
            flush()
            cur, group, label = [], row, ""
            continue
        if first:
            flush()
            cur, label = [row], first.rstrip(".")
            continue
        cur.append(row)
    flush()
    return items


def _render_row(row: str) -> str:
    cells = [c.strip() for c in row.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    if cells and not cells[0]:
        return "| " + " | ".join(cells[1:])
    return " | ".join(cells)


def body_lines(text: str, section: str) -> list[str]:
    """A passage's non-empty lines without the headings of its section path repeated at its top
    (they are context for the reader, not part of what the passage says)."""
    headings = {part.strip() for part in section.split(PATH_SEP)}
    return [line for line in text.split("\n") if line.strip() and line.strip() not in headings]


def chunk(doc: str, text: str) -> list[Passage]:
    """Cut a document's text into passages with section paths."""
    passages: list[Passage] = []
    for seg_no, seg in enumerate(parse_segments(text)):
        names = [_short(h.text, 90) for h in seg.path]
        section = PATH_SEP.join(names) if names else "Phần đầu văn bản"
        key = f"{doc}@{seg_no}"
        context = _context(seg.path)
        if seg.kind == "table":
            for rows, label in _table_groups(seg.units):
                head = context[-1:] if context else []
                body = [_render_row(r) for r in rows]
                while sum(map(len, head + body)) > 1100 and len(body) > 3:
                    body.pop()
                sec = section + (PATH_SEP + label if label else "")
                passages.append(Passage(doc, len(passages), sec, "\n".join(head + body), "table", key))
            continue
        if seg.kind in ("footnote", "closing", "preamble"):
            context = []
        for group in _pack(seg.units):
            text_out = "\n".join(context + group)
            passages.append(Passage(doc, len(passages), section, text_out, seg.kind, key))
    return passages
