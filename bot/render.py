"""One formatter for every surface: plain text for the console, HTML for Telegram, JSON for scripts.

Everything user-supplied or quoted is escaped for HTML; messages are kept under Telegram's 4,096
characters by dropping whole citations, then trimming a quote, never cutting inside a tag.
"""

from __future__ import annotations

import html
import re

from index.engine import Answer, Asked, Citation, Cited, DocRecord, Hit, level_label, words

TELEGRAM_LIMIT = 4096


def _number_and_date(number: str | None, iso_date: str | None) -> list[str]:
    """The parts of a citation that say which document: "số 34-KH/BCĐ", "ngày 12/9/2024"."""
    extra = []
    if number:
        extra.append(f"số {number}")
    if iso_date:
        y, m, d = iso_date.split("-")
        extra.append(f"ngày {int(d)}/{int(m)}/{y}")
    return extra


def doc_citation(doc: DocRecord | None, fallback: str) -> str:
    """'Kế hoạch … (số 34-KH/BCĐ, 12/09/2024)': title with số hiệu and date when known."""
    if doc is None:
        return fallback
    meta = doc.meta
    extra = _number_and_date(meta.number, meta.date)
    return _shorten(meta.title, 140) + (f" ({', '.join(extra)})" if extra else "")


def cite_label(c: Citation) -> str:
    """A hit's citation line: title with số hiệu, date, page and access level when known."""
    extra = _number_and_date(c.number, c.date)
    if c.page:
        extra.append(f"tr. {c.page}")
    if c.ocr:
        extra.append("bản quét, đọc bằng OCR")
    stamp = f"[{level_label(c.level)}] " if c.level else ""
    return stamp + _shorten(c.title, 140) + (f" ({', '.join(extra)})" if extra else "")


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _short_name(doc: DocRecord | None, fallback: str) -> str:
    """A document as a reader would ask for it: its số hiệu, else its title, shortened."""
    if doc is not None and doc.meta.number:
        return doc.meta.number
    return _shorten(doc.meta.title if doc is not None else fallback, 60)


def _copies(hit: Hit) -> list[str]:
    """What the citation says of the other documents holding this passage, the same or nearly."""
    out = []
    if hit.also_in:
        out.append(f"cũng có trong {len(hit.also_in)} tài liệu khác")
    if hit.variants:
        out.append(f"{len(hit.variants)} tài liệu khác có đoạn gần giống, khác chi tiết")
    return out


def variant_note(answer: Answer, docs: dict[str, DocRecord], shown: int = 3) -> str | None:
    """A warning when the quoted passage has near copies in other documents that differ in details
    (next year's plan with another unit or date) and the question did not say which document it
    meant: the answer may be the wrong document's, and naming the số hiệu settles it."""
    if not answer.found or answer.scoped or not answer.hits or not answer.hits[0].variants:
        return None
    others = answer.hits[0].variants
    names = ", ".join(_short_name(docs.get(d), d) for d in others[:shown])
    more = f" và {len(others) - shown} văn bản khác" if len(others) > shown else ""
    top = answer.hits[0].passage.doc
    example = _short_name(docs.get(top), top)
    return (
        f"Lưu ý: {names}{more} có đoạn gần giống nhưng khác chi tiết. Câu trả lời trên theo [1]; "
        f"hãy nêu văn bản trong câu hỏi (ví dụ: “… theo {example}”) để hỏi đúng văn bản."
    )


def result_json(cited: Cited, docs: dict[str, DocRecord]) -> dict:
    """One search result in the CLI's JSON contract."""
    hit = cited.hit
    doc = docs.get(hit.passage.doc)
    return {
        "doc": hit.passage.doc,
        "title": doc_citation(doc, hit.passage.doc),
        "number": cited.citation.number,
        "date": cited.citation.date,
        "page": cited.citation.page,
        "section": hit.passage.section,
        "text": hit.passage.quote(),
        "score": round(hit.score, 4),
        "pid": hit.passage.pid,
        "also_in": hit.also_in,
        "variants": hit.variants,
    }


def render_text(asked: Asked, max_citations: int = 3) -> str:
    """Console rendering: answer line, then numbered citations."""
    answer, docs = asked.answer, asked.docs
    out = [("➤ " if answer.found and not answer.related else "✗ ") + answer.text]
    if note := variant_note(answer, docs):
        out.append("⚠ " + note)
    if asked.cited:
        out.append("" if answer.found and not answer.related else "Các đoạn có thể liên quan:")
        for n, cited in enumerate(asked.cited[:max_citations], 1):
            hit = cited.hit
            out.append(f"[{n}] {cite_label(cited.citation)}")
            out.append(f"    Mục: {hit.passage.section}")
            out.extend(f"    ({note})" for note in _copies(hit))
            for line in hit.passage.quote().split("\n"):
                out.append(f"    │ {line}")
    return "\n".join(out)


