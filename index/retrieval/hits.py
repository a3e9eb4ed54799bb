"""What search hands the answer code: the hits, and the evidence it has to decide whether to abstain."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.ingest.parsed import StoredPassage
from index.retrieval.query import Query


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


@dataclass
class Retrieval:
    """What search found for a query, with the signals the answer layer decides to abstain on."""

    query: Query
    hits: list[Hit]
    max_dense: float  # the best dense similarity among the candidates
    term_coverage: float  # IDF-weighted share of the question's words found in a top passage
    idf: dict[str, float] = field(default_factory=dict)  # folded word → IDF, to weigh answer sentences
    # for a question of when a named document was issued: each scoped document's số hiệu and issue date
    # (ISO), from its metadata (its header's date line, or an annex's "Kèm theo Kế hoạch số 34…, ngày …")
    issued: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def scope(self) -> set[str]:
        """The documents the question names, answered from first."""
        return set(self.query.scope)
