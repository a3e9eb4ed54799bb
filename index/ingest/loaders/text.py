"""Plain text and markdown: UTF-8, UTF-16 (Notepad's "Unicode"), Windows-1258, TCVN3 / VNI."""

from __future__ import annotations

import re
import unicodedata

from index.ingest import encodings
from index.ingest.loaders.base import LoaderError, RawDocument

_SAVE_AS = "Hãy mở tệp trong Notepad/Word, chọn Lưu thành… với mã hóa UTF-8 rồi gửi lại."
# Windows-1258 writes Vietnamese as base letters + combining tones; these letters are its own.
_CP1258_VIET = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323]")


def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    """Text and the encoding it came from (None for UTF-8)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4000]
    if len(head) >= 4 and head.count(b"\x00") > len(head) // 4:  # UTF-16 without a byte-order mark
        even, odd = head[0::2].count(0), head[1::2].count(0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return data.decode(codec), "utf-16"
        except UnicodeDecodeError as exc:
            raise LoaderError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản. {_SAVE_AS}") from exc
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", "replace")
    legacy = encodings.detect(text)
    if legacy:
        return encodings.to_unicode(text, legacy), legacy
    try:
        cp1258 = data.decode("cp1258")
    except UnicodeDecodeError:
        cp1258 = ""
    letters = sum(c.isalpha() for c in cp1258) or 1
    if cp1258 and len(_CP1258_VIET.findall(cp1258)) > 0.02 * letters:
        return cp1258, "cp1258"
    raise LoaderError(f"Tệp «{name}» không phải văn bản UTF-8 và không nhận ra bảng mã. {_SAVE_AS}")


def load_text(data: bytes, name: str) -> RawDocument:
    """A text or markdown file in whatever encoding an office saved it, as Unicode."""
    text, encoding = _decode(data, name)
    if "\x00" in text:
        raise LoaderError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản. Hãy gửi tệp .txt, .pdf hoặc .docx.")
    # exactly what the seed corpus was indexed with: only line ends, NBSP and NFC change
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise LoaderError(f"Tệp «{name}» không có nội dung.")
    return RawDocument(name=name, text=text, kind="txt", encoding=encoding)
