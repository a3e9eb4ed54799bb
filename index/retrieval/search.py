"""Hybrid retrieval: BM25 over normalised text (with and without diacritics) plus dense search in
FAISS, fused by weighted, per-query normalised scores.

A search reads as its steps: candidates → fusion → boosts → (rerank) → dedupe, each a function
below. It takes a :class:`~index.retrieval.query.Query` (the question read once, by
:meth:`Searcher.read`) and never reads the question's words itself. Every tuned number is in
:class:`index.settings.Tuning`.

Questions typed without diacritics are searched against a diacritic-folded BM25 index, and their
diacritics are restored from the corpus's own vocabulary before they reach the embedding model
(which understands "hạn nộp báo cáo" far better than "han nop bao cao").
"""

from __future__ import annotations

from dataclasses import dataclass
from math import fsum

import numpy as np

from index.ingest.structure import body_lines
from index.retrieval.hits import Hit, Retrieval
from index.retrieval.lexical import DiacriticRestorer, Lexicon, bigrams
from index.retrieval.query import Query, read_query
from index.retrieval.scope import doc_name, known_papers
from index.settings import Tuning
from index.store.generations import LoadedIndex, StoredPassage, extends
from index.text import fold, tokens
from index.vocab import spans
from index.vocab.dates import has_dating_line
from index.vocab.ordinals import ITEM_START, ITEM_WORD_NUMBERS
from index.vocab.units import heading_unit_name, names_unit

__all__ = ["Hit", "Retrieval", "Searcher", "collapse_duplicates", "named_first", "starts_with_item"]


def starts_with_item(text: str, n: int, section: str = "") -> bool:
    """Whether the first enumerated item in a passage's body is item n ('(2)', '2.', 'Hai là').

    The passage's own headings, repeated at its top, are skipped: in "2. Các khâu đột phá / (1) …"
    the 2 numbers the section, and the first item of the list is (1).
    """
    for line in body_lines(text, section):
        m = ITEM_START.match(line)
        if m:
            first = (
                int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else ITEM_WORD_NUMBERS[m.group(3).lower()]
            )
            if first == n:
                return True
            if m.group(1) or m.group(3):  # an inline enumeration item that is not n
                return False
    return False


def heading_named(section: str, query: Query) -> bool:
    """The question names the unit of this passage's heading ('Văn phòng Thành ủy phải đánh giá gì')."""
    name = fold(heading_unit_name(section))
    return len(name) >= 6 and name in query.folded


def collapse_duplicates(
    hits: list[Hit],
    top_k: int,
    margin: float = 0.0,
    ratio: float = Tuning.model_fields["duplicate_ratio"].default,
) -> list[Hit]:
    """The best ``top_k`` hits with near-identical passages (rapidfuzz ratio ≥ ``ratio``) folded
    into one copy.

    Archives repeat themselves: a plan's paragraph comes back, with another year or unit, in next
    year's plan or a compilation. Five copies of one paragraph would fill the answer with one fact.
    Copies scored within ``margin`` of the best say the same thing as far as the question goes; of
    those, the one in the document most about the question (``Hit.context``) is cited, and names the
    documents of the others: those with the same words (``also_in``) apart from those whose copy
    differs in a unit, date or figure (``variants``), which the reader must not take for agreement.
    """
    from rapidfuzz import fuzz

    groups: list[list[tuple[Hit, str]]] = []
    floor, least_context = -np.inf, -np.inf
    for h in hits:
        if len(groups) == top_k:
            if h.score < floor:
                break  # hits are best first: nothing further is close enough to stand in for a kept copy
            if h.context <= least_context:
                continue  # could only name one more document, never be the copy cited
        text = " ".join(h.passage.text.split())
        group = next((g for g in groups if fuzz.ratio(text, g[0][1], score_cutoff=ratio)), None)
        if group is not None:
            group.append((h, text))
        elif len(groups) < top_k:
            groups.append([(h, text)])
            if len(groups) == top_k:
                floor = min(g[0][0].score for g in groups) - margin
                # a later hit must beat some group's best context to be cited instead (the bound only grows)
                least_context = min(max(m.context for m, _ in g) for g in groups)
    out = []
    for group in groups:
        best = group[0][0].score
        lead, lead_text = max((m for m in group if m[0].score >= best - margin), key=lambda m: m[0].context)
        for h, text in group:
            if h.passage.doc != lead.passage.doc and h.passage.doc not in lead.also_in + lead.variants:
                (lead.also_in if text == lead_text else lead.variants).append(h.passage.doc)
        lead.score = max(lead.score, best)
        out.append(lead)
    return out


