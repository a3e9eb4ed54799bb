"""The benchmark runs end to end on a small synthetic corpus and writes its report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from benchkit.synthetic import MARK, generate, sections, write_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpus").glob("*.txt"))]


def test_synthetic_corpus_is_reproducible_marked_and_sized() -> None:
    first = generate(SEEDS, 3, seed=7)
    assert first == generate(SEEDS, 3, seed=7)
    assert first != generate(SEEDS, 3, seed=8)
    seed_chars = sum(len(t) for _, t in SEEDS)
    assert 1.9 * seed_chars <= sum(len(d.text) for d in first) <= 2.4 * seed_chars
    assert all(MARK in d.text for d in first)
    assert all(d.name.startswith("gia-lap-") for d in first)


def test_synthetic_blocks_vary_units_and_dates() -> None:
    seed_blocks = {b for _, t in SEEDS for b in sections(t)}
    varied = [b for d in generate(SEEDS, 3) for b in sections(d.text)[1:]]
    assert sum(b not in seed_blocks for b in varied) > len(varied) // 4  # units, dates, figures changed


def test_write_corpus_keeps_seeds_and_adds_synthetic(tmp_path: Path) -> None:
    files = write_corpus(ROOT / "corpus", tmp_path, 2)
    names = {f.name for f in files}
    assert {n for n, _ in SEEDS} <= names
    assert any(n.startswith("gia-lap-") for n in names)
    assert not any(p.name.startswith("gia-lap-") for p in (ROOT / "corpus").iterdir())


@pytest.mark.slow
def test_bench_script_runs_and_reports(engine, model_settings, tmp_path: Path) -> None:
    questions = tmp_path / "questions.jsonl"
    rows = [
        {
            "question": "hội nghị tổng kết chương trình 01 tổ chức ở đâu",
            "type": "place",
            "evidence": "Hội trường Thành ủy, số 9 Ngô quyền, Hoàn Kiếm, Hà Nội",
        },
        {
            "question": "ai xây dựng dự toán kinh phí hội nghị tổng kết",
            "type": "responsible_unit",
            "evidence": "Giao Ban Tổ chức Thành ủy chủ trì phối hợp Văn phòng Thành ủy xây dựng dự toán",
        },
        {"question": "giá vé máy bay đi Đà Nẵng", "type": "unanswerable", "evidence": ""},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    env = {**os.environ, "DOCBOT_DATA_DIR": str(model_settings.data_dir), "DOCBOT_CORPUS_DIR": str(ROOT / "corpus")}
    out = tmp_path / "docs"
    cmd = [sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "1.1", "--skip-tutorial", "--seed-cache"]
    cmd += ["--questions", str(questions), "--results-dir", str(tmp_path / "results"), "--out-dir", str(out)]
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, timeout=900)
    [result] = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    assert result["documents"] == len(SEEDS) + 1
    assert result["build"]["passages"] > 568
    assert result["quality"]["hit@5"] == 1.0
    assert result["add_document"]["answered"] is True
    assert result["add_document"]["parts"] == 2  # added as a part of its own, not a rebuild
    assert result["load_s"] > 0
    assert 0 < result["search"]["p50_ms"] <= result["search"]["p95_ms"]
    assert result["peak_rss_mb"] > 100
    assert 0 <= result["ann"]["recall@10"] <= 1
    assert [s["ef_search"] for s in result["ann"]["hnsw"]["sweep"]] == [16, 32, 64, 128, 256]
    report = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert "| search p95 |" in report and "1.1× seed" in report
    assert (out / "benchmarks-latency.png").read_bytes()[:4] == b"\x89PNG"
