"""What every converter returns and raises; shared by the converters and their callers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass


class LoaderError(Exception):
    """A file that cannot become a document; the message is meant for the user."""


class ScannedPdfError(LoaderError):
    """A PDF without a usable text layer that could not be read by OCR either."""


class EncryptedPdfError(LoaderError):
    """A PDF locked with a password."""


# Called as OCR reads a scan: (0, pages) before the first page, then (pages done, pages) after
# each. OCR costs 3-12 s a page, so an upload says "đang đọc N trang" and the CLI draws a bar.
PageProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class RawDocument:
    """Text extracted from one file, before any structure is found.

    ``text``: lines, a blank line between paragraphs, table rows as tab-separated cells; in paged
    formats a form feed starts every page after the first. ``ocr``: the text came from OCR (a
    citation says so). ``encoding``: the legacy encoding the file was converted from ("tcvn3",
    "vni", "utf-16", "cp1258"), None for Unicode.
    """

    name: str
    text: str
    pages: int | None = None
    kind: str = "txt"
    ocr: bool = False
    encoding: str | None = None


def finish_text(text: str) -> str:
    """The common last step: NFC, no NBSP or soft hyphen, no trailing spaces, at most one blank line
    in a row (page breaks kept)."""
    text = unicodedata.normalize("NFC", text.replace("\u00a0", " ").replace("\u00ad", ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if "\t" not in line.strip(" \t\f"):
            # indentation (a Word tab stop, spaces) is not a table cell: a leading tab would make
            # the structure parser take the line for a table row
            line = ("\f" if line.lstrip(" \t").startswith("\f") else "") + line.strip(" \t\f")
        if not line.strip("\f") and out and not out[-1].strip("\f") and "\f" not in line:
            continue
        out.append(line)
    return "\n".join(out).strip("\n ")


def superscript(n: int) -> str:
    """¹²³…: how the seed documents mark footnotes, which the structure parser recognises."""
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
