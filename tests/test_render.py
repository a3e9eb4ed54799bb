"""Formatting: HTML escaping and Telegram's 4,096-character limit."""

import re

import pytest

from bot.render import TELEGRAM_LIMIT, _strip_tags_len, render_html, render_text, variant_note
from index.engine import Answer, Asked, Citation, Cited, DocMeta, DocRecord, Hit
from index.ingest.parsed import StoredPassage


def make_hit(text: str, n: int = 0) -> Hit:
    p = StoredPassage(f"d.txt#{n}", "d.txt", "IV. TỔ CHỨC › 3.4. Ban <Dân> vận", text, "body", "k", text)
    return Hit(p, 1.0, 1.0, 1.0, n)


DOCS = {"d.txt": DocRecord("d.txt", "x", DocMeta("Kế hoạch tổng kết", "34-KH/BCĐ", None, "2024-09-12"), None, 1)}


def asked(answer: Answer, page: int | None = None) -> Asked:
    """An Answer as the Engine hands it to the bot: each hit with its citation."""
    cited = []
    for h in answer.hits:
        meta = DOCS[h.passage.doc].meta if h.passage.doc in DOCS else DocMeta(h.passage.doc)
        cited.append(Cited(h, Citation(h.passage.doc, meta.title, meta.number, meta.date, h.passage.section, page)))
    return Asked(answer, cited, 0.0, DOCS)


def test_html_in_question_and_quote_is_escaped():
    ans = Answer(True, "<script>alert(1)</script> & Ban Dân vận", "who", [make_hit("a <b>b</b> & c")])
    msg = render_html(asked(ans))
    assert "<script>" not in msg and "&lt;script&gt;" in msg and "&lt;b&gt;b&lt;/b&gt; &amp; c" in msg
    assert "số 34-KH/BCĐ, ngày 12/9/2024" in msg and "Ban &lt;Dân&gt; vận" in msg


def test_long_answer_kept_under_limit_without_broken_tags():
    long = "\n".join(f"- dòng {i} " + "nội dung dài " * 30 for i in range(40))
    ans = Answer(True, "Ban Dân vận", "who", [make_hit(long, i) for i in range(3)])
    msg = render_html(asked(ans))
    assert _strip_tags_len(msg) <= TELEGRAM_LIMIT
    for tag in ("b", "i", "blockquote"):
        assert len(re.findall(f"<{tag}>", msg)) == len(re.findall(f"</{tag}>", msg))


def test_console_rendering_lists_citations():
    out = render_text(asked(Answer(False, "Không có trong tài liệu.", "other", [make_hit("đoạn gần nhất")])))
    assert out.startswith("✗ Không có trong tài liệu.") and "Các đoạn có thể liên quan" in out
    assert "│ đoạn gần nhất" in out


def _other_doc(hit: Hit, doc: str, index: int) -> Hit:
    return Hit(StoredPassage(f"{doc}#1", doc, "s", hit.passage.text, "body", "k", ""), 0.9, 0, 0, index)


def test_duplicates_collapse_into_one_citation_naming_the_other_documents():
    from index.retrieval.search import collapse_duplicates

    para = "- Chủ trì tham mưu xây dựng báo cáo tổng kết, trình Thường trực Ban Chỉ đạo trước ngày 30/9/2024."
    hits = [make_hit(para, 0), _other_doc(make_hit(para), "e.txt", 1), make_hit("Một đoạn khác hẳn.", 2)]
    kept = collapse_duplicates(hits, top_k=5)
    assert [h.index for h in kept] == [0, 2]
    assert kept[0].also_in == ["e.txt"] and kept[0].variants == []
    assert "cũng có trong 1 tài liệu khác" in render_html(asked(Answer(True, "x", "who", kept)))
    assert variant_note(Answer(True, "x", "who", kept), DOCS) is None  # the same words: nothing to warn of


