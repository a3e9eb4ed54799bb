"""Shared fixtures: the seed corpus, and (session-scoped) a real index built with the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def seed(name_part: str) -> str:
    """Text of the seed document whose file name contains name_part."""
    [path] = [p for p in CORPUS.iterdir() if name_part in p.name]
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def model_settings(tmp_path_factory):
    """Settings whose models_dir holds the converted offline model (shared with the dev data dir)."""
    from index.model.embedding import ensure_model
    from index.settings import Settings

    data = tmp_path_factory.mktemp("data")
    shared_models = ROOT / "var" / "models"
    settings = Settings(corpus_dir=CORPUS, data_dir=data)
    ensure_model(Settings(corpus_dir=CORPUS, data_dir=ROOT / "var"), progress=False)
    (data / "models").symlink_to(shared_models, target_is_directory=True)
    cache = ROOT / "var" / "cache" / "vectors.sqlite"
    if cache.exists():  # reuse vectors from an earlier `docbot index` (keyed by model and text)
        (data / "cache").mkdir()
        shutil.copy(cache, data / "cache" / "vectors.sqlite")
    return settings


@pytest.fixture(scope="session")
def engine(model_settings):
    """A real engine over the seed corpus (real model, real index)."""
    from index.engine import Engine

    eng = Engine(model_settings)
    eng.rebuild(progress=False)
    return eng
