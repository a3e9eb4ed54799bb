"""Unit names in headings: the documents often name the responsible unit only there."""

from __future__ import annotations

import re

_UNIT_HEADING = re.compile(
    r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.?)?\s*(?:Ban|Đảng đoàn|Ủy ban|Uỷ ban|Văn phòng|Văn Phòng|Sở|"
    r"Các sở|Các ban|Các Ban|Các cấp|Mặt trận|Hội|Thành đoàn|Đảng ủy|Các đảng bộ|Thường trực)\b"
)


_NUMBERING = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s*")


def strip_numbering(heading: str) -> str:
    """'3.4. Ban Dân vận Thành ủy' → 'Ban Dân vận Thành ủy'."""
    return _NUMBERING.sub("", heading).strip()


def names_unit(section: str) -> bool:
    """Whether a passage sits under a heading that names a unit ('3.4. Ban Dân vận Thành ủy')."""
    return bool(_UNIT_HEADING.match(section.split(" › ")[-1]))
