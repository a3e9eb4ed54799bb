"""Proof that tests/fakebotapi.py is faithful enough to run a real PTB v22 Application against.

Why these tests exist: every end-to-end test of the bot trusts the fake. If the fake answered
something PTB cannot parse, or long-polled differently from Telegram, the bot's own tests would
fail (or worse, pass) for reasons unrelated to the bot. So each test here drives a real
``Application`` (no mocks) through one feature of the fake, the way the bot will use it.

Plain ``asyncio.run`` instead of pytest-asyncio keeps the dependencies unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebotapi import FakeBotAPI

TOKEN = "123456:TEST-token"


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as server:
        yield server


def make_app(api: FakeBotAPI, *handlers: BaseHandler, rate_limiter: AIORateLimiter | None = None) -> Application:
    """Build the app exactly as production does, except for the two URLs."""
    builder = ApplicationBuilder().token(api.token).base_url(api.base_url).base_file_url(api.base_file_url)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    app = builder.build()
    for handler in handlers:
        app.add_handler(handler)
    return app


@contextlib.asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """``run_polling`` blocks and owns the loop, so tests use the documented manual sequence."""
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(update.message.text)


def test_echo_roundtrip_bootstrap_and_offsets(api: FakeBotAPI) -> None:
    """The basic loop: getMe, deleteWebhook, long poll, reply, and offsets confirmed on stop."""

    async def scenario() -> None:
        async with polling(make_app(api, MessageHandler(filters.TEXT & ~filters.COMMAND, echo))) as app:
            assert app.bot.username == "docbot_test_bot"
            update_id = api.user_message("Hạn nộp báo cáo là khi nào?", user_id=42, first_name="Lan")
            [reply] = await api.wait_sent_async(1, chat_id=42)
            assert reply["text"] == "Hạn nộp báo cáo là khi nào?"
            assert reply["update_id"] == update_id
            assert 0 <= reply["latency"] < 2
            assert api.latency(update_id) == reply["latency"]
            with pytest.raises(RuntimeError, match="wait_sent_async"):
                api.wait_sent(1)  # blocking here would freeze the bot we are waiting for
        assert api.pending_updates == 0  # the final getUpdates confirmed everything
        assert [u["delivered_count"] for u in api.updates()] == [1]
        assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= {c["method"] for c in api.calls()}

    asyncio.run(scenario())


def test_commands_entities_and_group_privacy(api: FakeBotAPI) -> None:
    """Commands need bot_command entities; groups only deliver what privacy mode lets through."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.set_my_commands([("ask", "Đặt câu hỏi"), ("help", "Trợ giúp")])
        await update.message.reply_text(f"Chào {update.effective_user.first_name}, args={context.args}")

    async def group_echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("nhận: " + update.message.text)

    async def scenario() -> None:
        app = make_app(
            api,
            CommandHandler("start", start),
            MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, group_echo),
        )
        async with polling(app):
            api.user_message("/start abc", user_id=7, first_name="Minh")
            [reply] = await api.wait_sent_async(1, chat_id=7)
            assert reply["text"] == "Chào Minh, args=['abc']"
            assert [c["command"] for c in api.commands()] == ["ask", "help"]
            assert [c.command for c in await app.bot.get_my_commands()] == ["ask", "help"]

            assert api.group_message("chuyện riêng của nhóm", user_id=8) is None
            mention = api.group_message("@docbot_test_bot hạn chót?", user_id=8, chat_id=-1005)
            assert mention is not None
            [group_reply] = await api.wait_sent_async(1, chat_id=-1005)
            assert group_reply["text"] == "nhận: @docbot_test_bot hạn chót?"
            # PTB quotes by default in groups (not in private chats): the reply is linked.
            assert group_reply["reply_to_message_id"] == api.updates()[-1]["message_id"]
            assert group_reply["update_id"] == mention

    asyncio.run(scenario())


