"""Turn files (.txt, .md, .pdf, .docx) into plain text documents.

Every loader returns the same shape: lines of text, blank lines between paragraphs, table rows as
tab-separated cells. That is the shape of the seed documents, so one structure parser serves all
formats. Failures raise :class:`LoaderError` with a Vietnamese message that names the file and
says what to do, because admins see these messages directly.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")


class LoaderError(Exception):
    """A file that cannot become a document; the message is meant for the user."""


class ScannedPdfError(LoaderError):
    """A PDF without a text layer (a scan): it would silently give zero passages."""


@dataclass(frozen=True)
class RawDocument:
    """Text extracted from one file, before any structure is found."""

    name: str
    text: str
    pages: int | None = None
    kind: str = "txt"


def _decode_utf8(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoaderError(
            f"Tệp «{name}» không phải văn bản UTF-8 (lỗi ở byte {exc.start}). "
            "Hãy lưu lại tệp với mã hóa UTF-8 (Unicode) rồi gửi lại."
        ) from exc
    if "\x00" in text:
        raise LoaderError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản. Hãy gửi tệp .txt, .pdf hoặc .docx.")
    return text


def load_text(data: bytes, name: str) -> RawDocument:
    """UTF-8 text or markdown; CRLF and NBSP become plain newlines and spaces."""
    text = _decode_utf8(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise LoaderError(f"Tệp «{name}» không có nội dung.")
    return RawDocument(name=name, text=text, kind="txt")


def load_pdf(data: bytes, name: str) -> RawDocument:
    """Text layer of a PDF, pages separated by blank lines (sentences split by a page break are
    rejoined later by the structure parser)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise LoaderError(f"Tệp «{name}» không phải PDF thật (nội dung không bắt đầu bằng %PDF).")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - pypdf raises several types here
                raise LoaderError(f"Tệp PDF «{name}» được đặt mật khẩu; hãy gửi bản không khóa.") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoaderError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoaderError(
            f"Tệp PDF «{name}» bị hỏng, không đọc được ({exc.__class__.__name__}). "
            "Hãy xuất lại PDF từ bản gốc rồi gửi lại."
        ) from exc
    if not pages:
        raise LoaderError(f"Tệp PDF «{name}» không có trang nào.")
    text = "\n\n".join(p.strip() for p in pages)
    letters = sum(ch.isalpha() for ch in text)
    if letters < 20 * len(pages) and letters < 200:
        raise ScannedPdfError(
            f"Tệp PDF «{name}» ({len(pages)} trang) không có lớp chữ: có vẻ là bản scan/ảnh chụp. "
            "Hãy gửi bản PDF xuất từ Word hoặc bản .docx; bản scan cần nhận dạng chữ (OCR) trước."
        )
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " "))
    return RawDocument(name=name, text=text, pages=len(pages), kind="pdf")


def load_docx(data: bytes, name: str) -> RawDocument:
    """Paragraphs and tables of a .docx in document order; table rows as tab-separated cells."""
    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if "word/document.xml" not in zf.namelist():
                raise LoaderError(f"Tệp «{name}» có đuôi .docx nhưng không phải tài liệu Word.")
    except zipfile.BadZipFile as exc:
        raise LoaderError(
            f"Tệp «{name}» không phải tệp .docx hợp lệ (không mở được). Hãy lưu lại bằng Word dưới dạng .docx."
        ) from exc
    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx surfaces lxml/zip/key errors
        raise LoaderError(f"Tệp .docx «{name}» bị hỏng, không đọc được.") from exc

    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                lines.extend([text, ""])
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:  # merged cells repeat; keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells))
            lines.append("")
    text = unicodedata.normalize("NFC", "\n".join(lines).replace("\u00a0", " "))
    if not text.strip():
        raise LoaderError(f"Tệp .docx «{name}» không có chữ nào.")
    return RawDocument(name=name, text=text, kind="docx")


def load_bytes(data: bytes, name: str) -> RawDocument:
    """Dispatch on the file name's suffix; content is checked by each loader as well."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise LoaderError(f"Tệp «{name}» rỗng (0 byte).")
    if suffix in (".txt", ".md"):
        return load_text(data, name)
    if suffix == ".pdf":
        return load_pdf(data, name)
    if suffix == ".docx":
        return load_docx(data, name)
    raise LoaderError(f"Không hỗ trợ loại tệp «{suffix or name}». Hãy gửi tệp .pdf, .docx, .txt hoặc .md.")


def read_file(path: Path) -> bytes:
    """A file's bytes; an unreadable file is a LoaderError like any other bad document."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"Không đọc được tệp «{path.name}»: {exc.strerror}.") from exc


def load_file(path: Path) -> RawDocument:
    """Read and load one file from disk."""
    return load_bytes(read_file(path), path.name)
