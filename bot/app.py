"""The python-telegram-bot Application: settings, thin handlers, error handler, command menu.

Handlers parse the update, check access and limits, call one BotService method (searches run in a
worker thread so one slow question never stalls the others) and send what it returns.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from datetime import date
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.access import Access, RateLimiter
from bot.admin import AdminService
from bot.service import BotService, Reply
from bot.settings import BotSettings
from index.store import library

log = logging.getLogger("docbot.bot")

COMMANDS = [
    ("hoi", "Đặt câu hỏi về tài liệu"),
    ("hanchot", "Các hạn chót sắp đến [đơn vị | số ngày]"),
    ("theodoi", "Nhận nhắc hạn [đơn vị]"),
    ("huytheodoi", "Thôi nhận nhắc hạn"),
    ("tailieu", "Danh sách tài liệu đã lập chỉ mục"),
    ("help", "Hướng dẫn và câu hỏi mẫu"),
    ("whoami", "Mã người dùng của bạn"),
    ("xoa", "(Quản trị) Xóa một tài liệu"),
    ("reindex", "(Quản trị) Lập chỉ mục lại"),
    ("nhatky", "(Quản trị) Nhật ký thay đổi"),
    ("start", "Bắt đầu"),
]
HELP = (
    "<b>docbot</b> trả lời câu hỏi về các văn bản của Thành ủy (kế hoạch, báo cáo, chương trình, công văn) "
    "kèm trích dẫn nguyên văn: tên văn bản, số hiệu, mục.\n\n"
    "Gõ câu hỏi trực tiếp (có dấu hoặc không dấu), hoặc dùng /hoi &lt;câu hỏi&gt;. Ví dụ:\n"
    "• đơn vị nào phụ trách đánh giá công tác dân vận?\n"
    "• han nop bao cao tong ket\n"
    "• hội nghị tổng kết ở đâu?\n"
    "Muốn hỏi riêng một văn bản, nêu số hiệu hoặc loại văn bản kèm số, năm: "
    "«theo CV 1021 ai rà soát chỉ tiêu?», «chương trình 01 năm 2011 tổng kết khi nào?».\n\n"
    "/hanchot [đơn vị | số ngày] — các hạn chót sắp đến; /theodoi [đơn vị] — nhận nhắc hạn lúc 8:00, "
    "7, 3, 1 ngày trước và đúng ngày; /huytheodoi — thôi nhận.\n"
    "/tailieu — danh sách tài liệu; /whoami — mã người dùng của bạn.\n"
    "Nếu tài liệu không có thông tin, bot trả lời «Không có trong tài liệu» và gợi ý các đoạn gần nhất."
)
ERROR_TEXT = "Đã có lỗi, vui lòng thử lại."


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def _env_today() -> date:
    """Today, or DOCBOT_NOW's date (read on every call, so a demo or test can move the clock)."""
    from index.settings import get_settings

    return get_settings().today()


