"""The real Application (polling, handlers, job queue) against the fake Bot API server on 127.0.0.1,
wired only through the base-URL settings. Questions go to the real engine (real model, real index),
except in the load test's second half, which swaps in an instant engine to time the bot itself."""

from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from bot.app import build_application
from bot.db import BotDB
from bot.service import BotService
from bot.settings import BotSettings
from index.engine import Answer, Asked, Cited, Hit
from tests.fakebotapi import FakeBotAPI
from tests.test_fakebotapi import polling as running

pytestmark = pytest.mark.slow
ALLOWED = 42
ADMIN = 7


def settings_for(api: FakeBotAPI, **extra) -> BotSettings:
    values = {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "TELEGRAM_FILE_BASE_URL": api.base_file_url,
        "DOCBOT_ALLOWED_USERS": str(ALLOWED),
        "DOCBOT_ADMINS": str(ADMIN),
    }
    values.update(extra)
    return BotSettings(**values)


def run(api: FakeBotAPI, service: BotService, scenario, **extra) -> None:
    async def main():
        app = build_application(service, settings_for(api, **extra))
        async with running(app):
            await scenario(app)

    asyncio.run(main())


@pytest.fixture
def service(engine, tmp_path):
    db = BotDB(tmp_path / "bot.sqlite")
    yield BotService(engine, db)
    db.close()


def test_question_answered_with_citations_and_buttons(service):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message(
                "đơn vị nào phụ trách đánh giá công tác dân vận khi tổng kết?", user_id=ALLOWED, chat_id=ALLOWED
            )
            [reply] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
            assert reply["parse_mode"] == "HTML"
            assert reply["plain_text"].startswith("Ban Dân vận Thành ủy")
            assert "<b>Ban Dân vận Thành ủy" in reply["text"]
            assert "số 34-KH/BCĐ" in reply["plain_text"] and "3.4. Ban Dân vận Thành ủy" in reply["plain_text"]
            labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
            assert {"Xem thêm", "Toàn văn mục", "👍", "👎"} <= set(labels)
            assert all(len(b["callback_data"]) <= 20 for row in reply["reply_markup"]["inline_keyboard"] for b in row)
            assert api.calls("sendChatAction") and api.commands()

        run(api, service, scenario)
        assert {"hoi", "tailieu", "hanchot", "theodoi", "huytheodoi", "whoami"} <= {
            c["command"] for c in api.commands()
        }


def test_no_diacritics_and_unanswerable(service):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("hoi nghi tong ket o dau", user_id=ALLOWED, chat_id=ALLOWED)
            [r1] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
            assert "Hội trường Thành ủy" in r1["plain_text"].split("\n")[0]
            api.user_message("hội nghị tổng kết bắt đầu lúc mấy giờ?", user_id=ALLOWED, chat_id=ALLOWED)
            sent = await api.wait_sent_async(2, chat_id=ALLOWED, timeout=30)
            assert sent[1]["plain_text"].startswith("Không có trong tài liệu")
            assert "Các đoạn có thể liên quan" in sent[1]["plain_text"]

        run(api, service, scenario)


def test_more_section_and_feedback_buttons(service):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("hạn nộp báo cáo tổng kết chương trình 01", user_id=ALLOWED, chat_id=ALLOWED)
            [first] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
            buttons = {b["text"]: b["callback_data"] for row in first["reply_markup"]["inline_keyboard"] for b in row}
            api.callback_query(ALLOWED, ALLOWED, first["message_id"], buttons["Xem thêm"])
            sent = await api.wait_sent_async(2, chat_id=ALLOWED, timeout=30)
            assert sent[1]["plain_text"].startswith("Thêm trích dẫn cho") and "[4]" in sent[1]["plain_text"]
            api.callback_query(ALLOWED, ALLOWED, first["message_id"], buttons["Toàn văn mục"])
            sent = await api.wait_sent_async(3, chat_id=ALLOWED, timeout=30)
            assert len(sent[2]["plain_text"]) > 50
            api.callback_query(ALLOWED, ALLOWED, first["message_id"], buttons["👍"])
            await api.wait_for_async("answerCallbackQuery", count=3, timeout=10)

        run(api, service, scenario)
        [(question, answer, vote)] = service.db.feedback()
        assert question == "hạn nộp báo cáo tổng kết chương trình 01" and vote == 1 and answer


