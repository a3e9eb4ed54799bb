"""PDF: poppler's pdftotext (layout kept), OCR for scanned pages, TCVN3 fonts converted.

pdftotext is the reader, not pypdf: pypdf drops the số and ngày of e-signed PDFs (they sit in
signature-widget appearance streams), raises on legacy filters (``/Fl``: DeprecationError) and
needs an extra package for AES. pypdf stays as the fallback where poppler is not installed.

The layout mode keeps a line's columns apart; a gap of several spaces becomes a tab, so the header
block ("UBND TỈNH …    CỘNG HÒA …") and tables come out as tab-separated rows like DOCX tables.
Page numbers and running headers/footers are removed; a form feed starts every page after the first.
"""

from __future__ import annotations

import io
import re
import tempfile
from collections import Counter
from pathlib import Path

from index.ingest import encodings, ocr, systools
from index.ingest.loaders.base import (
    EncryptedPdfError,
    LoaderError,
    PageProgress,
    RawDocument,
    ScannedPdfError,
    finish_text,
)

PDFTOTEXT_TIMEOUT_S = 120.0
MAX_PDF_PAGES = 500  # an upload is at most 20 MB; more pages than this is not an office document
# A gap of this many spaces inside a layout line separates two columns (a word gap in justified
# text is 1-3 spaces in pdftotext's layout of realdocs' text PDFs; column gaps are 5+).
COLUMN_GAP = 4
_GAP_RE = re.compile(rf" {{{COLUMN_GAP},}}")
# Layout lines of 3+ columns on a page before pdfplumber looks for a ruled table there.
TABLE_MIN_LINES = 3
# pdfplumber's rows are joined with this marker, turned into tabs after the layout columns are split.
TABLE_CELL_SEP = "\ue000"  # a private-use character: never in text, not whitespace
# A page whose image is at least this large (inches) is a scanned page.
SCAN_MIN_INCHES = (6.0, 8.0)
# A page with fewer letters than this has no text layer to speak of (a signature stamp at most).
PAGE_MIN_LETTERS = 200
# Running headers/footers are short ("Dự thảo lần 2", "Trang 3/6"); a body line repeated on every
# page is left alone.
RUNNING_MAX_WORDS = 6
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–—]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*$", re.I)


def _broken(name: str, why: str) -> LoaderError:
    return LoaderError(
        f"Tệp PDF «{name}» bị hỏng hoặc dùng định dạng không đọc được ({why}). "
        "Hãy xuất lại PDF từ bản gốc (Word: Lưu thành PDF) rồi gửi lại."
    )


def _locked(name: str) -> EncryptedPdfError:
    return EncryptedPdfError(
        f"Tệp PDF «{name}» được đặt mật khẩu nên không đọc được. Hãy gửi bản không đặt mật khẩu "
        "(mở bằng mật khẩu rồi In/Lưu thành PDF mới)."
    )