def named_first(hits: list[Hit], scope: set[str] | frozenset[str], top_k: int) -> list[Hit]:
    """Hits (best first) with the named documents' passages ahead of all but one seat of ``top_k``.

    A question that names its document is answered from it, however many copies elsewhere outrank
    it; the last seat still goes to the best passage overall, so a report that discusses the named
    plan ("kết quả thực hiện Kế hoạch 34") is not shut out.
    """
    seats = max(1, top_k - 1)
    inside = [h for h in hits if h.passage.doc in scope]
    rest = sorted(inside[seats:] + [h for h in hits if h.passage.doc not in scope], key=lambda h: -h.score)
    return inside[:seats] + rest


def _best_by_bm25(ids: np.ndarray, bm: np.ndarray, limit: int) -> set[int]:
    """Of the given passages, those that share a word with the question, at most ``limit`` (the best)."""
    ids = ids[bm[ids] > 0] if ids.size else ids
    if ids.size > limit:
        ids = ids[np.argpartition(-bm[ids], limit - 1)[:limit]]
    return set(ids.tolist())


def structural_boost(passage: StoredPassage, query: Query, tuning: Tuning) -> float:
    """What the passage's place in its document adds for this question: the item it starts with
    ("thứ hai" → (2)), a unit heading for "who", the unit the question names, the signature block
    for "ai ký", the header for "ký ngày", and a footnote's yielding to the sentence citing it."""
    boost = 0.0
    if query.ordinal is not None and starts_with_item(passage.text, query.ordinal, passage.section):
        boost += tuning.ordinal_boost
    unit_heading = (query.who or query.names_unit) and names_unit(passage.section)  # read only when it counts
    if query.who and unit_heading:
        boost += tuning.unit_heading_boost
    if passage.kind == "footnote":
        boost -= tuning.footnote_penalty
    if passage.kind == "outline" and (query.kind != "list" or query.who):
        boost -= tuning.outline_penalty
    if query.names_unit and unit_heading and heading_named(passage.section, query):
        boost += tuning.named_unit_boost
    if passage.kind == "closing" and query.signed:
        boost += tuning.signature_boost
    elif passage.kind == "preamble" and query.issued and has_dating_line(passage.text):
        boost += tuning.preamble_boost  # the header's dating line, not any text before the first heading
    if query.span is not None and tuning.span_kind_boost and spans.has_span(query.span, passage.text):
        boost += tuning.span_kind_boost
    return boost


@dataclass
class DocEvidence:
    """How much each document is about the question: its title (0-1) and its passages' content (0-1)."""

    title: dict[str, float]
    topic: dict[str, float]