def test_unauthorised_user_refused_with_id_and_group_without_mention_ignored(service):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("hạn nộp báo cáo?", user_id=555, chat_id=555)
            [r] = await api.wait_sent_async(1, chat_id=555, timeout=10)
            assert "555" in r["plain_text"] and "chưa được cấp quyền" in r["plain_text"]
            api.group_message("hạn nộp báo cáo là khi nào?", user_id=ALLOWED, chat_id=-100)
            api.group_message(f"@{api.bot_username} hội nghị tổng kết ở đâu?", user_id=ALLOWED, chat_id=-100)
            [g] = await api.wait_sent_async(1, chat_id=-100, timeout=30)
            await api.wait_idle_async(0.5)
            assert len(api.sent(-100)) == 1 and "Hội trường" in g["plain_text"]

        run(api, service, scenario, DOCBOT_ALLOWED_CHATS="-100")


def test_html_in_question_escaped_and_long_question_refused(service):
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("<b>hạn</b> nộp <script>báo cáo</script>?", user_id=ALLOWED, chat_id=ALLOWED)
            await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)  # strict fake rejects bad HTML
            api.user_message("x" * 5000, user_id=ALLOWED, chat_id=ALLOWED)
            sent = await api.wait_sent_async(2, chat_id=ALLOWED, timeout=10)
            assert "quá dài" in sent[1]["plain_text"]

        run(api, service, scenario)


class LongEngine:
    """Wraps the real engine but makes every passage huge, to prove the 4,096 limit holds."""

    def __init__(self, engine):
        self.engine = engine

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def ask_as(self, question, cleared=None, top_k=5):
        from dataclasses import replace

        asked = self.engine.ask_as(question, cleared, top_k)
        cited = [
            Cited(Hit(replace(c.hit.passage, text=(c.hit.passage.text + "\n") * 12), 0.0, 0.0, 0.0, n), c.citation)
            for n, c in enumerate(asked.cited)
        ]
        answer = asked.answer
        return Asked(
            Answer(answer.found, answer.text * 3, answer.kind, [c.hit for c in cited]), cited, 0.0, asked.docs
        )


def test_five_thousand_character_answer_kept_under_limit(engine, tmp_path):
    db = BotDB(tmp_path / "b.sqlite")
    with FakeBotAPI() as api:

        async def scenario(app):
            api.user_message("đơn vị nào đánh giá công tác dân vận?", user_id=ALLOWED, chat_id=ALLOWED)
            [r] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
            assert 1000 < len(r["plain_text"]) <= 4096

        run(api, BotService(LongEngine(engine), db), scenario)


class InstantEngine:
    """Same interface, no model: isolates the bot's own overhead in the load test."""

    def __init__(self, engine):
        self.engine = engine
        self.index = engine.index
        self.asked = engine.ask_as("hội nghị tổng kết ở đâu?", None, 9)

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def ask_as(self, question, cleared=None, top_k=5):
        return self.asked


