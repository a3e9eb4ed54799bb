"""A question, read once: what search and the answer code both work from.

The question is read here and nowhere else: normalised, folded, abbreviations expanded, the
documents it names taken out (they chose the document; the rest is what is asked of it), the words
documents use for what it asks added for the search, diacritics restored for the embedding model,
and what it asks for (its answer kind), its ordinal and its cues read from the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from index.retrieval.lexical import bigrams
from index.retrieval.scope import DocName, Papers, read_names, unheld
from index.text import fold, fold_diacritics, has_diacritics, normalize, tokens
from index.vocab import cues
from index.vocab.ordinals import ORDINAL_ASKED, ORDINAL_NUMBERS
from index.vocab.units import UNIT_WORD_FOLDED
from index.vocab.words import STOPWORDS, STOPWORDS_FOLDED, expand_abbreviations

# What a question asks for. "unit" is a unit or anyone responsible ("ai", "đơn vị nào"), "person" a
# person by role ("tổ trưởng … là ai"); "list" and "yes_no" are told apart for the answer code, which
# answers them as "content" for now.
AnswerKind = Literal[
    "sign", "person", "place", "deadline", "date", "unit", "figure", "list", "yes_no", "cause", "content"
]


def content_tokens(text: str, folded: bool) -> list[str]:
    """Content words of (normalised) question text, stopwords dropped, then their word pairs."""
    stop = STOPWORDS_FOLDED if folded else STOPWORDS
    toks = [t for t in tokens(text) if t not in stop]
    return toks + bigrams(toks)


def asks_figure(folded: str, accented: str | None) -> bool:
    """Whether a question asks for a figure; ``accented`` is the question as typed with diacritics
    (None without them), which tells "số" from "sở" and "mấy" from "máy"."""
    m = cues.HOW_MUCH.search(folded)
    if not m:
        return False
    if accented is None:
        return True
    unambiguous = cues.HOW_MUCH.sub(lambda x: "" if cues.HOW_MUCH_AMBIGUOUS.fullmatch(x.group(0)) else "#", folded)
    return "#" in unambiguous or bool(cues.HOW_MUCH_ACCENTED.search(accented))


def answer_kind(folded: str, accented: str | None = None) -> AnswerKind:
    """What a (folded) question asks for. The order settles questions with two cues: who signed
    before who, a person by role ("là ai") before a place or time, a place before a time, a time
    before a unit ("ai … khi nào" asks when), and "bao
    nhiêu" makes a time cue a figure ("thời gian … bao nhiêu năm"). ``accented``: the question with
    its diacritics, when typed with them."""
    if cues.SIGN.search(folded):
        return "sign"
    if cues.PERSON.search(folded):
        return "person"
    if cues.CAUSE.search(folded):  # "vì sao … giảm 3 bậc", "do đâu … xây dựng 10 chương trình": why, not what
        return "cause"
    if cues.WHERE.search(folded):
        return "place"
    if cues.WHEN.search(folded) and not cues.BAO_NHIEU.search(folded):
        return "deadline" if cues.DEADLINE.search(folded) else "date"
    if cues.WHO.search(folded):
        return "unit"
    if asks_figure(folded, accented):
        return "figure"
    if cues.LIST.search(folded):
        return "list"
    if cues.YES_NO.search(folded):
        return "yes_no"
    return "content"


def asks_money(folded: str, accented: str | None) -> bool:
    """Whether the question asks for a sum of money (a budget, a subsidy, a price, a fee, a wage).
    ``accented`` is the normalised question when it was typed with diacritics, else None."""
    if cues.MONEY.search(folded):
        return True
    noun = cues.MONEY_NOUN_ACCENTED.search(accented) if accented is not None else cues.MONEY_NOUN.search(folded)
    return bool(noun and (cues.AMOUNT_ASKED.search(folded) or (accented and cues.AMOUNT_ASKED.search(accented))))


# The kind of span a question asks for, in order: the first that matches is the one asked ("mấy giờ"
# before "mấy", a share before a sum: "vốn … đạt bao nhiêu %" asks a share). Money is ``asks_money``.
SPAN_CUES = [
    ("phone", cues.PHONE),
    ("email", cues.EMAIL),
    ("link", cues.LINK),
    ("clock", cues.CLOCK),
    ("percent", cues.PERCENT),
    ("points", cues.POINTS),
    ("money", None),
    ("rank", cues.RANK),
    ("doc_number", cues.DOC_NUMBER),
    ("person", cues.NAMED_PERSON),
    ("place", cues.PLACE),
    ("date", cues.DATE),
    ("count", cues.COUNT),
]


def asked_span(folded: str, money: bool) -> str | None:
    """The kind of span a (folded) question asks for — a phone, a sum, a name, a date… — or None
    (a unit, a list, content: nearly every passage has one, there is no span to look for)."""
    return next((kind for kind, rx in SPAN_CUES if (money if rx is None else rx.search(folded))), None)


def asked_ordinal(folded: str) -> int | None:
    """'khau dot pha thu hai' → 2: documents enumerate with (2), 2. or 'Hai là'."""
    m = ORDINAL_ASKED.search(folded)
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else ORDINAL_NUMBERS[word]


def expand_intent(question: str) -> str:
    """Add the word a document uses for what is asked: 'ở đâu' → 'địa điểm', 'khi nào' → 'thời gian'."""
    folded = fold(question)
    accented = normalize(question)
    typed_accented = has_diacritics(question)
    extra = [term for rx, term in cues.INTENT_TERMS if rx.search(folded)]
    for rx_acc, rx_fold, term in cues.SYNONYMS:
        if (typed_accented and rx_acc.search(accented)) or (
            not typed_accented and rx_fold is not None and rx_fold.search(folded)
        ):
            extra.append(term)
    if extra and not typed_accented:
        extra = [fold_diacritics(t) for t in extra]
    return question + (" " + " ".join(extra) if extra else "")


@dataclass(frozen=True)
class Query:
    """One question as search and the answer code read it."""

    asked: str  # as typed
    scope: frozenset[str]  # the documents it names, answered from first
    expanded: str  # what it asks of them: abbreviations expanded, the documents' words for its intent added
    text: str  # ``expanded`` with diacritics restored: what is embedded and matched against sentences
    folded: str  # ``expanded`` folded: what cues, ordinals and headings are read against
    whole_folded: str  # the whole question, naming words too, short forms spelled out (fixed and the index's), folded
    accented: bool  # ``expanded`` carries diacritics, so the accented BM25 index is asked too
    kind: AnswerKind
    ordinal: int | None
    who: bool  # asks who (a unit or person), whatever else it asks
    names_unit: bool  # names a unit word ("Văn phòng Thành ủy phải đánh giá gì")
    signed: bool  # asks who signed
    issued: bool  # asks when or under which number the document was issued
    money: bool  # asks for a sum of money
    exact_day: bool  # asks for a day ("ngày nào")
    clock: bool  # asks for a time of day ("mấy giờ")
    counts: bool = False  # asks for a number in so many words ("bao nhiêu", "mấy", "tỷ lệ")
    counted: tuple[str, ...] = ()  # the noun it counts, folded ("bao nhiêu thủ tục hành chính": thu tuc hanh chinh)
    span: str | None = None  # the kind of span asked for (``asked_span``): what a passage must hold
    # the folded words that named the scoped document ("chuong", "trinh", "01", "18/8/2011"): the scope
    # holds them, so a passage need not ("… ngày 18/8/2011" is in the header, not in the asked section)
    naming: tuple[str, ...] = ()
    # it names by type and number a paper the archive neither holds nor cites ("KH 200-KH/TU"): what the
    # passages say is about other papers (index.retrieval.scope.unheld)
    unheld: bool = False
    cause: bool = False  # asks why or on what basis ("vì sao", "do đâu", "dựa vào đâu")
    part: tuple[str, ...] = ()  # the part a figure is asked of, folded ("…, trong đó cán bộ nữ mấy người": can bo nu)
    recipient: bool = False  # asks to whom a paper goes ("báo cáo cho ai", "gửi về đâu"), not who does the task
    partner: bool = False  # asks who works with the unit in charge ("phối hợp với ai"), not who is in charge

    @property
    def folded_tokens(self) -> list[str]:
        """BM25 query over the folded index: content words and word pairs."""
        return content_tokens(self.folded, folded=True)

    @property
    def accented_tokens(self) -> list[str]:
        """BM25 query over the accented index."""
        return content_tokens(normalize(self.expanded), folded=False)

    @property
    def title_terms(self) -> set[str]:
        """Words and pairs of the whole question, naming words included: what a document's title echoes."""
        return set(content_tokens(self.whole_folded, folded=True))

    @property
    def key_terms(self) -> list[str]:
        """The whole question's content words (folded, longer than one letter), in order: what a
        passage must hold for the question to be covered."""
        return [t for t in tokens(self.whole_folded) if t not in STOPWORDS_FOLDED and len(t) > 1]

    @property
    def sentence_terms(self) -> list[str]:
        """Content words of the restored text, in order: what an answer sentence is scored on."""
        return [t for t in tokens(fold(self.text)) if t not in STOPWORDS_FOLDED]