def _confirm_markup(pending: str, yes: str) -> InlineKeyboardMarkup:
    """Yes / no buttons for a pending admin action (short callback data: its id)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=f"a:{pending}:1"),
                InlineKeyboardButton("Không", callback_data=f"a:{pending}:0"),
            ]
        ]
    )


class DocBot:
    """Holds the service, access rules and limiter; its methods are the PTB callbacks."""

    def __init__(self, service: BotService, settings: BotSettings, clock: Callable[[], date] | None = None):
        self.service = service
        self.settings = settings
        self.today = clock or _env_today
        self.admin = AdminService(service.engine)
        self.max_upload = library.MAX_BYTES
        self.access = Access.from_settings(settings)
        self.limiter = RateLimiter(settings.questions_per_minute)

    # ---- guards ---------------------------------------------------------------------------
    async def _guard(self, update: Update) -> bool:
        user = update.effective_user
        chat = update.effective_chat
        msg = update.effective_message
        if self.access.allowed(user.id if user else None, chat.id if chat else None):
            return True
        if msg is not None and (chat is None or chat.type == ChatType.PRIVATE):
            await msg.reply_text(
                "Xin lỗi, bạn chưa được cấp quyền hỏi tài liệu nội bộ.\n"
                f"Mã người dùng của bạn: <code>{user.id if user else '?'}</code> — hãy gửi mã này cho quản trị viên.",
                parse_mode=ParseMode.HTML,
            )
        return False

    async def _admin_guard(self, update: Update, refusal: str) -> bool:
        """Allowed and an admin; otherwise the refusal is sent and nothing else happens."""
        if not await self._guard(update):
            return False
        user = update.effective_user
        if self.access.is_admin(user.id if user else None):
            return True
        await update.effective_message.reply_text(refusal)
        return False

    # ---- commands --------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start: greeting and help (or the refusal with the user's id)."""
        if await self._guard(update):
            await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/help: what the bot knows and example questions."""
        if await self._guard(update):
            await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)

    async def whoami(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/whoami: ids and role, answered even to users who may not ask."""
        user, chat = update.effective_user, update.effective_chat
        uid = user.id if user else None
        role = (
            "quản trị viên"
            if self.access.is_admin(uid)
            else ("được phép hỏi" if self.access.allowed(uid, chat.id if chat else None) else "chưa được cấp quyền")
        )
        await update.effective_message.reply_text(
            f"Mã người dùng: <code>{uid}</code>\nMã nhóm/chat: <code>{chat.id if chat else '?'}</code>\nQuyền: {role}",
            parse_mode=ParseMode.HTML,
        )

    async def documents(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/tailieu: the indexed documents."""
        if await self._guard(update):
            text = await asyncio.to_thread(self.service.documents_html)
            await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def ask_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hoi <câu hỏi>."""
        question = " ".join(context.args or []).strip()
        if not question:
            if await self._guard(update):
                await update.effective_message.reply_text(
                    "Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi hạn nộp báo cáo tổng kết"
                )
            return
        await self._answer(update, context, question)

    # ---- questions -------------------------------------------------------------------------
    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text in a private chat; in groups only when the bot is mentioned or replied to."""
        msg = update.effective_message
        if msg is None or not msg.text:
            return
        question = msg.text
        if update.effective_chat and update.effective_chat.type != ChatType.PRIVATE:
            username = f"@{context.bot.username}" if context.bot.username else None
            replied = (
                msg.reply_to_message is not None
                and msg.reply_to_message.from_user is not None
                and (msg.reply_to_message.from_user.id == context.bot.id)
            )
            mentioned = bool(username) and username.lower() in question.lower()
            if not (mentioned or replied):
                return
            if username:
                idx = question.lower().find(username.lower())
                if idx >= 0:
                    question = question[:idx] + question[idx + len(username) :]
        await self._answer(update, context, question.strip())

    async def _answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
        if not await self._guard(update):
            return
        msg: Message = update.effective_message
        user = update.effective_user
        if not question:
            return
        if len(question) > self.settings.max_question_chars:
            await msg.reply_text(
                f"Câu hỏi quá dài ({len(question)} ký tự). Hãy hỏi ngắn gọn, tối đa "
                f"{self.settings.max_question_chars} ký tự."
            )
            return
        if user is not None and not self.limiter.allow(user.id):
            await msg.reply_text(
                f"Bạn đang hỏi quá nhanh (tối đa {self.settings.questions_per_minute} câu mỗi phút). "
                "Vui lòng chờ một chút rồi hỏi tiếp."
            )
            return
        await context.bot.send_chat_action(msg.chat_id, ChatAction.TYPING)
        reply = await asyncio.to_thread(self.service.ask, msg.chat_id, user.id if user else None, question)
        await msg.reply_text(
            reply.html,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(reply),
            do_quote=msg.chat.type != ChatType.PRIVATE,
        )

    # ---- admin: documents ---------------------------------------------------------------------
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An uploaded file: admins add it (validated, indexed, confirmed); others are told no."""
        if not await self._admin_guard(update, "Chỉ quản trị viên mới thêm được tài liệu. Tệp của bạn không được lưu."):
            return
        msg = update.effective_message
        user = update.effective_user
        doc = msg.document
        if doc.file_size and doc.file_size > self.max_upload:
            await msg.reply_text(
                f"Tệp quá lớn ({doc.file_size / 1024 / 1024:.1f} MB; tối đa {self.max_upload // 1024 // 1024} MB). "
                "Hãy chia nhỏ tệp, hoặc dùng máy chủ Bot API riêng để nhận tệp lớn."
            )
            return
        status = await msg.reply_text("⏳ Đang kiểm tra và lập chỉ mục tài liệu…")
        tg_file = await doc.get_file()
        data = bytes(await tg_file.download_as_bytearray())
        text, pending = await asyncio.to_thread(self.admin.receive, user.id, data, doc.file_name or "tai-lieu")
        markup = _confirm_markup(pending, "Có, thay thế") if pending else None
        await status.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/xoa <tài liệu>: admins only, after confirmation."""
        if not await self._admin_guard(update, "Chỉ quản trị viên mới xóa được tài liệu."):
            return
        user = update.effective_user
        text, pending = await asyncio.to_thread(self.admin.ask_remove, user.id, " ".join(context.args or []))
        markup = _confirm_markup(pending, "Xóa") if pending else None
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

    async def reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reindex: rebuild, editing one progress message in place."""
        if not await self._admin_guard(update, "Chỉ quản trị viên mới lập chỉ mục lại được."):
            return
        user = update.effective_user
        status = await update.effective_message.reply_text("⏳ Bắt đầu lập chỉ mục lại…")
        loop = asyncio.get_running_loop()
        last = {"t": 0.0, "text": ""}

        def progress(stage: str, done: int, total: int) -> None:
            now = loop.time()
            text = f"⏳ Đang {stage}: {done}/{total}"
            if text != last["text"] and (now - last["t"] > 1.5 or done == total):
                last.update(t=now, text=text)
                asyncio.run_coroutine_threadsafe(status.edit_text(text), loop)

        text = await asyncio.to_thread(self.admin.reindex, user.id, progress)
        await status.edit_text(text, parse_mode=ParseMode.HTML)

    async def journal(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/nhatky: latest adds, replacements, removals."""
        if not await self._admin_guard(update, "Chỉ quản trị viên mới xem được nhật ký."):
            return
        text = await asyncio.to_thread(self.admin.audit_html)
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    # ---- deadlines and reminders -------------------------------------------------------------
    async def deadlines(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hanchot [đơn vị | số ngày]."""
        if not await self._guard(update):
            return
        await asyncio.to_thread(self.service.refresh_deadlines)
        text = await asyncio.to_thread(self.service.deadlines_html, " ".join(context.args or []), self.today())
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/theodoi [đơn vị]: this chat gets reminders (all deadlines, or one unit's)."""
        if not await self._guard(update):
            return
        unit = " ".join(context.args or []).strip()[:200]
        new = await asyncio.to_thread(self.service.db.subscribe, update.effective_chat.id, unit, "")
        what = f"các hạn của «{html.escape(unit)}»" if unit else "mọi hạn chót trong tài liệu"
        stages = ", ".join(str(s) for s in self.settings.stages if s) + " ngày trước và đúng ngày"
        await update.effective_message.reply_text(
            ("Đã đăng ký" if new else "Bạn đã đăng ký từ trước") + f" nhận nhắc {what}, lúc "
            f"{self.settings.remind_time} các ngày: {stages}. Gõ /huytheodoi để thôi.",
            parse_mode=ParseMode.HTML,
        )

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huytheodoi: stop every reminder for this chat."""
        if not await self._guard(update):
            return
        n = await asyncio.to_thread(self.service.db.unsubscribe, update.effective_chat.id)
        await update.effective_message.reply_text(
            "Đã hủy nhận nhắc hạn." if n else "Chat này chưa đăng ký nhận nhắc hạn."
        )

    async def remind(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The reminder job: due reminders go out once per (chat, deadline, stage), across restarts."""
        from bot.reminders import due_reminders, reminder_html

        today = self.today()
        await asyncio.to_thread(self.service.refresh_deadlines)
        db = self.service.db
        items = due_reminders(db.active_deadlines(), db.subscriptions(), today, self.settings.stages)
        for item in items:
            if not db.claim(item.chat_id, item.deadline.id, item.stage):
                continue
            text = reminder_html(item, today, self.service.citation(item.deadline.doc))
            try:
                await context.bot.send_message(item.chat_id, text, parse_mode=ParseMode.HTML)
            except Forbidden:
                log.info("Chat %s đã chặn bot: hủy đăng ký nhắc hạn", item.chat_id)
                db.unsubscribe(item.chat_id)
            except TelegramError:
                log.exception("Gửi nhắc hạn thất bại, sẽ thử lại lần sau")
                db.release(item.chat_id, item.deadline.id, item.stage)

    # ---- buttons ---------------------------------------------------------------------------
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Callback data: m:<answer>:<start> (more), s:<answer>:<i> (section), f:<answer>:<±1> (feedback)."""
        query = update.callback_query
        if query is None or not query.data:
            return
        user = update.effective_user
        if not self.access.allowed(
            user.id if user else None, update.effective_chat.id if update.effective_chat else None
        ):
            await query.answer("Bạn chưa được cấp quyền.", show_alert=True)
            return
        try:
            kind, answer_id_raw, arg = query.data.split(":")
            aid = int(answer_id_raw) if kind not in ("n", "a") else 0
            num = int(arg)
        except ValueError:
            await query.answer("Nút không hợp lệ.")
            return
        chat_id = query.message.chat.id if query.message else (update.effective_chat.id if update.effective_chat else 0)
        if kind == "a":
            if not self.access.is_admin(user.id if user else None):
                await query.answer("Chỉ quản trị viên mới làm được việc này.", show_alert=True)
                return
            await query.answer("Đang xử lý…" if num else "Đã hủy")
            text = await asyncio.to_thread(self.admin.confirm, answer_id_raw, user.id, bool(num))
            await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
            return
        if kind == "n":
            new = await asyncio.to_thread(self.service.db.subscribe, chat_id, "", answer_id_raw)
            await query.answer("Đã bật nhắc hạn cho mục này." if new else "Bạn đã bật nhắc hạn này rồi.")
            return
        if kind == "f":
            text = await asyncio.to_thread(self.service.feedback, aid, user.id if user else 0, num)
            await query.answer(text)
        elif kind == "m":
            await query.answer()
            reply = await asyncio.to_thread(self.service.more, aid, num)
            await context.bot.send_message(chat_id, reply.html, parse_mode=ParseMode.HTML, reply_markup=_markup(reply))
        elif kind == "s":
            await query.answer()
            for text in await asyncio.to_thread(self.service.section, aid, num):
                await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        else:
            await query.answer("Nút không hợp lệ.")

    # ---- errors ----------------------------------------------------------------------------
    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every failure and tell the user instead of staying silent."""
        log.error("Lỗi khi xử lý cập nhật: %s", html.escape(str(update))[:500], exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, ERROR_TEXT)
            except Exception:  # noqa: BLE001 - the error handler must never raise
                log.exception("Không gửi được thông báo lỗi")


async def _set_commands(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Publish the command menu (a one-off job, so it runs however the application is started)."""
    await context.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


def webhook_kwargs(settings: BotSettings) -> dict:
    """Arguments for webhook mode: listen address, route taken from the public URL, secret token."""
    from urllib.parse import urlparse

    url = settings.webhook_url or ""
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(url).path.lstrip("/"),
        "webhook_url": url,
        "secret_token": settings.webhook_secret,
    }


def build_application(
    service: BotService, settings: BotSettings, clock: Callable[[], date] | None = None
) -> Application:
    """Wire the handlers into an Application that talks to settings.api_base_url."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN chưa được cấu hình")
    bot = DocBot(service, settings, clock)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .concurrent_updates(32)
    )
    if settings.telegram_rate > 0:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_rate, max_retries=2))
    app = builder.build()
    app.bot_data["docbot"] = bot
    app.add_handler(CommandHandler("start", bot.start))
    app.add_handler(CommandHandler("help", bot.help))
    app.add_handler(CommandHandler("whoami", bot.whoami))
    app.add_handler(CommandHandler(["tailieu", "docs"], bot.documents))
    app.add_handler(CommandHandler(["hoi", "ask"], bot.ask_command))
    app.add_handler(CommandHandler(["hanchot", "deadlines"], bot.deadlines))
    app.add_handler(CommandHandler(["theodoi", "subscribe"], bot.subscribe))
    app.add_handler(CommandHandler(["huytheodoi", "unsubscribe"], bot.unsubscribe))
    app.add_handler(CommandHandler(["xoa", "remove"], bot.remove))
    app.add_handler(CommandHandler("reindex", bot.reindex))
    app.add_handler(CommandHandler(["nhatky", "log"], bot.journal))
    app.add_handler(MessageHandler(filters.Document.ALL, bot.document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bot.text))
    app.add_handler(CallbackQueryHandler(bot.button))
    app.add_error_handler(bot.error)
    app.job_queue.run_once(_set_commands, 0, name="set-commands")
    hh, mm = (int(x) for x in settings.remind_time.split(":"))
    app.job_queue.run_daily(bot.remind, dt_time(hh, mm, tzinfo=ZoneInfo(settings.timezone)), name="reminders")
    app.job_queue.run_once(bot.remind, 1, name="reminders-catch-up")  # what fell due while the bot was down
    return app
