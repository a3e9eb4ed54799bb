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
from index.vocab.signature import ON_BEHALF_OF

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
    "GIẤY MỜI",
    "CÔNG ĐIỆN",
    "THÔNG TƯ",
    "NGHỊ ĐỊNH",
    "QUY CHẾ",
)
_ISSUERS = ("THÀNH ỦY HÀ NỘI", "THÀNH UỶ HÀ NỘI", "BAN CHẤP HÀNH ĐẢNG BỘ", "BAN THƯỜNG VỤ", "UBND", "ỦY BAN NHÂN DÂN")
_CONTENT_RE = re.compile(r"^\s*(?:\d+[.)]\s*)?Nội dung\s*:\s*(\S.+)$")


@dataclass(frozen=True)
class DocMeta:
    """What a citation says about a document."""

    title: str
    number: str | None = None  # số hiệu, e.g. 34-KH/BCĐ
    issuer: str | None = None
    date: str | None = None  # ISO date when the text gives one
    kind: str | None = None  # Quyết định, Tờ trình, Công văn…: from the heading, else the số hiệu's code
    place: str | None = None  # the place of the date line ("Lâm Đồng, ngày …")
    ocr: bool = False  # the text was read by OCR from a scan (citations say so)
    encoding: str | None = None  # legacy encoding the file was converted from (tcvn3, vni, utf-16…)
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
                if not rest:  # a giấy mời states no subject under its heading: its "Nội dung:" item does
                    item = next((_CONTENT_RE.match(x) for x in lines[i + 1 : i + 30] if _CONTENT_RE.match(x)), None)
                    if item:
                        rest = [item.group(1).strip()[:220]]
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


# State documents (Nghị định 30/2020/NĐ-CP): "Số: 3367/TTr-SNV", "01/2006/TT-NHNN", "Số: 40 /2000/TT/BTC",
# "Số: /TB-UBND" (a draft: the number is left blank, the code still says the kind).
_STATE_NUMBER_RE = re.compile(
    r"^\s*(?:Số|SỐ|Só)\s*:?\s*(\d{1,6})?[ …._]*(?:/\s*(\d{4}))?\s*/\s*"
    r"([A-ZĐ][A-Za-zĐđ0-9]*(?:\s?[-/.–]\s?[A-ZĐ0-9][A-Za-zĐđ0-9]*){0,4})"
)
# An annex ("Quy định … ban hành kèm theo Quyết định số …05…./2006/QĐ-UBND, ngày …25..tháng 01 năm 2006")
# is known by its decision's number and date.
_ANNEX_RE = re.compile(
    r"kèm theo\s+(?:Quyết định|Nghị quyết|Thông tư|Nghị định|Kế hoạch)\s+số\s*[ …._]*(\d{1,6})[ …._]*"
    r"(?:/\s*(\d{4}))?\s*/\s*([A-ZĐ][A-Za-zĐđ0-9]*(?:\s?[-/.–]\s?[A-ZĐ0-9][A-Za-zĐđ0-9]*){0,4})"
    r"(?:[^\n]*?\n?[^\n]*?ngày\s*[ …._]*(\d{1,2})[ …._]*tháng\s*(\d{1,2})\s*năm\s*(\d{4}))?"
)
_PLACE_DATE_RE = re.compile(
    r"(?<![\w/-])([A-ZĐ][\wÀ-ỹ.]*(?:\s+(?:[–-]\s+)?[\wÀ-ỹ.]+){0,4}?)\s*,\s*"
    r"ngày\s*[ …._]*(\d{1,2})?[ …._]*tháng\s*[ …._]*(\d{1,2})?[ …._]*năm\s*(\d{4})"
)
# The code after the number names the kind ("/TTr-", "/QĐ-"); a code without one is a công văn.
_KIND_CODES = {
    "TTr": "Tờ trình", "QĐ": "Quyết định", "TB": "Thông báo", "KH": "Kế hoạch", "BC": "Báo cáo",
    "HD": "Hướng dẫn", "GM": "Giấy mời", "CĐ": "Công điện", "TT": "Thông tư", "NĐ": "Nghị định",
    "CT": "Chỉ thị", "NQ": "Nghị quyết", "KL": "Kết luận", "CTr": "Chương trình", "QC": "Quy chế",
    "QyĐ": "Quy định", "ĐA": "Đề án", "CV": "Công văn",
}  # fmt: skip
_KINDS = (
    "CHƯƠNG TRÌNH HÀNH ĐỘNG", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH", "TỜ TRÌNH", "THÔNG BÁO", "HƯỚNG DẪN",
    "KẾ HOẠCH", "BÁO CÁO", "GIẤY MỜI", "CÔNG ĐIỆN", "CÔNG VĂN", "THÔNG TƯ", "NGHỊ ĐỊNH", "NGHỊ QUYẾT",
    "CHỈ THỊ", "KẾT LUẬN", "QUY ĐỊNH", "QUY CHẾ", "ĐỀ ÁN", "PHỤ LỤC",
)  # fmt: skip
# The national or Party motto on the right of the header block: never the issuer.
_MOTTO_RE = re.compile(r"(CỘNG H(?:ÒA|OÀ|OA) XÃ HỘI|ĐẢNG CỘNG SẢN|Độc lập\s*[-–])", re.I)
_CELL_SPLIT_RE = re.compile(r"\t| {4,}")
_SIGNATURE_STAMP_RE = re.compile(r"^(Ký bởi|Cơ quan|Thời gian ký|Email|Ngày ký)\b", re.I)


