"""Bounds on zip containers (DOCX, XLSX) before anything decompresses them: a 52 KB "zip bomb"
holding 2 million empty paragraphs must be refused, not parsed into 1.6 GB of memory."""

from __future__ import annotations

import io
import zipfile

from index.ingest.loaders.base import LoaderError

# A 20 MB upload of real office files unpacks to well under this (realdocs' DOCX: 0.1-2 MB).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# XML compresses 5-30x in real files; a member beyond this ratio (and over 1 MB) is built to explode.
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024
MAX_MEMBERS = 5000


def open_zip(data: bytes, name: str, what: str) -> zipfile.ZipFile:
    """The archive, once its declared sizes are within bounds (LoaderError otherwise)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LoaderError(
            f"Tệp «{name}» không phải tệp {what} hợp lệ (không mở được). Hãy lưu lại bằng Word/Excel rồi gửi."
        ) from exc
    total = sum(i.file_size for i in infos)
    bomb = (
        len(infos) > MAX_MEMBERS
        or total > MAX_UNCOMPRESSED_BYTES
        or any(i.file_size > RATIO_MIN_BYTES and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    )
    if bomb:
        zf.close()
        raise LoaderError(
            f"Tệp «{name}» bị từ chối: nội dung giải nén bất thường ({total / 1024 / 1024:.0f} MB từ "
            f"{len(data) / 1024:.0f} KB), có thể là tệp độc hại. Hãy lưu lại tài liệu bằng Word rồi gửi."
        )
    return zf


def read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    """A member's bytes, read no further than its declared size allows (a lying header is caught)."""
    info = zf.getinfo(member)
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise LoaderError(f"Tệp «{name}» bị hỏng (kích thước bên trong không khớp). Hãy lưu lại rồi gửi.")
    return data
