"""Units (bodies, offices, officials) as the documents name them.

The documents often name the responsible unit only in a heading ("3.4. Ban Dân vận Thành ủy"), in
an assignment clause ("Giao Văn phòng Thành ủy chủ trì …"), in a line that opens with it, or in a
table's responsible column.
"""

from __future__ import annotations

import re

from index.vocab.sections import last_heading

NUMBERING = re.compile(r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.?)\s*")  # "3.4. ", "II. "
# a heading that names a unit ("3.4. Ban Dân vận Thành ủy", "Các sở, ban, ngành")
UNIT_HEADING = re.compile(
    r"^(?:[IVX]+\.|\d+(?:\.\d+)*\.?)?\s*(?:Ban|Đảng đoàn|Ủy ban|Uỷ ban|Văn phòng|Văn Phòng|Sở|"
    r"Các sở|Các ban|Các Ban|Các cấp|Mặt trận|Hội|Thành đoàn|Đảng ủy|Các đảng bộ|Thường trực)\b"
)
# a unit named in a sentence, up to the verb of what it does
UNIT_SPAN = re.compile(
    r"((?:Đảng đoàn|Ban Cán sự|Ban cán sự|Ban Chỉ đạo|Ban chỉ đạo|Ban Thường vụ|Thường trực|Ban Chấp hành|"
    r"Ban [A-ZĐ][\wÀ-ỹ]+(?: [A-ZĐ\w][\wÀ-ỹ]*){0,3}|Ủy ban [\wÀ-ỹ ]{2,30}?|Uỷ ban [\wÀ-ỹ ]{2,30}?|"
    r"Văn phòng [\wÀ-ỹ ]{2,20}?|Văn Phòng [\wÀ-ỹ ]{2,20}?|Sở [A-ZĐ][\wÀ-ỹ ,&-]{2,40}?|UBND [\wÀ-ỹ ]{2,20}?|"
    r"HĐND [\wÀ-ỹ ]{2,20}?|MTTQ|Mặt trận Tổ quốc|Thành đoàn|Hội [A-ZĐ][\wÀ-ỹ ]{2,30}?|"
    r"(?:các )?(?:đồng chí|Đồng chí) [\wÀ-ỹ ]{2,40}?|Chủ tịch [\wÀ-ỹ ]{2,30}?|Các Ban Chỉ đạo [\wÀ-ỹ ]{2,60}?|"
    r"[Cc]ác (?:cấp uỷ|cấp ủy|sở|ban|Ban) [\wÀ-ỹ ,]{2,60}?)"
    r"(?=$|[,.;:()\n]| chủ trì| phối hợp| có trách nhiệm| làm| tham mưu| theo dõi| chỉ đạo| định kỳ| xây dựng))"
)
# "Giao Văn phòng Thành ủy chủ trì", "do Ban Tuyên giáo làm": the unit a task is given to
ASSIGNMENT = re.compile(
    r"(?:[Gg]iao|do)\s+(.{4,120}?)\s+(?:chủ trì|làm|phụ trách|có trách nhiệm|chỉ đạo|"
    r"thực hiện|theo dõi|tham mưu|xây dựng)"
)
# "gửi về Ban Tổ chức", "báo cáo kết quả với Thường trực": the unit a report goes to
ADDRESSEE = re.compile(r"(?:gửi về|báo cáo kết quả với|báo cáo với|nộp về|nộp cho)\s+(.{4,160}?)(?:[;.]|$)")
# a table's responsible column ("Cơ quan chủ trì", "Đơn vị thực hiện", "Trách nhiệm")
RESPONSIBLE_COLUMN = re.compile(r"(chủ trì|cơ quan|đơn vị thực hiện|phụ trách|trách nhiệm)", re.IGNORECASE)
# a unit word in a (folded) question: "Văn phòng Thành ủy phải đánh giá gì"
UNIT_WORD_FOLDED = re.compile(r"\b(ban|dang doan|van phong|so|uy ban|mat tran|hoi|thanh doan|dang uy)\b")


def strip_numbering(heading: str) -> str:
    """'3.4. Ban Dân vận Thành ủy' → 'Ban Dân vận Thành ủy'."""
    return NUMBERING.sub("", heading).strip()


def names_unit(section: str) -> bool:
    """Whether a passage sits under a heading that names a unit ('3.4. Ban Dân vận Thành ủy')."""
    return bool(UNIT_HEADING.match(last_heading(section)))


def heading_unit_name(section: str) -> str:
    """The unit's name in a passage's last heading, without numbering or what follows it
    ('3.4. Ban Dân vận Thành ủy - cơ quan thường trực' → 'Ban Dân vận Thành ủy')."""
    return re.split(r"\s+-\s+|\s*\(|:", strip_numbering(last_heading(section)))[0]
