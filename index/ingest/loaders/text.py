"""Plain text and markdown: UTF-8, UTF-16 (Notepad's "Unicode"), Windows-1258, TCVN3 / VNI."""

from __future__ import annotations

import unicodedata

from index.ingest import encodings
from index.ingest.loaders.base import LoaderError, RawDocument

_SAVE_AS = "Hãy mở tệp trong Notepad/Word, chọn Lưu thành… với mã hóa UTF-8 rồi gửi lại."
# A decoding is accepted when this share of its words is spelled as Vietnamese (real text: 0.95+,
# a wrong code page: under 0.7; tests/test_ingest_formats.py measures both).
PLAUSIBLE_MIN = 0.85


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
    # Not UTF-8: a Vietnamese 8-bit file. The bytes do not say which code page, so each reading
    # is tried and the one whose words are spelled as Vietnamese wins.
    latin = data.decode("cp1252", "replace")
    candidates: dict[str, str] = {
        "tcvn3": encodings.tcvn3_to_unicode(latin),
        "vni": encodings.vni_to_unicode(latin),
    }
    try:
        candidates["cp1258"] = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        pass
    best = max(candidates, key=lambda k: encodings.plausibility(candidates[k]))
    if encodings.plausibility(candidates[best]) >= PLAUSIBLE_MIN and encodings.plausibility(latin) < PLAUSIBLE_MIN:
        return candidates[best], best
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
