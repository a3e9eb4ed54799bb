"""A place in a passage: "Địa điểm: …", "tại …", "Hội trường …", a house number."""

from __future__ import annotations

import re

PLACE = re.compile(r"(Địa điểm|[Tt]ại |Hội trường|số \d+ )")
