"""Reproducible synthetic corpora N times the seed corpus, to measure how the engine scales.

Sections (a heading and the paragraphs under it) are drawn from all seed documents, shuffled into
new documents, and their units, dates and figures varied, so that the distractors read like the
real plans and reports without repeating them. Every synthetic document says in its header that it
is synthetic, and is written into the data directory, never into `corpus/`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

MARK = "VĂN BẢN GIẢ LẬP DÙNG ĐỂ ĐO HIỆU NĂNG, KHÔNG PHẢI VĂN BẢN THẬT"
DOC_CHARS = 40_000  # about one seed document: the plans and reports run 12k-170k characters
BLOCK_CHARS = 1_500  # a heading and its first paragraphs; longer sections are cut into several blocks

UNITS = (
    "Ban Tổ chức Thành ủy",
    "Ban Tuyên giáo Thành ủy",
    "Ban Dân vận Thành ủy",
    "Ban Nội chính Thành ủy",
    "Ủy ban Kiểm tra Thành ủy",
    "Văn phòng Thành ủy",
    "Đảng đoàn HĐND Thành phố",
    "Ban Cán sự Đảng UBND Thành phố",
    "Đảng đoàn MTTQ Thành phố",
    "Đảng ủy Khối các cơ quan Thành phố",
    "Đảng ủy Khối doanh nghiệp Thành phố",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Tư pháp",
    "Sở Thông tin và Truyền thông",
    "Thành đoàn Hà Nội",
    "Hội Liên hiệp Phụ nữ Thành phố",
    "Liên đoàn Lao động Thành phố",
    "Quận ủy Hoàn Kiếm",
    "Quận ủy Ba Đình",
    "Quận ủy Cầu Giấy",
    "Huyện ủy Sóc Sơn",
    "Huyện ủy Ba Vì",
    "Thị ủy Sơn Tây",
)


def _unit_pattern(name: str) -> str:
    # the seeds write both tone placements (Thành uỷ / Thành ủy)
    return re.escape(name).replace("ủy", "(?:ủy|uỷ)").replace("Ủy", "(?:Ủy|Uỷ)")


_UNIT_RX = re.compile("|".join(_unit_pattern(u) for u in sorted(UNITS, key=len, reverse=True)))
_DATE_RX = re.compile(r"\b(\d{1,2})/(\d{1,2})/(20\d\d)\b")
_YEAR_RX = re.compile(r"(?<![\d/-])(20[0-4]\d)(?![\d/])")
_PERCENT_RX = re.compile(r"(?<![\d.,/])(\d{1,3}(?:[.,]\d+)?)(\s?%)")
_COUNT_RX = re.compile(
    r"(?<![\d.,/-])(\d{2,3}(?:\.\d{3})*)(?= (?:tỷ|triệu|người|đảng viên|cán bộ|hộ|xã|tổ chức|cơ sở|lượt|đồng chí))"
)
_HEADING_RX = re.compile(r"^(?:#|\*\*|[IVX]+\.\s|PHẦN|[A-Z]\.\s|\d+(?:\.\d+)*\.\s)")


@dataclass(frozen=True)
class SyntheticDoc:
    """One generated document: its file name and text."""

    name: str
    text: str


def sections(text: str) -> list[str]:
    """Split a document into blocks of a few paragraphs, each heading starting a new one."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    blocks: list[list[str]] = []
    for para in paragraphs:
        first = para.lstrip()
        heading = _HEADING_RX.match(first) and len(first.splitlines()[0]) < 160
        if not blocks or heading or sum(len(p) for p in blocks[-1]) > BLOCK_CHARS:
            blocks.append([para])
        else:
            blocks[-1].append(para)
    return ["\n\n".join(b) for b in blocks if sum(len(p) for p in b) > 80]


