"""Hybrid retrieval: BM25 over normalised text (with and without diacritics) plus dense search in
FAISS, fused by weighted, per-query normalised scores.

Questions typed without diacritics are searched against a diacritic-folded BM25 index, and their
diacritics are restored from the corpus's own vocabulary before they reach the embedding model
(which understands "hạn nộp báo cáo" far better than "han nop bao cao").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.ingest.structure import body_lines
from index.retrieval.lexical import DiacriticRestorer, Lexicon, _bigrams
from index.retrieval.scope import doc_name, read_names
from index.store.generations import LoadedIndex, StoredPassage, extends
from index.text import fold_diacritics, has_diacritics, normalize, tokens
from index.units import names_unit, strip_numbering

# Question and function words: rare in the documents (so BM25 would weight them highly) but say
# nothing about the topic.
STOPWORDS = frozenset(
    """ai gì nào đâu sao bao nhiêu mấy khi lúc thế như vậy hả nhỉ không có phải là của và các
    những được cho với thì mà này đó kia ra vào lên về theo để bị đã đang sẽ rồi chưa nữa cũng
    hay hoặc tới đến nào vậy ạ à ơi nhé thế_nào làm gì cái người ta mình""".split()
)
STOPWORDS_FOLDED = frozenset(fold_diacritics(w) for w in STOPWORDS) - {"co", "cac", "duoc", "ve", "the"}
# Short forms officials type. Lower-case keys match any case; upper-case keys only match as typed,
# because "tu", "kh" or "bc" are also ordinary unaccented syllables ("từ", "khi", "bác").
_ABBREV = {
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
}


_UNIT_WORD = re.compile(r"\b(ban|dang doan|van phong|so|uy ban|mat tran|hoi|thanh doan|dang uy)\b")
_SIGN_Q = re.compile(r"\b(ai ky|ai ki|nguoi ky|ky ten|ky boi|chu ky)\b")
_ISSUED_Q = re.compile(r"\b(ky ngay|ban hanh ngay|ngay ban hanh|ngay ky|so hieu|so van ban|so den|cong van den)\b")


def expand_abbreviations(question: str) -> str:
    """'ctr 01' → 'chương trình 01': officials type the short forms the documents spell out."""
    out = []
    for w in question.split():
        core = w.strip("?,.!;:")
        rep = _ABBREV.get(core) or _ABBREV.get(core.lower())
        out.append(w.replace(core, rep) if rep else w)
    return " ".join(out)


# Everyday words → the words the documents use for the same thing (generic to Vietnamese admin text).
# Matched on the accented question; the folded form only where it is unambiguous ("hop" is both
# "họp" and "hợp").
_SYNONYMS = [
    (re.compile(r"\bnộp\b"), re.compile(r"\bnop\b"), "gửi về"),
    (re.compile(r"\bhọp\b"), None, "hội nghị"),
    (re.compile(r"\b(bao nhiêu tiền|tiền)\b"), re.compile(r"\bbao nhieu tien\b"), "kinh phí"),
    (re.compile(r"\bnăm nào\b"), re.compile(r"\bnam nao\b"), "năm thời gian"),
]
_INTENT_TERMS = [
    (re.compile(r"\b(o dau|tai dau|noi nao|cho nao)\b"), "địa điểm"),
    (re.compile(r"\b(khi nao|bao gio|luc nao|thoi diem nao)\b"), "thời gian"),
    (re.compile(r"\b(han nop|han chot|thoi han)\b"), "trước ngày"),
]


_ORDINALS = {"nhat": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_ORDINAL_WORDS = {1: "Một", 2: "Hai", 3: "Ba", 4: "Bốn", 5: "Năm", 6: "Sáu", 7: "Bảy", 8: "Tám", 9: "Chín", 10: "Mười"}
_ORDINAL_Q = re.compile(r"\bthu (nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi|\d{1,2})\b")


def asked_ordinal(question: str) -> int | None:
    """'khâu đột phá thứ hai' → 2: documents enumerate with (2), 2. or 'Hai là'."""
    m = _ORDINAL_Q.search(fold_diacritics(normalize(question)))
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else _ORDINALS[word]


_ITEM_RX = re.compile(r"^[-+\s]*(?:\((\d{1,2})\)|(\d{1,2})\.(?!\d)\s|(Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là)")
_WORD_NUM = {w.lower(): n for n, w in _ORDINAL_WORDS.items()}


def starts_with_item(text: str, n: int, section: str = "") -> bool:
    """Whether the first enumerated item in a passage's body is item n ('(2)', '2.', 'Hai là').

    The passage's own headings, repeated at its top, are skipped: in "2. Các khâu đột phá / (1) …"
    the 2 numbers the section, and the first item of the list is (1).
    """
    for line in body_lines(text, section):
        m = _ITEM_RX.match(line)
        if m:
            first = int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else _WORD_NUM[m.group(3).lower()]
            if first == n:
                return True
            if m.group(1) or m.group(3):  # an inline enumeration item that is not n
                return False
    return False


_WHO_Q = re.compile(r"\b(ai|don vi nao|co quan nao|ban nao|ai phu trach|do ai)\b")


def expand_intent(question: str) -> str:
    """Add the word a document uses for what is asked: 'ở đâu' → 'địa điểm', 'khi nào' → 'thời gian'."""
    folded = fold_diacritics(normalize(question))
    accented = normalize(question)
    extra = [term for rx, term in _INTENT_TERMS if rx.search(folded)]
    for rx_acc, rx_fold, term in _SYNONYMS:
        if (has_diacritics(question) and rx_acc.search(accented)) or (
            not has_diacritics(question) and rx_fold is not None and rx_fold.search(folded)
        ):
            extra.append(term)
    if extra and not has_diacritics(question):
        extra = [fold_diacritics(t) for t in extra]
    return question + (" " + " ".join(extra) if extra else "")


def query_tokens(text: str, folded: bool) -> list[str]:
    """Content tokens of a question (stopwords dropped before bigrams are formed)."""
    stop = STOPWORDS_FOLDED if folded else STOPWORDS
    toks = [t for t in tokens(text) if t not in stop]
    return toks + _bigrams(toks)


@dataclass
class Hit:
    """One retrieved passage with its scores."""

    passage: StoredPassage
    score: float
    bm25: float
    dense: float
    index: int
    also_in: list[str] = field(default_factory=list)  # other documents that hold the same passage
    variants: list[str] = field(default_factory=list)  # other documents with a near copy that differs in details
    context: float = 0.0  # how much the passage's document is about the question (title and content)


SCOPE_DENSE_MAX = 2000  # named documents with up to this many passages are scored whole
# Document-level evidence. An archive holds one paragraph in many documents; the copy in the document
# a question is about is told apart by that document, not by the paragraph.
LIKELY_DOCS = 3  # documents most about the question (by title, by content) whose passages are candidates
LIKELY_PASSAGES = 300  # ... those that share a word with it, at most this many (the best by BM25)
TITLE_WEIGHT = 0.2  # lift for a passage whose document's title the question echoes
TOPIC_WEIGHT = 0.2  # lift for a passage whose document is, on average, about the question's words
COPY_MARGIN = 0.2  # near copies scored this close to the best are equals: the likeliest document's is cited
DUPLICATE_RATIO = 90  # rapidfuzz ratio above which two passages say the same thing


def collapse_duplicates(hits: list[Hit], top_k: int, margin: float = 0.0) -> list[Hit]:
    """The best ``top_k`` hits with near-identical passages folded into one copy.

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
        group = next((g for g in groups if fuzz.ratio(text, g[0][1], score_cutoff=DUPLICATE_RATIO)), None)
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