def read_query(
    question: str,
    names: Iterable[DocName] = (),
    restore: Callable[[str], str] = lambda text: text,
    papers: Papers | None = None,
    spell_out: Callable[[str], str] = lambda text: text,
) -> Query:
    """Read a question once, against an index's document names and its diacritic restorer; ``papers``:
    the papers the index holds or cites (``scope.known_papers``; None: not known, so no paper the
    question names is taken as unheld); ``spell_out``: the index's reading of the short forms its
    documents never write ("tccsđ" → "tổ chức cơ sở đảng", index.retrieval.short_forms), after the
    fixed ones (index.vocab.words.ABBREVIATIONS)."""
    names = list(names)
    named, rest = read_names(question, names)
    if not named or len(named) == len(names):  # names none, or every document: no scope
        named, rest = set(), question
    elif not content_tokens(fold(rest), folded=True):  # nothing left but the naming words
        rest = question
    # whether the asker typed diacritics is read off what they typed: the spelled-out short forms
    # ("ctr" → "chương trình") carry diacritics of their own and must not make "to chuc o dau" look
    # accented (it would then skip restoration and search the accented index with folded words)
    accented = has_diacritics(rest)
    abbreviated = expand_abbreviations(question)
    whole = spell_out(abbreviated)
    spelled = whole if rest == question else spell_out(expand_abbreviations(rest))
    expanded = expand_intent(spelled if accented else fold_diacritics(spelled))
    folded = fold(expanded)
    # what is asked is read off the question as typed (its cues are the asker's construction: "tỷ lệ … đạt
    # bao nhiêu" within a few words); what it is about, with the index's short forms spelled out
    cue_text = fold(abbreviated)  # the question itself, without the added search words
    typed = normalize(abbreviated).lower() if has_diacritics(question) else None
    money = asks_money(cue_text, normalize(question) if has_diacritics(question) else None)
    return Query(
        asked=question,
        scope=frozenset(named),
        expanded=expanded,
        text=expanded if accented else restore(expanded),
        folded=folded,
        whole_folded=fold(whole),
        accented=accented,
        kind=answer_kind(cue_text, typed),
        counts=bool(cues.COUNT_ASKED.search(cue_text)),
        counted=cues.counted_words(cue_text),
        ordinal=asked_ordinal(folded),
        who=bool(cues.WHO.search(folded)),
        names_unit=bool(UNIT_WORD_FOLDED.search(folded)),
        signed=bool(cues.SIGN.search(folded)),
        issued=bool(cues.ISSUED.search(folded)),
        money=money,
        exact_day=bool(cues.EXACT_DAY.search(cue_text)),
        clock=bool(cues.CLOCK.search(cue_text)),
        span=asked_span(cue_text, money),
        naming=tuple(sorted(set(tokens(fold(question))) - set(tokens(fold(rest))))) if named else (),
        unheld=papers is not None and unheld(question, papers),
        cause=bool(cues.CAUSE.search(cue_text)),
        recipient=bool(cues.RECIPIENT.search(cue_text)),
        partner=bool(cues.PARTNER.search(cue_text)) and not cues.IN_CHARGE.search(cue_text),
        part=cues.part_words(cue_text),
    )
