"""Document metadata shown in citations: title, số hiệu, issuing body, date.

Taken only from what the text states. An arrival stamp ("<b>ĐẾN</b> … Ngày: 06/11/2020") is the
date the recipient got the document, not its issue date, so it is never used; a document without
a number or date simply has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.ingest.levels import detect_level
from index.text import clean_markup

_NUMBER_RE = re.compile(r"\bSố\s*:?\s*(\d{1,5})\s*-\s*([A-ZĐ][A-Za-zĐ]{0,6}(?:/[A-ZĐ0-9]{1,8}){1,3})")
_DATE_LINE_RE = re.compile(r"(?:Hà Nội|[A-ZĐ][\wÀ-ỹ ]{1,20}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_DOC_TYPES = (
    "KẾ HOẠCH",
    "BÁO CÁO",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG",
    "CHƯƠNG TRÌNH",
    "NGHỊ QUYẾT",
    "CHỈ THỊ",
    "KẾT LUẬN",
    "QUYẾT ĐỊNH",
    "THÔNG BÁO",
    "HƯỚNG DẪN",
    "QUY ĐỊNH",
    "ĐỀ ÁN",
    "TỜ TRÌNH",
    "CÔNG VĂN",
)
_ISSUERS = ("THÀNH ỦY HÀ NỘI", "THÀNH UỶ HÀ NỘI", "BAN CHẤP HÀNH ĐẢNG BỘ", "BAN THƯỜNG VỤ", "UBND", "ỦY BAN NHÂN DÂN")
_SIGN_RE = re.compile(r"^(?:T/M|TM\.?)\s+(.+)$")


@dataclass(frozen=True)
class DocMeta:
    """What a citation says about a document."""

    title: str
    number: str | None = None  # số hiệu, e.g. 34-KH/BCĐ
    issuer: str | None = None
    date: str | None = None  # ISO date when the text gives one
    level: str = ""  # confidentiality stamp (index/ingest/levels.py); "" = not restricted


def _title(lines: list[str], fallback: str) -> str:
    for i, line in enumerate(lines[:40]):
        up = line.strip().upper()
        for kind in _DOC_TYPES:
            if up == kind or (up.startswith(kind) and len(up) < len(kind) + 4):
                rest: list[str] = []
                for nxt in lines[i + 1 : i + 6]:
                    if not nxt.strip():
                        if rest:
                            break
                        continue
                    if _NUMBER_RE.search(nxt) and not rest:  # "Số 12-KH/TU" between the kind and the subject
                        continue
                    if "\t" in nxt or _NUMBER_RE.search(nxt) or nxt.startswith(("Căn cứ", "Thực hiện")):
                        break
                    rest.append(nxt.strip())
                    if len(" ".join(rest)) > 220:
                        break
                kind_title = kind.capitalize() if kind != "CHƯƠNG TRÌNH HÀNH ĐỘNG" else "Chương trình hành động"
                return (kind_title + " " + " ".join(rest)).strip()
        if line.strip().startswith("V/v"):
            vv = [line.strip()]
            for nxt in lines[i + 1 : i + 5]:
                if not nxt.strip() or nxt.strip().startswith(("-", "ĐẢNG", "Hà Nội")) or _is_upper(nxt):
                    break
                vv.append(nxt.strip())
            return "Công văn " + " ".join(vv)
    return fallback


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def extract_metadata(text: str, fallback_title: str) -> DocMeta:
    """Title, số hiệu, issuer and date from the head (and signature) of a document."""
    lines = [clean_markup(x).replace("\t", " ").strip() for x in text.split("\n")]
    head = "\n".join(lines[:40])
    number = None
    m = _NUMBER_RE.search(head)
    if m:
        number = f"{m.group(1)}-{m.group(2)}"
    date = None
    d = _DATE_LINE_RE.search(head)
    if d:
        date = f"{int(d.group(3)):04d}-{int(d.group(2)):02d}-{int(d.group(1)):02d}"
    elif number:
        # an annex line "(Kèm theo Kế hoạch số 34 -KH/BCĐ, ngày 12/9/2024)" dates the document itself
        num = number.split("-")[0]
        rx = re.compile(rf"Kèm theo [^\n]*?số\s*{num}\s*-[^\n]*?ngày\s+(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})")
        k = rx.search("\n".join(lines))
        if k:
            date = f"{int(k.group(3)):04d}-{int(k.group(2)):02d}-{int(k.group(1)):02d}"
    issuer = None
    for line in lines[:15]:
        for iss in _ISSUERS:
            if iss in line.upper() and len(line) < 60:
                issuer = line.strip(" *").title().replace("Uỷ", "Ủy").replace("Hà Nội", "Hà Nội")
                break
        if issuer:
            break
    if issuer is None:
        for line in lines:
            s = _SIGN_RE.match(line.strip())
            if s:
                issuer = s.group(1).strip(" *").capitalize()
                break
    title = re.sub(r"\s+", " ", _title(lines, fallback_title)).strip()
    return DocMeta(title=title, number=number, issuer=issuer, date=date, level=detect_level(text))
