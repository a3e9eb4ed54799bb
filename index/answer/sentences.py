"""The sentences of a passage an answer line can be taken from, and how well each matches a query.

A sentence is scored by the (rare) words and word pairs it shares with the question, each word
weighed by its IDF in the index answered from: the IDF is handed in, never looked up globally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.ingest.structure import body_lines
from index.retrieval.hits import Hit
from index.retrieval.query import Query
from index.settings import Tuning
from index.text import fold, split_sentences, tokens

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
            sum(w(x) for x in self._terms & set(toks))
            + sum(t.pair_weight * (w(a) + w(b)) for a, b in (p.split(" ") for p in shared_pairs))
            - t.length_penalty * len(toks)
        )

    def best(
        self,
        text: str,
        section: str = "",
        must: Test | None = None,
        bonus: Test | None = None,
    ) -> tuple[str | None, float]:
        """The passage's best sentence (that matches ``must``; ``bonus`` adds the cue bonus)."""
        best, best_score = None, -1.0
        for sent in candidates(text, section) or candidates(text):
            if must is not None and not must(sent):
                continue
            score = self.score(sent)
            if bonus is not None and bonus(sent):
                score += self.tuning.cue_bonus
            if score > best_score:
                best, best_score = sent, score
        return best, best_score

    def best_in(self, hits: list[Hit], must: Test | None = None, bonus: Test | None = None) -> tuple[str | None, float]:
        """The best sentence of the first few hits, a lower-ranked passage's sentence marked down."""
        best, best_score = None, -1e9
        for rank, hit in enumerate(hits[: self.tuning.answer_depth]):
            sent, score = self.best(hit.passage.text, hit.passage.section, must, bonus)
            score -= self.tuning.rank_penalty * rank
            if sent is not None and score > best_score:
                best, best_score = sent, score
        return best, best_score
