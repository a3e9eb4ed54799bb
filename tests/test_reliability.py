"""Issue 15: nothing lost, nothing doubled, nobody let in. The real Application against the fake Bot
API on 127.0.0.1 (fault injection, forged updates), over a real Engine with a stand-in embedder
(tests/fastengine.py). Each test is bounded in updates and time."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import date

import pytest

from bot.app import ERROR_TEXT, build_application
from bot.db import BotDB
from bot.service import BotService
from tests.fakebotapi import FakeBotAPI
from tests.fastengine import PLAN, make_engine
from tests.test_bot_e2e import ADMIN, ALLOWED, settings_for
from tests.test_fakebotapi import polling as running

GROUP = -100200
OTHER = 43  # another allowed user
FAST = {"DOCBOT_TELEGRAM_RATE": "0", "DOCBOT_SEND_BACKOFF": "0.05", "DOCBOT_ALLOWED_USERS": f"{ALLOWED},{OTHER}"}
QUESTION = "hội nghị tổng kết tổ chức ở đâu?"
NEW_DOC = (
    "KẾ HOẠCH\nSố 99-KH/TU\nTổ chức hội thao năm 2025\n\n"
    "I. NỘI DUNG\n1. Sở Văn hóa tổ chức hội thao tại Cung thể thao Quần Ngựa.\n"
)


@pytest.fixture
def engine(tmp_path):
    return make_engine(tmp_path / "e")


@pytest.fixture
def db(tmp_path):
    d = BotDB(tmp_path / "bot.sqlite")
    yield d
    d.close()


def run(api, engine, db, scenario, clock=None, **extra):
    """Start the bot on the fake API, play the scenario, stop (bounded by the scenario's waits)."""

    async def main():
        app = build_application(BotService(engine, db), settings_for(api, **{**FAST, **extra}), clock=clock)
        async with running(app):
            await scenario(app)

    asyncio.run(asyncio.wait_for(main(), 90))


def texts(api, chat_id):
    return [m["plain_text"] for m in api.sent(chat_id)]


def buttons(message):
    return {b["text"]: b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row}


# ---- 5. one transient API error must not lose the answer ------------------------------------------
@pytest.mark.parametrize("fault", ["500", "502", "drop"])
def test_transient_send_failure_is_retried_and_the_answer_arrives_once(engine, db, fault):
    with FakeBotAPI() as api:

        async def scenario(app):
            if fault == "drop":
                api.drop_next("sendMessage")
            else:
                api.fail_next("sendMessage", status=int(fault))
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            await api.wait_idle_async(0.5)

        run(api, engine, db, scenario)
        sent = texts(api, ALLOWED)
        assert len(sent) == 1 and "Hội trường Thành ủy" in sent[0] and ERROR_TEXT not in sent[0]


def test_typing_action_failing_or_hanging_never_blocks_the_answer(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.fail_next("sendChatAction", times=10, status=500)
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            api.set_delay("sendChatAction", 8)
            t0 = asyncio.get_running_loop().time()
            api.user_message("ai chuẩn bị tài liệu hội nghị?", user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(2, chat_id=ALLOWED, timeout=20)
            assert asyncio.get_running_loop().time() - t0 < 5  # not held behind the 8-second typing call
            api.set_delay("sendChatAction", 0)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
        assert not any(ERROR_TEXT in t for t in texts(api, ALLOWED)) and len(texts(api, ALLOWED)) == 2


def test_slow_reply_is_waited_for_not_followed_by_an_error(engine, db):
    """6 s is past PTB's default 5 s read timeout and within the bot's 25 s."""
    with FakeBotAPI() as api:

        async def scenario(app):
            api.slow_next("sendMessage", 6)
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            await asyncio.sleep(6.5)
            await api.wait_idle_async(0.5)

        run(api, engine, db, scenario)
        sent = texts(api, ALLOWED)
        assert len(sent) == 1 and "Hội trường" in sent[0]


def test_failed_button_answer_still_shows_more(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("hội nghị tổng kết", user_id=ALLOWED, chat_id=ALLOWED)
            [first] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            api.fail_next("answerCallbackQuery", times=10, status=500)
            api.callback_query(ALLOWED, ALLOWED, first["message_id"], buttons(first)["Toàn văn mục"])
            await api.wait_sent_async(2, chat_id=ALLOWED, timeout=20)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
        assert "Hội trường Thành ủy" in texts(api, ALLOWED)[1] and not any(ERROR_TEXT in t for t in texts(api, ALLOWED))


def test_failed_upload_confirmation_edit_is_retried_not_reported_as_failure(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.fail_next("editMessageText", status=500)
            api.user_document(ADMIN, ADMIN, "hoithao.txt", NEW_DOC.encode(), "text/plain")
            await api.wait_for_async(lambda c: c["method"] == "editMessageText" and c["status"] == 200, timeout=30)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
        final = api.sent(ADMIN)[-1]["plain_text"]
        assert "Đã thêm" in final and not any(ERROR_TEXT in t for t in texts(api, ADMIN))


# ---- 4. + 1. reminders: exactly once, never to a revoked chat --------------------------------------
def _subscribe(db, chat=ALLOWED, user=ALLOWED):
    db.subscribe(chat, "", "", user)


def _reminders(api, chat=ALLOWED):
    return [t for t in texts(api, chat) if "Nhắc hạn" in t]


def _session(api, engine, db_path, day, extra=None, before=None, wait=2.0):
    for chat in (ALLOWED, OTHER):
        api.add_chat(chat)  # they have started the bot
    api.add_chat(GROUP, "supergroup")
    db = BotDB(db_path)
    if before:
        before(db)

    async def scenario(app):
        await asyncio.sleep(wait)
        await api.wait_idle_async(0.3)

    try:
        run(api, engine, db, scenario, clock=lambda: day, **(extra or {}))
    finally:
        db.close()


SEPT13 = date(2024, 9, 13)  # 7 days before 20/9/2024


def test_reminder_whose_response_was_lost_is_repeated_once_marked_and_never_a_third_time(engine, tmp_path):
    path = tmp_path / "r.sqlite"
    with FakeBotAPI() as api:
        api.drop_next("sendMessage", after=True)  # delivered, response lost
        _session(api, engine, path, SEPT13, {"DOCBOT_REMIND_LEASE": "1"}, before=_subscribe, wait=4.0)
        got = _reminders(api)
        assert len(got) == 2 and "nhắc lại" not in got[0] and "(nhắc lại)" in got[1]
        api.drop_next("sendMessage", after=True)
        _session(api, engine, path, SEPT13, {"DOCBOT_REMIND_LEASE": "1"}, wait=3.0)  # restart: nothing more
        assert len(_reminders(api)) == 2


def test_reminder_killed_before_or_during_send_goes_out_after_restart_once(engine, tmp_path):
    path = tmp_path / "r.sqlite"
    with FakeBotAPI() as api:
        d = BotDB(path)
        _subscribe(d)
        _subscribe(d, OTHER, OTHER)
        engine_deadline = [x for x in engine.deadlines() if x.due_date == "2024-09-20"][0]
        # a previous process claimed both; for ALLOWED it died before the request, for OTHER during it
        d.owner = "dead-process"
        claim_a = d.claim(ALLOWED, engine_deadline.id, 7, 300)
        claim_b = d.claim(OTHER, engine_deadline.id, 7, 300)
        d.sending(claim_b)
        d.close()
        for _ in range(3):  # three restarts
            _session(api, engine, path, SEPT13)
        assert claim_a and claim_b
        a, b = _reminders(api, ALLOWED), _reminders(api, OTHER)
        assert len(a) == 1 and "nhắc lại" not in a[0]  # never went out: sent as new, once
        assert len(b) == 1 and "(nhắc lại)" in b[0]  # may have arrived: once more, marked


def test_revoked_user_gets_no_reminder_and_the_subscription_ends(engine, tmp_path):
    path = tmp_path / "r.sqlite"
    with FakeBotAPI() as api:
        _session(
            api, engine, path, SEPT13, {"DOCBOT_ALLOWED_USERS": str(OTHER)}, before=lambda d: _subscribe(d)
        )  # ALLOWED was removed from the list
        _session(
            api, engine, path, SEPT13, {"DOCBOT_ALLOWED_CHATS": ""}, before=lambda d: _subscribe(d, GROUP, OTHER)
        )  # a group that is not allowed
        assert _reminders(api, ALLOWED) == [] and _reminders(api, GROUP) == []
        d = BotDB(path)
        assert d.subscriptions() == []
        d.close()


# ---- 3. + 7. + 8. crash-consistent documents ------------------------------------------------------
def test_upload_killed_mid_index_is_rolled_back_at_start(engine):
    from index.store import library

    journal = library.Journal(engine.settings)
    upload = engine.check_upload(NEW_DOC.encode(), "hoithao.txt")
    sid = journal.stage(upload.data, "hoithao.txt")
    change = library.new_change("add", "hoithao.txt", "", upload.data, "t", "", "", sid)
    journal.begin(change)  # moved into the corpus; killed before the index build finished
    journal.close()
    assert (engine.settings.corpus_dir / "hoithao.txt").exists()
    done = engine.recover()
    assert any("hoàn tác" in x for x in done)
    assert not (engine.settings.corpus_dir / "hoithao.txt").exists()
    assert engine.audit() == [] and "hoithao.txt" not in engine.index.docs
    # sent again: a plain add, not "Thay thế?"
    result = engine.add_document(engine.check_upload(NEW_DOC.encode(), "hoithao.txt"), "t")
    assert result.action == "add" and [r[2] for r in engine.audit()] == ["add"]


def test_upload_killed_after_index_before_audit_is_finished_at_start(engine):
    from index.store import library

    journal = library.Journal(engine.settings)
    upload = engine.check_upload(NEW_DOC.encode(), "hoithao.txt")
    sid = journal.stage(upload.data, "hoithao.txt")
    change = library.new_change("add", "hoithao.txt", "", upload.data, "t", "x", "", sid)
    journal.begin(change)
    engine.rebuild(progress=False)  # indexed; killed before the commit
    journal.close()
    done = engine.recover()
    assert any("hoàn tất" in x for x in done) and [r[2] for r in engine.audit()] == ["add"]
    assert "hoithao.txt" in engine.index.docs


def test_disk_full_during_index_rolls_back_with_a_verdict(engine, db, monkeypatch):
    def full(*a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    before = sorted(p.name for p in engine.settings.corpus_dir.iterdir())
    with FakeBotAPI() as api:

        async def scenario(app):
            monkeypatch.setattr(engine, "rebuild", full)
            api.user_document(ADMIN, ADMIN, "hoithao.txt", NEW_DOC.encode(), "text/plain")
            await api.wait_for_async(lambda c: c["method"] == "editMessageText", timeout=30)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
    monkeypatch.undo()
    assert "Không có gì thay đổi" in api.sent(ADMIN)[-1]["plain_text"]
    assert sorted(p.name for p in engine.settings.corpus_dir.iterdir()) == before and engine.audit() == []


def test_any_loader_exception_ends_the_upload_in_a_verdict(engine, db, monkeypatch):
    """An injected loader failure of a kind no loader promises (as pypdf's DependencyError was)."""
    from index.ingest import parsed

    class DependencyError(Exception):
        pass

    def broken(data, name, on_page=None):
        raise DependencyError("cryptography is required for AES")

    monkeypatch.setattr(parsed, "load_bytes", broken)  # where an upload's check reads the file
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_document(ADMIN, ADMIN, "x.pdf", b"%PDF-1.7 ...", "application/pdf")
            await api.wait_for_async(lambda c: c["method"] == "editMessageText", timeout=30)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
    final = api.sent(ADMIN)[-1]["plain_text"]
    assert final.startswith("❌") and "Không có gì thay đổi" in final and "⏳" not in final


def test_full_disk_while_staging_changes_nothing_and_leaves_no_temporary_file(engine, monkeypatch):
    from index.store import library

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(library, "_fsync_write", full)
    with pytest.raises(OSError):
        engine.add_document(engine.check_upload(NEW_DOC.encode(), "hoithao.txt"), "t")
    hidden = [p.name for p in engine.settings.corpus_dir.iterdir() if p.name.startswith(".")]
    staged = list((engine.settings.data_dir / "staging").iterdir())
    assert hidden == [] and staged == [] and "hoithao.txt" not in engine.index.docs


def test_temporary_files_removed_at_start(engine):
    stale = engine.settings.corpus_dir / ".hoithao.txt.uploading"
    stale.write_text("half")
    orphan = engine.settings.data_dir / "staging" / "deadbeef"
    orphan.mkdir(parents=True)
    (orphan / "x.txt").write_text("x")
    engine.recover()
    assert not stale.exists() and not orphan.exists()


def test_same_name_uploads_racing_a_reindex_never_both_land(engine):
    other = NEW_DOC.replace("Quần Ngựa", "Mỹ Đình")
    results = []
    barrier = threading.Barrier(3)

    def upload(text):
        barrier.wait()
        results.append(engine.add_document(engine.check_upload(text.encode(), "hoithao.txt"), "t"))

    def reindex():
        barrier.wait()
        engine.reindex("t")

    threads = [threading.Thread(target=upload, args=(t,)) for t in (NEW_DOC, other)]
    threads.append(threading.Thread(target=reindex))
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Change", "NeedsConfirmation"]
    assert [r[2] for r in engine.audit() if r[2] != "reindex"] == ["add"]


def test_answer_sent_when_the_data_dir_cannot_be_written(engine, db, monkeypatch):
    def full(*a, **k):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(db, "save_answer", full)
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario)
    [reply] = api.sent(ALLOWED)
    assert "Hội trường" in reply["plain_text"] and ERROR_TEXT not in reply["plain_text"]


# ---- 9. forged buttons -----------------------------------------------------------------------------
def test_forged_or_foreign_button_data_reads_nothing_and_every_press_is_answered(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            [first] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            more = buttons(first)["Toàn văn mục"]
            vote = buttons(first)["👎"]
            forged = [more, vote, "m:1:3", "s:1:0", "f:1:-1", "m:99999999999999999999:0", "x:y", "s:" + "A" * 60]
            for data in forged:
                api.callback_query(OTHER, OTHER, 1, data)
            await api.wait_for_async("answerCallbackQuery", count=len(forged), timeout=20)
            await api.wait_idle_async(0.5)

        run(api, engine, db, scenario)
        leaked = [t for t in texts(api, OTHER) if "Hội trường" in t or QUESTION in t]
        assert leaked == [] and db.feedback() == []
        assert all(c["status"] == 200 for c in api.calls("answerCallbackQuery"))


def test_buttons_are_rate_limited_like_questions(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            [first] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            for _ in range(30):
                api.callback_query(ALLOWED, ALLOWED, first["message_id"], buttons(first)["Toàn văn mục"])
            await api.wait_for_async("answerCallbackQuery", count=30, timeout=30)
            await api.wait_idle_async(0.5)

        run(api, engine, db, scenario, DOCBOT_QUESTIONS_PER_MINUTE="5")
        assert len(api.sent(ALLOWED)) == 1 + 4  # one question + four presses within five a minute


# ---- 10. policy ------------------------------------------------------------------------------------
def test_allowed_user_in_a_group_that_is_not_allowed_gets_nothing(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.group_message(f"@{api.bot_username} {QUESTION}", user_id=ALLOWED, chat_id=GROUP)
            api.group_message(
                f"@{api.bot_username} {QUESTION}", user_id=555, chat_id=-100300
            )  # stranger, allowed group
            await api.wait_for_async("getUpdates", count=4, timeout=10)
            await api.wait_idle_async(0.5)

        run(api, engine, db, scenario, DOCBOT_ALLOWED_CHATS="-100300")
        assert api.sent(GROUP) == [] and api.sent(-100300) == []


def test_files_in_groups_edited_captions_and_upload_groups(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_document(GROUP, ALLOWED, "a.txt", NEW_DOC.encode(), "text/plain", chat_type="supergroup")
            api.user_document(GROUP, ADMIN, "b.txt", NEW_DOC.encode(), "text/plain", chat_type="supergroup")
            await api.wait_for_async("getUpdates", count=4, timeout=10)
            await api.wait_idle_async(0.5)
            assert api.sent(GROUP) == []  # a member's file: silence; an admin's outside upload groups: ignored
            api.user_document(-100400, ADMIN, "hoithao.txt", NEW_DOC.encode(), "text/plain", chat_type="supergroup")
            await api.wait_for_async(
                lambda c: c["method"] == "editMessageText" and "Đã thêm" in c["params"].get("text", ""), timeout=30
            )
            file_id = api.register_file(NEW_DOC.encode(), file_name="hoithao.txt", mime_type="text/plain")
            now = int(time.time())
            edited = {
                "message_id": 1,
                "date": now - 5,
                "edit_date": now,
                "chat": {"id": -100400, "type": "supergroup", "title": "Upload"},
                "from": {"id": ADMIN, "is_bot": False, "first_name": "Admin"},
                "document": {"file_id": file_id, "file_unique_id": "u1", "file_name": "hoithao.txt"},
                "caption": "sửa chú thích",
            }
            api.forge_update("edited_message", edited)
            await api.wait_idle_async(0.8)

        run(api, engine, db, scenario, DOCBOT_ALLOWED_CHATS=f"{GROUP},-100400", DOCBOT_UPLOAD_CHATS="-100400")
        assert len(api.sent(-100400)) == 2  # status + its edit; the edited caption did not add it again
        assert [r[2] for r in engine.audit()] == ["add"]


# ---- 11. + 12. input cleanup -------------------------------------------------------------------------
def test_hanchot_long_argument_and_superscript_digit(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("/hanchot " + "x" * 5000, user_id=ALLOWED, chat_id=ALLOWED)
            api.user_message("/hanchot ²", user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(2, chat_id=ALLOWED, timeout=20)
            await api.wait_idle_async(0.3)

        run(api, engine, db, scenario, clock=lambda: SEPT13)
        sent = texts(api, ALLOWED)
        assert len(sent) == 2 and all(len(t) < 400 for t in sent) and not any(ERROR_TEXT in t for t in sent)


@pytest.mark.parametrize(
    "noise",
    [
        "hội\u200b nghị tổ\u200bng kết tổ chức ở đâu?\ufeff",
        "hội nghị tổng kế\u00adt tổ chức ở\u2060 đâu?",
        "\x1b[31mhội nghị\x1b[0m tổng kết tổ chức ở đâu?\x07",
    ],
)
def test_invisible_characters_and_escapes_removed_before_the_question_is_read(engine, db, noise):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message(QUESTION, user_id=ALLOWED, chat_id=ALLOWED)
            api.user_message(noise, user_id=OTHER, chat_id=OTHER)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)
            await api.wait_sent_async(1, chat_id=OTHER, timeout=20)

        run(api, engine, db, scenario)
        assert texts(api, ALLOWED) == texts(api, OTHER)


# ---- 13. settings ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("var", "value", "expect"),
    [
        ("DOCBOT_ALLOWED_USERS", "1001, @name", "DOCBOT_ALLOWED_USERS"),
        ("DOCBOT_OPEN_TO_ALL", "maybe", "DOCBOT_OPEN_TO_ALL"),
        ("DOCBOT_REMIND_TIME", "8h", "DOCBOT_REMIND_TIME"),
        ("DOCBOT_QUESTIONS_PER_MINUTE", "nhiều", "DOCBOT_QUESTIONS_PER_MINUTE"),
    ],
)
def test_a_bad_setting_is_one_vietnamese_line(monkeypatch, var, value, expect):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    monkeypatch.setenv(var, value)
    result = CliRunner().invoke(app, ["serve"])
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and expect in lines[0] and "cần" in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("value", "users"), [("1001 1002", {1001, 1002}), ("1001;1002,", {1001, 1002}), ("", set())])
def test_spaces_separate_ids_and_an_empty_value_is_the_default(monkeypatch, value, users):
    from bot.settings import load_bot_settings

    monkeypatch.setenv("DOCBOT_ALLOWED_USERS", value)
    monkeypatch.setenv("DOCBOT_OPEN_TO_ALL", "")
    s = load_bot_settings()
    assert set(s.allowed_users) == users and s.open_to_all is False


# ---- access levels ---------------------------------------------------------------------------------
SECRET_Q = "ai tuần tra kho lưu trữ Đông Anh?"


def test_a_secret_document_exists_only_for_those_cleared(engine, tmp_path):
    db_path = tmp_path / "lv.sqlite"
    with FakeBotAPI() as api:

        async def scenario(app):
            for uid in (ALLOWED, OTHER):
                api.user_message(SECRET_Q, user_id=uid, chat_id=uid)
                api.user_message("/tailieu", user_id=uid, chat_id=uid)
                api.user_message("/hanchot", user_id=uid, chat_id=uid)
                api.user_message("/theodoi", user_id=uid, chat_id=uid)
            await api.wait_sent_async(4, chat_id=ALLOWED, timeout=20)
            await api.wait_sent_async(4, chat_id=OTHER, timeout=20)
            await asyncio.sleep(1.5)  # the catch-up reminder job
            await api.wait_idle_async(0.5)

        d = BotDB(db_path)
        for uid in (ALLOWED, OTHER):  # subscribed before the start, so the catch-up job finds them
            api.add_chat(uid)
            d.subscribe(uid, "", "", uid)
        run(api, engine, d, scenario, clock=lambda: date(2024, 9, 15), DOCBOT_CLEARED_MAT=str(OTHER))
        d.close()
        cleared, uncleared = "\n".join(texts(api, OTHER)), "\n".join(texts(api, ALLOWED))
        assert "Công an thành phố" in cleared and "77-KH/TU" in cleared and "MẬT" in cleared
        assert [t for t in _reminders(api, OTHER) if "22/9/2024" in t]  # 7 days before: reminded when cleared
        assert _reminders(api, ALLOWED) == []
        for word in ("Công an", "77-KH/TU", "Đông Anh", "kho lưu trữ", "MẬT", "22/9"):
            assert word not in uncleared, word
        assert "(2)" not in uncleared.split("Tài liệu đã lập chỉ mục")[1][:5]


def test_admin_sets_a_level_at_upload_with_the_caption(engine, db):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_document(ADMIN, ADMIN, "hoithao.txt", NEW_DOC.encode(), "text/plain", caption="mật")
            await api.wait_for_async(
                lambda c: c["method"] == "editMessageText" and "Đã thêm" in c["params"].get("text", ""), timeout=30
            )
            api.user_message("hội thao tổ chức ở đâu?", user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=20)

        run(api, engine, db, scenario)
        assert "MẬT" in api.sent(ADMIN)[-1]["plain_text"] and engine.level("hoithao.txt") == "mat"
        assert "Quần Ngựa" not in texts(api, ALLOWED)[0]


def test_stamp_detection_table():
    from index.ingest.levels import detect_level

    cases = [
        ("MẬT\nKẾ HOẠCH\nSố 1-KH/TU", "mat"),
        ("THÀNH ỦY HÀ NỘI\n  TỐI MẬT  \nBÁO CÁO", "toi-mat"),
        ("LƯU HÀNH NỘI BỘ\nHƯỚNG DẪN", "noi-bo"),
        ("(TÀI LIỆU MẬT)\nCÔNG VĂN", "mat"),
        ("KẾ HOẠCH\nTăng cường bảo mật thông tin nội bộ", ""),
        ("KẾ HOẠCH\n" + "dòng\n" * 20 + "MẬT", ""),  # past the first page's header block
        (PLAN, ""),
    ]
    for text, level in cases:
        assert detect_level(text) == level, text[:40]
