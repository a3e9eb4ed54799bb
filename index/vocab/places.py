"""A place in a passage: "Địa điểm: …", "tại …", "Hội trường …", a house number."""

from __future__ import annotations

import re

PLACE = re.compile(r"(Địa điểm|[Tt]ại |Hội trường|số \d+ )")
# the place itself: what follows the label "Địa điểm" or "tại", or a hall named, up to the clause's end
PLACE_SPAN = re.compile(
    r"(?:(?P<label>Địa điểm)\s*:?\s*|(?<!\w)[Tt]ại\s+|(?=Hội trường))(?P<place>[^;\n()]{3,160}?)(?=$|[;\n(]|\.\s|\.$)"
)
# a place named outright, stricter than PLACE (which finds the sentence that may hold one): "tại Hội
# trường …", "Phòng họp số 2", "Trụ sở …", "Địa điểm:", "điểm cầu …", "số 36 đường Trần Phú"
PLACE_NAMED = re.compile(
    r"\b(?:[Tt]ại (?:[A-ZĐ]|số \d)|Hội trường|[Pp]hòng họp|[Tt]rụ sở|[Đđ]ịa điểm\s*:|[Đđ]iểm cầu|"
    r"[Ss]ố \d+,? (?:đường|phố))"
)