def vary(text: str, rng: random.Random, year_shift: int) -> str:
    """Change the units, dates and figures of a block; the sentences stay as they were."""
    text = _UNIT_RX.sub(lambda m: rng.choice(UNITS), text)
    text = _DATE_RX.sub(lambda m: f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{int(m.group(3)) + year_shift}", text)
    text = _YEAR_RX.sub(lambda m: str(int(m.group(1)) + year_shift), text)

    def percent(m: re.Match) -> str:
        value = float(m.group(1).replace(",", "."))
        new = min(100.0, value * rng.uniform(0.6, 1.4))
        decimal = "," in m.group(1) or "." in m.group(1)
        return (f"{new:.1f}".replace(".", ",") if decimal else f"{round(new)}") + m.group(2)

    def count(m: re.Match) -> str:
        value = int(m.group(1).replace(".", ""))
        return f"{max(1, round(value * rng.uniform(0.5, 1.5))):,}".replace(",", ".")

    text = _PERCENT_RX.sub(percent, text)
    return _COUNT_RX.sub(count, text)


def header(number: int, rng: random.Random, year: int) -> str:
    """A document head the metadata extractor reads like a real one, marked synthetic."""
    kind = rng.choice(["KẾ HOẠCH", "BÁO CÁO", "CHƯƠNG TRÌNH"])
    code = {"KẾ HOẠCH": "KH", "BÁO CÁO": "BC", "CHƯƠNG TRÌNH": "CTr"}[kind]
    return (
        f"ĐẢNG BỘ THÀNH PHỐ HÀ NỘI\n\n{MARK}\n\nSố {number}-{code}/GL\n\n"
        f"Hà Nội, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm {year}\n\n"
        f"**{kind}**  \n**Văn bản tổng hợp giả lập số {number}**\n\n"
    )


def generate(seeds: list[tuple[str, str]], factor: float, seed: int = 0) -> list[SyntheticDoc]:
    """Documents that, with the seeds, make a corpus about ``factor`` times the seeds' size."""
    rng = random.Random(seed)
    pool = [block for _, text in seeds for block in sections(text)]
    target = int((factor - 1) * sum(len(text) for _, text in seeds))
    docs: list[SyntheticDoc] = []
    written = 0
    while written < target and pool:
        number = len(docs) + 1
        year_shift = rng.choice([-2, -1, 0, 1, 2])
        parts = [header(number, rng, 2024 + year_shift)]
        size = 0
        while size < DOC_CHARS:
            block = vary(rng.choice(pool), rng, year_shift)
            parts.append(block)
            size += len(block)
        text = "\n\n".join(parts) + "\n"
        docs.append(SyntheticDoc(f"gia-lap-{number:05d}.txt", text))
        written += len(text)
    return docs


def write_corpus(seed_dir: Path, out_dir: Path, factor: float, seed: int = 0) -> list[Path]:
    """Seeds plus synthetic documents in ``out_dir`` (rewritten only when missing); returns the files."""
    seeds = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seed_dir.glob("*.txt"))]
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for name, text in seeds:
        path = out_dir / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        files.append(path)
    if factor > 1:
        for doc in generate(seeds, factor, seed):
            path = out_dir / doc.name
            if not path.exists() or path.read_text(encoding="utf-8") != doc.text:
                path.write_text(doc.text, encoding="utf-8")
            files.append(path)
    return files


def added_document(seed_dir: Path, chars: int = 40_000, variant: int = 0) -> str:
    """The document an admin adds in the benchmarks: about 20 pages, with one fact no other document has.

    The 2011 programme's body repeated with years shifted, then a line about a sports meet at Mỹ Đình,
    so "hội thao cán bộ tổ chức ở đâu?" is answerable only once the document is indexed. Another
    ``variant`` shifts the years, so a re-run of the benchmark embeds it afresh instead of finding it
    in the vector cache.
    """
    src = next(p for p in sorted(seed_dir.iterdir()) if "2011" in p.name).read_text(encoding="utf-8")
    body = src.split("CHƯƠNG TRÌNH", 1)[-1]
    mark = "TÀI LIỆU TỔNG HỢP (tổng hợp để đo hiệu năng, không phải văn bản thật)"
    parts = [f"KẾ HOẠCH\nSố {777 + variant}-KH/TU\n{mark}\n"]
    n = 0
    while sum(map(len, parts)) < chars:
        n += 1
        parts.append(re.sub(r"20(1\d)", lambda m, n=n: str(2030 + variant + n + int(m.group(1)) % 10), body))
    return "\n\n".join(parts)[:chars] + "\n\nHội thao cán bộ tổ chức tại Sân vận động Mỹ Đình, trước ngày 15/11/2031.\n"
