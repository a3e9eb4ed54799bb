"""DOCX: body paragraphs and tables in order, nested tables, footnotes and endnotes, TCVN3 / VNI runs.

Read straight from the package's XML (lxml, as python-docx does) because python-docx drops what
these documents need: footnotes (``word/footnotes.xml``), tables inside table cells, the run fonts
that say a run is TCVN3 (.VnTime) or VNI, and the uppercase fonts (.VnTimeH) whose lowercase codes
print as capitals. Footnote marks become superscript digits after their word and the notes follow
the body as "¹ …" paragraphs, as the seed documents show them.
"""

from __future__ import annotations

import re

from lxml import etree

from index.ingest import encodings
from index.ingest.loaders.base import LoaderError, RawDocument, finish_text, superscript
from index.ingest.loaders.zipguard import open_zip, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Bounds against hostile files: a real office document has a few thousand paragraphs at most.
MAX_PARAGRAPHS = 50_000
MAX_TABLES = 2_000
# A table among the first blocks of the body, of at most this many rows, is the header block.
HEAD_BLOCKS = 3
HEAD_ROWS = 4
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


class _Fonts:
    """Font of a run: its own rFonts, else its paragraph style's (basedOn followed), else the default."""

    def __init__(self, styles_xml: bytes | None):
        self.by_style: dict[str, str] = {}
        self.based: dict[str, str] = {}
        self.default = ""
        if not styles_xml:
            return
        root = etree.fromstring(styles_xml, _PARSER)
        d = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        self.default = _font_of(d)
        for st in root.iter(f"{W}style"):
            sid = st.get(f"{W}styleId") or ""
            f = _font_of(st.find(f"{W}rPr/{W}rFonts"))
            if f:
                self.by_style[sid] = f
            b = st.find(f"{W}basedOn")
            if b is not None:
                self.based[sid] = b.get(f"{W}val") or ""

    def style_font(self, sid: str | None) -> str:
        seen = set()
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.by_style:
                return self.by_style[sid]
            sid = self.based.get(sid)
        return self.default


def _font_of(rfonts) -> str:
    if rfonts is None:
        return ""
    return rfonts.get(f"{W}ascii") or rfonts.get(f"{W}hAnsi") or rfonts.get(f"{W}cs") or ""


class _Reader:
    def __init__(self, fonts: _Fonts, notes: dict[str, dict[str, etree._Element]]):
        self.fonts = fonts
        self.notes = notes
        self.marks: list[tuple[int, str, str]] = []  # (number, kind, id)
        self.legacy: set[str] = set()
        self.paragraphs = 0
        self.tables = 0
        self.blocks_seen = 0  # body blocks read so far: the header block is among the first

    def count(self, what: str, name: str) -> None:
        if what == "p":
            self.paragraphs += 1
        else:
            self.tables += 1
        if self.paragraphs > MAX_PARAGRAPHS or self.tables > MAX_TABLES:
            raise LoaderError(
                f"Tệp .docx «{name}» có quá nhiều đoạn hoặc bảng (hơn {MAX_PARAGRAPHS} đoạn / {MAX_TABLES} bảng); "
                "có thể là tệp độc hại. Hãy chia nhỏ tài liệu rồi gửi."
            )

    def paragraph(self, p, name: str, with_marks: bool = True) -> str:
        self.count("p", name)
        ppr_style = p.find(f"{W}pPr/{W}pStyle")
        pfont = self.fonts.style_font(ppr_style.get(f"{W}val") if ppr_style is not None else None)
        out: list[str] = []
        for r in p.iter(f"{W}r"):
            if any(a.tag == MC_FALLBACK for a in r.iterancestors()):
                continue
            font = _font_of(r.find(f"{W}rPr/{W}rFonts"))
            if not font:
                rstyle = r.find(f"{W}rPr/{W}rStyle")
                font = self.fonts.style_font(rstyle.get(f"{W}val")) if rstyle is not None else ""
            font = font or pfont
            caps = r.find(f"{W}rPr/{W}caps")
            parts: list[str] = []
            for el in r:
                tag = el.tag
                if tag == f"{W}t":
                    parts.append(el.text or "")
                elif tag == f"{W}tab":
                    parts.append(" ")
                elif tag in (f"{W}br", f"{W}cr"):
                    parts.append("\n")
                elif tag in (f"{W}footnoteReference", f"{W}endnoteReference") and with_marks:
                    kind = "footnote" if tag.endswith("footnoteReference") else "endnote"
                    self.marks.append((len(self.marks) + 1, kind, el.get(f"{W}id") or ""))
                    parts.append(superscript(len(self.marks)))
            text = "".join(parts)
            enc = encodings.font_encoding(font) if font else None
            if enc:
                self.legacy.add(enc)
                text = encodings.to_unicode(text, enc)
                if encodings.is_upper_font(font):
                    text = text.upper()
            if caps is not None and caps.get(f"{W}val", "true") not in ("0", "false"):
                text = text.upper()
            out.append(text)
        return "".join(out)

    def cell_text(self, tc, name: str) -> str:
        bits: list[str] = []
        for child in _blocks(tc):
            if child.tag == f"{W}p":
                t = " ".join(self.paragraph(child, name).split())
                if t:
                    bits.append(t)
            elif child.tag == f"{W}tbl":  # a table inside a cell: its rows, "a | b" each
                self.count("t", name)
                for tr in child.iter(f"{W}tr"):
                    cells = [self.cell_text(c, name) for c in tr.findall(f"{W}tc")]
                    row = " | ".join(c for c in cells if c)
                    if row:
                        bits.append(row)
        return " ".join(bits)

    def table(self, tbl, name: str, lines: list[str]) -> None:
        self.count("t", name)
        rows = tbl.findall(f"{W}tr")
        widest = max((len(r.findall(f"{W}tc")) for r in rows), default=0)
        if widest <= 1:  # a one-column table is a frame around text: read it as text
            for tr in rows:
                for tc in tr.findall(f"{W}tc"):
                    self.blocks(tc, name, lines)
            return
        for tr in rows:
            tcs = tr.findall(f"{W}tc")
            if self.blocks_seen <= HEAD_BLOCKS and len(rows) <= HEAD_ROWS:
                # the header block (issuer | national motto, số | place and date) laid out as a
                # table: one line per paragraph of its cells, side by side, as a PDF prints it
                columns = [self.cell_lines(tc, name) for tc in tcs]
                for i in range(max((len(c) for c in columns), default=0)):
                    row = [c[i] if i < len(c) else "" for c in columns]
                    if any(row):
                        lines.append("\t".join(row))
                continue
            cells = [self.cell_text(tc, name) for tc in tcs]
            if any(cells):
                lines.append("\t".join(cells))
        lines.append("")

    def cell_lines(self, tc, name: str) -> list[str]:
        out = []
        for child in _blocks(tc):
            if child.tag == f"{W}p":
                t = " ".join(self.paragraph(child, name).split())
                if t:
                    out.append(t)
            else:
                out.append(self.cell_text_of_table(child, name))
        return out

    def cell_text_of_table(self, tbl, name: str) -> str:
        self.count("t", name)
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            cells = [self.cell_text(c, name) for c in tr.findall(f"{W}tc")]
            rows.append(" | ".join(c for c in cells if c))
        return " ".join(r for r in rows if r)

    def blocks(self, parent, name: str, lines: list[str]) -> None:
        for child in _blocks(parent):
            self.blocks_seen += 1
            if child.tag == f"{W}p":
                text = self.paragraph(child, name).strip()
                if text:
                    lines.extend([*(x.strip() for x in text.split("\n")), ""])
            elif child.tag == f"{W}tbl":
                self.table(child, name, lines)


