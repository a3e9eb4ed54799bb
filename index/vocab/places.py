"""A place in a passage: "Địa điểm: …", "tại …", "Hội trường …", a house number."""

from __future__ import annotations

import re

PLACE = re.compile(r"(Địa điểm|[Tt]ại |Hội trường|số \d+ )")
# the place itself: what follows the label "Địa điểm" or "tại", or a hall named, up to the clause's end
PLACE_SPAN = re.compile(
    r"(?:(?P<label>Địa điểm)\s*:?\s*|(?<!\w)[Tt]ại\s+|(?=Hội trường))(?P<place>[^;\n()]{3,160}?)(?=$|[;\n(]|\.\s|\.$)"
)
