"""Reminders: which are due (pure), and delivery through the real bot on a fake clock, across restarts."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.app import build_application
from bot.db import BotDB, Subscription
from bot.reminders import due_reminders, period_label
from bot.service import BotService
from index.ingest.deadlines import Deadline
from tests.fakebotapi import FakeBotAPI
from tests.test_bot_e2e import ALLOWED, running, settings_for


def dl(due: str, due_date: str, precision: str = "day", resp: str | None = "Ban Tổ chức Thành ủy") -> Deadline:
    return Deadline(f"id{due}", "d.txt", "IV", due, precision, due_date, "trước ngày", "Nộp báo cáo", resp, True, "x")


def test_stages_fire_once_each_and_late_ones_only_within_a_day():
    d = dl("2024-09-20", "2024-09-20")
    subs = [Subscription(1, "", "")]
    assert [x.stage for x in due_reminders([d], subs, date(2024, 9, 13))] == [7]
    assert [x.stage for x in due_reminders([d], subs, date(2024, 9, 14))] == [7]  # one day late: still sent
    assert due_reminders([d], subs, date(2024, 9, 15)) == []  # two days late: dropped
    assert [x.stage for x in due_reminders([d], subs, date(2024, 9, 20))] == [0]


def test_periods_reminded_against_their_end_and_unit_subscriptions():
    q = dl("2024-Q4", "2024-12-31", "quarter", resp="Văn phòng Thành ủy")
    assert period_label(q) == "Quý IV/2024"
    subs = [Subscription(1, "ban to chuc", ""), Subscription(2, "van phong", ""), Subscription(3, "", "id2024-Q4")]
    assert {x.chat_id for x in due_reminders([q], subs, date(2024, 12, 28))} == {2, 3}


@pytest.mark.slow
def test_subscribe_remind_restart_nothing_lost_nothing_twice_and_blocked_chat(engine, tmp_path):
    db_path = tmp_path / "bot.sqlite"
    blocked = 77

    async def session(api, day: date, scenario=None):
        db = BotDB(db_path)
        app = build_application(
            BotService(engine, db), settings_for(api, DOCBOT_ALLOWED_USERS=f"{ALLOWED},{blocked}"), clock=lambda: day
        )
        async with running(app):
            await asyncio.sleep(1.6)  # the catch-up job runs one second after start
            if scenario:
                await scenario()
            await api.wait_idle_async(0.5)
        db.close()

    with FakeBotAPI() as api:

        async def subscribe():
            api.user_message("/theodoi", user_id=ALLOWED, chat_id=ALLOWED)
            api.user_message("/theodoi ban to chuc", user_id=blocked, chat_id=blocked)
            await api.wait_sent_async(2, timeout=20)
            api.user_message("/hanchot 30", user_id=ALLOWED, chat_id=ALLOWED)
            sent = await api.wait_sent_async(2, chat_id=ALLOWED, timeout=20)
            assert "20/9/2024" in sent[-1]["plain_text"] and "30/9/2024" in sent[-1]["plain_text"]

        async def main():
            await session(api, date(2024, 9, 10), subscribe)  # nothing due yet
            assert not [s for s in api.sent() if "Nhắc hạn" in s["plain_text"]]
            api.block_chat(blocked)
            await session(api, date(2024, 9, 13))  # 7 days before 20/9
            first = [s for s in api.sent(ALLOWED) if "Nhắc hạn" in s["plain_text"]]
            assert len(first) == 1 and "20/9/2024" in first[0]["plain_text"] and "còn 7 ngày" in first[0]["plain_text"]
            await session(api, date(2024, 9, 13))  # restarted the same day: nothing sent twice
            assert len([s for s in api.sent(ALLOWED) if "Nhắc hạn" in s["plain_text"]]) == 1
            await session(api, date(2024, 9, 23))  # 7 days before 30/9, and 3 past the 20/9 stage: skipped
            reminders = [s["plain_text"] for s in api.sent(ALLOWED) if "Nhắc hạn" in s["plain_text"]]
            assert len(reminders) == 2 and "30/9/2024" in reminders[1]

        asyncio.run(main())
        db = BotDB(db_path)
        assert {s.chat_id for s in db.subscriptions()} == {ALLOWED}  # the chat that blocked the bot is dropped
        db.close()


@pytest.mark.slow
def test_remind_me_button_on_an_answer_with_a_deadline(engine, tmp_path):
    db = BotDB(tmp_path / "b.sqlite")
    with FakeBotAPI() as api:

        async def main():
            app = build_application(BotService(engine, db), settings_for(api), clock=lambda: date(2024, 9, 1))
            async with running(app):
                api.user_message("hạn nộp báo cáo tổng kết chương trình 01?", user_id=ALLOWED, chat_id=ALLOWED)
                [reply] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
                buttons = {
                    b["text"]: b["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for b in row
                }
                assert "🔔 Nhắc tôi" in buttons and len(buttons["🔔 Nhắc tôi"]) < 64
                api.callback_query(ALLOWED, ALLOWED, reply["message_id"], buttons["🔔 Nhắc tôi"])
                await api.wait_for_async("answerCallbackQuery", timeout=10)

        asyncio.run(main())
        [sub] = db.subscriptions()
        assert sub.chat_id == ALLOWED and sub.deadline_id and not sub.unit
    db.close()
