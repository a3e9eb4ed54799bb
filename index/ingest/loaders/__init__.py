"""Turn files into plain text documents: one converter per format, a router in front.

Every converter returns the same shape (:class:`RawDocument`): lines of text, blank lines between
paragraphs, table rows as tab-separated cells, a form feed before each page after the first. That
is the shape of the seed documents, so one structure parser serves all formats. Whatever goes wrong
reading a file is a :class:`LoaderError` with a Vietnamese message that names the file and says what
to do (admins see these messages directly); nothing a file holds escapes as another exception.
"""

from __future__ import annotations

from pathlib import Path

from index.ingest import systools
from index.ingest.loaders.base import (
    EncryptedPdfError,
    LoaderError,
    PageProgress,
    RawDocument,
    ScannedPdfError,
)
from index.ingest.loaders.doc import load_doc
from index.ingest.loaders.docx import load_docx
from index.ingest.loaders.pdf import load_pdf
from index.ingest.loaders.rtf import load_rtf
from index.ingest.loaders.text import load_text

__all__ = [
    "SUPPORTED_SUFFIXES",
    "EncryptedPdfError",
    "LoaderError",
    "PageProgress",
    "RawDocument",
    "ScannedPdfError",
    "load_bytes",
    "load_file",
    "read_file",
    "unsupported_message",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".doc", ".rtf")


def unsupported_message(suffix_or_name: str) -> str:
    """The refusal of a file type docbot does not read."""
    return f"Không hỗ trợ loại tệp «{suffix_or_name}». Hãy gửi tệp .pdf, .docx, .doc, .rtf, .txt hoặc .md."


def load_bytes(data: bytes, name: str, on_page: PageProgress | None = None) -> RawDocument:
    """Route on the file name's suffix (each converter checks the content too); ``on_page`` hears
    each page OCR reads. Any failure is a LoaderError for this file."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise LoaderError(f"Tệp «{name}» rỗng (0 byte).")
    try:
        if suffix in (".txt", ".md"):
            return load_text(data, name)
        if suffix == ".pdf":
            return load_pdf(data, name, on_page)
        if suffix == ".docx":
            return load_docx(data, name)
        if suffix == ".doc":
            return load_doc(data, name)
        if suffix == ".rtf":
            return load_rtf(data, name)
    except LoaderError:
        raise
    except systools.ToolError as exc:
        raise LoaderError(f"Không đọc được tệp «{name}»: {exc}") from exc
    except MemoryError as exc:
        raise LoaderError(f"Tệp «{name}» quá lớn để đọc; hãy chia nhỏ rồi gửi.") from exc
    except RecursionError as exc:
        raise LoaderError(f"Tệp «{name}» có cấu trúc lồng quá sâu, không đọc được.") from exc
    except Exception as exc:  # noqa: BLE001 - one file's failure must never stop the rest
        raise LoaderError(
            f"Tệp «{name}» không đọc được ({exc.__class__.__name__}). Hãy lưu lại từ bản gốc rồi gửi."
        ) from exc
    raise LoaderError(unsupported_message(suffix or name))


def read_file(path: Path) -> bytes:
    """A file's bytes; an unreadable file is a LoaderError like any other bad document."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoaderError(f"Không đọc được tệp «{path.name}»: {exc.strerror}.") from exc


def load_file(path: Path, on_page: PageProgress | None = None) -> RawDocument:
    """Read and load one file from disk."""
    return load_bytes(read_file(path), path.name, on_page)