def _find(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where ``needle`` stands in ``haystack`` with any run of spaces or line breaks between its
    words (a sentence wrapped over lines in the quote), or None."""
    parts = needle.split()
    if not parts:
        return None
    m = re.search(r"\s+".join(re.escape(p) for p in parts), haystack)
    return (m.start(), m.end()) if m else None


def _bold(text: str, start: int, end: int) -> str:
    """``text`` escaped, with ``text[start:end]`` in bold, line by line: a quote is trimmed by whole
    lines to fit a message, so no tag may span a line break."""
    parts = text[start:end].split("\n")
    inside = "\n".join(f"<b>{html.escape(part, quote=False)}</b>" if part else "" for part in parts)
    return html.escape(text[:start], quote=False) + inside + html.escape(text[end:], quote=False)


def _highlight(text: str, answer_text: str, sentence: str = "") -> str:
    """Escape a quote and bold what carries the answer: the answer's own sentence where the quote
    holds it, else the line sharing most of the answer's words (at least half)."""
    where = _find(text, sentence) if sentence else None
    if where is not None:
        return _bold(text, *where)
    key = set(words(answer_text))
    lines = text.split("\n")
    best, best_score = -1, 0.0
    for i, line in enumerate(lines):
        have = set(words(line))
        score = len(key & have) / (len(key) or 1)
        if score > best_score:
            best, best_score = i, score
    out = []
    for i, line in enumerate(lines):
        esc = html.escape(line, quote=False)
        out.append(f"<b>{esc}</b>" if i == best and best_score >= 0.5 else esc)
    return "\n".join(out)


def answer_head(answer: Answer) -> str:
    """The answer line in HTML: its span (the unit, date or figure) in bold and the rest plain; the
    whole line bold when it has no span of its own."""
    text = answer.text
    where = _find(text, answer.span) if answer.span and answer.span != text else None
    return _bold(text, *where) if where is not None else _bold(text, 0, len(text))


def render_html(asked: Asked, start: int = 0, max_citations: int = 3, limit: int = TELEGRAM_LIMIT) -> str:
    """Telegram rendering (parse_mode=HTML), always within the message limit."""
    answer, docs = asked.answer, asked.docs
    head = answer_head(answer) if answer.found else _bold(answer.text, 0, len(answer.text))
    if not answer.found or answer.related:
        head += "\n<i>Các đoạn có thể liên quan:</i>"
    if start == 0 and (note := variant_note(answer, docs)):
        head += f"\n<i>⚠ {html.escape(note, quote=False)}</i>"
    blocks = []
    for n, cited in enumerate(asked.cited[start : start + max_citations], start + 1):
        hit = cited.hit
        cite = html.escape(cite_label(cited.citation), quote=False)
        sec = " · ".join([html.escape(hit.passage.section, quote=False)] + _copies(hit))
        if answer.found:
            quote = _highlight(hit.passage.quote(), answer.text, answer.sentence)
        else:
            quote = _highlight(hit.passage.quote(), "")
        blocks.append((f"<b>[{n}] {cite}</b>\n<i>{sec}</i>\n", quote))
    return fit_message(head, blocks, limit)


def _strip_tags_len(text: str) -> int:
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)))


def fit_message(head: str, blocks: list[tuple[str, str]], limit: int = TELEGRAM_LIMIT) -> str:
    """Assemble head + citation blocks; drop or trim whole quotes (by lines) to stay under limit."""

    def build(bs: list[tuple[str, str]]) -> str:
        return "\n\n".join([head] + [f"{title}<blockquote>{quote}</blockquote>" for title, quote in bs])

    blocks = list(blocks)
    msg = build(blocks)
    while _strip_tags_len(msg) > limit and len(blocks) > 1:
        blocks.pop()
        msg = build(blocks)
    if _strip_tags_len(msg) > limit and blocks:
        title, quote = blocks[0]
        lines = quote.split("\n")
        while lines and _strip_tags_len(build([(title, "\n".join(lines + ["…"]))])) > limit:
            lines.pop()
        msg = build([(title, "\n".join(lines + ["…"]))]) if lines else build([])
    if _strip_tags_len(msg) > limit:  # an enormous answer line: plain-text trim of the head itself
        plain = html.unescape(re.sub(r"<[^>]+>", "", head))[: limit - 10]
        msg = html.escape(plain, quote=False) + "…"
    return msg
