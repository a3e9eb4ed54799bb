"""The short forms officials type, read as the phrases the indexed documents write in full.

"tỷ lệ đv hoàn thành tốt nv", "bao nhiêu CCV", "tccsđ": a short form is the initials of the words it
stands for, and no Vietnamese syllable is made of consonants only (index.vocab.cues.SHORT_FORM). The
documents spell out what their askers abbreviate, so each body's documents teach their own: "ccv" is
"công chứng viên" in a notary association's, "nk" is "nhiệm kỳ" in the Party's and "nhập khẩu" in a
customs office's. No list is kept; the fixed short forms (index.vocab.words.ABBREVIATIONS) are read
before these.

A short form is read off the runs of words with its initials, found in one string of the passages'
initials and read back from the passages' own text (``SAMPLE`` of them, evenly spread: a bound on the work
at a hundred times the seed corpus). Counting every run of words instead, at build time, cost eight
times the restorer's build time and five times its memory on the seed corpus (measured 2026-12-04).
A reading must stand on its own: a run always written after the same word is the tail of a longer
phrase ("dựng hệ" of "xây dựng hệ thống", "ban nhân" of "ủy ban nhân dân"), never what is abbreviated.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Sequence

from index.text import fold_diacritics, has_diacritics, tokens
from index.vocab.cues import SHORT_FORM
from index.vocab.words import STOPWORDS

# A short form is spelled out when one phrase is most of those with its initials (more than half: the
# majority reading) and the corpus writes it more than twice (a one-off is no reading). Not tuned: the
# majority and "more than a one-off" are the rule's own terms.
SHARE = 0.5
MIN_COUNT = 3
SAMPLE = 100  # runs read back for a short form: a bound on the work, not a choice
PER_QUESTION = 8  # short forms read in one question (a question has a few; a pasted text is not scanned for all)
CACHE = 4096  # readings kept (a bound on memory: a hostile asker's made-up short forms are forgotten)

_VOWELS = frozenset("aeiouy")
_GAP = " "  # a word no short form stands for (a stopword, a number, a vowel initial)
_BETWEEN = "|"  # between two passages' initials


def initial(word: str) -> str:
    """A word's initial as a short form writes it: its first letter, diacritics off but đ kept ("đảng"
    → đ): "đv" is typed for "đảng viên", never for "dân vận"."""
    return "đ" if word[:1] == "đ" else fold_diacritics(word[:1])


def spelled_word(word: str) -> bool:
    """A word a short form may stand for: a content word (no stopword, no number) with a consonant
    initial, as SHORT_FORM reads a short form."""
    return word.isalpha() and word not in STOPWORDS and initial(word) not in _VOWELS


def _letter(word: str) -> str:
    """A word's place in the initials string: one ASCII character (đ as D: the string stays one byte a
    character), a gap for a word no short form stands for."""
    if not spelled_word(word):
        return _GAP
    first = initial(word)
    return "D" if first == "đ" else first


class ShortForms:
    """The phrases a corpus part writes for the short forms its askers type (``spell_out``).

    ``token_lists`` and ``texts``: the counted passages' words and their text, in the same order (the
    text is the passage's own string, not a copy); ``under``: the parts indexed before these.
    """

    def __init__(
        self, token_lists: Sequence[Sequence[str]], texts: Sequence[str], under: ShortForms | None = None
    ) -> None:
        self.under = under
        letters = {w: _letter(w) for w in set().union(*token_lists)}  # each distinct word once
        self.texts = texts
        self.starts: list[int] = []
        parts, at = [], 0
        for toks in token_lists:
            self.starts.append(at)
            run = "".join(map(letters.__getitem__, toks))
            parts.append(run)
            at += len(run) + 1
        self.initials = _BETWEEN.join(parts)
        self._read: dict[tuple[str, bool], str | None] = {}

    def spell_out(self, question: str, known: Callable[[str], bool] = lambda word: False) -> str:
        """The question with each short form the corpus does not write as a word ("đv", "tccsđ", "qlnn")
        replaced by the phrase the corpus writes for it: the most frequent run of words with those
        initials, when it is most of them (``SHARE``) and more than a one-off (``MIN_COUNT``). Otherwise
        it stays as typed: "đv" is "đảng viên" or "đơn vị" about as often in some documents, and a
        wrong reading would search for the other one. ``known``: whether the corpus writes a (folded)
        word, so that a short form it writes itself ("cchc", "ubnd") is left to search."""
        out = []
        any_d = not has_diacritics(question)  # typed without diacritics: "dv" may be "đv"
        asked: set[str] = set()
        for w in question.split():
            core = re.sub(r"[^\w]", "", w)
            key = core.lower()
            folded = fold_diacritics(key)
            phrase = None
            if SHORT_FORM.match(folded) and not known(folded) and (key in asked or len(asked) < PER_QUESTION):
                asked.add(key)
                phrase = self.phrase(key, any_d)
            out.append(w.replace(core, phrase) if phrase else w)
        return " ".join(out)

    def phrase(self, key: str, any_d: bool = False) -> str | None:
        """The phrase a (lower-case) short form stands for, over this part and those under it, or None;
        ``any_d``: a d may stand for đ (the question was typed without diacritics)."""
        if (key, any_d) not in self._read:
            runs: Counter[tuple[str, str]] = Counter()
            layer: ShortForms | None = self
            while layer is not None:
                runs.update(layer._runs_of(key, any_d))
                layer = layer.under
            if len(self._read) >= CACHE:
                self._read.clear()
            self._read[key, any_d] = _reading(runs)
        return self._read[key, any_d]

    @property
    def readings_kept(self) -> int:
        """How many short forms' readings are cached (at most ``CACHE``)."""
        return len(self._read)

    def _runs_of(self, key: str, any_d: bool) -> Counter[tuple[str, str]]:
        """The runs of words with these initials, each with the word before it, read back from the
        passages: ``SAMPLE`` of them at most, evenly spread over the part (not its first documents)."""
        at = sorted(pos for needle in _needles(key, any_d) for pos in _find_all(self.initials, needle))
        step = max(1, len(at) // SAMPLE)
        found: Counter[tuple[str, str]] = Counter()
        words_of: dict[int, list[str]] = {}  # a passage read once, however many runs it holds
        for pos in at[::step][:SAMPLE]:
            passage = bisect.bisect_right(self.starts, pos) - 1
            offset = pos - self.starts[passage]
            words = words_of.get(passage)
            if words is None:
                words = words_of[passage] = tokens(self.texts[passage])
            found[" ".join(words[offset : offset + len(key)]), words[offset - 1] if offset else ""] += 1
        return found


def _needles(key: str, any_d: bool) -> list[str]:
    """A short form as the initials string writes it (đ as D); with ``any_d``, each d also as D (at most
    three of them read so: eight needles)."""
    needles = [key.replace("đ", "D")]
    if any_d:
        for at in [i for i, c in enumerate(needles[0]) if c == "d"][:3]:
            needles += [n[:at] + "D" + n[at + 1 :] for n in needles]
    return needles


def _find_all(text: str, needle: str) -> list[int]:
    """Where a needle stands in a text, overlaps included (str.find: the scan is C's, not a regex's)."""
    out, at = [], text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def _reading(runs: Counter[tuple[str, str]]) -> str | None:
    """The phrase that is most of the runs (``SHARE``), more than a one-off (``MIN_COUNT``), and stands
    on its own: at least ``MIN_COUNT`` times after another word than the one it most often follows."""
    counts: Counter[str] = Counter()
    for (phrase, _), n in runs.items():
        counts[phrase] += n
    if not counts:
        return None
    phrase, count = counts.most_common(1)[0]
    if count < MIN_COUNT or count <= SHARE * sum(counts.values()):
        return None
    usual = max((n for (p, word), n in runs.items() if p == phrase and word), default=0)
    return phrase if count - usual >= MIN_COUNT else None
