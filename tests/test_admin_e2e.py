"""Admins add, replace and remove documents through the real bot and the fake Bot API (getFile and
file download included); the index follows and questions keep being answered."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from bot.app import build_application
from bot.db import BotDB
from bot.service import BotService
from index.engine import Engine
from tests.conftest import CORPUS
from tests.fakebotapi import FakeBotAPI
from tests.test_bot_e2e import ADMIN, ALLOWED, running, settings_for
from tests.test_loaders import blank_pdf

pytestmark = pytest.mark.slow

NEW_DOC = (
    "KẾ HOẠCH\nSố 99-KH/TU\nTổ chức hội thao cán bộ, công chức năm 2025\n\n"
    "I. TỔ CHỨC THỰC HIỆN\n1. Sở Văn hóa và Thể thao\n"
    "- Chủ trì tổ chức hội thao tại Cung thể thao Quần Ngựa, hoàn thành trước ngày 15/11/2025.\n"
).encode()


@pytest.fixture
def admin_engine(engine, model_settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(model_settings.data_dir / "cache" / "vectors.sqlite", data / "cache" / "vectors.sqlite")
    (data / "models").symlink_to(model_settings.models_dir.resolve(), target_is_directory=True)
    settings = model_settings.model_copy(update={"corpus_dir": corpus, "data_dir": data})
    eng = Engine(settings, embedder=engine.embedder)
    eng.rebuild(progress=False)
    return eng


def test_upload_replace_remove_and_refusals(admin_engine, tmp_path):
    db = BotDB(tmp_path / "bot.sqlite")
    corpus = admin_engine.settings.corpus_dir
    before = sorted(p.name for p in corpus.iterdir())
    with FakeBotAPI() as api:

        async def scenario():
            app = build_application(BotService(admin_engine, db), settings_for(api))
            async with running(app):
                # a non-admin's file is refused and nothing is stored
                api.user_document(ALLOWED, ALLOWED, "hoithao.txt", NEW_DOC, "text/plain")
                [r] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
                assert "Chỉ quản trị viên" in r["plain_text"]
                # bad files: each a clear message, nothing changes
                bad = [
                    ("scan.pdf", blank_pdf(2), "scan"),
                    ("virus.pdf", b"MZ" + b"\x00" * 200, "không phải PDF"),
                    ("empty.txt", b"", "rỗng"),
                    ("cu.txt", "Báo cáo".encode("cp1258"), "UTF-8"),
                    ("fake.docx", b"PK\x03\x04garbage", "docx"),
                ]
                for name, data, _ in bad:
                    api.user_document(ADMIN, ADMIN, name, data, "application/octet-stream")
                await api.wait_for_async(
                    lambda c: (
                        c["method"] == "editMessageText" and "Không có gì thay đổi" in c["params"].get("text", "")
                    ),
                    count=len(bad),
                    timeout=30,
                )
                texts = [m["plain_text"] for m in api.sent(ADMIN)]
                for _, _, expected in bad:
                    assert any(expected in t for t in texts), (expected, texts)
                assert sorted(p.name for p in corpus.iterdir()) == before
                # a file over the limit is refused before download
                api.user_document(ADMIN, ADMIN, "big.pdf", b"%PDF-1.4", "application/pdf", file_size=30 * 1024 * 1024)
                await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "quá lớn" in c["params"].get("text", ""), timeout=20
                )
                assert not any(c["method"] == "download" and "big" in str(c["params"]) for c in api.calls())
                # the upload flow: getFile, download, indexed, confirmed; then answerable
                api.user_document(ADMIN, ADMIN, "hoithao.txt", NEW_DOC, "text/plain")
                done = await api.wait_for_async(
                    lambda c: c["method"] == "editMessageText" and "Đã thêm" in c["params"].get("text", ""), timeout=60
                )
                text = done[0]["params"]["text"]
                assert "99-KH/TU" in text and "Hạn chót: 1" in text and api.calls("getFile")
                api.user_message("hội thao cán bộ tổ chức ở đâu?", user_id=ADMIN, chat_id=ADMIN)
                answer = await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "Quần Ngựa" in c["params"].get("text", ""), timeout=30
                )
                assert answer
                # same số hiệu again: asks "Thay thế?", then replaces on "Có"
                api.user_document(
                    ADMIN,
                    ADMIN,
                    "hoithao-v2.txt",
                    NEW_DOC.replace("Ngựa".encode(), "Ngựa (sân B)".encode()),
                    "text/plain",
                )
                ask = await api.wait_for_async(
                    lambda c: c["method"] == "editMessageText" and "Thay thế?" in c["params"].get("text", ""),
                    timeout=30,
                )
                markup = ask[0]["params"]["reply_markup"]
                yes = markup["inline_keyboard"][0][0]["callback_data"]
                api.callback_query(ADMIN, ADMIN, ask[0]["params"]["message_id"], yes)
                await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "Đã thay thế" in c["params"].get("text", ""), timeout=60
                )
                assert (corpus / "hoithao-v2.txt").exists() and not (corpus / "hoithao.txt").exists()
                # remove with confirmation
                api.user_message("/xoa 99-KH/TU", user_id=ADMIN, chat_id=ADMIN)
                ask = await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "Xóa" in c["params"].get("text", ""), timeout=20
                )
                sent_msg = api.sent(ADMIN)[-1]
                yes = sent_msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
                api.callback_query(ADMIN, ADMIN, sent_msg["message_id"], yes)
                await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "Đã xóa" in c["params"].get("text", ""), timeout=60
                )
                assert sorted(p.name for p in corpus.iterdir()) == before
                assert "hoithao-v2.txt" not in admin_engine.index.docs
                assert not any(p.doc == "hoithao-v2.txt" for p in admin_engine.index.by_pid.values())
                api.user_message("/nhatky", user_id=ADMIN, chat_id=ADMIN)
                log = await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "Nhật ký" in c["params"].get("text", ""), timeout=20
                )
                assert all(w in log[0]["params"]["text"] for w in ("thêm", "thay thế", "xóa"))

        asyncio.run(scenario())
    db.close()


def test_scanned_upload_shows_ocr_progress_and_is_answerable(admin_engine, tmp_path):
    """A scan is read by OCR: the admin's one status message says how many pages are being read,
    then the verdict says the document is answerable; a question typed without diacritics finds
    its text, and the citation says it was read by OCR."""
    from tests.ingest_fixtures import need_tools, scan_pdf

    need_tools("pdftoppm", "tesseract", "pdfinfo")
    scan = scan_pdf(
        [
            "UBND TINH LAM DONG",
            "THONG BAO",
            "Ket luan hoi nghi ve cong tac phong chong thien tai",
            "1. Giao So Nong nghiep chu tri kiem tra de dieu",
            "truoc ngay 15/7/2026.",
        ]
    )
    db = BotDB(tmp_path / "bot.sqlite")
    with FakeBotAPI() as api:

        async def scenario():
            app = build_application(BotService(admin_engine, db), settings_for(api))
            async with running(app):
                api.user_document(ADMIN, ADMIN, "thongbao-quet.pdf", scan, "application/pdf")
                done = await api.wait_for_async(
                    lambda c: c["method"] == "editMessageText" and "Đã thêm" in c["params"].get("text", ""), timeout=240
                )
                edits = [c["params"].get("text", "") for c in api.calls("editMessageText")]
                assert any("bản quét: đang đọc 1 trang" in e for e in edits), edits
                assert "Đã có thể hỏi" in done[0]["params"]["text"]
                api.user_message("ai chu tri kiem tra de dieu", user_id=ADMIN, chat_id=ADMIN)
                answer = await api.wait_for_async(
                    lambda c: c["method"] == "sendMessage" and "de dieu" in c["params"].get("text", "").lower(),
                    timeout=60,
                )
                assert "OCR" in answer[0]["params"]["text"]

        asyncio.run(scenario())
