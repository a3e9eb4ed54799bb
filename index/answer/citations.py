"""Citations a person can read: overlapping passages of one section quoted once.

A list is indexed in windows that share an item with their neighbours, so the two best passages for
a question are often the same heading and half the same bullets. To a reader that is one quote. The
joining happens after the answer line is taken (the answer reads the passages as retrieved, so the
sentence it picks does not change with the join) and before the citations are numbered.
"""

from __future__ import annotations

import os
from dataclasses import replace

from index.answer.lines import Answer, make_answer
from index.ingest.parsed import StoredPassage
from index.ingest.structure import body_lines, passage_text
from index.retrieval.hits import Hit, Retrieval
from index.settings import Tuning
from index.vocab.sections import SECTION_SEP


def _body(passage: StoredPassage) -> list[str]:
    """What a passage says, line by line, without the headings quoted above it."""
    if passage.body:
        return [line for line in passage.body.split("\n") if line.strip()]
    return body_lines(passage.text, passage.section)


def _pair(a: StoredPassage, b: StoredPassage, neighbours: bool) -> bool:
    """Whether two passages read as one text: of one section and sharing a line (list windows
    overlap by an item), or next to each other under one heading ("1. Thời gian" and "2. Địa điểm"
    of "III. THỜI GIAN, ĐỊA ĐIỂM …", both retrieved for "tổ chức ở đâu, khi nào")."""
    if a.doc != b.doc:
        return False
    if a.section_key == b.section_key and set(_body(a)) & set(_body(b)):
        return True
    return neighbours and bool(a.headings) and a.headings[:1] == b.headings[:1]


def joined(first: Hit, second: Hit) -> StoredPassage | None:
    """Two passages that read as one text (:func:`_pair`), as one passage: the earlier one's
    headings, then their lines in document order, each once (the later one's own sub-heading
    kept). None when they are not such a pair."""
    a, b = first.passage, second.passage
    if not _pair(a, b, abs(first.index - second.index) == 1):
        return None
    (lead, follow) = (a, b) if first.index < second.index else (b, a)  # passages are stored in document order
    section = _common_section(a.section, b.section)
    if not lead.body:  # a passage without structured fields (built by hand): its text is all there is
        lines = lead.text.split("\n")
        seen = set(lines)
        text = "\n".join(lines + [line for line in follow.text.split("\n") if line not in seen])
        return replace(first.passage, text=text, section=section)
    lead_lines = _body(lead)
    have = set(lead_lines) | set(lead.headings)
    extra = [h for h in follow.headings if h not in have] + [line for line in _body(follow) if line not in have]
    body = "\n".join(lead_lines + extra)
    return replace(
        first.passage,
        text=passage_text(lead.headings, body),  # as ingest flattens every passage
        body=body,
        headings=lead.headings,
        page=lead.page or follow.page,
        section=section,
        notes=tuple(dict.fromkeys(lead.notes + follow.notes)),
    )


def _common_section(a: str, b: str) -> str:
    """The section path two joined passages share ("III. THỜI GIAN …" for its items 3 and 4): the
    citation names what the whole quote is under."""
    return SECTION_SEP.join(os.path.commonprefix([a.split(SECTION_SEP), b.split(SECTION_SEP)])) or a


def join_overlaps(hits: list[Hit], max_chars: int) -> tuple[list[Hit], list[int]]:
    """Hits (best first) with passages that read as one text as one citation, at the better
    one's rank, while the joined quote stays within ``max_chars`` (0: never join); and, for each
    given hit, the position of the citation that now holds it."""
    out: list[Hit] = []
    where: list[int] = []
    for h in hits:
        for n, kept in enumerate(out):
            passage = joined(kept, h) if max_chars > 0 else None
            while passage is not None and passage.notes and len(passage.quote()) > max_chars:
                passage = replace(passage, notes=passage.notes[:-1])  # the text first: a note is a passage too
            if passage is not None and len(passage.quote()) <= max_chars:
                out[n] = replace(
                    kept,
                    passage=passage,
                    also_in=kept.also_in + [d for d in h.also_in if d not in kept.also_in],
                    variants=kept.variants + [d for d in h.variants if d not in kept.variants],
                )
                where.append(n)
                break
        else:
            where.append(len(out))
            out.append(h)
    return out, where


def cite(answer: Answer, max_chars: int, top_k: int) -> Answer:
    """The answer with its passages joined into readable citations, at most ``top_k``."""
    hits, where = join_overlaps(answer.hits, max_chars)
    source = where[answer.source] if answer.source is not None and answer.source < len(where) else None
    return replace(answer, hits=hits[:top_k], source=source if source is not None and source < top_k else None)


def seats(top_k: int, tuning: Tuning) -> int:
    """How many hits to retrieve for ``top_k`` citations: a few spare ones fill the seats joins free."""
    return top_k + tuning.overlap_spare


def answer_with_citations(retrieval: Retrieval, tuning: Tuning, top_k: int) -> Answer:
    """The answer line from the hits as retrieved, then the citations joined: the one path from a
    retrieval (of :func:`seats` hits) to what the user is shown, for the engine and the evaluation."""
    return cite(make_answer(retrieval, tuning), tuning.merged_max_chars, top_k)