def test_a_near_copy_with_other_details_is_a_variant_and_the_answer_warns():
    """Next year's plan, with another date: folded into one citation, but not called the same."""
    from index.retrieval.search import collapse_duplicates

    para = "- Chủ trì tham mưu xây dựng báo cáo tổng kết, trình Thường trực Ban Chỉ đạo trước ngày 30/9/2024."
    hits = [make_hit(para, 0), _other_doc(make_hit(para.replace("2024", "2025")), "e.txt", 1)]
    kept = collapse_duplicates(hits, top_k=5)
    assert len(kept) == 1 and kept[0].variants == ["e.txt"] and kept[0].also_in == []
    answer = Answer(True, "trước ngày 30/9/2024", "when", kept)
    html_msg = render_html(asked(answer))
    assert "1 tài liệu khác có đoạn gần giống, khác chi tiết" in html_msg
    assert "Lưu ý: e.txt có đoạn gần giống" in html_msg and "hãy nêu văn bản trong câu hỏi" in html_msg
    assert "⚠ Lưu ý" in render_text(asked(answer))
    # a question that named its document has no doubt to warn of
    assert variant_note(Answer(True, "x", "when", kept, scoped=True), DOCS) is None


def test_citation_carries_page_and_level():
    ans = Answer(True, "Ban Dân vận", "who", [make_hit("đoạn")])
    a = asked(ans, page=4)
    a.cited[0] = Cited(a.cited[0].hit, Citation("d.txt", "Kế hoạch tổng kết", "34-KH/BCĐ", None, "s", 4, "mat"))
    msg = render_html(a)
    assert "tr. 4" in msg and "[MẬT]" in msg


QUOTE = (
    "3. Kinh phí\n- Giao Ban Tổ chức Thành ủy chủ trì xây dựng dự toán,\n"
    "trình Thường trực phê duyệt. Văn phòng phối hợp."
)


@pytest.mark.parametrize(
    ("answer", "head", "quote_bold"),
    [
        # the span alone is bold in the head; the sentence carrying it, wrapped over two lines, is the highlight
        (
            Answer(True, "Ban Tổ chức Thành ủy — chủ trì xây dựng dự toán", "unit", span="Ban Tổ chức Thành ủy",
                   sentence="Giao Ban Tổ chức Thành ủy chủ trì xây dựng dự toán, trình Thường trực phê duyệt."),
            "<b>Ban Tổ chức Thành ủy</b> — chủ trì xây dựng dự toán",
            ["Giao Ban Tổ chức Thành ủy chủ trì xây dựng dự toán,", "trình Thường trực phê duyệt."],
        ),
        # no span: the whole line is bold, and the quote's line sharing its words is the highlight
        (
            Answer(True, "Văn phòng phối hợp", "other"),
            "<b>Văn phòng phối hợp</b>",
            ["trình Thường trực phê duyệt. Văn phòng phối hợp."],
        ),
        # a sentence the quote does not hold (another citation's): fall back to the shared words
        (
            Answer(
                True, "Ban Tổ chức Thành ủy chủ trì", "unit", span="Ban Tổ chức Thành ủy", sentence="Câu ở đoạn khác."
            ),
            "<b>Ban Tổ chức Thành ủy</b> chủ trì",
            ["- Giao Ban Tổ chức Thành ủy chủ trì xây dựng dự toán,"],
        ),
    ],
)
def test_answer_span_is_bold_and_its_sentence_is_the_highlight(answer: Answer, head: str, quote_bold: list[str]):
    answer.hits = [make_hit(QUOTE)]
    msg = render_html(asked(answer))
    assert msg.split("\n\n")[0] == head
    quote = msg.split("<blockquote>")[1].split("</blockquote>")[0]
    assert re.findall(r"<b>(.*?)</b>", quote) == quote_bold


def test_a_span_with_html_is_escaped_in_bold():
    answer = Answer(True, "<i>x</i> & y", "unit", [make_hit("a")], span="<i>x</i>")
    assert render_html(asked(answer)).startswith("<b>&lt;i&gt;x&lt;/i&gt;</b> &amp; y")


def test_an_answer_without_a_span_of_the_asked_kind_offers_the_passages_as_related():
    answer = Answer(True, "Không thấy ngày cụ thể trong các đoạn liên quan.", "date", [make_hit("a")], related=True)
    assert "<i>Các đoạn có thể liên quan:</i>" in render_html(asked(answer))
    assert render_text(asked(answer)).startswith("✗ Không thấy ngày cụ thể")
