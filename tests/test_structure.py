"""The chunker on every seed document: section paths, unit headings, tables, footnotes, frames."""

import statistics

import pytest

from index.ingest.structure import chunk
from tests.conftest import CORPUS, seed


def passages(name: str):
    return chunk(name, seed(name))


def find(ps, needle: str):
    hits = [p for p in ps if needle in p.text]
    assert hits, f"no passage contains {needle!r}"
    return hits


@pytest.mark.parametrize("path", sorted(CORPUS.iterdir()), ids=lambda p: p.name[:20])
def test_every_seed_document_chunks_into_chat_sized_passages(path):
    ps = chunk(path.name, path.read_text(encoding="utf-8"))
    assert len(ps) > 10
    lengths = [len(p.text) for p in ps]
    assert statistics.median(lengths) <= 900
    assert max(lengths) <= 1500
    assert all(p.section for p in ps)
    assert len({p.pid for p in ps}) == len(ps)


def test_unit_heading_stays_attached_to_its_bullets():
    ps = passages("ke-hoach-34")
    [p] = find(ps, "công tác công tác dân vận")
    assert p.section.endswith("3. Các ban Đảng và Văn phòng Thành ủy › 3.4. Ban Dân vận Thành ủy")
    assert p.section.startswith("IV. TỔ CHỨC THỰC HIỆN")
    assert "3.4. Ban Dân vận Thành ủy\n- Đánh giá" in p.text


def test_markdown_level_does_not_decide_nesting():
    ps = passages("ke-hoach-34")
    # "### 3.5." is level 3 in markdown but is a child of "3." by its numbering
    [p] = find(ps, "công tác công tác nội chính")
    assert "› 3. Các ban Đảng và Văn phòng Thành ủy › 3.5. Ban Nội chính Thành ủy" in p.section


def test_unnumbered_closing_paragraph_is_its_own_passage():
    ps = passages("ke-hoach-34")
    [p] = find(ps, "trước ngày 20/9/2024")
    assert "(đoạn kết" in p.section and "5. Các cấp" not in p.section
    assert "vanthu_btctu@hanoi.gov.vn" in p.text


def test_label_value_lines_keep_their_parent_heading():
    ps = passages("ke-hoach-34")
    [p] = find(ps, "Dự kiến Quý IV/2024")
    assert p.text.startswith("III. THỜI GIAN, ĐỊA ĐIỂM")
    assert p.section.endswith("› 1. Thời gian")


def test_signature_block_is_quoted_with_recipients():
    ps = passages("hanh-dong")
    [p] = find(ps, "Vương Đình Huệ")
    assert p.kind == "closing" and "- Lưu Văn phòng Thành ủy.\nT/M BAN CHẤP HÀNH" in p.text


def test_table_rows_carry_header_group_and_parent():
    ps = passages("cong-van-1021")
    rows = [p for p in ps if p.kind == "table"]
    assert len(rows) == 6
    [waste] = [p for p in rows if "nước thải đô thị" in p.text]
    assert "STT | Nội dung | Cơ quan chủ trì tham mưu" in waste.text
    assert "II. | Về văn hóa – xã hội" in waste.text
    assert "1. | Tỷ lệ các chất thải" in waste.text  # the parent row with the empty cell
    assert "TRONG QUÝ II/2024" in waste.section


def test_repeated_table_header_after_page_break_is_not_a_row():
    ps = passages("ke-hoach-34")
    rows = [p for p in ps if p.kind == "table"]
    assert len(rows) == 14
    assert all(p.text.count("TT | Nội dung") == 1 for p in rows)


def test_footnotes_split_out_and_sentences_rejoined():
    ps = passages("bao-cao-so-ket")
    [fn] = find(ps, "khai trừ 288 trường hợp")
    # in the section of the sentence citing it, under the clause that carries its mark
    assert fn.kind == "footnote"
    assert fn.section.endswith("5. Nâng cao chất lượng, hiệu quả công tác kiểm tra, giám sát › Chú thích 40")
    assert fn.body.split("\n")[0].endswith("⁴⁰") and fn.body.split("\n")[1].startswith("⁴⁰")
    # the sentence cut by footnote ¹ is whole again
    find(ps, "giám sát các cấp, ngành, đơn vị triển khai")
    assert not any(p.text.startswith("cấp, ngành") for p in ps)


def test_parts_are_paths_in_report_with_duplicate_headings():
    ps = passages("bao-cao-so-ket")
    sections = {p.section for p in ps}
    assert any(
        s.startswith("PHẦN THỨ HAI › II.") and "6. Đổi mới, nâng cao chất lượng công tác dân vận" in s for s in sections
    )
    assert any(s.startswith("PHẦN THỨ NHẤT › B.") for s in sections)


def test_2011_programme_unit_name_on_its_own_line():
    ps = passages("2011")
    [p] = find(ps, "bố trí kinh phí để thực hiện các đề án")
    assert p.section.endswith("1.3. Đảng đoàn HĐND Thành phố")
    assert p.text.startswith("1. Phân công thực hiện\n1.3. Đảng đoàn HĐND Thành phố\nChỉ đạo")


def test_neighbouring_indicators_are_quoted_together_somewhere():
    ps = passages("hanh-dong")
    find(ps, "(11) Tỷ lệ thất nghiệp thành thị: dưới 3%.\n(12) Không còn hộ nghèo")


