"""End-to-end search with the real offline model on questions that are not in the dev set,
and the CLI contract the evaluation scripts rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from index.store.generations import IndexModelMismatch, load_index
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def top_texts(engine, question: str, k: int = 3) -> list[str]:
    answer, _ = engine.ask(question, top_k=k)
    return [h.passage.text for h in answer.hits[:k]]


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("Ban Tuyên giáo chỉ đạo đài nào làm phóng sự về chương trình?", "Đài phát thanh và Truyền hình Hà Nội"),
        ("ban noi chinh thanh uy danh gia noi dung gi", "Ban Nội chính Thành ủy"),
        ("tỷ lệ vận tải hành khách công cộng đến 2025 đạt bao nhiêu", "30 - 35%"),
        ("ubkt thanh uy danh gia gi trong tong ket", "kiểm tra, giám sát, thi hành kỷ luật Đảng"),
        ("chỉ tiêu tỷ lệ hộ dân được cung cấp nước sạch", "nước sạch: 100%"),
    ],
)
def test_unseen_questions_find_their_passage(engine, question, needle):
    assert any(needle in t for t in top_texts(engine, question))


def test_a_named_document_answers_first(engine):
    """The 2011 programme, named by number and year; and the công văn, named by its số hiệu alone."""
    hits = engine.ask("chương trình 01-CTr/TU năm 2011 giao mặt trận tổ quốc và đoàn thể việc gì?")[0].hits
    assert all(h.passage.doc.startswith("chuong-trinh-01") for h in hits[:3])
    assert "Mặt trận Tổ quốc" in hits[0].passage.text
    answer, _ = engine.ask("theo 1021-CV/TU văn phòng thành ủy được giao gì?")
    assert all(h.passage.doc.startswith("cong-van-1021") for h in answer.hits[:3])
    assert answer.text.startswith("Giao Văn phòng Thành ủy")


def test_question_vectors_are_the_models_own(engine):
    """encode_query bypasses SentenceTransformer.encode for speed: the vectors must not change."""
    import numpy as np

    embedder = engine.embedder
    questions = ["hạn nộp báo cáo tổng kết?", "han nop bao cao", "", "<b>hội nghị</b> " * 300]
    ours = np.stack([embedder.encode_query(q) for q in questions])
    theirs = embedder.model.encode(
        questions, prompt_name="query", normalize_embeddings=True, convert_to_numpy=True, batch_size=1
    )
    assert ours.dtype == np.float32 and ours.shape == (4, embedder.dim)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_answer_line_names_the_unit_from_the_heading(engine):
    answer, _ = engine.ask("đơn vị nào đánh giá công tác nội chính, phòng chống tham nhũng khi tổng kết?")
    assert answer.found and "Ban Nội chính Thành ủy" in answer.text


def test_out_of_scope_question_abstains(engine):
    for q in (
        "giá vé máy bay Hà Nội đi Đà Nẵng tháng này bao nhiêu tiền?",
        "hội nghị tổng kết chương trình 01 diễn ra lúc mấy giờ?",
    ):
        answer, _ = engine.ask(q)
        assert not answer.found and answer.text.startswith("Không có trong tài liệu")
        assert answer.hits  # closest passages still offered


def test_index_records_its_model(engine, model_settings):
    other = model_settings.model_copy(update={"embedding_model": "intfloat/multilingual-e5-base"})
    with pytest.raises(IndexModelMismatch, match="docbot index"):
        load_index(other)


def test_incremental_rebuild_embeds_nothing_new(engine):
    report = engine.rebuild(progress=False)
    assert report.embedded == 0 and report.reused == 2 * report.passages > 1000


def cli(model_settings, *args: str, stdin: str) -> subprocess.CompletedProcess:
    """Run `docbot …` as a user would, against the test's data directory."""
    env = {**os.environ, "DOCBOT_DATA_DIR": str(model_settings.data_dir), "DOCBOT_CORPUS_DIR": str(ROOT / "corpus")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_cli_search_json_contract(engine, model_settings):
    questions = "hạn nộp báo cáo tổng kết\nhoi nghi tong ket o dau\n"
    proc = cli(model_settings, "search", "--json", "--top-k", "4", stdin=questions)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    assert [x["question"] for x in lines] == ["hạn nộp báo cáo tổng kết", "hoi nghi tong ket o dau"]
    for out in lines:
        assert set(out) >= {"question", "took_ms", "answer", "results"}
        assert set(out["answer"]) >= {"found", "text"}
        assert 1 <= len(out["results"]) <= 4
        assert set(out["results"][0]) >= {"doc", "title", "section", "text", "score"}
    assert "Ngô quyền" in lines[1]["results"][0]["text"] or "Ngô quyền" in lines[1]["results"][1]["text"]


def test_cli_ask_and_chat_render_citations(engine, model_settings):
    proc = cli(model_settings, "chat", stdin="hội nghị tổng kết ở đâu?\n")
    assert proc.returncode == 0, proc.stderr
    assert "Hội trường Thành ủy" in proc.stdout and "Mục:" in proc.stdout and "số 34-KH/BCĐ" in proc.stdout
