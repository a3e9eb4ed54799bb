"""Small office files made here for the loader tests: no real document is copied into the project."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from index.ingest import encodings, systools

FIXTURES = Path(__file__).resolve().parent / "fixtures"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def need_tools(*tools: str) -> None:
    """Skip when a system program is missing on a developer's machine; fail under root (CI), where
    scripts/setup.sh installs them, so a missing install step cannot pass silently."""
    missing = [t for t in tools if not systools.available(t)]
    if not missing:
        return
    if os.geteuid() == 0:
        pytest.fail(f"thiếu {', '.join(missing)} dù scripts/setup.sh chạy với quyền root")
    pytest.skip(f"thiếu {', '.join(missing)} (chạy scripts/setup.sh với quyền root để cài)")


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 (as the Windows-1252 characters a .VnTime file holds): the inverse table."""
    inverse = {u: t for t, u in encodings.TCVN3_TABLE.items()}
    return "".join(inverse.get(c, c) for c in unicodedata.normalize("NFC", text))


_VNI_TONES = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_SINGLE = {"đ": "ñ", "Đ": "Ñ", "ỉ": "æ", "Ỉ": "Æ", "ĩ": "ó", "Ĩ": "Ó", "ị": "ò", "Ị": "Ò", "ỵ": "î", "Ỵ": "Î"}


def to_vni(text: str) -> str:
    """Unicode → VNI Windows (base letter + modifier characters), written from VNI's own rules."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in _VNI_SINGLE:
            out.append(_VNI_SINGLE[ch])
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        if not marks:
            out.append(ch)
            continue
        tone = next((m for m in marks if m in _VNI_TONES), "")
        upper = base.isupper()
        if "\u031b" in marks:  # horn: ơ ư
            base = {"o": "ô", "u": "ö", "O": "Ô", "U": "Ö"}[base]
            mod = _VNI_TONES.get(tone, "")
        elif "\u0302" in marks:
            mod = _VNI_CIRC[tone]
        elif "\u0306" in marks:
            mod = _VNI_BREVE[tone]
        else:
            mod = _VNI_TONES[tone]
        out.append(base + (mod.upper() if upper else mod))
    return "".join(out)


def text_page_pdf(lines: list[str], invisible: bool = False, extra: str = "") -> bytes:
    """A one-page PDF with an ASCII text layer (Helvetica); invisible (render mode 3) as a scanner's
    OCR layer is; ``extra``: more page content (drawing operators)."""
    mode = "3 Tr " if invisible else ""
    content = f"BT {mode}/F1 12 Tf 50 750 Td " + " ".join(f"({ln}) Tj 0 -16 Td" for ln in lines) + " ET" + extra
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def ruled_table_pdf(above: list[str], rows: list[list[list[str]]]) -> bytes:
    """Text lines, then a ruled table under them whose cells may hold several lines each."""
    x0, col, line_h = 50, 160, 14
    y = 750 - 16 * len(above) - 20
    ops = []
    heights = [max(len(c) for c in row) * line_h + 8 for row in rows]
    total = sum(heights)
    width = col * len(rows[0])
    ops.append(f" 0.5 w {x0} {y - total} {width} {total} re S")
    yy = y
    for h, row in zip(heights, rows, strict=True):
        for j, cell in enumerate(row):
            for k, text in enumerate(cell):
                ops.append(f" BT /F1 11 Tf {x0 + j * col + 4} {yy - 12 - k * line_h} Td ({text}) Tj ET")
        yy -= h
        ops.append(f" {x0} {yy} m {x0 + width} {yy} l S")
    for j in range(1, len(rows[0])):
        ops.append(f" {x0 + j * col} {y} m {x0 + j * col} {y - total} l S")
    return text_page_pdf(above, extra="".join(ops))


def scan_pdf(lines: list[str], junk_layer: list[str] | None = None) -> bytes:
    """A 'scanned' PDF: the typed lines drawn into a page-sized image (no text layer), optionally with
    a scanner's failed-OCR text layer laid over it."""
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Serif"), 34)
    img = Image.new("L", (1700, 2200), 255)  # A4-ish at 200 dpi: 8.5 × 11 inches
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((150, 200 + i * 60), line, font=font, fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=200)
    if not junk_layer:
        return buf.getvalue()
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    w.pages[0].merge_page(PdfReader(io.BytesIO(text_page_pdf(junk_layer, invisible=True))).pages[0])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _run(text: str, font: str | None = None, footnote: int | None = None) -> str:
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    body = f'<w:footnoteReference w:id="{footnote}"/>' if footnote is not None else ""
    t = f'<w:t xml:space="preserve">{text}</w:t>' if text else ""
    return f"<w:r>{rpr}{t}{body}</w:r>"


def para(*runs: str) -> str:
    return "<w:p>" + "".join(r if r.startswith("<w:r>") else _run(r) for r in runs) + "</w:p>"


def run(text: str, font: str | None = None, footnote: int | None = None) -> str:
    return _run(text, font, footnote)


def table(rows: list[list[str]]) -> str:
    """Cells given as XML content (paragraphs / tables)."""
    return (
        "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc>{c}</w:tc>" for c in r) + "</w:tr>" for r in rows) + "</w:tbl>"
    )


def docx(body: str, footnotes: dict[int, str] | None = None, document_xml: bytes | None = None) -> bytes:
    """A .docx package from body XML (and footnote texts)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        doc = (
            document_xml
            or f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()
        )
        zf.writestr("word/document.xml", doc)
        if footnotes:
            notes = "".join(f'<w:footnote w:id="{i}">{para(t)}</w:footnote>' for i, t in footnotes.items())
            zf.writestr(
                "word/footnotes.xml", f'<?xml version="1.0"?><w:footnotes xmlns:w="{W_NS}">{notes}</w:footnotes>'
            )
    return buf.getvalue()


def rtf(body: str, font: str = "Times New Roman") -> bytes:
    """An RTF file: body uses \\'xx escapes for its 8-bit characters (as Word writes TCVN3)."""
    escaped = "".join(f"\\'{ord(c):02x}" if ord(c) > 127 else c for c in body)
    return (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 " + font + ";}}\\f0 " + escaped + "}"
    ).encode("latin-1")


def to_cp1258(text: str) -> bytes:
    """Unicode → Windows-1258 as Word writes it: precomposed where the code page has the letter,
    else the letter with its shape (â ơ ă) followed by a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = [m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
        shape = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m not in tones))
        out += shape.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)
