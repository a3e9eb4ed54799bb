"""The signature block that closes a document: "T/M BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "TL. BAN …"."""

from __future__ import annotations

import re

# the first line of a signature block: on behalf of (T/M, TM.), deputy (KT.), by order (TL., TUQ., Q.)
SIGNATURE_LINE = re.compile(r"^(T/M|TM\.|KT\.|TL\.|TUQ\.|Q\.)\s*[A-ZĐÀ-Ỹ]")
# "T/M BAN THƯỜNG VỤ" / "TM. ỦY BAN NHÂN DÂN": the body the signer signs for (the issuer), captured
ON_BEHALF_OF = re.compile(r"^(?:T/M|TM\.?)\s+(.+)$")
