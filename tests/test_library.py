"""Adding, replacing and removing documents: validation, safe names, conflicts, audit."""

import pytest

from index.ingest.loaders import LoaderError, ScannedPdfError
from index.settings import Settings
from index.store import library
from tests.test_loaders import blank_pdf, make_docx


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "corpus").mkdir()
    return Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "var")


PLAN = "KẾ HOẠCH\nSố 12-KH/TU\nTổng kết công tác năm\n\nI. NỘI DUNG\n1. Ban Tổ chức Thành ủy\n- Nộp báo cáo.\n"


def test_safe_names_strip_paths_and_diacritics():
    assert library.safe_name("../../etc/Kế hoạch số 12.TXT") == "Ke-hoach-so-12.txt"
    assert library.safe_name("C:\\tmp\\báo cáo.docx") == "bao-cao.docx"
    with pytest.raises(LoaderError):
        library.safe_name("virus.exe")


def test_add_conflict_on_name_and_number_then_replace(settings):
    data = PLAN.encode()
    checked = library.check(data, "kế hoạch 12.txt")
    assert checked.meta.number == "12-KH/TU" and library.find_conflict(settings, checked) is None
    library.store(settings, data, checked)
    again = library.check(data, "other-name.txt")
    conflict = library.find_conflict(settings, again)
    assert conflict is not None and conflict.reason == "số hiệu" and conflict.existing == "ke-hoach-12.txt"
    library.store(settings, data, again, conflict)
    assert sorted(p.name for p in settings.corpus_dir.iterdir()) == ["other-name.txt"]
    assert library.find_document(settings, "12-KH/TU") == ["other-name.txt"]
    assert library.remove(settings, "other-name.txt") and not list(settings.corpus_dir.iterdir())


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        (b"", "a.txt", "rỗng"),
        (b"%PDF-1.4 broken", "a.pdf", "hỏng"),
        (b"MZ\x90\x00" * 50, "a.pdf", "không phải PDF"),
        ("Báo cáo".encode("cp1258"), "a.txt", "UTF-8"),
        (b"PK\x03\x04 not really", "a.docx", "docx"),
    ],
)
def test_bad_files_change_nothing(settings, data, name, match):
    with pytest.raises(LoaderError, match=match):
        library.check(data, name)
    assert not list(settings.corpus_dir.iterdir())


def test_scanned_and_oversized(settings):
    with pytest.raises(ScannedPdfError):
        library.check(blank_pdf(), "scan.pdf")
    with pytest.raises(LoaderError, match="quá lớn"):
        library.check(b"x" * 30, "a.txt", max_bytes=20)
    assert library.check(make_docx(), "kh.docx").name == "kh.docx"


def test_audit_log(settings):
    log = library.audit_log(settings)
    log.record("user:7", "add", "a.txt", "Kế hoạch")
    log.record("user:7", "remove", "a.txt")
    assert [row[2] for row in log.latest()] == ["remove", "add"]
    log.close()


def test_a_checked_upload_is_not_read_again_when_indexed(settings, monkeypatch):
    """The check fills the parse cache the index build reads, under the name the file is stored as,
    so a scan is OCR'd once, not once to check and again to index."""
    from index.ingest import parsed
    from index.ingest.parsed import ParseCache

    data = PLAN.encode()
    cache = ParseCache(settings.parse_cache_path)
    try:
        checked = library.check(data, "kế hoạch 12.txt", cache=cache)

        def no_second_read(*_args, **_kwargs):
            raise AssertionError("the file was read again")

        monkeypatch.setattr(parsed, "parse_document", no_second_read)
        again = cache.parse(checked.name, data)
        assert again.meta == checked.meta and again.passages
    finally:
        cache.close()
