"""The words a question asks with: who, when, where, how much, who signed, when issued, a sum of
money, an exact day, a time of day; and the words a document uses for what such a cue asks.

The patterns read the question folded (no diacritics, lower case) unless named ``_ACCENTED``: a
question typed without diacritics must be read as the same question.
"""

from __future__ import annotations

import re

from index.vocab.words import STOPWORDS_FOLDED

# who: a unit or a person ("đơn vị nào", "ai phụ trách", "giao cho ai", "gửi về đâu")
WHO = re.compile(
    r"\b(ai|don vi nao|co quan nao|ban nao|ben nao|do ai|ai phu trach|chu tri|phu trach|giao cho ai|"
    r"cho ai|nop cho ai|gui ve dau|trach nhiem)\b"
)
# to whom a paper goes: "báo cáo kết quả cho ai", "nộp cho ai", "gửi về đâu", "báo cáo ai": the addressee
# clause answers ("báo cáo kết quả thực hiện với Thường trực Thành ủy", "gửi về Ban Chỉ đạo"), not the unit
# that writes the paper; "giao cho ai" asks the assignee, and "do ai" the doer
_SENDS = r"(?:bao cao|nop|gui|(?<!chuong )trinh)"  # "chương trình" is no "trình"
RECIPIENT = re.compile(
    rf"\b{_SENDS} ai\b|\b{_SENDS}\b(?: [a-z]+){{0,6}} (?:(?<!giao )cho ai|voi ai|ve dau|len ai|den ai|toi ai)\b"
)
# who works with the unit in charge: "phối hợp với ai", "những bên nào phối hợp", "đơn vị phối hợp" (not
# "ai chủ trì, phối hợp …": that asks who is in charge); a task table's "Cơ quan phối hợp" column answers
PARTNER = re.compile(r"\bphoi hop\b")
IN_CHARGE = re.compile(r"\bchu tri\b")
WHEN = re.compile(
    r"(?<![/-])\b(khi nao|bao gio|ngay nao|thoi gian|thoi han|han nop|han chot|(?<!tre )(?<!dung )(?<!qua )han|nam nao|"
    r"thang nao|quy nao|luc nao|tu ngay|den ngay|thoi diem|(?:ngay|thang|quy) may)\b(?! che)"
)  # "quý mấy" asks a time as "quý nào" does; "hạn chế" (a shortcoming) is no "hạn" (a deadline), nor are
# "trễ hạn", "đúng hạn", "quá hạn" (late, on time, overdue: "tỷ lệ hồ sơ trễ hạn"); a code's letters are no
# word ("24-CT/TU ngày 07/8/2023": no "từ ngày")
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
# who signed the document ("chữ ký số": a digital signature); "ai thay mặt BCH … ký", "ai ký thay": the
# signature block's own words ("T/M BAN CHẤP HÀNH", "KT. CHỦ TỊCH"), with what is signed between
SIGN = re.compile(
    r"\b(ai (?:da |se )?ky|ai ki|nguoi ky|dong chi nao ky|nguoi nao ky|ky ten|ky boi|chu ky|ky thay|"
    r"ai thay mat\b.*\bky)\b(?! so)"
)
# a person by role: "tổ trưởng … là ai", "ai là trưởng đoàn", "họ tên"; "đồng chí nào" is the Party's
# "ai" ("Trưởng BCĐ là đồng chí nào", "do đồng chí nào ký")
PERSON = re.compile(r"\b(la ai|ai la|nguoi nao|dong chi nao|ho ten|ho va ten)\b")
# when or under which number the document was issued (its header answers)
# the arrival stamp asked of: "có dấu ĐẾN số mấy, ngày nào", "số đến", "công văn đến ngày nào"
ARRIVAL = re.compile(r"\b(dau den|so den|cong van den|ngay den)\b")
ISSUED = re.compile(r"\b(ky ngay|ban hanh ngay|ngay ban hanh|ngay ky|so hieu|so van ban|so den|cong van den)\b")
# a deadline, not any date: the answer prefers a sentence with a deadline cue
DEADLINE = re.compile(r"\b((?<!tre )(?<!dung )(?<!qua )han|cham nhat|truoc ngay)\b(?! che)")
# a sum of money: the amount asked outright ("bao nhiêu tiền", "mấy tỷ"), or a noun Vietnamese
# administrative text uses for one (a budget, a subsidy, an allowance, a reward, a fee, capital) asked by
# amount. Not "thưởng" alone (folded, it is also "thường"), nor "đầu tư" ("vốn", "tổng mức đầu tư" are).
MONEY = re.compile(
    r"\b(bao nhieu tien|so tien|may trieu|may ty|bao nhieu trieu|bao nhieu ty|bao nhieu dong|"
    r"duoc duyet bao nhieu|ho tro bao nhieu|muc ho tro|"
    r"(kinh phi|muc ho tro|duoc ho tro|phu cap|muc thuong|tien thuong|muc phi|le phi|hoc phi|"
    r"phi hoi vien|muc luong|tien luong|muc boi duong|von dieu le|von|tong muc dau tu|chi phi|"
    r"cong tac phi|muc chi|gia ve|gia ban)\b.{0,70}\bbao nhieu\b)"
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
# a cause or a basis asked: "vì sao", "tại sao", "do đâu", "lý do", "nguyên nhân", "dựa vào đâu", "căn cứ vào
# đâu" (the Vietnamese constructions of "why"); a passage answers it with a connective (CAUSE_STATED)
CAUSE = re.compile(r"\b(vi sao|tai sao|do dau|ly do|li do|nguyen nhan|dua vao dau|can cu vao dau|vi dau)\b")
# how a text states a cause, a purpose or a basis: "do sáp nhập", "vì vậy", "bởi", "nguyên nhân", "lý do",
# "nhằm", "để", "thực hiện Kế hoạch …", "căn cứ", "trên cơ sở", "xuất phát từ", "dẫn đến" (read accented: folded,
# "do" and "de" are many other words)
CAUSE_STATED = re.compile(
    r"(?<!\w)(do|vì|bởi|nguyên nhân|lý do|lí do|nhằm|để|thực hiện|căn cứ|trên cơ sở|xuất phát từ|dẫn đến)(?!\w)",
    re.IGNORECASE,
)
# "bao nhiêu hội viên", "mấy chức danh": the noun counted, which the figure in the answer is followed by
COUNTED_MAX_WORDS = 4  # "bao nhiêu thủ tục hành chính": a noun of up to four syllables
COUNT_OF = re.compile(rf"\b(?:bao nhieu|may)\s+(?!phan tram|%|la\b)([a-z]+(?: [a-z]+){{0,{COUNTED_MAX_WORDS - 1}}})")


# A part asked of a whole: "… có 96 đ/c, trong đó cán bộ nữ mấy người", "riêng khu vực dịch vụ chỉ tiêu bao
# nhiêu", "trong 31.706 đv kết nạp mới có bao nhiêu là nữ". Vietnamese names the part after "trong đó" or
# "riêng" (up to the question word), or after "bao nhiêu … là"; a report writes the part's figure beside the
# part's words ("Trong đó: cán bộ nữ 14 đồng chí", "trong đó: Dịch vụ: 8,0 - 8,5%"), so the whole's figure
# or another part's does not answer. Not "trong số": it names the whole ("trong số hạn chế …, mấy nhóm …").
PART_AFTER = re.compile(r"\b(?:trong do|rieng)\b[\s:,]*(.*?)\s*(?:\b(?:bao nhieu|may|bn|la)\b|[,?.;!]|$)")
PART_IS = re.compile(r"\b(?:bao nhieu|may|bn)(?: [a-z]+)? la ([a-z0-9 ]+?)\s*(?:[,?.;!]|$)")
# the words that say what is measured of the part, or the kind of part, not which part ("riêng khu vực dịch
# vụ chỉ tiêu bao nhiêu": the part is "dịch vụ"); removed as phrases, so "sở" in "cấp sở" stays
PART_FRAME = re.compile(r"\b(?:chi tieu|ty le|ket qua|so luong|khu vuc|linh vuc|khoi|bac|muc)\b")
PART_STOP = STOPWORDS_FOLDED | {"co", "duoc", "dc", "thi", "the"}


def part_words(folded: str) -> tuple[str, ...]:
    """The words of the part a question asks a figure of ("trong do can bo nu may nguoi" → can, bo, nu);
    () when it asks of no part."""
    out: list[str] = []
    for rx in (PART_AFTER, PART_IS):
        for m in rx.finditer(folded):
            for word in PART_FRAME.sub(" ", m.group(1)).split():
                if word not in PART_STOP and word not in out:
                    out.append(word)
    return tuple(out)


def counted_words(folded: str) -> tuple[str, ...]:
    """The noun a "bao nhiêu / mấy" asks the count of, up to the first function word: "bao nhieu thu tuc
    hanh chinh" → (thu, tuc, hanh, chinh), "bao nhieu von vao mot quy" → (von,); () when none is asked."""
    m = COUNT_OF.search(folded)
    if not m:
        return ()
    out: list[str] = []
    words = m.group(1).split()
    for i, word in enumerate(words):
        # "bao" alone is "báo" ("thông báo", "báo cáo"); only "bao nhiêu" is a function word
        if out and word in COUNTED_STOP and not (word == "bao" and words[i + 1 : i + 2] != ["nhieu"]):
            break
        out.append(word)
    return tuple(out)


# A short form officials type is the initials of the words it stands for ("đv", "nk", "cchc", "qlnn",
# "thpt"), and a Vietnamese syllable always has a vowel: a (folded) word of consonants only is a short form.
# Which words it stands for is read off the passage ("đv" is "đảng viên" or "đơn vị", whichever it writes).
SHORT_FORM = re.compile(r"^[b-df-hj-np-tv-xz]{2,6}$")
LONGEST_SHORT_FORM = 6


def short_forms(words: tuple[str, ...] | list[str]) -> frozenset[str]:
    """The short forms a document may write for a noun spelled out: its initials ("thu tuc hanh chinh" →
    tthc), or a longer start's ("thu tuc hanh chinh cap xa" → tthc, tthcc); never two words' alone
    unless they are the whole noun ("tt" is also a thông tư)."""
    return frozenset(
        "".join(w[0] for w in words[:n]) for n in range(2, len(words) + 1) if n == len(words) or n >= 3
    )


# words that end the counted noun after its first: a function word ("bao nhiêu đảng viên đã cài"), a place
# or time after it ("bao nhiêu đại biểu trong …", "bao nhiêu bác sĩ trên 1 vạn dân"); not the folded
# stopwords that are also nouns ("đang" / "đảng", "người", "đâu" / "đầu", "để" / "đề"), and the first
# word is always the noun ("bao nhiêu người")
COUNTED_STOP = (STOPWORDS_FOLDED - {"dang", "nguoi", "dau", "de"}) | {"trong", "tren", "duoi", "co", "duoc", "tai"}
RANK = re.compile(r"\b(xep thu|xep hang|thu may|hang may|thu hang|dung thu|vi tri thu)\b")  # a rank ("3/63", "thứ 3")
# the precision a time question asks for: "quý mấy" a quarter, "tháng nào" a month, "năm nào" a year
PRECISION_ASKED = (
    (re.compile(r"\bquy (nao|may)\b"), "quarter"),
    (re.compile(r"\bthang (nao|may)\b"), "month"),
    (re.compile(r"\bnam (nao|may)\b"), "year"),
)
SHARE = re.compile(r"\bty le\b|\bty trong\b|\bphan tram\b|%")  # a share ("89,58%"; "tỷ trọng" in GRDP)
EXACT_DAY = re.compile(r"\b(ngay nao|ngay may|hom nao|ngay bao nhieu)\b")
# a time of day: when it starts, and when it ends ("kéo dài đến mấy giờ")
CLOCK = re.compile(r"\b(may gio|gio nao|luc may gio|den may gio|bat dau luc|ket thuc luc)\b")

# ---- the kind of span a question asks for (what a passage must hold to answer it) ---------------
# Each a Vietnamese question construction, read on the folded question; the answer code looks for a
# span of the same kind (index.vocab.figures, places) in the passages. Money and clock time are the
# MONEY / CLOCK cues above.
PHONE = re.compile(r"\b(so dien thoai|dien thoai|sdt|hotline|duong day nong|so may le)\b")
EMAIL = re.compile(r"\b(e ?-?mail|thu dien tu|hop thu dien tu|dia chi thu)\b")
LINK = re.compile(r"\b(link|duong link|duong dan|website|trang web|url|ma qr|dia chi trang)\b")
# a share: "bao nhiêu %", "tỷ lệ … bao nhiêu" (before money: "vốn … đạt bao nhiêu %" is a share)
PERCENT = re.compile(r"\b(bao nhieu phan tram|phan tram|(ty le|ty trong)\b.{0,60}\bbao nhieu)|bao nhieu\s*%")
# a rank: RANK above
# a score: "được bao nhiêu điểm", "đạt mấy điểm"
POINTS = re.compile(r"\b(bao nhieu|may)\s+diem\b")
# a document's number: "số mấy", "số hiệu"; folded, "so" after "cấp", "chỉ", "hồ" is the noun "cấp sở" (a
# department's level), "chỉ số" (an index) or "hồ sơ" (a dossier), whose count or value "bao nhiêu" asks
DOC_NUMBER = re.compile(r"(?<!\bcap )(?<!\bchi )(?<!\bho )\b(so may|so hieu|so bao nhieu)\b")
# a person by name: "họ tên", or a title asked with "ai" / "đồng chí nào" (narrower than PERSON, the answer kind: a name
# must stand beside the title to answer it)
# an official's title, as a question names it (folded)
TITLE = re.compile(
    r"\b(truong doan|pho truong doan|truong ban|pho truong ban|chu tich|pho chu tich|giam doc|pho giam doc|"
    r"bi thu|pho bi thu|truong phong|pho truong phong|nguoi dung dau|thu truong|chanh van phong)\b"
)
NAMED_PERSON = re.compile(rf"\b(ho ten|ho va ten|ten la gi)\b|{TITLE.pattern}.{{0,50}}\b(ai|la ai|dong chi nao)\b")
# a place, a room or a seat ("ở phòng nào", "trụ sở đặt ở đâu")
PLACE = re.compile(r"\b(o dau|tai dau|dia diem|phong nao|phong hop nao|tru so|noi nao|cho nao|dat o)\b")
# a date or period ("ngày nào", "tháng mấy", "quý nào", "hạn chót")
DATE = re.compile(
    r"\b(ngay nao|ngay may|hom nao|khi nao|bao gio|luc nao|thang may|thang nao|nam nao|quy may|"
    r"quy nao|thoi han|han chot|han nop|han hoan thanh|truoc ngay nao|thoi gian nao|thoi diem nao)\b"
)
COUNT = re.compile(r"\b(bao nhieu|may)\b")
# a document named by its kind and number ("chỉ thị 35-CT/TW", "công văn 1021", "kế hoạch số 134"): a
# question about it may ask the date it was issued, which the text gives as a citation
_PAPER_KINDS = (
    r"nghi quyet|chi thi|ket luan|quyet dinh|ke hoach|thong bao|huong dan|quy dinh|de an|cong van|luat|"
    r"nghi dinh|thong tu|to trinh|bao cao|cong dien|giay moi"
)
NAMED_DOC = re.compile(rf"\b({_PAPER_KINDS})\s+(so\s+)?\d+")
# a question about a paper, named or not ("quy chế … ban hành khi nào", "căn cứ kế hoạch nào, ngày nào",
# "áp dụng từ ngày nào"): a cited document's date may answer it; a question about an event ("hội nghị
# lần thứ 13 họp ngày nào") is not answered by the date of the plan that convened it
PAPER_ASKED = re.compile(
    rf"\b({_PAPER_KINDS}|quy che|van ban|chuong trinh|ctr|kh|cv|qd|nq|"
    r"ban hanh|ap dung|hieu luc|can cu|ky ngay|ngay ky|nguoi ky|ai ky)\b"
)

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


# what was achieved, asked in so many words ("thực tế đạt bao nhiêu", "hiện nay đã đạt"), and not a
# target ("chỉ tiêu", "mục tiêu", "phấn đấu", "phải đạt", "đến năm 2025"): a target's figure does not
# answer it (index/vocab/sections.TARGET_HEADING). A target compared with ("đạt bao nhiêu so với chỉ tiêu",
# "so với kế hoạch") is the yardstick of the result asked, not what is asked.
ACHIEVED = re.compile(r"\b(thuc te|hien nay|hien dat|da dat|dat duoc|dat bao nhieu)\b")
TARGET_ASKED = re.compile(
    r"(?<!\bso voi )\b(chi tieu|muc tieu|dat ra|de ra|phan dau|phai dat|ke hoach|du kien|den nam|toi nam)\b"
)