def test_callback_query_answer_and_edit(api: FakeBotAPI) -> None:
    """Inline keyboards round-trip; editing text drops the keyboard; a second answer fails."""
    errors: list[Exception] = []

    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Văn bản 1", callback_data="doc:1")]])
        await update.message.reply_text("Chọn văn bản:", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Đã chọn")
        await query.edit_message_text(f"Bạn chọn {query.data}")
        try:
            await query.answer()
        except BadRequest as exc:
            errors.append(exc)

    async def scenario() -> None:
        async with polling(make_app(api, CommandHandler("menu", menu), CallbackQueryHandler(pressed))):
            api.user_message("/menu", user_id=5)
            [shown] = await api.wait_sent_async(1, chat_id=5)
            assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "doc:1"
            assert api.message(5, shown["message_id"])["reply_markup"] is not None

            query_id = api.callback_query(5, 5, shown["message_id"], "doc:1")
            sent = await api.wait_sent_async(2, chat_id=5)
            assert sent[1]["method"] == "editMessageText"
            assert sent[1]["text"] == "Bạn chọn doc:1"
            assert "reply_markup" not in api.message(5, shown["message_id"])
            [answer] = await api.wait_for_async(lambda c: c["method"] == "answerCallbackQuery" and c["status"] == 200)
            assert answer["params"] == {"callback_query_id": query_id, "text": "Đã chọn"}
            await api.wait_for_async(lambda c: c["method"] == "answerCallbackQuery", count=2)
            await api.wait_idle_async(0.1)
        assert len(errors) == 1 and "query is too old" in str(errors[0]).lower()

    asyncio.run(scenario())


def test_document_download_and_upload(api: FakeBotAPI) -> None:
    """getFile + download return the registered bytes; sendDocument uploads arrive intact."""
    content = "Kế hoạch số 12-KH/TU về chuyển đổi số\n".encode() * 50

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        document = update.message.document
        data = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
        digest = hashlib.sha256(data).hexdigest()
        await update.message.reply_text(f"{document.file_name} {document.file_size} {len(data)} {digest}")
        await update.message.reply_document(InputFile(bytes(data), filename="bản sao.txt"), caption="Bản sao")

    async def scenario() -> None:
        async with polling(make_app(api, MessageHandler(filters.Document.ALL, on_document))):
            api.user_document(9, 9, "kế hoạch.txt", content, "text/plain", caption="xem giúp")
            summary, copy = await api.wait_sent_async(2, chat_id=9)
        assert summary["text"] == f"kế hoạch.txt {len(content)} {len(content)} {hashlib.sha256(content).hexdigest()}"
        assert copy["method"] == "sendDocument"
        assert copy["document"]["content"] == content
        assert copy["document"]["file_name"] == "bản sao.txt"
        assert copy["caption"] == "Bản sao"
        assert [c["status"] for c in api.calls("download")] == [200]

    asyncio.run(scenario())


def test_blocked_chat_gets_403_and_others_still_answered(api: FakeBotAPI) -> None:
    """A user who blocked the bot must not break the loop for everybody else."""
    errors: list[BaseException] = []
    kicked: list[str] = []

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    async def on_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        kicked.append(update.my_chat_member.new_chat_member.status)

    async def scenario() -> None:
        app = make_app(api, MessageHandler(filters.TEXT, echo), ChatMemberHandler(on_member))
        app.add_error_handler(on_error)
        async with polling(app):
            api.user_message("trước khi chặn", user_id=70)
            await api.wait_sent_async(1, chat_id=70)
            api.block_chat(70, notify=True)
            api.user_message("sau khi chặn", user_id=70)
            api.user_message("người khác", user_id=80)
            await api.wait_sent_async(1, chat_id=80)
            await api.wait_for_async(lambda c: c["method"] == "sendMessage" and c["status"] == 403)
            await api.wait_idle_async(0.1)
        assert len(api.sent(70)) == 1
        assert len(errors) == 1 and isinstance(errors[0], Forbidden)
        assert "bot was blocked by the user" in str(errors[0])
        assert kicked == ["kicked"]

    asyncio.run(scenario())


def test_hundred_messages_from_ten_users_answered_exactly_once(api: FakeBotAPI) -> None:
    """Load-shaped check of offsets and linking: no update lost, none answered twice."""

    async def scenario() -> None:
        async with polling(make_app(api, MessageHandler(filters.TEXT, echo))):
            for i in range(100):
                user = 500 + i % 10
                api.user_message(f"u{user} câu {i}", user_id=user)
            await api.wait_sent_async(100, timeout=15)
            await api.wait_idle_async(0.2)
        sent = api.sent()
        assert len(sent) == 100
        assert Counter(s["text"] for s in sent) == Counter(f"u{500 + i % 10} câu {i}" for i in range(100))
        assert all(s["text"].startswith(f"u{s['chat_id']} ") for s in sent)
        updates = api.updates()
        assert all(u["delivered_count"] == 1 for u in updates)
        assert sorted(s["update_id"] for s in sent) == sorted(u["update_id"] for u in updates)
        assert api.pending_updates == 0

    asyncio.run(scenario())


def test_sync_waits_with_the_bot_in_another_thread(api: FakeBotAPI) -> None:
    """Tests that keep the bot on its own loop thread can use the blocking waiters."""
    ready = threading.Event()
    loop_box: list[asyncio.AbstractEventLoop] = []
    stop_box: list[asyncio.Event] = []

    async def on_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.edited_message.chat_id, "đã sửa: " + update.edited_message.text)

    async def run_bot() -> None:
        app = make_app(
            api,
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edit),
            MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, echo),
        )
        stop_box.append(asyncio.Event())
        loop_box.append(asyncio.get_running_loop())
        async with polling(app):
            ready.set()
            await stop_box[0].wait()

    thread = threading.Thread(target=asyncio.run, args=(run_bot(),))
    thread.start()
    try:
        assert ready.wait(10)
        api.user_message("một", user_id=21)
        assert [s["text"] for s in api.wait_sent(1, chat_id=21)] == ["một"]
        original = api.message(21, api.updates()[-1]["message_id"])
        api.queue_update({"edited_message": {**original, "text": "hai", "edit_date": int(time.time())}})
        assert api.wait_sent(2, chat_id=21)[-1]["text"] == "đã sửa: hai"
        api.wait_idle(0.1)
    finally:
        if loop_box:
            loop_box[0].call_soon_threadsafe(stop_box[0].set)
        thread.join(10)
    assert not thread.is_alive()


