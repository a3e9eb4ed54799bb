"""A real Engine over a tiny corpus with a stand-in embedder (hashed bag of words): the whole index,
search, answer, upload and deadline code runs, in well under a second, without the model."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np

PLAN = """KẾ HOẠCH
Số 12-KH/TU
Tổ chức hội nghị tổng kết công tác dân vận năm 2024

I. NỘI DUNG
1. Hội nghị tổng kết tổ chức tại Hội trường Thành ủy.
2. Ban Dân vận Thành ủy chủ trì đánh giá công tác dân vận, hoàn thành trước ngày 20/9/2024.
3. Văn phòng Thành ủy chuẩn bị tài liệu hội nghị tổng kết.
4. Các quận ủy, huyện ủy gửi báo cáo tổng kết về Ban Dân vận.
"""
SECRET = """MẬT
KẾ HOẠCH
Số 77-KH/TU
Phương án bảo vệ kho lưu trữ tài liệu

I. NỘI DUNG
1. Công an thành phố chủ trì tuần tra kho lưu trữ Đông Anh, hoàn thành trước ngày 22/9/2024.
"""


class FakeEmbedder:
    """Deterministic word-hash vectors: enough for the dense half of search to be exercised."""

    name = "fake-hash"
    cache_tag = "fake-hash"
    dim = 64

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for w in re.findall(r"\w+", text.lower()):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def encode_passages(self, texts: list[str], progress: bool = False, batch_size: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vec(text)


def make_engine(root: Path, docs: dict[str, str] | None = None, build: bool = True):
    """An Engine with its own corpus and data directory under ``root``."""
    from index.engine import Engine, Settings

    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in (docs if docs is not None else {"kh.txt": PLAN, "mat.txt": SECRET}).items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", embedding_model="fake-hash")
    engine = Engine(settings, embedder=FakeEmbedder())
    if build:
        engine.rebuild(progress=False)
    return engine
