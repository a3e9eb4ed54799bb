"""The sentences of a passage an answer line can be taken from, and how well each matches a query.

A sentence is scored by the (rare) words and word pairs it shares with the question, each word
weighed by its IDF in the index answered from: the IDF is handed in, never looked up globally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import fsum

from index.answer.spans import Finder, Span
from index.ingest.structure import body_lines
from index.retrieval.hits import Hit
from index.retrieval.query import Query
from index.settings import Tuning
from index.text import fold, split_sentences, tokens
from index.vocab import figures

SHORT_LINE = 60  # a line shorter than this is part of a run (a stamp, a signature, a table row)
DEFAULT_IDF = 3.0  # a word the index does not know weighs as a middling one
Test = Callable[[str], object]  # a sentence test: a pattern's ``search``, or any predicate


def candidates(text: str, section: str = "") -> list[str]:
    """Sentences of a passage, plus runs of short lines (a stamp, a signature, a table row) joined.
    The headings quoted above the passage (its section path, or any line in capitals) are context,
    not answers."""
    lines = [line for line in body_lines(text, section) if not line.isupper()]
    out: list[str] = []
    run: list[str] = []
    for line in lines + [""]:
        if line:
            out.extend(split_sentences(line))
        if line and len(line) < SHORT_LINE:
            run.append(line)
            continue
        if len(run) > 1:
            out.append(" ".join(run))
        run = []
    return out


@dataclass(frozen=True)
class Found:
    """The best span of the asked kind: the span, the sentence that carries it, the hit it came from."""

    span: Span
    sentence: str
    source: int
    score: float


def _pairs(seq: list[str]) -> set[str]:
    return {f"{a} {b}" for a, b in zip(seq, seq[1:], strict=False)}


@dataclass
class SentenceScorer:
    """Scores sentences against one query, with the IDF of the index answered from."""

    query: Query
    idf: dict[str, float]
    tuning: Tuning

    def __post_init__(self) -> None:
        seq = self.query.sentence_terms
        self._terms, self._pairs = set(seq), _pairs(seq)

    def weight(self, term: str) -> float:
        """A word's weight: its IDF, capped, over the middling IDF (1.0 without an IDF table)."""
        if not self.idf:
            return 1.0
        return min(self.idf.get(term, DEFAULT_IDF), self.tuning.idf_cap) / DEFAULT_IDF

    def score(self, sentence: str) -> float:
        """Shared words and word pairs, weighed; a shorter sentence wins a tie."""
        toks = tokens(fold(sentence))
        shared_pairs = self._pairs & _pairs(toks)
        w = self.weight
        t = self.tuning
        return (
            fsum(w(x) for x in self._terms & set(toks))
            + fsum(t.pair_weight * (w(a) + w(b)) for a, b in (p.split(" ") for p in shared_pairs))
            - t.length_penalty * len(toks)
        )

    def best(
        self,
        text: str,
        section: str = "",
        must: Test | None = None,
    ) -> tuple[str | None, float]:
        """The passage's best sentence (of those that match ``must``)."""
        best, best_score = None, -1.0
        for sent in candidates(text, section) or candidates(text):
            if must is not None and not must(sent):
                continue
            score = self.score(sent)
            if score > best_score:
                best, best_score = sent, score
        return best, best_score

    def carries(self, hit: Hit, rank: int = 1) -> bool:
        """Whether a passage carries the question's key terms: their IDF-weighted share in its text
        (headings included) is at least ``span_coverage``. The top passage does: search chose it on
        them and its document's context (a short "4. Thời gian: …" item of the invitation asked of)."""
        if rank == 0:
            return True
        terms = set(self.query.key_terms) | self._terms
        if not terms:
            return True
        have = set(tokens(fold(hit.passage.text)))
        total = fsum(self.weight(t) for t in terms)
        return fsum(self.weight(t) for t in terms & have) >= self.tuning.span_coverage * total

    def near(self, sentence: str, span: Span, after: bool = False, spans: list[Span] = ()) -> float:
        """The IDF-weighted share of the question's words next to a span: within ``span_near_chars``
        characters and its clause (to the ';'). Before it for a figure or date: a report puts them
        right after what they measure ("thu ngân sách đạt 331.969 tỷ đồng"). After it for a unit, up
        to the next unit: the subject of the task that follows ("Công an tỉnh đề nghị Văn phòng UBND
        tỉnh thẩm định": the second does thẩm định). A heading's unit: the sentence's opening words."""
        if not self._terms:
            return 0.0
        n = self.tuning.span_near_chars
        starts = sorted({s.start for s in spans if s.start >= 0})
        if span.start < 0:
            window = sentence[:n]
        elif after:
            end = span.start + len(span.text)
            stop = next((x for x in starts if x >= end), len(sentence))
            window = sentence[end:stop][:n].split(";", 1)[0]
        else:
            clauses = sentence[max(0, span.start - n) : span.start].split(";")
            # a clause that opens with its period alone goes on with the one before's subject
            keep = 2 if len(clauses) > 1 and figures.PERIOD_CLAUSE.match(clauses[-1]) else 1
            window = ";".join(clauses[-keep:])
        have = set(tokens(fold(window)))
        return fsum(self.weight(x) for x in self._terms & have) / fsum(self.weight(x) for x in self._terms)

    def best_span(self, hits: list[Hit], find: Finder, after: bool = False, captions: bool = False) -> Found | None:
        """The best sentence with a span of the asked kind in the first ``span_depth`` passages that
        carry the question's key terms: its match, plus ``span_bonus`` × the span's fit, a lower-ranked
        passage marked down by ``span_rank_penalty`` a rank. Headings are not candidates, but with
        ``captions`` a table's caption is (a date's finder): a table's rows are no sentences that could
        date themselves, so the caption states the period of all of them ("DỰ KIẾN CÁC NỘI DUNG TRÌNH
        … TRONG QUÝ II/2024")."""
        best: Found | None = None
        t = self.tuning
        for rank, hit in enumerate(hits[: t.span_depth]):
            if not self.carries(hit, rank):
                continue
            p = hit.passage
            caption = list(p.headings[-1:]) if captions and p.kind == "table" else []
            for sent in (candidates(p.text, p.section) or candidates(p.text)) + caption:
                spans = find(sent, p, self.query)
                if not spans:
                    continue
                fit = {s: s.weight + self.near(sent, s, after, spans) for s in spans}
                span = max(spans, key=fit.__getitem__)  # the first of the best fitting
                score = self.score(sent) + t.span_bonus * fit[span] - t.span_rank_penalty * rank
                if best is None or score > best.score:
                    best = Found(span, sent, rank, score)
        return best