def test_resilience_to_429_and_500(api: FakeBotAPI) -> None:
    """A 500 on getUpdates is retried by PTB; a 429 on sendMessage is retried by AIORateLimiter."""

    async def scenario() -> None:
        api.fail_next("getUpdates", status=500)
        api.fail_next("sendMessage", status=429, retry_after=0.2)
        app = make_app(api, MessageHandler(filters.TEXT, echo), rate_limiter=AIORateLimiter(max_retries=2))
        async with polling(app):
            api.user_message("thử lại", user_id=11)
            [reply] = await api.wait_sent_async(1, chat_id=11, timeout=8)
            await api.wait_idle_async(0.1)
        assert reply["text"] == "thử lại"
        assert [c["status"] for c in api.calls("sendMessage")] == [429, 200]
        statuses = [c["status"] for c in api.calls("getUpdates")]
        assert statuses[0] == 500 and 200 in statuses

    asyncio.run(scenario())


def test_bot_methods_parse_and_strict_errors(api: FakeBotAPI) -> None:
    """Every answer must survive PTB's de_json; the errors bots hit in production are reproduced."""

    async def scenario() -> None:
        api.add_chat(3)
        async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
            message = await bot.send_message(3, "<b>Điều 5</b> &amp; phụ lục", parse_mode="HTML", reply_markup=keyboard)
            assert message.text == "Điều 5 & phụ lục"
            assert message.reply_markup == keyboard
            assert message.from_user.id == bot.id
            with pytest.raises(BadRequest, match="(?i)message is not modified"):
                await bot.edit_message_reply_markup(3, message.message_id, reply_markup=keyboard)
            edited = await bot.edit_message_reply_markup(3, message.message_id)
            assert edited.reply_markup is None
            assert await bot.send_chat_action(3, "typing")
            assert await bot.delete_message(3, message.message_id)
            info = await bot.get_webhook_info()
            assert info.url == "" and info.pending_update_count == 0
            assert await bot.set_webhook("https://example.invalid/hook")
            assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
            assert await bot.delete_webhook()

            with pytest.raises(BadRequest, match='(?i)unsupported start tag "br"'):
                await bot.send_message(3, "dòng 1<br>dòng 2", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
                await bot.send_message(3, "Giá 1.000 đồng", parse_mode="MarkdownV2")
            assert (await bot.send_message(3, "Giá 1\\.000 *đồng*", parse_mode="MarkdownV2")).text == "Giá 1.000 đồng"
            with pytest.raises(BadRequest, match="(?i)message is too long"):
                await bot.send_message(3, "ư" * 4097)
            with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
                await bot.send_message(
                    3,
                    "x",
                    reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("B", callback_data="x" * 65)]]),
                )
            with pytest.raises(BadRequest, match="(?i)chat not found"):
                await bot.send_message(999, "ai đó")
            with pytest.raises(BadRequest, match="(?i)file is too big"):
                await bot.get_file(api.register_file(b"x", file_name="big.pdf", file_size=21 * 1024 * 1024))

    asyncio.run(scenario())


