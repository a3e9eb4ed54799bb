"""Word 97-2003 .doc: antiword (tables kept as rows), catdoc as the fallback.

antiword keeps U+00AD, which is TCVN3's "ư"; catdoc drops it, so catdoc is used only when antiword
cannot read the file (Word 6/95 files, some fast-saved ones). The .doc font table names the legacy
fonts (.VnTime, VNI-Times); the characters confirm it before the text is converted.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from index.ingest import encodings, systools
from index.ingest.loaders.base import LoaderError, RawDocument, finish_text

DOC_TIMEOUT_S = 120.0
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _font_table_encoding(data: bytes) -> str | None:
    """Legacy encoding named by the fonts the file declares (UTF-16LE names in the font table)."""
    tcvn3 = data.count(".Vn".encode("utf-16-le")) + data.count(b".Vn")
    vni = data.count("VNI-".encode("utf-16-le")) + data.count(b"VNI-")
    if not tcvn3 and not vni:
        return None
    return "tcvn3" if tcvn3 >= vni else "vni"


def _rows(text: str) -> str:
    """antiword draws table rows as "|a |b |": make them tab-separated cells."""
    out = []
    for line in text.split("\n"):
        s = line.strip()
        if s in ("[pic]", "[image]", "¶"):  # picture placeholders, catdoc's end-of-document mark
            continue
        if s.startswith("|") and s.endswith("|") and s.count("|") >= 3:
            cells = [" ".join(c.split()) for c in s[1:-1].split("|")]
            out.append("\t".join(cells) if any(cells) else "")
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def load_doc(data: bytes, name: str) -> RawDocument:
    """Text of a Word 97-2003 document."""
    if not data.startswith(_OLE_MAGIC):
        if data.lstrip()[:5] == b"{\\rtf":
            from index.ingest.loaders.rtf import load_rtf  # Word saves RTF under .doc often

            return load_rtf(data, name)
        raise LoaderError(f"Tệp «{name}» có đuôi .doc nhưng không phải tài liệu Word 97-2003. Hãy lưu lại rồi gửi.")
    with tempfile.TemporaryDirectory(prefix="docbot-doc-") as tmp:
        path = Path(tmp) / "in.doc"
        path.write_bytes(data)
        errors: list[str] = []
        text = None
        if systools.available("antiword"):
            try:
                out = systools.run("antiword", ["-w", "0", "-m", "UTF-8.txt", str(path)], timeout=DOC_TIMEOUT_S)
                text = out.decode("utf-8", "replace")
            except systools.ToolError as exc:
                errors.append(str(exc))
        if text is None and systools.available("catdoc"):
            try:
                text = systools.run("catdoc", ["-w", "-d", "utf-8", str(path)], timeout=DOC_TIMEOUT_S).decode(
                    "utf-8", "replace"
                )
            except systools.ToolError as exc:
                errors.append(str(exc))
    if text is None:
        if not errors:
            raise LoaderError(systools.missing_message("antiword"))
        if any("encrypt" in e.lower() or "password" in e.lower() for e in errors):
            raise LoaderError(f"Tệp Word «{name}» được đặt mật khẩu; hãy gửi bản không đặt mật khẩu.")
        raise LoaderError(
            f"Tệp Word «{name}» bị hỏng hoặc không đọc được ({errors[-1]}). Hãy mở bằng Word, lưu thành .docx rồi gửi."
        )
    text = _rows(text)
    legacy = encodings.detect(text, hint=_font_table_encoding(data))
    if legacy:
        text = encodings.to_unicode(text, legacy)
    text = finish_text(re.sub(r"\n{3,}", "\n\n", text))
    if not re.search(r"\w", text):
        raise LoaderError(f"Tệp Word «{name}» không có chữ nào.")
    return RawDocument(name=name, text=text, kind="doc", encoding=legacy)