NOTED = """BÁO CÁO
I. KẾT QUẢ
1. Cải cách thể chế
Sở Tư pháp đã tự kiểm tra 13 quyết định²; rà soát văn bản³.
2. Cải cách thủ tục hành chính
Cắt giảm 20 thủ tục.
² Quyết định số 01/2026/QĐ-UBND đến Quyết định số 13/2026/QĐ-UBND.
³ Theo Kế hoạch số 12/KH-UBND.
"""


@pytest.mark.parametrize(
    "needle, kind, notes",
    [
        # the passage citing ² and ³ quotes both notes under its body, in the order it cites them
        ("tự kiểm tra 13 quyết định", "body", ("² Quyết định số 01/2026/QĐ-UBND đến", "³ Theo Kế hoạch số 12")),
        ("Cắt giảm 20 thủ tục", "body", ()),  # cites none
        ("Theo Kế hoạch số 12", "footnote", ()),  # a note is a passage of its own, quoting nothing
    ],
)
def test_a_passage_quotes_the_footnotes_it_cites(needle: str, kind: str, notes: tuple[str, ...]) -> None:
    from index.ingest.parsed import parse_document

    [p] = [p for p in parse_document("d.txt", NOTED.encode()).passages if needle in p.text and p.kind == kind]
    assert len(p.notes) == len(notes) and all(n.startswith(w) for n, w in zip(p.notes, notes, strict=True))
    assert p.quote().endswith("\n".join(p.notes)) if notes else p.quote() == p.text
    assert not any(n in p.text for n in notes)  # searched without them: each note is found as itself


@pytest.mark.parametrize(
    "note, section, clause",
    [
        # the clause back to the semicolon before the mark, in the section of the body citing it
        ("² Quyết định số 01", "I. KẾT QUẢ › 1. Cải cách thể chế › Chú thích 2",
         "Sở Tư pháp đã tự kiểm tra 13 quyết định²"),
        # ... back to the mark before it, when no sentence ends between them
        ("³ Theo Kế hoạch", "I. KẾT QUẢ › 1. Cải cách thể chế › Chú thích 3", "rà soát văn bản³"),
    ],
)
def test_a_footnote_is_quoted_under_the_clause_citing_it(note: str, section: str, clause: str) -> None:
    from index.ingest.parsed import parse_document

    [p] = [p for p in parse_document("d.txt", NOTED.encode()).passages if p.kind == "footnote" and note in p.text]
    assert p.section == section
    assert p.body.split("\n")[:2] == [clause, p.body.split("\n")[1]] and p.body.split("\n")[1].startswith(note)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("Đã kết nạp 31.706 đảng viên¹.", {1: "Đã kết nạp 31.706 đảng viên¹"}),
        ("Năm 2022 tăng 5%. Kỷ luật 28 tổ chức² và 2.377 đảng viên³.",
         {2: "Kỷ luật 28 tổ chức²", 3: "và 2.377 đảng viên³"}),
        ("Lần đầu¹; nhắc lại¹.", {1: "Lần đầu¹"}),  # a note cited twice: where it is first cited
        ("Không có ghi chú⁹.", {}),  # a mark with no note of that number
    ],
)
def test_citing_clauses(body: str, expected: dict[int, str]) -> None:
    from index.ingest.structure import citing_clauses, parse_segments

    segments = parse_segments(f"I. KẾT QUẢ\n{body}\n", False)
    clauses = citing_clauses(segments, {1: "¹ a", 2: "² b", 3: "³ c"})
    assert {n: c for n, (_, c) in clauses.items()} == expected


OUTLINED = """ĐỀ CƯƠNG BÁO CÁO
II. KẾT QUẢ THỰC HIỆN
C. ĐẨY MẠNH CẢI CÁCH HÀNH CHÍNH
1. Cải cách thể chế
2. Cải cách thủ tục hành chính
3. Cải cách tài chính công
D. CÔNG TÁC DÂN VẬN
Các cấp ủy tiếp tục chỉ đạo công tác dân vận.
1. Dân vận chính quyền
Đánh giá kết quả dân vận chính quyền.
2. Dân vận khéo
Đánh giá phong trào dân vận khéo.
"""


@pytest.mark.parametrize(
    "heading, outlined, items",
    [
        # a heading with only sub-headings under it (the đề cương form): its outline lists them
        ("C. ĐẨY MẠNH CẢI CÁCH HÀNH CHÍNH", True, ["1. Cải cách thể chế", "3. Cải cách tài chính công"]),
        # one with text of its own: its passages are found by their words, no outline
        ("D. CÔNG TÁC DÂN VẬN", False, []),
    ],
)
def test_a_heading_of_sub_headings_only_gets_an_outline(heading: str, outlined: bool, items: list[str]) -> None:
    ps = chunk("d.txt", OUTLINED)
    found = [p for p in ps if p.kind == "outline" and p.section.endswith(heading)]
    assert bool(found) is outlined
    if outlined:
        [p] = found
        assert all(item in p.body.split("\n") for item in items) and p.headings[-1] == heading


def test_a_long_citing_clause_keeps_its_end() -> None:
    from index.ingest.structure import CITING_MAX_CHARS, citing_clauses, parse_segments

    words = " ".join(f"từ{i}" for i in range(120))
    [(_, clause)] = citing_clauses(parse_segments(f"I. KẾT QUẢ\n{words} cuối¹\n", False), {1: "¹ a"}).values()
    assert clause.startswith("…") and clause.endswith("cuối¹") and len(clause) <= CITING_MAX_CHARS + 2
    assert clause[1:].split(" ")[0] in words.split(" ")  # cut at a word, not inside one