def _cells(line: str) -> list[str]:
    """A header line's columns: tab-separated (DOCX tables, PDF layout) or set apart by spaces."""
    return [c.strip() for c in _CELL_SPLIT_RE.split(line) if c.strip()]


def _state_number(lines: list[str]) -> tuple[str | None, str | None]:
    """(số hiệu, its code) of a state document from the header block's "Số:" cell; the number is
    None when left blank."""
    m = None
    for line in lines:
        for cell in [*_cells(line), " ".join(line.split())]:  # a cell, or the line (spaces as tab stops)
            m = _STATE_NUMBER_RE.match(cell)
            if m:
                break
        if m:
            break
    if not m:
        return None, None
    code = re.sub(r"\s+", "", m.group(3))
    if not m.group(1):
        return None, code
    if m.group(2):
        return f"{int(m.group(1)):02d}/{m.group(2)}/{code}", code
    return f"{m.group(1)}/{code}", code


def _kind_from_code(code: str | None) -> str | None:
    if not code:
        return None
    parts = re.split(r"[-/.]", code)
    for part in parts[:2]:
        if part in _KIND_CODES:
            return _KIND_CODES[part]
    return "Công văn"


def _kind(lines: list[str], code: str | None) -> str | None:
    """The kind a document states in its heading ("QUYẾT ĐỊNH"), else the one its số hiệu's code
    implies, else a heading "Nghị định của Chính phủ", else "Công văn" when it has a "V/v" subject."""
    heads = [" ".join(x.split()).upper().strip("* ") for x in lines[:40]]
    for up in heads:
        for kind in _KINDS:
            if up == kind or (up.startswith(kind) and len(up) < len(kind) + 4):
                return kind.capitalize()
    found = _kind_from_code(code)
    if found:
        return found
    for up in heads:
        for kind in _KINDS:
            if up.startswith(kind + " CỦA "):
                return kind.capitalize()
    if any(line.strip().startswith("V/v") for line in lines[:40]):
        return "Công văn"
    for line in lines[:5]:  # an untitled annex: "Hướng dẫn cách ghi …"
        up = line.strip().upper()
        for kind in _KINDS:
            if up.startswith(kind + " "):
                return kind.capitalize()
    return None


def _header_lines(raw_lines: list[str]) -> list[str]:
    """The lines above the document's heading (kind or V/v line): where the số line is."""
    out = []
    for line in raw_lines[:25]:
        up = " ".join(line.split()).upper().strip("* ")
        if out and (any(up == k or up.startswith(k + " CỦA ") for k in _KINDS) or up.startswith("V/V")):
            break
        out.append(line)
    return out


