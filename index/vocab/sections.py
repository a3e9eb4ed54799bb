"""The section path a passage carries: its headings, outermost first, joined by one separator."""

from __future__ import annotations

import re

SECTION_SEP = " › "  # between the headings of a section path: "II. NHIỆM VỤ › 1. Ban Tổ chức"


def last_heading(section: str) -> str:
    """The innermost heading of a section path ('II. NHIỆM VỤ › 3.4. Ban Dân vận' → '3.4. Ban Dân vận')."""
    return section.split(SECTION_SEP)[-1]


# a section of targets or tasks: "II. MỤC TIÊU, CHỈ TIÊU", "1.4. Phấn đấu đạt các chỉ tiêu", "NHIỆM VỤ,
# GIẢI PHÁP CHỦ YẾU ĐẾN NĂM 2025"; its figures are what is to be reached, not what was ("PHỤ LỤC kết
# quả thực hiện chỉ tiêu" is results)
TARGET_HEADING = re.compile(r"mục tiêu|chỉ tiêu|phương hướng|nhiệm vụ,? giải pháp", re.IGNORECASE)
RESULTS_HEADING = re.compile(r"kết quả", re.IGNORECASE)


# a table's columns: the target set ("Chỉ tiêu", "Kế hoạch", "Mục tiêu") and the result reached ("Kết quả",
# "Thực hiện", "Ước thực hiện"), as an appendix of indicators has them: "TT | Nội dung | Chỉ tiêu | Kết quả"
TARGET_COLUMN = re.compile(r"^\s*(?:chỉ tiêu|kế hoạch|mục tiêu|dự toán)", re.IGNORECASE)
RESULT_COLUMN = re.compile(r"^\s*(?:kết quả|thực hiện|ước thực hiện|ước|đạt|thực tế)", re.IGNORECASE)


def of_targets(section: str) -> bool:
    """Whether a section path is a document's targets or tasks, not its results."""
    return bool(TARGET_HEADING.search(section)) and not RESULTS_HEADING.search(section)
