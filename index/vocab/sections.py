"""The section path a passage carries: its headings, outermost first, joined by one separator."""

from __future__ import annotations

SECTION_SEP = " › "  # between the headings of a section path: "II. NHIỆM VỤ › 1. Ban Tổ chức"


def last_heading(section: str) -> str:
    """The innermost heading of a section path ('II. NHIỆM VỤ › 3.4. Ban Dân vận' → '3.4. Ban Dân vận')."""
    return section.split(SECTION_SEP)[-1]