@pytest.mark.parametrize(("kind", "paced"), [("instant", False), ("instant", True), ("real", False)])
def test_200_questions_from_20_users_each_answered_once(engine, tmp_path, kind, paced, capsys):
    """Burst: all 200 queued at once. Paced: 20 questions a second. Latency is from the moment the
    update is handed to the bot (getUpdates) to its reply."""
    eng = InstantEngine(engine) if kind == "instant" else engine
    db = BotDB(tmp_path / "load.sqlite")
    users = [1000 + i for i in range(20)]
    with FakeBotAPI() as api:

        async def scenario(app):
            ids = []
            for n in range(10):
                for u in users:
                    ids.append(api.user_message(f"câu hỏi {n}: hội nghị tổng kết ở đâu?", user_id=u, chat_id=u))
                    if paced:
                        await asyncio.sleep(0.05)
            await api.wait_sent_async(200, timeout=240)
            await api.wait_idle_async(0.5)
            latencies = [api.latency(i) for i in ids]
            assert all(x is not None for x in latencies)
            for u in users:
                assert len(api.sent(u)) == 10  # every question answered exactly once
            lat = sorted(latencies)
            p95 = lat[int(0.95 * (len(lat) - 1))]
            with capsys.disabled():
                print(
                    f"\n[load/{kind}/{'paced 20/s' if paced else 'burst'}] 200 questions, 20 users: "
                    f"p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms from update to reply"
                )
            if kind == "instant" and paced:
                assert p95 < 1.0  # goal 0.3 s; the bound leaves room for a loaded CI machine

        # instant: the bot's own overhead, Telegram flood control off (the fake has none);
        # real: real model and the production limiter (30 requests/s, typing actions included)
        rate = "0" if kind == "instant" else "30"
        run(
            api,
            BotService(eng, db),
            scenario,
            DOCBOT_OPEN_TO_ALL="true",
            DOCBOT_QUESTIONS_PER_MINUTE="100",
            DOCBOT_TELEGRAM_RATE=rate,
        )


def test_rate_limit_message(engine, tmp_path):
    db = BotDB(tmp_path / "rl.sqlite")
    with FakeBotAPI() as api:

        async def scenario(app):
            for n in range(4):
                api.user_message(f"hỏi {n} hội nghị ở đâu", user_id=ALLOWED, chat_id=ALLOWED)
            sent = await api.wait_sent_async(4, chat_id=ALLOWED, timeout=30)
            assert sum("quá nhanh" in s["plain_text"] for s in sent) == 1

        run(api, BotService(InstantEngine(engine), db), scenario, DOCBOT_QUESTIONS_PER_MINUTE="3")


def test_serve_without_token_points_to_chat(monkeypatch):
    from typer.testing import CliRunner

    from bot.cli import app

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "docbot chat" in result.output


def test_webhook_mode(service):
    """Webhook mode: the bot registers its URL with setWebhook and answers an update POSTed to it."""
    import json
    import socket
    import urllib.request

    from bot.app import webhook_kwargs

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with FakeBotAPI() as api:
        # the public URL is served by a TLS proxy in front of the bot; the test plays the proxy on loopback
        settings = settings_for(
            api,
            DOCBOT_WEBHOOK_URL="https://docbot.invalid/hook",
            DOCBOT_WEBHOOK_LISTEN="127.0.0.1",
            DOCBOT_WEBHOOK_PORT=str(port),
            DOCBOT_WEBHOOK_SECRET="s3cret",
        )

        async def main():
            app = build_application(service, settings)
            await app.initialize()
            await app.start()
            await app.updater.start_webhook(**webhook_kwargs(settings))
            api.add_chat(ALLOWED)  # the user has started the bot
            try:
                assert api.webhook and api.webhook.get("url") == "https://docbot.invalid/hook"
                update = {
                    "update_id": 1,
                    "message": {
                        "message_id": 1,
                        "date": int(time.time()),
                        "text": "hội nghị tổng kết ở đâu?",
                        "chat": {"id": ALLOWED, "type": "private"},
                        "from": {"id": ALLOWED, "is_bot": False, "first_name": "A"},
                    },
                }
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/hook",
                    data=json.dumps(update).encode(),
                    headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "s3cret"},
                )
                status = await asyncio.to_thread(lambda: urllib.request.urlopen(req, timeout=10).status)
                assert status == 200
                [reply] = await api.wait_sent_async(1, chat_id=ALLOWED, timeout=30)
                assert "Hội trường Thành ủy" in reply["plain_text"]
            finally:
                await app.updater.stop()
                await app.stop()
                await app.shutdown()

        asyncio.run(main())
