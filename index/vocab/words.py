"""Stopwords and the short forms officials type."""

from __future__ import annotations

from index.text import fold_diacritics

# Question and function words: rare in the documents (so BM25 would weight them highly) but say
# nothing about the topic.
STOPWORDS = frozenset(
    """ai gì nào đâu sao bao nhiêu mấy khi lúc thế như vậy hả nhỉ không có phải là của và các
    những được cho với thì mà này đó kia ra vào lên về theo để bị đã đang sẽ rồi chưa nữa cũng
    hay hoặc tới đến nào vậy ạ à ơi nhé thế_nào làm gì cái người ta mình""".split()
)
# folded, less the folded forms that are also content words ("có" / "cơ", "các" / "cấp"...)
STOPWORDS_FOLDED = frozenset(fold_diacritics(w) for w in STOPWORDS) - {"co", "cac", "duoc", "ve", "the"}

# Short forms officials type. Lower-case keys match any case; upper-case keys only match as typed,
# because "tu", "kh" or "bc" are also ordinary unaccented syllables ("từ", "khi", "bác").
ABBREVIATIONS = {
    "ctr": "chương trình",
    "btv": "ban thường vụ",
    "bcđ": "ban chỉ đạo",
    "kt-xh": "kinh tế - xã hội",
    "ĐBQH": "đại biểu quốc hội",
    "TU": "Thành ủy",
    "KH": "kế hoạch",
    "BC": "báo cáo",
    "CV": "công văn",
    "TP": "thành phố",
    "BCD": "ban chỉ đạo",
    "NQ": "nghị quyết",
    # bodies officials name by their official short form, which the documents spell out in full
    # (the short form stands only inside số hiệu codes: "2701/SNV-CCHC"); upper case only, so a word
    # is never taken for one. Used in 10 realdocs questions on 7 documents. Short forms the documents
    # themselves write in running text (MTTQ, HĐND, UBND, CCHC) are NOT replaced: the question would
    # lose the very word the passage has (measured: replacing MTTQ and HĐND cost dev hit@5 0.98 → 0.959).
    "SNV": "Sở Nội vụ",
    "STP": "Sở Tư pháp",
    "STC": "Sở Tài chính",
    "BNV": "Bộ Nội vụ",
    "VPCP": "Văn phòng Chính phủ",
    # everyday short forms of words the documents always spell out (none stands alone in the seed or
    # realdocs texts): "ở HN", "kết nạp bao nhiêu ĐV", "bầu cử QH". Left out as ambiguous: NK (nhiệm kỳ
    # or nhập khẩu: "thuế NK"), NV (nhiệm vụ, nhân viên), ĐB (Đảng bộ, đại biểu), ĐH (đại hội, đại học),
    # CB and ĐU (the documents write them in running text): the index reads those as its own documents
    # spell them out (index.retrieval.short_forms), after these
    "HN": "Hà Nội",
    "ĐV": "đảng viên",
    "QH": "Quốc hội",
    # the chat form of "số điện thoại": a phone asked (index.vocab.cues.PHONE reads it spelled out), and
    # the words a passage with the number writes ("điện thoại 0988.123.456"), not a term no text holds
    "sđt": "số điện thoại",
    "sdt": "số điện thoại",
}


def expand_abbreviations(question: str) -> str:
    """'ctr 01' → 'chương trình 01': officials type the short forms the documents spell out."""
    out = []
    for w in question.split():
        core = w.strip("?,.!;:")
        rep = ABBREVIATIONS.get(core) or ABBREVIATIONS.get(core.lower())
        out.append(w.replace(core, rep) if rep else w)
    return " ".join(out)


# The question words, typed without diacritics, and their accented forms. The documents state and
# never ask, so their vocabulary restores these wrongly ("nao" → "não", "dau" → "đầu", "may" →
# "máy", "co … khong" → "cơ … không"): a closed class of Vietnamese interrogatives, read before the
# corpus is asked. Pairs first (a pair decides an ambiguous syllable: "o dau" is "ở đâu", "dau tu" is
# not a question); the single words are those with one reading in a question.
QUESTION_PAIRS = {
    "khi nao": "khi nào",
    "luc nao": "lúc nào",
    "bao gio": "bao giờ",
    "bao nhieu": "bao nhiêu",
    "the nao": "thế nào",
    "o dau": "ở đâu",
    "tai dau": "tại đâu",
    "ve dau": "về đâu",
    "vao dau": "vào đâu",
    "tu dau": "từ đâu",
    "la gi": "là gì",
    "la ai": "là ai",
    "may gio": "mấy giờ",
    "thang may": "tháng mấy",
    "thu may": "thứ mấy",
    "lan thu": "lần thứ",
    "so may": "số mấy",
    "dieu may": "điều mấy",
    "ngay nao": "ngày nào",
    "nam nao": "năm nào",
    "co phai": "có phải",
    "co duoc": "có được",
    "phai khong": "phải không",
}
QUESTION_WORDS = {"nao": "nào", "gi": "gì", "khong": "không"}
# everyday short forms the question cues read as typed (index.vocab.cues: "bn" asks how many, "sdt" a phone
# where ABBREVIATIONS' whole-word lookup leaves it, as in "sdt/email", "dc" / "đc" is "được"), folded: never
# read as a phrase of the documents (index.retrieval.short_forms)
QUESTION_SHORT_FORMS = frozenset({"bn", "sdt", "dc"})
# at the start of a question "co" asks ("có bao nhiêu", "có phải"); at the end "may" does ("… tháng mấy")
QUESTION_FIRST = {"co": "có"}
QUESTION_LAST = {"may": "mấy", "dau": "đâu", "ai": "ai"}
