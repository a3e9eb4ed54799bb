"""BM25 over an index made of a large base part and small parts added since.

The base part is scored by bm25s, whose index bakes each word's IDF into a precomputed matrix:
fast to query, but it has to be rebuilt whole to take in a new document (a minute at 100× the seed
corpus). A document added afterwards goes into a small part scored here from its own postings,
with the IDF of the whole index (base document frequencies plus the added parts'), so its passages
compete with the base on equal terms. The base keeps its own IDF until the next merge rebuilds it;
a few added documents move any word's document frequency by a hair.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np

from index.retrieval.scope import cited_in
from index.retrieval.short_forms import ShortForms
from index.text import fold_diacritics, has_diacritics, normalize, tokens
from index.vocab.words import QUESTION_FIRST, QUESTION_LAST, QUESTION_PAIRS, QUESTION_SHORT_FORMS, QUESTION_WORDS

K1 = 1.5  # bm25s defaults, so both kinds of part score alike
B = 0.75


def bigrams(toks: list[str]) -> list[str]:
    """Adjacent word pairs as BM25 terms ("ban_dân", "dân_vận"): a pair outweighs its words apart."""
    return [f"{a}_{b}" for a, b in zip(toks, toks[1:], strict=False)]


def corpus_tokens(texts: Iterable[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each passage's words, accented and folded, from one tokenisation.

    Folding never moves a word boundary, so the folded words are the accented ones folded; each
    distinct word is folded once and stored once (a corpus repeats a small vocabulary millions of
    times, and one string object per occurrence is most of the searcher's memory).
    """
    vocab: dict[str, str] = {}
    folds: dict[str, str] = {}
    accented = [[vocab.setdefault(t, t) for t in tokens(text)] for text in texts]
    for word in vocab:
        folds[word] = fold_diacritics(word)
    interned: dict[str, str] = {}
    folded = [[interned.setdefault(folds[t], folds[t]) for t in toks] for toks in accented]
    return accented, folded


def with_bigrams(token_lists: list[list[str]]) -> list[list[str]]:
    """BM25 input: every passage's words followed by its word pairs (one string per distinct pair)."""
    pairs: dict[str, str] = {}
    return [toks + [pairs.setdefault(b, b) for b in bigrams(toks)] for toks in token_lists]


def _idf(df: int, n: int) -> float:
    """Lucene's IDF, as bm25s computes it."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass
class AddedPart:
    """Postings of a small part: word → (passage numbers in the part, term-frequency component).

    ``rows`` places the part's passages in the whole index. A part that is not ``counted`` holds
    derived passages (an outline restating headings other passages carry): scored like the rest,
    left out of every document frequency and of N, so adding them moves no other passage's score."""

    rows: np.ndarray
    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    counted: bool = True

    @classmethod
    def build(cls, token_lists: list[list[str]], avgdl: float, rows: np.ndarray, counted: bool = True) -> AddedPart:
        """Postings with the base's average length, so a passage's length is judged as the base's are."""
        table: dict[str, tuple[list[int], list[float]]] = {}
        for i, toks in enumerate(token_lists):
            norm = K1 * ((1 - B) + B * len(toks) / avgdl)
            for word, tf in Counter(toks).items():
                ids, tfc = table.setdefault(word, ([], []))
                ids.append(i)
                tfc.append(tf / (norm + tf))
        postings = {w: (np.asarray(i, dtype=np.int64), np.asarray(t, dtype=np.float32)) for w, (i, t) in table.items()}
        return cls(rows, postings, counted)

    @property
    def size(self) -> int:
        """Passages of this part."""
        return int(self.rows.size)

    def df(self, word: str) -> int:
        """Passages of this part that hold the word (none, for a part that is not counted)."""
        hit = self.postings.get(word) if self.counted else None
        return 0 if hit is None else len(hit[0])


def _flags(n: int, counted: Sequence[bool] | None) -> list[bool]:
    """Which of a part's n passages count in the statistics (all, unless told otherwise)."""
    return [True] * n if counted is None else list(counted)


def _split(token_lists: list[list[str]], counted: Sequence[bool] | None, offset: int) -> tuple[
    list[list[str]], np.ndarray, list[list[str]], np.ndarray
]:
    """The counted passages and the derived ones, each with its positions in the whole index."""
    flags = _flags(len(token_lists), counted)
    keep = [i for i, f in enumerate(flags) if f]
    skip = [i for i, f in enumerate(flags) if not f]
    return (
        [token_lists[i] for i in keep],
        np.asarray(keep, dtype=np.int64) + offset,
        [token_lists[i] for i in skip],
        np.asarray(skip, dtype=np.int64) + offset,
    )