def _page_count(path: Path, name: str) -> int:
    info = systools.run("pdfinfo", [str(path)], timeout=60) if systools.available("pdfinfo") else b""
    m = re.search(rb"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else 0


def _scan_pages(path: Path) -> set[int]:
    """Pages that carry a page-sized image (a scan), from pdfimages' list."""
    if not systools.available("pdfimages"):
        return set()
    try:
        listing = systools.run("pdfimages", ["-list", str(path)], timeout=60).decode("ascii", "replace")
    except systools.ToolError:
        return set()
    pages: set[int] = set()
    for line in listing.splitlines()[2:]:
        f = line.split()
        if len(f) < 14 or f[2] != "image":
            continue
        try:
            w, h, xppi, yppi = int(f[3]), int(f[4]), float(f[12]), float(f[13])
        except ValueError:
            continue
        if xppi > 0 and yppi > 0:
            wi, hi = w / xppi, h / yppi
            if max(wi, hi) >= SCAN_MIN_INCHES[1] and min(wi, hi) >= SCAN_MIN_INCHES[0]:
                pages.add(int(f[0]))
    return pages


def _legacy_fonts(path: Path) -> str | None:
    """ "tcvn3"/"vni" when pdffonts lists .VnTime / VNI fonts."""
    if not systools.available("pdffonts"):
        return None
    try:
        listing = systools.run("pdffonts", [str(path)], timeout=60).decode("latin-1")
    except systools.ToolError:
        return None
    found = Counter(encodings.font_encoding(line.split()[0]) for line in listing.splitlines()[2:] if line.split())
    found.pop(None, None)
    return found.most_common(1)[0][0] if found else None


def _pdftotext(path: Path, name: str) -> list[str]:
    try:
        out = systools.run("pdftotext", ["-layout", "-enc", "UTF-8", str(path), "-"], timeout=PDFTOTEXT_TIMEOUT_S)
    except systools.ToolMissing:
        raise
    except systools.ToolError as exc:
        if "password" in str(exc).lower():
            raise _locked(name) from exc
        raise _broken(name, str(exc)) from exc
    pages = out.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def _looks_tabular(page: str) -> bool:
    """Several layout lines of 3+ columns: a ruled table may be there (pdfplumber is slow: 1-3 s a
    page on 2 cores, so only such pages are given to it)."""
    return sum(1 for line in page.split("\n") if len(_GAP_RE.split(line.strip())) >= 3) >= TABLE_MIN_LINES


def _crop(path: Path, page: int, top: float, bottom: float, width: float) -> str:
    """pdftotext's layout text of a horizontal band of a page (PDF points, from the top)."""
    if bottom - top < 1:
        return ""
    args = ["-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", "0", "-y", str(int(top))]
    args += ["-W", str(int(width) + 1), "-H", str(int(bottom - top) + 1), str(path), "-"]
    return systools.run("pdftotext", args, timeout=PDFTOTEXT_TIMEOUT_S).decode("utf-8", "replace").strip("\f")


def _with_tables(path: Path, pages: list[str]) -> list[str]:
    """Pages holding ruled tables: the text around each table from pdftotext, the table itself from
    pdfplumber as one line per row, cells tab-separated (a cell's lines joined), so a row is never
    split across lines the way the layout text splits multi-line cells."""
    candidates = [i for i, p in enumerate(pages) if _looks_tabular(p)]
    if not candidates:
        return pages
    try:
        import pdfplumber

        out = list(pages)
        with pdfplumber.open(path) as pdf:
            for i in candidates:
                page = pdf.pages[i]
                tables = sorted(
                    (t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2),
                    key=lambda t: t.bbox[1],
                )
                if not tables:
                    continue
                parts: list[str] = []
                top = 0.0
                for t in tables:
                    parts.append(_crop(path, i + 1, top, t.bbox[1], page.width))
                    rows = []
                    for row in t.extract():
                        cells = [" ".join((c or "").split()) for c in row]
                        if any(cells):
                            rows.append(TABLE_CELL_SEP.join(cells))
                    parts.append("\n".join(rows))
                    top = t.bbox[3]
                parts.append(_crop(path, i + 1, top, page.height, page.width))
                out[i] = "\n".join(p.strip("\n") for p in parts if p.strip())
        return out
    except Exception:  # noqa: BLE001 - tables are a refinement: any failure keeps the layout text
        return pages


def _pypdf_pages(data: bytes, name: str) -> list[str]:
    """Fallback without poppler. Every pypdf error (DependencyError for AES, DeprecationError for
    the old /Fl filter, NotImplementedError, LimitReachedError…) is this file's error."""
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                kind = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - DependencyError when AES needs 'cryptography'
                raise LoaderError(
                    f"Tệp PDF «{name}» được mã hóa (AES) và máy chủ chưa giải mã được: "
                    f"{systools.missing_message('pdftotext')}"
                ) from exc
            if kind == PasswordType.NOT_DECRYPTED:
                raise _locked(name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise LoaderError(f"Tệp PDF «{name}» có hơn {MAX_PDF_PAGES} trang; hãy chia nhỏ rồi gửi.")
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except LoaderError:
        raise
    except Exception as exc:  # noqa: BLE001 - a hostile or broken file may raise anything
        raise _broken(name, exc.__class__.__name__) from exc


def _columns(line: str) -> str:
    """Layout line → text, its columns separated by tabs."""
    body = line.strip()
    if not body:
        return ""
    if TABLE_CELL_SEP in body:  # a table row from pdfplumber: its cells are already known
        return "\t".join(body.split(TABLE_CELL_SEP))
    parts = _GAP_RE.split(body)
    return "\t".join(" ".join(p.split()) for p in parts)


def _strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop page-number lines and headers/footers repeated on most pages (first/last 2 lines)."""
    def key(line: str) -> str:  # a short line with its numbers blanked: "Trang 3/6" = "Trang 4/6"
        words = line.split()
        return re.sub(r"\d+", "#", " ".join(words)) if len(words) <= RUNNING_MAX_WORDS else " ".join(words)

    edge: Counter[str] = Counter()
    for lines in pages:
        body = [x for x in lines if x.strip()]
        for x in {key(y) for y in body[:2] + body[-2:]}:
            if not _PAGE_NUMBER_RE.match(x):
                edge[x] += 1
    repeated = {k for k, n in edge.items() if len(pages) >= 3 and n >= max(3, len(pages) * 0.6)}
    out = []
    for lines in pages:
        idx = [i for i, x in enumerate(lines) if x.strip()]
        drop = set()
        for i in idx[:2] + idx[-2:]:
            if _PAGE_NUMBER_RE.match(lines[i]) or key(lines[i]) in repeated:
                drop.add(i)
        out.append([x for i, x in enumerate(lines) if i not in drop])
    return out


def _paragraphs(lines: list[str]) -> list[str]:
    """A blank line before an indented line (a paragraph's first line, a centred heading) that
    follows a flush one, as in the text formats; columns become tabs."""
    margins = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
    left = min(margins) if margins else 0
    out: list[str] = []
    prev_indent = None
    for line in lines:
        if not line.strip():
            out.append("")
            prev_indent = None
            continue
        indent = len(line) - len(line.lstrip()) - left
        if prev_indent is not None and indent > prev_indent + 1 and out and out[-1]:
            out.append("")
        out.append(_columns(line))
        prev_indent = indent
    return out


def load_pdf(data: bytes, name: str, on_page: PageProgress | None = None) -> RawDocument:
    """Text of a PDF; scanned pages (or a scanner's junk text layer) are read by OCR."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoaderError(f"Tệp «{name}» không phải PDF thật (nội dung không bắt đầu bằng %PDF).")
    with tempfile.TemporaryDirectory(prefix="docbot-pdf-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(data)
        if systools.available("pdftotext"):
            pages = _with_tables(path, _pdftotext(path, name))
            if _page_count(path, name) > MAX_PDF_PAGES:
                raise LoaderError(f"Tệp PDF «{name}» có hơn {MAX_PDF_PAGES} trang; hãy chia nhỏ rồi gửi.")
        else:
            pages = _pypdf_pages(data, name)
        if not pages:
            raise LoaderError(f"Tệp PDF «{name}» không có trang nào.")
        legacy = _legacy_fonts(path) or encodings.detect("\n".join(pages))
        if legacy:
            pages = [encodings.to_unicode(p, legacy, from_pdf=True) for p in pages]
        scans = _scan_pages(path)
        weak = [
            i + 1
            for i, p in enumerate(pages)
            if sum(c.isalpha() for c in p) < PAGE_MIN_LETTERS or ocr.vietnamese_share(p) < ocr.VIET_WORD_SHARE_MIN
        ]
        to_read = [n for n in weak if n in scans]
        used_ocr = False
        if to_read:
            reason = ocr.available()
            if reason is None:
                try:
                    found = ocr.ocr_pdf_pages(path, to_read, on_page)
                except systools.ToolError as exc:
                    raise LoaderError(f"Không nhận dạng được chữ trong bản scan «{name}»: {exc}.") from exc
                for n, text in found.items():
                    pages[n - 1] = text
                used_ocr = True
            elif len(to_read) == len(pages):
                raise ScannedPdfError(f"Tệp PDF «{name}» ({len(pages)} trang) là bản scan. {reason}")
            else:
                for n in to_read:
                    pages[n - 1] = ""
    split = _strip_running([p.split("\n") for p in pages])
    text = finish_text("\n\f".join("\n".join(_paragraphs(lines)).strip("\n") for lines in split))
    letters = sum(c.isalpha() for c in text)
    if letters < 20 * len(pages) and letters < 200:
        raise ScannedPdfError(
            f"Tệp PDF «{name}» ({len(pages)} trang) không có chữ đọc được: "
            + ("nhận dạng chữ (OCR) không tìm thấy chữ nào. " if used_ocr else "có vẻ là bản scan hoặc ảnh. ")
            + "Hãy gửi bản PDF xuất từ Word hoặc bản .docx."
        )
    return RawDocument(name=name, text=text, pages=len(pages), kind="pdf", ocr=used_ocr, encoding=legacy)