def named_first(hits: list[Hit], scope: set[str], top_k: int) -> list[Hit]:
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


@dataclass
class Retrieval:
    """What search found, with the signals the answer layer uses to decide whether to abstain."""

    question: str
    query_text: str  # after abbreviation expansion and diacritic restoration
    hits: list[Hit]
    max_dense: float
    term_coverage: float  # IDF-weighted share of the question's words found in a top passage
    idf: dict[str, float] = field(default_factory=dict)  # folded word → IDF, to weigh answer sentences
    scope: set[str] = field(default_factory=set)  # the documents the question names, answered from first


class Searcher:
    """Hybrid search over one loaded index generation."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder,
        bm25_weight: float = 0.6,
        dense_weight: float = 0.4,
        reranker=None,
        lexicon: Lexicon | None = None,
    ):
        self.index = index
        self.embedder = embedder
        self.bm25_weight = bm25_weight
        self.dense_weight = dense_weight
        self.reranker = reranker
        ranges = index.part_ranges()
        if lexicon is None:
            lo, hi = ranges[0] if ranges else (0, 0)
            lexicon = Lexicon.build(p.index_text for p in index.passages[lo:hi])
        for lo, hi in ranges:  # the parts the given lexicon does not cover yet
            if lo >= lexicon.size and hi > lo:
                lexicon = lexicon.extended(p.index_text for p in index.passages[lo:hi])
        self.lexicon = lexicon
        self._idf, self._idf_unknown = lexicon.idf()
        # live documents in a fixed order, and their passage numbers in one array, for per-document sums
        self._doc_order = sorted(index.by_doc)
        sizes = [len(index.by_doc[d]) for d in self._doc_order]
        self._doc_passages = np.fromiter(
            (i for d in self._doc_order for i in index.by_doc[d]), dtype=np.int64, count=sum(sizes)
        )
        self._doc_of_passage = np.repeat(np.arange(len(sizes)), sizes)
        self._doc_sizes = np.array(sizes, dtype=np.float64)
        self._doc_names = []
        self._doc_label_tokens = {}
        for name, rec in index.docs.items():
            self._doc_names.append(doc_name(name, rec.meta))
            label = fold_diacritics(normalize(f"{rec.meta.number or ''} {rec.meta.title} {rec.meta.date or ''}"))
            self._doc_label_tokens[name] = set(tokens(label)) | set(_bigrams(tokens(label)))

    @property
    def restorer(self) -> DiacriticRestorer:
        """Puts the diacritics back on a question typed without them."""
        return self.lexicon.restorer

    def over(self, index: LoadedIndex) -> Searcher:
        """A searcher for ``index``, a generation with this one's base part: the base's lexicon is
        shared, and only the added parts' passages are read (none of them when ``index`` merely adds
        parts to this one's, or hides documents). This searcher stays usable meanwhile."""
        lexicon = self.lexicon if extends(index, self.index) else self.lexicon.root
        return Searcher(index, self.embedder, self.bm25_weight, self.dense_weight, self.reranker, lexicon)

    @staticmethod
    def _heading_named(section: str, folded_q: str) -> bool:
        """The question names the unit of this passage's heading ('Văn phòng Thành ủy phải đánh giá gì')."""
        name = strip_numbering(section.split(" › ")[-1])
        name = fold_diacritics(normalize(re.split(r"\s+-\s+|\s*\(|:", name)[0]))
        return len(name) >= 6 and name in folded_q

    def _doc_prior(self, question: str) -> dict[str, float]:
        """How well the question names a document (its number, title words, year), 0-1 per document.

        Several documents share a vocabulary ("chương trình 01", "tổng kết"); a year or số hiệu in
        the question tells them apart.
        """
        q_terms = set(query_tokens(fold_diacritics(normalize(question)), folded=True))
        if not q_terms:
            return {}
        scores = {}
        for name, toks in self._doc_label_tokens.items():
            scores[name] = sum(self._idf.get(t, 0.0) for t in q_terms & toks)
        top = max(scores.values(), default=0.0)
        if top <= 0:
            return {}
        return {k: v / top for k, v in scores.items()}

    def _scope(self, question: str) -> tuple[set[str], str]:
        """The documents a question names ("theo CV 1021", "chương trình 01 năm 2011"), and what it asks
        of them: the question less the naming words, unless nothing else is left. No documents, and the
        question as asked, when it names none or every indexed document."""
        named, rest = read_names(question, self._doc_names)
        if not named or len(named) == len(self._doc_names):
            return set(), question
        return named, rest if query_tokens(fold_diacritics(normalize(rest)), folded=True) else question

    def _topic(self, bm: np.ndarray) -> dict[str, float]:
        """How much of each document is about the question's words: its passages' mean BM25, 0-1.

        A paragraph copied into a compilation sits among unrelated ones; in the plan it comes from,
        its neighbours speak of the same thing ("báo cáo tổng kết", "hội nghị"), and the mean shows it.
        """
        if not self._doc_order:
            return {}
        sums = np.bincount(self._doc_of_passage, weights=bm[self._doc_passages], minlength=len(self._doc_order))
        mean = sums / self._doc_sizes
        top = float(mean.max())
        if top <= 0:
            return {}
        return dict(zip(self._doc_order, (mean / top).tolist(), strict=True))

    @staticmethod
    def _likely_docs(title: dict[str, float], topic: dict[str, float]) -> set[str]:
        """The few documents most about the question: the best by content, and those whose title the
        question echoes clearly better than the rest (none when many titles tie, as "báo cáo" does)."""
        docs = set(sorted((d for d, v in topic.items() if v > 0), key=lambda d: -topic[d])[:LIKELY_DOCS])
        ranked = sorted(title.values(), reverse=True)
        floor = max(0.5, ranked[LIKELY_DOCS] if len(ranked) > LIKELY_DOCS else 0.0)
        return docs | {d for d, v in title.items() if v > floor}

    def _likely_candidates(self, docs: set[str], bm: np.ndarray) -> set[int]:
        """The passages of the given documents that share a word with the question (of a long
        document, the best ``LIKELY_PASSAGES`` by BM25).

        The copy of a paragraph in the document a question is about may rank 80th among near ties,
        below the cut-off for candidates, and never meet the document scores that would lift it.
        """
        out: set[int] = set()
        for doc in sorted(docs):
            out |= _best_by_bm25(np.array(self.index.by_doc.get(doc, []), dtype=np.int64), bm, LIKELY_PASSAGES)
        return out

    def _scoped_candidates(self, scope: set[str], bm: np.ndarray, k: int) -> set[int]:
        """The best passages of the named documents by BM25, and all of them by the dense score
        when they are few enough to score directly."""
        ids = np.array([i for doc in sorted(scope) for i in self.index.by_doc.get(doc, [])], dtype=np.int64)
        return set(ids.tolist()) if ids.size <= SCOPE_DENSE_MAX else _best_by_bm25(ids, bm, k)

    def _bm25_scores(self, question: str) -> np.ndarray:
        n = len(self.index.passages)
        if not n:
            return np.zeros(0)
        accented = has_diacritics(question)
        q = normalize(question)
        folded_q = fold_diacritics(q)
        folded_tokens = query_tokens(folded_q, folded=True)
        scores = self.lexicon.bm25_folded.get_scores(folded_tokens)
        if accented:
            scores = 0.5 * scores + self.lexicon.bm25.get_scores(query_tokens(q, folded=False))
        scores[~self.index.alive] = 0.0  # passages of replaced or removed documents
        return scores

    def search(self, question: str, top_k: int = 5, candidates: int = 60) -> Retrieval:
        """Best passages for a question, highest fused score first."""
        passages = self.index.passages
        scope, asked = self._scope(question)  # the naming words chose the document: the rest is the question
        expanded = expand_intent(expand_abbreviations(asked))
        query_text = expanded if has_diacritics(expanded) else self.restorer.restore(expanded)
        if not passages:
            return Retrieval(question, query_text, [], 0.0, 0.0, self._idf, scope)
        bm = self._bm25_scores(expanded)
        qv = self.embedder.encode_query(query_text)
        n = len(passages)
        k = min(candidates, n)
        alive = self.index.alive
        dense = {i: v for i, v in self.index.dense.search(qv, k).items() if alive[i]}
        bm_top = np.argpartition(-bm, k - 1)[:k] if k < n else np.arange(n)  # top k, unordered
        cand = set(dense) | {int(i) for i in bm_top if bm[i] > 0}
        if scope:
            # the named documents' own best passages, however many copies elsewhere outrank them
            cand |= self._scoped_candidates(scope, bm, k)
        # the documents most about the question bring their passages that share a word with it
        title = self._doc_prior(expand_abbreviations(question))
        topic = self._topic(bm)
        cand |= self._likely_candidates(self._likely_docs(title, topic), bm)
        dense.update(self.index.dense.score(cand - dense.keys(), qv))  # BM25 candidates dense search missed
        bm_max = float(bm.max()) if bm.size and bm.max() > 0 else 1.0
        d_vals = np.array(list(dense.values()))
        d_hi, d_lo = float(d_vals.max()), float(np.percentile(d_vals, 50))
        span = max(d_hi - d_lo, 1e-6)
        hits = []
        for i in cand:
            b = float(bm[i]) / bm_max
            d = (dense[i] - d_lo) / span
            hits.append(Hit(passages[i], self.bm25_weight * b + self.dense_weight * d, float(bm[i]), dense[i], i))
        folded_q = fold_diacritics(normalize(expanded))
        ordinal = asked_ordinal(expanded)
        who = bool(_WHO_Q.search(folded_q))
        asked_unit = bool(_UNIT_WORD.search(folded_q))
        # questions about who signed / when issued are answered by the document's frame
        signed = bool(_SIGN_Q.search(folded_q))
        issued = bool(_ISSUED_Q.search(folded_q))
        for h in hits:
            # which copy of a repeated paragraph to cite: a named document's, else the likeliest document's
            in_title, in_topic = title.get(h.passage.doc, 0.0), topic.get(h.passage.doc, 0.0)
            h.context = (2.0 if h.passage.doc in scope else 0.0) + in_title + in_topic
            h.score += TITLE_WEIGHT * in_title + TOPIC_WEIGHT * in_topic
            if ordinal is not None and starts_with_item(h.passage.text, ordinal, h.passage.section):
                h.score += 0.3
            if who and names_unit(h.passage.section):
                h.score += 0.1
            if h.passage.kind == "footnote":  # detail behind a figure: the sentence citing it is the better quote
                h.score -= 0.08
            if asked_unit and names_unit(h.passage.section) and self._heading_named(h.passage.section, folded_q):
                h.score += 0.2
            if h.passage.kind == "closing" and signed:
                h.score += 0.35
            elif h.passage.kind == "preamble" and issued:
                h.score += 0.25
        hits.sort(key=lambda h: -h.score)
        if self.reranker is not None and hits:
            head = hits[: max(top_k * 3, 15)]
            scores = self.reranker.predict([(query_text, h.passage.text) for h in head])
            for h, s in zip(head, scores, strict=True):
                h.score = float(s)
            hits = sorted(head, key=lambda h: -h.score) + hits[len(head) :]
        if scope:
            hits = named_first(hits, scope, top_k)
        hits = collapse_duplicates(hits, top_k, COPY_MARGIN)
        return Retrieval(question, query_text, hits, d_hi, self.coverage(question, hits[:3]), self._idf, scope)

    def coverage(self, question: str, hits: list[Hit]) -> float:
        """IDF-weighted share of the question's content words found in one of the given passages.

        Words the corpus never uses weigh the most, so "giá vé máy bay" scores low however close
        the embedding puts some passage.
        """
        terms = [
            t
            for t in tokens(fold_diacritics(normalize(expand_abbreviations(question))))
            if t not in STOPWORDS_FOLDED and len(t) > 1
        ]
        if not terms or not hits:
            return 0.0
        weights = [self._idf.get(t, self._idf_unknown) for t in terms]
        total = sum(weights)
        sets = self.lexicon.folded_sets
        return max(sum(w for t, w in zip(terms, weights, strict=True) if t in sets[h.index]) for h in hits) / total