def test_wire_protocol_and_long_polling(api: FakeBotAPI) -> None:
    """JSON and form bodies, error bodies, and long polling that returns as soon as updates arrive."""
    url = f"{api.base_url}{api.token}"
    with httpx.Client(timeout=5) as client:
        response = client.post(f"{url}/noSuchMethod")
        assert response.status_code == 404
        assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        assert client.post(f"{api.base_url}999:wrong/getMe").status_code == 401

        api.add_chat(4)
        markup = {"inline_keyboard": [[{"text": "Mở", "callback_data": "open"}]]}
        as_json = client.post(f"{url}/sendMessage", json={"chat_id": 4, "text": "json", "reply_markup": markup})
        assert as_json.json()["result"]["reply_markup"] == markup
        as_form = client.post(
            f"{url}/SENDMESSAGE",  # method names are case-insensitive, as in the real API
            data={"chat_id": "4", "text": "form", "reply_markup": '{"inline_keyboard": []}'},
        )
        assert as_form.json()["ok"] is True
        assert [s["text"] for s in api.sent(4)] == ["json", "form"]

        start = time.monotonic()
        assert client.post(f"{url}/getUpdates", data={"timeout": "0.5"}).json() == {"ok": True, "result": []}
        assert time.monotonic() - start >= 0.45

        timer = threading.Timer(0.2, api.user_message, args=("đến muộn",))
        timer.start()
        start = time.monotonic()
        result = client.post(f"{url}/getUpdates", data={"timeout": "3"}).json()["result"]
        assert time.monotonic() - start < 2
        assert [u["message"]["text"] for u in result] == ["đến muộn"]
        again = client.post(f"{url}/getUpdates", data={"offset": str(result[0]["update_id"] + 1)}).json()
        assert again["result"] == [] and api.pending_updates == 0

        api.fail_next("getMe", status=429, retry_after=3)
        limited = client.post(f"{url}/getMe")
        assert limited.status_code == 429
        assert limited.json()["parameters"] == {"retry_after": 3}
        assert client.get(f"{api.base_file_url}{api.token}/documents/missing.pdf").status_code == 404

    with pytest.raises(AssertionError, match="waiting for 1 sent"):
        api.wait_sent(1, chat_id=12345, timeout=0.1)