@dataclass
class PartedBM25:
    """BM25 scores over the base part and the parts added to it, in passage order."""

    base: bm25s.BM25 | None
    base_rows: np.ndarray  # the base's counted passages, placed in the whole index
    base_avgdl: float
    size: int  # passages scored, counted or not
    added: list[AddedPart] = field(default_factory=list)

    @classmethod
    def build(cls, token_lists: list[list[str]], counted: Sequence[bool] | None = None) -> PartedBM25:
        """Index the base part; passages not ``counted`` are scored with its statistics, not in them."""
        kept, rows, derived, derived_rows = _split(token_lists, counted, 0)
        base = None
        if kept:
            base = bm25s.BM25(k1=K1, b=B)
            base.index(kept, show_progress=False)
        avgdl = max(sum(len(t) for t in kept) / len(kept), 1.0) if kept else 1.0
        added = [AddedPart.build(derived, avgdl, derived_rows, counted=False)] if derived else []
        return cls(base, rows, avgdl, len(token_lists), added)

    def extended(self, token_lists: list[list[str]], counted: Sequence[bool] | None = None) -> PartedBM25:
        """A new scorer with one more part; this one is left as it is (questions may be using it)."""
        kept, rows, derived, derived_rows = _split(token_lists, counted, self.size)
        parts = [AddedPart.build(kept, self.base_avgdl, rows)]
        if derived:
            parts.append(AddedPart.build(derived, self.base_avgdl, derived_rows, counted=False))
        size = self.size + len(token_lists)
        return PartedBM25(self.base, self.base_rows, self.base_avgdl, size, [*self.added, *parts])

    def _base_df(self, word: str) -> int:
        if self.base is None:
            return 0
        j = self.base.vocab_dict.get(word)
        if j is None:
            return 0
        indptr = self.base.scores["indptr"]
        return int(indptr[j + 1] - indptr[j])

    def get_scores(self, query: list[str]) -> np.ndarray:
        """One score per passage; a word repeated in the query counts each time, as in bm25s."""
        out = np.zeros(self.size, dtype=np.float32)
        if not query:
            return out
        if self.base is not None:
            ids = self.base.get_tokens_ids(query)
            if ids:
                out[self.base_rows] = self.base.get_scores(ids)
        if self.added:
            n = self.base_rows.size + sum(p.size for p in self.added if p.counted)
            weights = Counter(query)
            idf = {w: _idf(self._base_df(w) + sum(p.df(w) for p in self.added), n) for w in weights}
            for part in self.added:
                for word, times in weights.items():
                    hit = part.postings.get(word)
                    if hit is not None:
                        out[part.rows[hit[0]]] += times * idf[word] * hit[1]  # a word lists each passage once
        return out


class DiacriticRestorer:
    """Restore diacritics of an unaccented question from the corpus vocabulary.

    Each folded bigram or word maps to its most frequent accented form in the indexed passages;
    bigrams win over single words because "bao cao" is "báo cáo" while "bao" alone is ambiguous.
    """

    def __init__(self, token_lists: list[list[str]], under: DiacriticRestorer | None = None):
        self.under = under  # the restorer of the parts indexed before these passages
        uni: Counter[str] = Counter()
        bi: Counter[str] = Counter()
        for toks in token_lists:
            uni.update(toks)
            bi.update(f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False))
        # fold each distinct word once, not each occurrence: thousands of documents share a vocabulary
        self.uni: dict[str, Counter[str]] = {}
        self.bi: dict[str, Counter[str]] = {}
        for word, count in uni.items():
            self.uni.setdefault(fold_diacritics(word), Counter())[word] += count
        for pair, count in bi.items():
            self.bi.setdefault(fold_diacritics(pair), Counter())[pair] += count

    def _best(self, table: str, key: str) -> str | None:
        """The most frequent accented form of a folded key, counted over this part and those under it."""
        total: Counter[str] = Counter()
        layer: DiacriticRestorer | None = self
        while layer is not None:
            total.update(getattr(layer, table).get(key, {}))
            layer = layer.under
        return total.most_common(1)[0][0] if total else None

    def knows(self, folded: str) -> bool:
        """Whether the corpus writes a (folded) word, in this part or one under it."""
        return self._best("uni", folded) is not None

    def restore(self, question: str) -> str:
        """Best guess at the accented question; words not in the corpus stay as typed."""
        words = normalize(question).split()
        out: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            if has_diacritics(w):
                out.append(w)
                i += 1
                continue
            asked = _question_word(words, i)
            if asked is not None:
                out.extend(asked.split())
                i += len(asked.split())
                continue
            if i + 1 < len(words):
                pair = self._best("bi", fold_diacritics(f"{w} {words[i + 1]}"))
                # a question word next keeps its own reading ("ghi the nao" is "ghi thế nào")
                if pair is not None and not has_diacritics(words[i + 1]) and _question_word(words, i + 1) is None:
                    out.extend(pair.split())
                    i += 2
                    continue
            core = re.sub(r"[^\w/.-]", "", w)
            best = self._best("uni", core) if core else None
            out.append(w.replace(core, best) if best else w)
            i += 1
        return " ".join(out)