def _blocks(parent):
    """Paragraphs and tables of a container in order, content controls (w:sdt) opened."""
    for child in parent:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _notes(xml: bytes | None, kind: str) -> dict[str, etree._Element]:
    if not xml:
        return {}
    root = etree.fromstring(xml, _PARSER)
    return {n.get(f"{W}id") or "": n for n in root.findall(f"{W}{kind}")}


def load_docx(data: bytes, name: str) -> RawDocument:
    """Paragraphs and tables of a .docx in document order; table rows as tab-separated cells."""
    with open_zip(data, name, ".docx") as zf:
        members = set(zf.namelist())
        if "word/document.xml" not in members:
            raise LoaderError(f"Tệp «{name}» có đuôi .docx nhưng không phải tài liệu Word.")

        def member(path: str) -> bytes | None:
            return read_member(zf, path, name) if path in members else None

        try:
            body_xml = member("word/document.xml") or b""
            # paragraph count bounded before the tree is built
            if body_xml.count(b"<w:p>") + body_xml.count(b"<w:p ") > MAX_PARAGRAPHS:
                raise LoaderError(
                    f"Tệp .docx «{name}» có quá nhiều đoạn (hơn {MAX_PARAGRAPHS}); có thể là tệp độc hại. "
                    "Hãy chia nhỏ tài liệu rồi gửi."
                )
            root = etree.fromstring(body_xml, _PARSER)
            fonts = _Fonts(member("word/styles.xml"))
            notes = {
                "footnote": _notes(member("word/footnotes.xml"), "footnote"),
                "endnote": _notes(member("word/endnotes.xml"), "endnote"),
            }
        except LoaderError:
            raise
        except Exception as exc:  # noqa: BLE001 - lxml / zip errors of a broken file
            raise LoaderError(f"Tệp .docx «{name}» bị hỏng, không đọc được. Hãy lưu lại bằng Word rồi gửi.") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise LoaderError(f"Tệp .docx «{name}» không có nội dung.")
    reader = _Reader(fonts, notes)
    lines: list[str] = []
    reader.blocks(body, name, lines)
    for number, kind, nid in reader.marks:
        note = notes[kind].get(nid)
        if note is None:
            continue
        text = " ".join(
            " ".join(reader.paragraph(p, name, with_marks=False).split()) for p in note.iter(f"{W}p")
        ).strip()
        if text:
            lines.extend([f"{superscript(number)} {text}", ""])
    text = finish_text("\n".join(lines))
    if not re.search(r"\w", text):
        raise LoaderError(f"Tệp .docx «{name}» không có chữ nào.")
    legacy = next(iter(reader.legacy)) if len(reader.legacy) == 1 else None
    if legacy is None:
        found = encodings.detect(text)
        if found:
            text, legacy = encodings.to_unicode(text, found), found
    return RawDocument(name=name, text=text, kind="docx", encoding=legacy)
