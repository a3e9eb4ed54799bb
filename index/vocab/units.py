"""Units (bodies, offices, officials) as the documents name them.

The documents often name the responsible unit only in a heading ("3.4. Ban Dân vận Thành ủy"), in
an assignment clause ("Giao Văn phòng Thành ủy chủ trì …"), in a line that opens with it, or in a
table's responsible column.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
    r"Văn phòng [\wÀ-ỹ ]{2,40}?|Văn Phòng [\wÀ-ỹ ]{2,40}?|Sở [A-ZĐ][\wÀ-ỹ ,&-]{2,40}?|UBND [\wÀ-ỹ ]{2,20}?|"
    r"HĐND [\wÀ-ỹ ]{2,20}?|MTTQ|Mặt trận Tổ quốc|Thành đoàn|Hội [A-ZĐ][\wÀ-ỹ ]{2,30}?|"
    r"(?:các )?(?:đồng chí|Đồng chí) [\wÀ-ỹ ]{2,40}?|Chủ tịch [\wÀ-ỹ ]{2,30}?|Các Ban Chỉ đạo [\wÀ-ỹ ]{2,60}?|"
    r"[Cc]ác (?:cấp uỷ|cấp ủy|sở|ban|Ban) [\wÀ-ỹ ,]{2,60}?|"
    # the other bodies of the state: police, centres, general departments, ministries, inspectorates,
    # the Youth Union, treasuries, divisions ("Công an tỉnh", "Tổng cục Thống kê", "Đoàn TNCS Hồ Chí Minh")
    r"Công an [\wÀ-ỹ ]{2,20}?|Trung tâm [A-ZĐ][\wÀ-ỹ ,]{2,60}?|(?:Tổng cục|Chi cục|Cục) [A-ZĐ][\wÀ-ỹ ]{2,40}?|"
    r"Bộ [A-ZĐ][\wÀ-ỹ ]{2,40}?|Thanh tra [\wÀ-ỹ ]{2,20}?|Đoàn (?:TNCS|Thanh niên)[\wÀ-ỹ ]{0,40}?|"
    r"Liên đoàn [\wÀ-ỹ ]{2,40}?|Kho bạc [\wÀ-ỹ ]{2,30}?|Phòng [A-ZĐ][\wÀ-ỹ ,-]{2,50}?)"
    r"(?=$|[,.;:()\n]| \(| chủ trì| phối hợp| có trách nhiệm| làm| tham mưu| theo dõi| chỉ đạo| định kỳ| xây dựng|"
    # "trình" (submit) ends a unit's name, but not in "Ban Chỉ đạo Chương trình"; nor does an aside: " (qua …)"
    r" thực hiện| tổ chức| hướng dẫn| công bố| thẩm định| kiểm tra|(?<![Cc]hương) trình| gửi| báo cáo|"
    r" đã| sẽ| phải|"
    r" tăng cường| tiếp tục| đẩy mạnh| nâng cao| rà soát| đánh giá| quản lý| bảo đảm| đảm bảo| triển khai|"
    r" tuyên truyền| vận động| giám sát| phê duyệt| hoàn thành| nghiên cứu| bố trí| ban hành| tập trung|"
    r" đề xuất| kiến nghị| cung cấp| hướng| kính đề nghị| đề nghị| được| là))"
)
# "Giao Văn phòng Thành ủy chủ trì", "do Ban Tuyên giáo làm": the unit a task is given to
ASSIGNMENT = re.compile(
    r"(?:[Gg]iao|do)\s+(.{4,120}?)\s+(?:chủ trì|làm|phụ trách|có trách nhiệm|chỉ đạo|"
    r"thực hiện|theo dõi|tham mưu|xây dựng)"
)
# "gửi về Ban Tổ chức", "báo cáo kết quả với Thường trực", "Kính gửi: Văn phòng UBND tỉnh" (a letter's
# addressee line): the unit a report goes to
ADDRESSEE = re.compile(
    r"(?:gửi về|báo cáo kết quả(?: thực hiện)? với|báo cáo với|nộp về|nộp cho|gửi)(?::\s*|\s+)(.{4,160}?)(?:[;.]|$)"
)
# "Theo đề nghị của Giám đốc Sở Nội vụ": the proposer, in a decision's preamble
PROPOSER = re.compile(r"[Tt]heo đề nghị của\s+(.{4,120}?)(?:[;.]|,\s|$)")
# a person: "Ông Nguyễn Văn A", "đồng chí Trần Thị B" (capitalised names), and an official by title and
# unit ("Giám đốc Sở Nội vụ", "Phó Chủ tịch UBND tỉnh")
_NAME_WORD = r"[A-ZĐÂĂÊÔƠƯ][a-zà-ỹđ]+"
PERSON = re.compile(rf"(?:(?<!\w)[Ôô]ng|(?<!\w)[Bb]à|[Đđ]ồng chí)\s+{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}")
_TITLE = (
    r"(?:Phó\s+)?(?:Giám đốc|Chủ tịch|Bí thư|Trưởng ban|Tổ trưởng|Trưởng đoàn|Tổng cục trưởng|Bộ trưởng|"
    r"Thủ trưởng|Chánh Văn phòng|Trưởng phòng|Cục trưởng|Viện trưởng|Chánh Thanh tra)"
)
# the title is followed by the body it heads (a unit word), not by the group it leads ("Tổ trưởng Tổ …")
OFFICIAL = re.compile(
    rf"{_TITLE}\s+(?:Sở|Ban|Văn phòng|UBND|Ủy ban|Uỷ ban|HĐND|Trung tâm|Tổng cục|Cục|Bộ|Phòng|Hội|Công an|"
    r"Thanh tra|Viện|Đảng ủy|Thành ủy|Tỉnh ủy|Mặt trận)\b[^,;.()\n]{0,60}?"
    r"(?=$|[,;.()\n]|\s+(?:là|làm|chủ trì|phụ trách)\b)"
)
# a role given as a label: "Tổ trưởng: Giám đốc Sở Nội vụ", "Trưởng đoàn: đồng chí …"
ROLE_LABEL = re.compile(
    r"(?:Tổ trưởng|Tổ phó|Trưởng đoàn|Phó Trưởng đoàn|Trưởng ban|Phó Trưởng ban|Chủ tịch|Phó Chủ tịch|Thư ký|"
    r"Thường trực)\s*:\s*([^;.\n]{3,100})"
)
# a table's responsible column ("Cơ quan chủ trì", "Đơn vị thực hiện", "Trách nhiệm")
RESPONSIBLE_COLUMN = re.compile(r"(chủ trì|cơ quan|đơn vị thực hiện|phụ trách|trách nhiệm)", re.IGNORECASE)
PARTNER_COLUMN = re.compile(r"phối hợp", re.IGNORECASE)  # "Cơ quan phối hợp": who works with the one in charge
# a unit word in a (folded) question: "Văn phòng Thành ủy phải đánh giá gì"
UNIT_WORD_FOLDED = re.compile(r"\b(ban|dang doan|van phong|so|uy ban|mat tran|hoi|thanh doan|dang uy)\b")


def strip_numbering(heading: str) -> str:
    """'3.4. Ban Dân vận Thành ủy' → 'Ban Dân vận Thành ủy'."""
    return NUMBERING.sub("", heading).strip()


@lru_cache(maxsize=65536)
def names_unit(section: str) -> bool:
    """Whether a passage sits under a heading that names a unit ('3.4. Ban Dân vận Thành ủy'). Cached:
    search asks it of every candidate, and the same sections come back for every question."""
    return bool(UNIT_HEADING.match(last_heading(section)))


def heading_unit_name(section: str) -> str:
    """The unit's name in a passage's last heading, without numbering or what follows it
    ('3.4. Ban Dân vận Thành ủy - cơ quan thường trực' → 'Ban Dân vận Thành ủy')."""
    return re.split(r"\s+-\s+|\s*\(|:", strip_numbering(last_heading(section)))[0]