def _question_word(words: list[str], i: int) -> str | None:
    """The accented question word (or pair) starting at ``words[i]``, with its punctuation kept, if
    it is one (index.vocab.words: the documents' vocabulary restores these wrongly)."""
    core = re.sub(r"[^\w]", "", words[i]).lower()
    if i + 1 < len(words) and not has_diacritics(words[i + 1]):
        nxt = re.sub(r"[^\w]", "", words[i + 1]).lower()
        pair = QUESTION_PAIRS.get(f"{core} {nxt}")
        if pair is not None:
            first, second = pair.split()
            return f"{words[i].replace(core, first)} {words[i + 1].replace(nxt, second)}" if core and nxt else None
    last = i == len(words) - 1 or not re.sub(r"[^\w]", "", words[i + 1])
    one = QUESTION_WORDS.get(core) or (QUESTION_FIRST.get(core) if i == 0 else None)
    one = one or (QUESTION_LAST.get(core) if last else None)
    return words[i].replace(core, one) if one and core else None


@dataclass
class _Part:
    """One part's passages read for a lexicon: their words, which count in the statistics, and the
    document frequencies with the counted ones added."""

    accented: list[list[str]]
    folded: list[list[str]]
    flags: list[bool]
    sets: list[set[str]]
    df: Counter[str]

    @classmethod
    def read(cls, texts: Iterable[str], counted: Sequence[bool] | None, df: Counter[str]) -> _Part:
        accented, folded = corpus_tokens(texts)
        flags = _flags(len(accented), counted)
        sets = [set(toks) for toks in folded]
        for toks, flag in zip(sets, flags, strict=True):
            if flag:
                df.update(toks)
        return cls(accented, folded, flags, sets, df)

    @property
    def counted_accented(self) -> list[list[str]]:
        """The counted passages' accented words: what the restorer counts."""
        return [t for t, f in zip(self.accented, self.flags, strict=True) if f]

    def counted(self, texts: Sequence[str]) -> list[str]:
        """The counted passages' texts (of the texts the part was read from), in ``counted_accented``'s order."""
        return [t for t, f in zip(texts, self.flags, strict=True) if f]


@dataclass
class Lexicon:
    """Everything search derives from the passages' words, built part by part.

    An index that grows by an added document extends the lexicon with that document's passages
    instead of re-reading the whole corpus; the new lexicon shares the old one's large tables and
    leaves it untouched, so questions already running on it finish undisturbed.
    """

    bm25: PartedBM25  # accented words and word pairs
    bm25_folded: PartedBM25  # the same, diacritics folded
    folded_sets: list[set[str]]  # each passage's folded words: which question words it holds
    df: Counter[str]  # folded word → passages that hold it
    restorer: DiacriticRestorer
    base: Lexicon | None = None  # the base part's own lexicon, when this one extends it
    counted: int = 0  # passages in the statistics: all but the derived ones
    # the papers the passages name by type and number (index.retrieval.scope.cited_in), read once per part
    cited: frozenset[tuple[str, int]] = frozenset()
    short_forms: ShortForms | None = None  # the short forms the passages spell out ("tccsđ": tổ chức cơ sở đảng)

    @property
    def root(self) -> Lexicon:
        """The base part's lexicon, without the added parts."""
        return self.base or self

    @classmethod
    def build(cls, texts: Iterable[str], counted: Sequence[bool] | None = None) -> Lexicon:
        """The lexicon of a base part. Passages not ``counted`` (derived ones, as an outline restating
        headings) are searched but left out of every statistic: document frequencies, average length,
        the restorer's word counts."""
        texts = list(texts)
        part = _Part.read(texts, counted, Counter())
        return cls(
            PartedBM25.build(with_bigrams(part.accented), part.flags),
            PartedBM25.build(with_bigrams(part.folded), part.flags),
            part.sets,
            part.df,
            DiacriticRestorer(part.counted_accented),
            counted=sum(part.flags),
            cited=cited_in(texts),
            short_forms=ShortForms(part.counted_accented, part.counted(texts)),
        )

    def extended(self, texts: Iterable[str], counted: Sequence[bool] | None = None) -> Lexicon:
        """A new lexicon with these passages appended as one more part."""
        texts = list(texts)
        part = _Part.read(texts, counted, self.df.copy())
        return Lexicon(
            self.bm25.extended(with_bigrams(part.accented), part.flags),
            self.bm25_folded.extended(with_bigrams(part.folded), part.flags),
            self.folded_sets + part.sets,
            part.df,
            DiacriticRestorer(part.counted_accented, under=self.restorer),
            self.root,
            self.counted + sum(part.flags),
            self.cited | cited_in(texts),
            ShortForms(part.counted_accented, part.counted(texts), under=self.short_forms),
        )

    def spell_out(self, question: str) -> str:
        """The question with the short forms these passages spell out replaced (``ShortForms``); a short
        form they write themselves as a word ("cchc", "ubnd") is left to search, and one the question
        cues read ("bn", "sdt") to them."""
        if self.short_forms is None:
            return question
        return self.short_forms.spell_out(
            question, lambda word: word in QUESTION_SHORT_FORMS or self.restorer.knows(word)
        )

    @property
    def size(self) -> int:
        """Passages covered."""
        return len(self.folded_sets)

    def idf(self) -> tuple[dict[str, float], float]:
        """IDF of each folded word, and that of a word no passage holds."""
        n = max(1, self.counted)
        return {w: math.log(1 + n / (c + 0.5)) for w, c in self.df.items()}, math.log(1 + n / 0.5)
