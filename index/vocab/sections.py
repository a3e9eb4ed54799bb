"""The section path a passage carries: its headings, outermost first, joined by one separator."""

from __future__ import annotations

SECTION_SEP = " › "  # as index.ingest.structure writes it (its PATH_SEP)


def last_heading(section: str) -> str:
    """The innermost heading of a section path ('II. NHIỆM VỤ › 3.4. Ban Dân vận' → '3.4. Ban Dân vận')."""
    return section.split(SECTION_SEP)[-1]
