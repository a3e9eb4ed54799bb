"""Each loader on good, broken, empty, wrong-encoding and scanned files."""

import io
import zipfile

import pytest

from index.ingest.loaders import LoaderError, ScannedPdfError, load_bytes
from tests.ingest_fixtures import text_page_pdf


def blank_pdf(pages: int = 2) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_txt_utf8_and_bom_and_crlf():
    doc = load_bytes("\ufeffKẾ HOẠCH\r\nSố 34-KH/BCĐ\r\n".encode("utf-8"), "a.txt")
    assert doc.text == "KẾ HOẠCH\nSố 34-KH/BCĐ\n"


def test_txt_in_legacy_encoding_is_refused_with_file_name():
    with pytest.raises(LoaderError, match="cu.txt.*UTF-8"):
        load_bytes("Báo cáo tháng".encode("cp1258"), "cu.txt")


def test_empty_and_zero_byte_files():
    with pytest.raises(LoaderError, match="rỗng"):
        load_bytes(b"", "a.txt")
    with pytest.raises(LoaderError, match="không có nội dung"):
        load_bytes(b"  \n\n ", "a.md")


def test_pdf_with_text_layer():
    doc = load_bytes(text_page_pdf(["KE HOACH so 12-KH/TU", "1. Ban To chuc chu tri"]), "kh.pdf")
    assert doc.pages == 1 and "Ban To chuc chu tri" in doc.text


def test_scanned_pdf_is_an_error_not_zero_passages():
    with pytest.raises(ScannedPdfError, match="scan"):
        load_bytes(blank_pdf(3), "scan.pdf")


def test_corrupt_pdf_and_executable_renamed_pdf():
    with pytest.raises(LoaderError, match="hỏng"):
        load_bytes(b"%PDF-1.4\n1 0 obj garbage", "bad.pdf")
    with pytest.raises(LoaderError, match="không phải PDF"):
        load_bytes(b"MZ\x90\x00\x03" + b"\x00" * 100, "virus.pdf")


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("1. Ban Tổ chức Thành ủy")
    t = d.add_table(rows=2, cols=3)
    for i, txt in enumerate(["STT", "Nội dung", "Cơ quan"]):
        t.rows[0].cells[i].text = txt
    for i, txt in enumerate(["1.", "Tổng kết", "Văn phòng Thành ủy"]):
        t.rows[1].cells[i].text = txt
    d.add_paragraph("Đoạn sau bảng.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_document_order():
    text = load_bytes(make_docx(), "kh.docx").text
    assert text.index("1. Ban Tổ chức") < text.index("STT\tNội dung\tCơ quan") < text.index("Đoạn sau bảng")
    assert "1.\tTổng kết\tVăn phòng Thành ủy" in text


def test_docx_that_is_a_zip_of_something_else():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(LoaderError, match="không phải tài liệu Word"):
        load_bytes(buf.getvalue(), "x.docx")
    with pytest.raises(LoaderError, match="không phải tệp .docx"):
        load_bytes(b"not a zip at all", "y.docx")


def test_unsupported_type():
    with pytest.raises(LoaderError, match="Không hỗ trợ"):
        load_bytes(b"abc", "a.exe")


def test_pdf_without_pages_is_an_error():
    from pypdf import PdfWriter

    buf = io.BytesIO()
    PdfWriter().write(buf)
    with pytest.raises(LoaderError, match="không có trang nào|hỏng"):
        load_bytes(buf.getvalue(), "rong.pdf")
