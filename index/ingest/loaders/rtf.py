"""RTF via striprtf (pinned); TCVN3 / VNI text (the font table names .VnTime / VNI-Times) converted."""

from __future__ import annotations

import re

from index.ingest import encodings
from index.ingest.loaders.base import LoaderError, RawDocument, finish_text

_CODEPAGE_RE = re.compile(rb"\\ansicpg(\d+)")


def load_rtf(data: bytes, name: str) -> RawDocument:
    """Text of an RTF document; table cells tab-separated."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip()[:5] == b"{\\rtf":
        raise LoaderError(f"Tệp «{name}» có đuôi .rtf nhưng không phải RTF. Hãy lưu lại bằng Word rồi gửi.")
    m = _CODEPAGE_RE.search(data[:2000])
    codepage = f"cp{int(m.group(1))}" if m else "cp1252"
    try:
        "".encode(codepage)
    except LookupError:
        codepage = "cp1252"
    try:
        source = data.decode("latin-1")  # RTF is 7-bit with \'xx escapes; latin-1 never fails
        text = rtf_to_text(source, encoding=codepage, errors="replace")
    except Exception as exc:  # noqa: BLE001 - striprtf raises plain exceptions on malformed input
        raise LoaderError(f"Tệp RTF «{name}» bị hỏng, không đọc được. Hãy lưu lại bằng Word rồi gửi.") from exc
    text = text.replace("|", "\t")  # striprtf ends table cells with "|"
    text = "\n".join(x.rstrip("\t ") for x in text.split("\n"))
    head = data[:20000]
    named = "tcvn3" if b".Vn" in head else ("vni" if b"VNI-" in head else None)  # the font table
    legacy = encodings.detect(text, hint=named)
    if legacy:
        text = encodings.to_unicode(text, legacy)
    text = finish_text(text)
    if not re.search(r"\w", text):
        raise LoaderError(f"Tệp RTF «{name}» không có chữ nào.")
    return RawDocument(name=name, text=text, kind="rtf", encoding=legacy)
