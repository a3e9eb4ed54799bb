"""The words a question asks with: who, when, where, how much, who signed, when issued, a sum of
money, an exact day, a time of day; and the words a document uses for what such a cue asks.

The patterns read the question folded (no diacritics, lower case) unless named ``_ACCENTED``: a
question typed without diacritics must be read as the same question.
"""

from __future__ import annotations

import re

# who: a unit or a person ("đơn vị nào", "ai phụ trách", "giao cho ai", "gửi về đâu")
WHO = re.compile(
    r"\b(ai|don vi nao|co quan nao|ban nao|do ai|ai phu trach|chu tri|phu trach|giao cho ai|"
    r"cho ai|nop cho ai|gui ve dau|trach nhiem)\b"
)
WHEN = re.compile(
    r"\b(khi nao|bao gio|ngay nao|thoi gian|thoi han|han nop|han chot|han|nam nao|thang nao|"
    r"quy nao|luc nao|tu ngay|den ngay|thoi diem|(?:ngay|thang|quy) may)\b(?! che)"
)  # "quý mấy" asks a time as "quý nào" does; "hạn chế" (a shortcoming) is no "hạn" (a deadline)
WHERE = re.compile(r"\b(o dau|tai dau|dia diem|noi nao|cho nao)\b")
HOW_MUCH = re.compile(r"\b(bao nhieu|may|ty le|chi tieu|muc tieu|so luong|so lieu|phan tram|so|dat)\b")
# Folded, "so" is số (a number) but also sở (a department: "SNV" → "Sở Nội vụ"), sơ (sơ kết), sổ, and
# "may", "dat" are máy, đất, đặt too: with diacritics typed, only "số" (not "chỉ số", an index's
# name), "mấy" and "đạt" ask for a figure.
HOW_MUCH_AMBIGUOUS = re.compile(r"\b(may|so|dat)\b")
HOW_MUCH_ACCENTED = re.compile(r"\b(mấy|(?<!chỉ )số|đạt)\b")
# a number asked in so many words, not only a target or index named ("mục tiêu … là gì"): when no
# figure is found for such a question, the best sentence answers it instead
COUNT_ASKED = re.compile(r"\b(bao nhieu|may|ty le|so luong|phan tram|xep thu|thu may|hang may)\b")
BAO_NHIEU = re.compile(r"\bbao nhieu\b")  # "how many": a "thời gian … bao nhiêu" asks for a figure
# who signed the document
SIGN = re.compile(r"\b(ai ky|ai ki|nguoi ky|ky ten|ky boi|chu ky)\b(?! so)")  # "chữ ký số": a digital signature
# a person by role: "tổ trưởng … là ai", "ai là trưởng đoàn", "họ tên"
PERSON = re.compile(r"\b(la ai|ai la|nguoi nao|ho ten|ho va ten)\b")
# when or under which number the document was issued (its header answers)
ISSUED = re.compile(r"\b(ky ngay|ban hanh ngay|ngay ban hanh|ngay ky|so hieu|so van ban|so den|cong van den)\b")
# a deadline, not any date: the answer prefers a sentence with a deadline cue
DEADLINE = re.compile(r"\b(han|cham nhat|truoc ngay)\b(?! che)")
# a sum of money
MONEY = re.compile(
    r"\b(bao nhieu tien|kinh phi bao nhieu|may trieu|may ty|so tien|bao nhieu dong|"
    r"duoc duyet bao nhieu|ho tro bao nhieu|muc ho tro|chi phi bao nhieu|bao nhieu trieu|"
    r"bao nhieu ty)\b"
)
# A price, fee, wage or fine asked for by amount ("mức lương tối thiểu là bao nhiêu", "học phí tăng
# bao nhiêu"): with diacritics the noun is unambiguous ("lương", not "lượng"); without them only
# phrases that cannot be another word count.
MONEY_NOUN_ACCENTED = re.compile(r"\b(lương|học phí|lệ phí|phí|giá vé|giá bán|tiền phạt|mức phạt|đóng bao nhiêu)\b")
MONEY_NOUN = re.compile(r"\b(muc luong|tien luong|luong toi thieu|luong co ban|hoc phi|le phi|gia ve|tien phat)\b")
AMOUNT_ASKED = re.compile(r"\b(bao nhieu|la bao)\b|\bmức\b")  # read on the folded and on the accented question
# a list: "những nhiệm vụ nào", "gồm những gì", "liệt kê"
LIST = re.compile(r"\bnhung\b.*\b(nao|gi)\b|\b(gom nhung|bao gom nhung|liet ke|cac buoc)\b")
# a yes / no question: "có … không", "… phải không", "… chưa"
YES_NO = re.compile(r"\b(co|da|duoc)\b.*\bkhong\s*\??\s*$|\bphai khong\b|\bchua\s*\??\s*$")
# "bao nhiêu hội viên", "mấy chức danh": the noun counted, which the figure in the answer is followed by
COUNT_OF = re.compile(r"\b(?:bao nhieu|may)\s+(?!phan tram|%|la\b)([a-z]+(?: [a-z]+)?)")
RANK = re.compile(r"\b(xep thu|xep hang|thu may|hang may|thu hang|dung thu|vi tri thu)\b")  # a rank ("3/63", "thứ 3")
# the precision a time question asks for: "quý mấy" a quarter, "tháng nào" a month, "năm nào" a year
PRECISION_ASKED = (
    (re.compile(r"\bquy (nao|may)\b"), "quarter"),
    (re.compile(r"\bthang (nao|may)\b"), "month"),
    (re.compile(r"\bnam (nao|may)\b"), "year"),
)
SHARE = re.compile(r"\bty le\b|\bphan tram\b|%")  # a share ("89,58%")
EXACT_DAY = re.compile(r"\b(ngay nao|ngay may|hom nao|ngay bao nhieu)\b")
CLOCK = re.compile(r"\b(may gio|gio nao|luc may gio|bat dau luc)\b")

# What a cue asks for, in the words a document uses for it ("ở đâu" → "địa điểm"), added to the search.
INTENT_TERMS = [
    (re.compile(r"\b(o dau|tai dau|noi nao|cho nao)\b"), "địa điểm"),
    (re.compile(r"\b(khi nao|bao gio|luc nao|thoi diem nao)\b"), "thời gian"),
    (re.compile(r"\b(han nop|han chot|thoi han)\b"), "trước ngày"),
]
# Everyday words → the words the documents use for the same thing (generic to Vietnamese admin text).
# Matched on the accented question; the folded form only where it is unambiguous ("hop" is both
# "họp" and "hợp").
SYNONYMS = [
    (re.compile(r"\bnộp\b"), re.compile(r"\bnop\b"), "gửi về"),
    (re.compile(r"\bhọp\b"), None, "hội nghị"),
    (re.compile(r"\b(bao nhiêu tiền|tiền)\b"), re.compile(r"\bbao nhieu tien\b"), "kinh phí"),
    (re.compile(r"\bnăm nào\b"), re.compile(r"\bnam nao\b"), "năm thời gian"),
]
