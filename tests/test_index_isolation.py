"""One bad file never stops the index: each failure is that file's error, listed in the summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.ingest import loaders
from index.settings import Settings
from index.store import generations as store
from tests.conftest import ROOT
from tests.ingest_fixtures import docx, para
from tests.test_incremental_index import NEW_DOC, StandInEmbedder

BAD_FILES = {
    "hong.pdf": b"%PDF-1.4\n1 0 obj garbage",
    "rong.txt": b"",
    "bom.docx": docx("", document_xml=b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body>' + b"<w:p/>" * 2_000_000),
    "gia.doc": b"PK\x03\x04 not a word file",
    "bang.xlsx": b"PK\x03\x04",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    c = tmp_path / "corpus"
    c.mkdir()
    (c / "ke-hoach-901.txt").write_text(NEW_DOC, encoding="utf-8")
    (c / "thong-bao.docx").write_bytes(docx(para("THÔNG BÁO") + para("Giao Sở Nội vụ chủ trì tổng hợp.")))
    for name, data in BAD_FILES.items():
        (c / name).write_bytes(data)
    return c


def test_bad_files_are_skipped_with_their_reason_and_the_rest_indexed(corpus: Path, tmp_path: Path) -> None:
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    report = store.build_index(settings, StandInEmbedder(settings.embedding_model), progress=False)
    assert report.documents == 2
    assert set(report.errors) == set(BAD_FILES)
    assert "hỏng" in report.errors["hong.pdf"] and "độc hại" in report.errors["bom.docx"]
    assert "Không hỗ trợ" in report.errors["bang.xlsx"]


def test_a_reader_bug_is_that_files_error(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """Even an exception no converter anticipated stays with its file."""

    def bug(data, name):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(loaders, "load_docx", bug)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    report = store.build_index(settings, StandInEmbedder(settings.embedding_model), progress=False)
    assert report.documents == 1 and "thong-bao.docx" in report.errors


@pytest.mark.slow
def test_cli_index_prints_a_summary_in_vietnamese(corpus: Path, tmp_path: Path, model_settings) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_settings.models_dir.resolve(), target_is_directory=True)
    env = {"DOCBOT_DATA_DIR": str(data), "DOCBOT_CORPUS_DIR": str(corpus), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "index"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr
    assert "Đã lập chỉ mục 2 tài liệu" in out.stdout and "Bỏ qua 5 tệp" in out.stdout
    for name in BAD_FILES:
        assert f"Bỏ qua {name}:" in out.stderr