class Searcher:
    """Hybrid search over one loaded index generation."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder,
        tuning: Tuning,
        reranker=None,
        lexicon: Lexicon | None = None,
    ):
        self.index = index
        self.embedder = embedder
        self.tuning = tuning
        self.reranker = reranker
        ranges = index.part_ranges()
        if lexicon is None:
            lo, hi = ranges[0] if ranges else (0, 0)
            part = index.passages[lo:hi]
            lexicon = Lexicon.build((p.index_text for p in part), [not p.derived for p in part])
        for lo, hi in ranges:  # the parts the given lexicon does not cover yet
            if lo >= lexicon.size and hi > lo:
                part = index.passages[lo:hi]
                lexicon = lexicon.extended((p.index_text for p in part), [not p.derived for p in part])
        self.lexicon = lexicon
        self._idf, self._idf_unknown = lexicon.idf()
        # live documents in a fixed order, and their passage numbers in one array, for per-document
        # sums (derived passages left out: an outline restates its document's headings)
        self._doc_order = sorted(index.by_doc)
        own = {d: [i for i in index.by_doc[d] if not index.passages[i].derived] for d in self._doc_order}
        sizes = [len(own[d]) for d in self._doc_order]
        self._doc_passages = np.fromiter((i for d in self._doc_order for i in own[d]), dtype=np.int64, count=sum(sizes))
        self._doc_of_passage = np.repeat(np.arange(len(sizes)), sizes)
        self._doc_sizes = np.array(sizes, dtype=np.float64)
        self._doc_names = []
        self._doc_label_tokens = {}
        for name, rec in index.docs.items():
            self._doc_names.append(doc_name(name, rec.meta))
            label = tokens(fold(f"{rec.meta.number or ''} {rec.meta.title} {rec.meta.date or ''}"))
            self._doc_label_tokens[name] = set(label) | set(bigrams(label))
        # the papers the archive holds or cites, read once here (the lexicon reads each part's citations)
        self._papers = known_papers(self._doc_names, lexicon.cited)

    @property
    def restorer(self) -> DiacriticRestorer:
        """Puts the diacritics back on a question typed without them."""
        return self.lexicon.restorer

    def over(self, index: LoadedIndex) -> Searcher:
        """A searcher for ``index``, a generation with this one's base part: the base's lexicon is
        shared, and only the added parts' passages are read (none of them when ``index`` merely adds
        parts to this one's, or hides documents). This searcher stays usable meanwhile."""
        lexicon = self.lexicon if extends(index, self.index) else self.lexicon.root
        return Searcher(index, self.embedder, self.tuning, self.reranker, lexicon)

    def read(self, question: str) -> Query:
        """The question read once, against this index's document names and vocabulary."""
        return read_query(question, self._doc_names, self.restorer.restore, self._papers, self.lexicon.spell_out)

    # --- the search, step by step -------------------------------------------------------------
    def search(self, query: Query, top_k: int = 5) -> Retrieval:
        """Best passages for a query, highest score first."""
        if not self.index.passages:
            return Retrieval(query, [], 0.0, 0.0, self._idf)
        bm = self.bm25_scores(query)
        qv = self.embedder.encode_query(query.text)
        docs = DocEvidence(self.title_prior(query), self.topic(bm))
        dense = self.candidates(query, bm, qv, docs)
        hits, max_dense = self.fuse(dense, bm)
        self.boost(hits, query, docs)
        hits = self.rerank(hits, query, top_k)
        hits = self.dedupe(hits, query, top_k)
        coverage = self.coverage(query, hits[: self.tuning.coverage_depth])
        return Retrieval(query, hits, max_dense, coverage, self._idf, self.issue_dates(query))

    def issue_dates(self, query: Query) -> dict[str, tuple[str, str]]:
        """For "… ban hành ngày nào": the scoped documents' số hiệu and issue date, from their metadata."""
        if not query.issued:
            return {}
        docs = (self.index.docs.get(doc) for doc in sorted(query.scope))
        return {rec.doc: (rec.meta.number or "", rec.meta.date) for rec in docs if rec and rec.meta.date}

    def bm25_scores(self, query: Query) -> np.ndarray:
        """BM25 of every passage: the folded index always, the accented one too for an accented question."""
        if not self.index.passages:
            return np.zeros(0)
        scores = self.lexicon.bm25_folded.get_scores(query.folded_tokens)
        if query.accented:
            scores = self.tuning.folded_bm25_share * scores + self.lexicon.bm25.get_scores(query.accented_tokens)
        scores[~self.index.alive] = 0.0  # passages of replaced or removed documents
        return scores

    def candidates(self, query: Query, bm: np.ndarray, qv: np.ndarray, docs: DocEvidence) -> dict[int, float]:
        """The passages worth scoring, each with its dense similarity: the best by dense search and
        by BM25, the named documents' own best, and those of the documents most about the question."""
        n = len(self.index.passages)
        k = min(self.tuning.candidates, n)
        alive = self.index.alive
        dense = {i: v for i, v in self.index.dense.search(qv, k).items() if alive[i]}
        bm_top = np.argpartition(-bm, k - 1)[:k] if k < n else np.arange(n)  # top k, unordered
        cand = set(dense) | {int(i) for i in bm_top if bm[i] > 0}
        if query.scope:
            # the named documents' own best passages, however many copies elsewhere outrank them
            cand |= self._scoped_candidates(query.scope, bm, k)
        cand |= self._likely_candidates(self.likely_docs(docs.title, docs.topic, self.tuning), bm)
        dense.update(self.index.dense.score(cand - dense.keys(), qv))  # BM25 candidates dense search missed
        return {i: dense[i] for i in cand}

    def fuse(self, dense: dict[int, float], bm: np.ndarray) -> tuple[list[Hit], float]:
        """Each candidate's weighted sum of BM25 (over the best) and dense similarity (from the
        candidates' median up to their best); and the best dense similarity."""
        passages = self.index.passages
        bm_max = float(bm.max()) if bm.size and bm.max() > 0 else 1.0
        d_vals = np.array(list(dense.values()))
        d_hi, d_lo = float(d_vals.max()), float(np.percentile(d_vals, self.tuning.dense_floor_percentile))
        span = max(d_hi - d_lo, 1e-6)
        wb, wd = self.tuning.bm25_weight, self.tuning.dense_weight
        hits = []
        for i, dv in dense.items():
            b = float(bm[i]) / bm_max
            d = (dv - d_lo) / span
            hits.append(Hit(passages[i], wb * b + wd * d, float(bm[i]), dv, i))
        return hits, d_hi

    def boost(self, hits: list[Hit], query: Query, docs: DocEvidence) -> None:
        """Lift each hit by its document's evidence and its structural cues (in place); note which
        document is likeliest, to cite that copy of a repeated paragraph."""
        t = self.tuning
        for h in hits:
            doc = h.passage.doc
            in_title, in_topic = docs.title.get(doc, 0.0), docs.topic.get(doc, 0.0)
            h.context = (2.0 if doc in query.scope else 0.0) + in_title + in_topic
            h.score += t.title_weight * in_title + t.topic_weight * in_topic
            h.score += structural_boost(h.passage, query, t)
        hits.sort(key=lambda h: -h.score)

    def rerank(self, hits: list[Hit], query: Query, top_k: int) -> list[Hit]:
        """With a cross-encoder configured, the best hits re-scored by it; otherwise as they are."""
        if self.reranker is None or not hits:
            return hits
        head = hits[: max(top_k * 3, self.tuning.rerank_depth)]
        scores = self.reranker.predict([(query.text, h.passage.text) for h in head])
        for h, s in zip(head, scores, strict=True):
            h.score = float(s)
        return sorted(head, key=lambda h: -h.score) + hits[len(head) :]

    def dedupe(self, hits: list[Hit], query: Query, top_k: int) -> list[Hit]:
        """The named documents first, then near copies folded into one citation. (Overlapping
        passages of one section are joined later, after the answer: index/answer/citations.py.)"""
        t = self.tuning
        if query.scope:
            hits = named_first(hits, query.scope, top_k)
        return collapse_duplicates(hits, top_k, t.copy_margin, t.duplicate_ratio)

    # --- document evidence ----------------------------------------------------------------------
    def title_prior(self, query: Query) -> dict[str, float]:
        """How well the question names a document (its number, title words, year), 0-1 per document.

        Several documents share a vocabulary ("chương trình 01", "tổng kết"); a year or số hiệu in
        the question tells them apart.
        """
        q_terms = query.title_terms
        if not q_terms:
            return {}
        scores = {}
        for name, toks in self._doc_label_tokens.items():
            scores[name] = fsum(self._idf.get(t, 0.0) for t in q_terms & toks)
        top = max(scores.values(), default=0.0)
        if top <= 0:
            return {}
        return {k: v / top for k, v in scores.items()}

    def topic(self, bm: np.ndarray) -> dict[str, float]:
        """How much of each document is about the question's words: its passages' mean BM25, 0-1.

        A paragraph copied into a compilation sits among unrelated ones; in the plan it comes from,
        its neighbours speak of the same thing ("báo cáo tổng kết", "hội nghị"), and the mean shows it.
        """
        if not self._doc_order:
            return {}
        sums = np.bincount(self._doc_of_passage, weights=bm[self._doc_passages], minlength=len(self._doc_order))
        mean = sums / np.maximum(self._doc_sizes, 1.0)
        top = float(mean.max())
        if top <= 0:
            return {}
        return dict(zip(self._doc_order, (mean / top).tolist(), strict=True))

    @staticmethod
    def likely_docs(title: dict[str, float], topic: dict[str, float], tuning: Tuning) -> set[str]:
        """The few documents most about the question: the best by content, and those whose title the
        question echoes clearly better than the rest (none when many titles tie, as "báo cáo" does)."""
        n = tuning.likely_docs
        docs = set(sorted((d for d, v in topic.items() if v > 0), key=lambda d: -topic[d])[:n])
        ranked = sorted(title.values(), reverse=True)
        floor = max(tuning.likely_title_floor, ranked[n] if len(ranked) > n else 0.0)
        return docs | {d for d, v in title.items() if v > floor}

    def _likely_candidates(self, docs: set[str], bm: np.ndarray) -> set[int]:
        """The passages of the given documents that share a word with the question (of a long
        document, the best ``likely_passages`` by BM25).

        The copy of a paragraph in the document a question is about may rank 80th among near ties,
        below the cut-off for candidates, and never meet the document scores that would lift it.
        """
        out: set[int] = set()
        for doc in sorted(docs):
            ids = np.array(self.index.by_doc.get(doc, []), dtype=np.int64)
            out |= _best_by_bm25(ids, bm, self.tuning.likely_passages)
        return out

    def _scoped_candidates(self, scope: frozenset[str], bm: np.ndarray, k: int) -> set[int]:
        """The best passages of the named documents by BM25, and all of them by the dense score
        when they are few enough to score directly."""
        ids = np.array([i for doc in sorted(scope) for i in self.index.by_doc.get(doc, [])], dtype=np.int64)
        return set(ids.tolist()) if ids.size <= self.tuning.scope_dense_max else _best_by_bm25(ids, bm, k)

    def coverage(self, query: Query, hits: list[Hit]) -> float:
        """IDF-weighted share of the question's content words found in one of the given passages.

        Words the corpus never uses weigh the most, so "giá vé máy bay" scores low however close
        the embedding puts some passage.
        """
        terms = query.key_terms
        if not terms or not hits:
            return 0.0
        weights = [self._idf.get(t, self._idf_unknown) for t in terms]
        total = sum(weights)
        sets = self.lexicon.folded_sets
        return max(sum(w for t, w in zip(terms, weights, strict=True) if t in sets[h.index]) for h in hits) / total