def _header_issuer(lines: list[str]) -> str | None:
    """The issuing body: the left column of the header block, from the row whose right column is
    the national motto down to the số line (a legacy font may have lost its capitals)."""
    head = lines[:14]
    motto_row = next((i for i, x in enumerate(head) if _MOTTO_RE.search(x)), None)
    found: list[str] = []
    lost_capitals = False  # a TCVN3 uppercase font read as lowercase codes: "ngân hàng nhà nước"
    for i, line in enumerate(head):
        if motto_row is not None and i < motto_row:
            continue  # a signature stamp printed above the header
        if not line.strip() or _SIGNATURE_STAMP_RE.match(line.strip()):
            continue
        cells = _cells(line)
        if not cells:
            continue
        left = cells[0]
        m = _MOTTO_RE.search(left)
        if m:  # OCR puts both columns on one line: "UBND TỈNH … CỘNG HÒA XÃ HỘI …"
            left = left[: m.start()].strip()
        if not left:
            continue
        if _STATE_NUMBER_RE.match(left) or _NUMBER_RE.search(left) or _PLACE_DATE_RE.search(left):
            break
        up = left.upper()
        if any(up == k or up.startswith(k + " CỦA ") for k in _KINDS) or left.startswith("V/v"):
            break
        if not re.search(r"[^\W\d_]", left):  # "***", "-*-", "====="
            continue
        letters = [c for c in left if c.isalpha()]
        if motto_row is not None and i == motto_row:
            lost_capitals = all(c.islower() for c in letters)
        elif sum(c.isupper() for c in letters) < 0.6 * len(letters):
            if not (lost_capitals and all(c.islower() for c in letters)):
                break  # body text: the header is over
        found.append(" ".join(left.split()))
        if len(found) == 4:
            break
    return " ".join(found) if found else None


def extract_metadata(text: str, fallback_title: str) -> DocMeta:
    """Title, kind, số hiệu, issuer, place and date from the head (and signature) of a document."""
    raw_lines = [clean_markup(x).strip("\f").rstrip() for x in text.split("\n")]
    lines = [x.replace("\t", " ").strip() for x in raw_lines]
    head = "\n".join(lines[:40])
    number = None
    code = None
    m = _NUMBER_RE.search(head)
    if m:  # the Party form "Số 34-KH/TU"
        number = f"{m.group(1)}-{m.group(2)}"
        code = m.group(2)
    else:
        number, code = _state_number(_header_lines(raw_lines))
    date = None
    place = None
    d = _DATE_LINE_RE.search(head)
    if d:
        date = f"{int(d.group(3)):04d}-{int(d.group(2)):02d}-{int(d.group(1)):02d}"
    for x in raw_lines[:40]:
        for cell in [*_cells(x), " ".join(x.split())]:  # a column, or the line (blanks left in a draft)
            p = _PLACE_DATE_RE.search(cell)
            if p and not cell.startswith(("Căn cứ", "Thực hiện")):
                place = " ".join(p.group(1).split())
                if date is None and p.group(2) and p.group(3):
                    date = f"{int(p.group(4)):04d}-{int(p.group(3)):02d}-{int(p.group(2)):02d}"
                break
        if place:
            break
    if date is None and number:
        # an annex line "(Kèm theo Kế hoạch số 34 -KH/BCĐ, ngày 12/9/2024)" dates the document itself
        num = number.split("-")[0]
        rx = re.compile(rf"Kèm theo [^\n]*?số\s*{num}\s*-[^\n]*?ngày\s+(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})")
        k = rx.search("\n".join(lines))
        if k:
            date = f"{int(k.group(3)):04d}-{int(k.group(2)):02d}-{int(k.group(1)):02d}"
    if number is None:
        a = _ANNEX_RE.search("\n".join(lines[:20]))
        if a:
            code = re.sub(r"\s+", "", a.group(3))
            number = f"{int(a.group(1)):02d}/{a.group(2)}/{code}" if a.group(2) else f"{a.group(1)}/{code}"
            if date is None and a.group(4):
                date = f"{int(a.group(6)):04d}-{int(a.group(5)):02d}-{int(a.group(4)):02d}"
    issuer = None
    for line in lines[:15]:  # the Party committees of the seed documents, named as they always were
        for iss in _ISSUERS[:3]:
            if iss in line.upper() and len(line) < 60:
                issuer = line.strip(" *").title().replace("Uỷ", "Ủy").replace("Hà Nội", "Hà Nội")
                break
        if issuer:
            break
    if issuer is None:
        issuer = _header_issuer(raw_lines)
    if issuer is None:
        for line in lines[:15]:
            for iss in _ISSUERS[3:]:
                if iss in line.upper() and len(line) < 60:
                    issuer = line.strip(" *").title().replace("Uỷ", "Ủy")
                    break
            if issuer:
                break
    if issuer is None:
        for line in lines:
            s = ON_BEHALF_OF.match(line.strip())
            if s:
                issuer = s.group(1).strip(" *").capitalize()
                break
    title = re.sub(r"\s+", " ", _title(lines, fallback_title)).strip()
    kind = _kind(lines, code)
    level = detect_level(text)
    return DocMeta(title=title, number=number, issuer=issuer, date=date, kind=kind, place=place, level=level)
