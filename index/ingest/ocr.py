"""OCR of scanned PDF pages: pdftoppm renders a page, Tesseract (Vietnamese data) reads it.

Slow (3-12 s a page on 2 cores), so it reports each page to a callback. Also the measure that
tells a real text layer from a scanner's failed OCR ("Ldm D6ng, ngdy fithdng 11").
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from index.ingest import systools
from index.ingest.loaders.base import PageProgress

# 300 dpi is Tesseract's recommended resolution; the reference OCR texts were read at it too.
OCR_DPI = 300
OCR_PAGE_TIMEOUT_S = 180.0

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
# Letters with a Vietnamese diacritic (or đ): about half the words of Vietnamese prose carry one.
_DIACRITIC_RE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I)
# Share of words with a diacritic under which a scanned page's text layer is a failed OCR.
# Measured per page (pdftotext -layout): realdocs' Unicode text PDFs 0.81-0.91; the scanner's own
# OCR layer of 05 0.00-0.03. 0.25 sits in that gap; leaving any one file out leaves the gap, and the
# threshold, as they are (leave-one-out: 22/22 pages classed alike).
VIET_WORD_SHARE_MIN = 0.25


def vietnamese_share(text: str) -> float:
    """Share of the words (2+ letters) that carry a Vietnamese diacritic; 0.0 for no words."""
    words = _WORD_RE.findall(text)
    if not words:
        return 0.0
    return sum(1 for w in words if _DIACRITIC_RE.search(w)) / len(words)


def available() -> str | None:
    """None when OCR can run, else the Vietnamese reason it cannot."""
    for tool in ("pdftoppm", "tesseract"):
        if not systools.available(tool):
            return systools.missing_message(tool)
    try:
        langs = systools.run("tesseract", ["--list-langs"], timeout=30).decode("utf-8", "replace").split()
    except systools.ToolError as exc:
        return str(exc)
    if "vie" not in langs:
        return systools.missing_message("tesseract").replace("«tesseract»", "«tesseract» với dữ liệu tiếng Việt")
    return None


def ocr_pdf_pages(pdf: Path, pages: list[int], on_page: PageProgress | None = None) -> dict[int, str]:
    """Text of the given 1-based pages of a PDF file, read by OCR."""
    out: dict[int, str] = {}
    if on_page:
        on_page(0, len(pages))  # at once: "đang đọc N trang"
    with tempfile.TemporaryDirectory(prefix="docbot-ocr-") as tmp:
        for done, page in enumerate(pages, 1):
            stem = Path(tmp) / f"p{page}"
            systools.run(
                "pdftoppm",
                ["-r", str(OCR_DPI), "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page)]
                + [str(pdf), str(stem)],
                timeout=OCR_PAGE_TIMEOUT_S,
            )
            text = systools.run(
                "tesseract", [str(stem) + ".png", "stdout", "-l", "vie"], timeout=OCR_PAGE_TIMEOUT_S
            ).decode("utf-8", "replace")
            out[page] = text
            (Path(str(stem) + ".png")).unlink(missing_ok=True)
            if on_page:
                on_page(done, len(pages))
    return out
