"""The python-telegram-bot Application: settings, one access gate, thin handlers, error handler,
command menu.

Access is checked once, by a handler in group -1 that stops every update it refuses
(``ApplicationHandlerStop``, as PTB's ``examples/contexttypesbot.py`` does), so no handler repeats a
guard. Each kind of button has its own ``CallbackQueryHandler`` with a ``pattern``
(``examples/inlinekeyboard2.py``); a press that matches none is answered "Nút không hợp lệ".
Searches run in a worker thread so one slow question never stalls the others; every outgoing call
goes through bot/delivery.py (retries), and the "typing" action is sent beside the answer, never
before it.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from datetime import date
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.access import Access, RateLimiter
from bot.admin import AdminService
from bot.delivery import RetryingRequest
from bot.reminders import send_due
from bot.service import Asker, BotService, Reply
from bot.settings import BotSettings
from bot.textclean import clean, short
from index.engine import parse_level

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
ADMIN_COMMANDS = {
    "xoa": "Chỉ quản trị viên mới xóa được tài liệu.",
    "remove": "Chỉ quản trị viên mới xóa được tài liệu.",
    "reindex": "Chỉ quản trị viên mới lập chỉ mục lại được.",
    "nhatky": "Chỉ quản trị viên mới xem được nhật ký.",
    "log": "Chỉ quản trị viên mới xem được nhật ký.",
}
OPEN_COMMANDS = {"whoami"}  # answered even to users who may not ask: they need their id
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
# APScheduler drops a job that starts more than a second late (its default misfire grace): on a busy
# machine the catch-up reminders were skipped that way. A reminder job runs however late it starts.
LATE_OK = {"misfire_grace_time": None, "coalesce": True}
REFUSAL = (
    "Xin lỗi, bạn chưa được cấp quyền hỏi tài liệu nội bộ.\n"
    "Mã người dùng của bạn: <code>{uid}</code> — hãy gửi mã này cho quản trị viên."
)
UPLOAD_REFUSAL = "Chỉ quản trị viên mới thêm được tài liệu. Tệp của bạn không được lưu."
TOO_FAST = "Bạn đang hỏi quá nhanh (tối đa {n} câu mỗi phút). Vui lòng chờ một chút rồi hỏi tiếp."
# Callback data: kind, the answer's random token (bot/db.py) or a pending id, a small number.
TOKEN = r"[A-Za-z0-9_-]{6,16}"
BUTTONS = {
    "more": rf"^m:({TOKEN}):([0-9]{{1,3}})$",
    "section": rf"^s:({TOKEN}):([0-9]{{1,3}})$",
    "feedback": rf"^f:({TOKEN}):(1|-1)$",
    "notify": r"^n:([0-9a-f]{6,40})$",
    "confirm": rf"^a:({TOKEN}):([01])$",
}


def _markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def _env_today() -> date:
    """Today, or DOCBOT_NOW's date (read on every call, so a demo or test can move the clock)."""
    from index.engine import get_settings

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


def _command(msg: Message | None) -> str | None:
    """The command a message starts with ("hanchot" for "/hanchot@docbot 30"), else None."""
    if msg is None or not msg.text or not msg.entities:
        return None
    first = msg.entities[0]
    if first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
        return None
    return msg.text[1 : first.length].split("@", 1)[0].lower()


def _args(update: Update) -> str:
    """A command's argument, cleaned (bot/textclean.py) before anything reads it."""
    msg = update.effective_message
    text = clean(msg.text or "") if msg else ""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


class DocBot:
    """Holds the service, access rules and limiter; its methods are the PTB callbacks."""

    def __init__(self, service: BotService, settings: BotSettings, clock: Callable[[], date] | None = None):
        self.service = service
        self.settings = settings
        self.today = clock or _env_today
        self.admin = AdminService(service.engine)
        self.access = Access.from_settings(settings)
        self.limiter = RateLimiter(settings.questions_per_minute)
        self._background: set[asyncio.Task] = set()

    def asker(self, update: Update) -> Asker:
        """Who asks, where, and the highest access level both may see."""
        user, chat = update.effective_user, update.effective_chat
        uid = user.id if user else None
        cid = chat.id if chat else (uid or 0)
        return Asker(cid, uid, self.access.clearance(uid, cid))

    # ---- the gate: every update passes here first (group -1) ------------------------------------
    async def gate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let an update through to the handlers, or answer it here and stop it."""
        user, chat = update.effective_user, update.effective_chat
        uid, cid = (user.id if user else None), (chat.id if chat else None)
        private = chat is not None and chat.type == ChatType.PRIVATE
        query = update.callback_query
        if query is not None:
            data = query.data or ""
            if not self.access.allowed(uid, cid):
                await self._answer_query(query, "Bạn chưa được cấp quyền.", alert=True)
                raise ApplicationHandlerStop
            if data.startswith("a:") and not self.access.is_admin(uid):
                await self._answer_query(query, "Chỉ quản trị viên mới làm được việc này.", alert=True)
                raise ApplicationHandlerStop
            if not data.startswith(("a:", "f:")) and uid is not None and not self.limiter.allow(uid):
                await self._answer_query(query, TOO_FAST.format(n=self.settings.questions_per_minute), alert=True)
                raise ApplicationHandlerStop
            return
        msg = update.message
        if msg is None:  # edits (an edited caption must not add a file again), channel posts, member changes
            raise ApplicationHandlerStop
        if msg.document is not None:
            if self.access.may_upload(uid, cid, private):
                return
            if private:  # in groups a member's file is none of the bot's business: silence
                refusal = UPLOAD_REFUSAL if self.access.allowed(uid, cid) else REFUSAL.format(uid=uid)
                await self._reply(msg, refusal)
            raise ApplicationHandlerStop
        command = _command(msg)
        if command in OPEN_COMMANDS:
            return
        if not self.access.allowed(uid, cid):
            if private:
                await self._reply(msg, REFUSAL.format(uid=uid if uid is not None else "?"))
            raise ApplicationHandlerStop
        if command in ADMIN_COMMANDS and not self.access.is_admin(uid):
            await self._reply(msg, ADMIN_COMMANDS[command])
            raise ApplicationHandlerStop

    # ---- sending ---------------------------------------------------------------------------------
    async def _reply(self, msg: Message, text: str, markup=None, quote: bool = False) -> Message | None:
        """Send a reply; a delivery failure (after delivery.py's retries) is logged, never followed by
        an error message: the reply may have arrived."""
        try:
            return await msg.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, do_quote=quote)
        except NetworkError as exc:
            log.warning("Không gửi được trả lời tới %s: %s", msg.chat_id, exc)
            return None

    async def _send(self, bot, chat_id: int, text: str, markup=None) -> None:
        try:
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except NetworkError as exc:
            log.warning("Không gửi được tin tới %s: %s", chat_id, exc)

    @staticmethod
    async def _answer_query(query, text: str | None = None, alert: bool = False) -> None:
        """Answer a button press; if that fails the press still does its work."""
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.warning("Không trả lời được nút bấm: %s", exc)

    def _typing(self, bot, chat_id: int) -> None:
        """ "typing…" beside the answer: never awaited before it, its failure never matters."""

        async def send() -> None:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:
                log.debug("typing: %s", exc)

        task = asyncio.get_running_loop().create_task(send())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # ---- commands --------------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start, /help: what the bot knows and example questions."""
        await self._reply(update.effective_message, HELP)

    async def whoami(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/whoami: ids and role, answered even to users who may not ask."""
        user, chat = update.effective_user, update.effective_chat
        uid = user.id if user else None
        role = (
            "quản trị viên"
            if self.access.is_admin(uid)
            else ("được phép hỏi" if self.access.allowed(uid, chat.id if chat else None) else "chưa được cấp quyền")
        )
        await self._reply(
            update.effective_message,
            f"Mã người dùng: <code>{uid}</code>\nMã nhóm/chat: <code>{chat.id if chat else '?'}</code>\nQuyền: {role}",
        )

    async def documents(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/tailieu: the indexed documents this asker may see."""
        text = await asyncio.to_thread(self.service.documents_html, self.asker(update))
        await self._reply(update.effective_message, text)

    async def ask_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hoi <câu hỏi>."""
        question = _args(update)
        if not question:
            await self._reply(update.effective_message, "Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi hạn nộp báo cáo tổng kết")
            return
        await self._answer(update, context, question)

    # ---- questions -------------------------------------------------------------------------
    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text in a private chat; in groups only when the bot is mentioned or replied to."""
        msg = update.effective_message
        if msg is None or not msg.text:
            return
        question = clean(msg.text)
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
        msg: Message = update.effective_message
        user = update.effective_user
        if not question:
            return
        if len(question) > self.settings.max_question_chars:
            await self._reply(
                msg,
                f"Câu hỏi quá dài ({len(question)} ký tự). Hãy hỏi ngắn gọn, tối đa "
                f"{self.settings.max_question_chars} ký tự.",
            )
            return
        if user is not None and not self.limiter.allow(user.id):
            await self._reply(msg, TOO_FAST.format(n=self.settings.questions_per_minute))
            return
        self._typing(context.bot, msg.chat_id)
        reply = await asyncio.to_thread(self.service.ask, self.asker(update), question)
        await self._reply(msg, reply.html, _markup(reply), quote=msg.chat.type != ChatType.PRIVATE)

    # ---- admin: documents ---------------------------------------------------------------------
    async def document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An uploaded file (the gate let only admins through): validated, indexed, confirmed. The
        status message always ends in a verdict, whatever fails on the way."""
        msg = update.effective_message
        user = update.effective_user
        doc = msg.document
        max_upload = self.service.engine.max_upload_bytes
        if doc.file_size and doc.file_size > max_upload:
            await self._reply(
                msg,
                f"Tệp quá lớn ({doc.file_size / 1024 / 1024:.1f} MB; tối đa {max_upload // 1024 // 1024} MB). "
                "Hãy chia nhỏ tệp, hoặc dùng máy chủ Bot API riêng để nhận tệp lớn.",
            )
            return
        status = await self._reply(msg, "⏳ Đang kiểm tra và lập chỉ mục tài liệu…")
        level = parse_level(clean(msg.caption or "").lower().removeprefix("mức").strip(" :"))
        markup = None
        try:
            tg_file = await doc.get_file()
            data = bytes(await tg_file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("Không tải được tệp: %s", exc)
            text = "❌ Không tải được tệp từ Telegram, hãy gửi lại. Không có gì thay đổi."
        else:
            on_page = self._progress(status, "⏳ Tệp là bản quét: đang đọc {total} trang bằng OCR ({done}/{total})…")
            text, pending = await asyncio.to_thread(
                self.admin.receive, user.id, data, doc.file_name or "tai-lieu", level, on_page
            )
            markup = _confirm_markup(pending, "Có, thay thế") if pending else None
        await self._verdict(context.bot, msg, status, text, markup)

    async def _verdict(self, bot, msg: Message, status: Message | None, text: str, markup=None) -> None:
        """Edit the status message into the verdict; if the edit cannot be made, send it anew."""
        if status is not None:
            try:
                await status.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
                return
            except TelegramError as exc:
                log.warning("Không sửa được tin trạng thái: %s", exc)
        await self._send(bot, msg.chat_id, text, markup)

    async def remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/xoa <tài liệu>: admins only, after confirmation."""
        user = update.effective_user
        text, pending = await asyncio.to_thread(self.admin.ask_remove, user.id, _args(update))
        markup = _confirm_markup(pending, "Xóa") if pending else None
        await self._reply(update.effective_message, text, markup)

    async def reindex(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reindex: rebuild, editing one progress message in place."""
        user = update.effective_user
        msg = update.effective_message
        status = await self._reply(msg, "⏳ Bắt đầu lập chỉ mục lại…")
        on_step = self._progress(status, "⏳ Đang {stage}: {done}/{total}")
        text = await asyncio.to_thread(
            self.admin.reindex, user.id, lambda stage, done, total: on_step(done, total, stage=stage)
        )
        await self._verdict(context.bot, msg, status, text)

    def _progress(self, status: Message | None, template: str):
        """A callback for work in a thread that edits one status message (at most every 1.5 s, and
        at the end); ``template`` is formatted with ``done``, ``total`` and any keywords."""
        loop = asyncio.get_running_loop()
        last = {"t": 0.0, "text": ""}

        async def edit(text: str) -> None:
            try:
                if status is not None:
                    await status.edit_text(text)
            except TelegramError:
                pass  # progress is a courtesy; the verdict is what counts

        def report(done: int, total: int, **more) -> None:
            now = loop.time()
            text = template.format(done=done, total=total, **more)
            if text != last["text"] and (now - last["t"] > 1.5 or done in (0, total)):
                last.update(t=now, text=text)
                asyncio.run_coroutine_threadsafe(edit(text), loop)

        return report

    async def journal(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/nhatky: latest adds, replacements, removals."""
        text = await asyncio.to_thread(self.admin.audit_html)
        await self._reply(update.effective_message, text)

    # ---- deadlines and reminders -------------------------------------------------------------
    async def deadlines(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/hanchot [đơn vị | số ngày]."""
        text = await asyncio.to_thread(self.service.deadlines_html, self.asker(update), _args(update), self.today())
        await self._reply(update.effective_message, text)

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/theodoi [đơn vị]: this chat gets reminders (all deadlines, or one unit's)."""
        unit = short(_args(update), 200)
        asker = self.asker(update)
        new = await asyncio.to_thread(self.service.db.subscribe, asker.chat_id, unit, "", asker.user_id)
        what = f"các hạn của «{html.escape(short(unit))}»" if unit else "mọi hạn chót trong tài liệu"
        stages = ", ".join(str(s) for s in self.settings.stages if s) + " ngày trước và đúng ngày"
        await self._reply(
            update.effective_message,
            ("Đã đăng ký" if new else "Bạn đã đăng ký từ trước") + f" nhận nhắc {what}, lúc "
            f"{self.settings.remind_time} các ngày: {stages}. Gõ /huytheodoi để thôi.",
        )

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/huytheodoi: stop every reminder for this chat."""
        n = await asyncio.to_thread(self.service.db.unsubscribe, update.effective_chat.id)
        await self._reply(
            update.effective_message, "Đã hủy nhận nhắc hạn." if n else "Chat này chưa đăng ký nhận nhắc hạn."
        )

    async def remind(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The reminder job (bot/reminders.py): once per (chat, deadline, stage), across restarts."""
        again = await send_due(
            context.bot, self.service, self.access, self.today(), self.settings.stages, self.settings.remind_lease
        )
        if again and context.job_queue is not None:
            context.job_queue.run_once(
                self.remind, self.settings.remind_lease + 1, name="reminders-retry", job_kwargs=LATE_OK
            )

    # ---- buttons: one handler per kind --------------------------------------------------------
    def _chat_of(self, update: Update) -> int:
        query = update.callback_query
        if query is not None and query.message is not None:
            return query.message.chat.id
        return update.effective_chat.id if update.effective_chat else 0

    async def more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """m:<token>:<start>: the next citations."""
        token, start = context.match.group(1), int(context.match.group(2))
        await self._answer_query(update.callback_query)
        reply = await asyncio.to_thread(self.service.more, self.asker(update), token, start)
        await self._send(context.bot, self._chat_of(update), reply.html, _markup(reply))

    async def section(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """s:<token>:<i>: the whole section around citation i."""
        token, index = context.match.group(1), int(context.match.group(2))
        await self._answer_query(update.callback_query)
        for text in await asyncio.to_thread(self.service.section, self.asker(update), token, index):
            await self._send(context.bot, self._chat_of(update), text)

    async def feedback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """f:<token>:<±1>: 👍/👎."""
        token, vote = context.match.group(1), int(context.match.group(2))
        text = await asyncio.to_thread(self.service.feedback, self.asker(update), token, vote)
        await self._answer_query(update.callback_query, text)

    async def notify(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """n:<deadline>: remind this chat of one deadline."""
        deadline_id = context.match.group(1)
        asker = self.asker(update)
        if not await asyncio.to_thread(self.service.deadline_visible, asker, deadline_id):
            await self._answer_query(update.callback_query, "Nút không hợp lệ.")
            return
        new = await asyncio.to_thread(self.service.db.subscribe, self._chat_of(update), "", deadline_id, asker.user_id)
        await self._answer_query(
            update.callback_query, "Đã bật nhắc hạn cho mục này." if new else "Bạn đã bật nhắc hạn này rồi."
        )

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """a:<pending>:<0|1>: an admin's yes or no to "Thay thế?" / "Xóa?"."""
        pending, yes = context.match.group(1), context.match.group(2) == "1"
        await self._answer_query(update.callback_query, "Đang xử lý…" if yes else "Đã hủy")
        text = await asyncio.to_thread(self.admin.confirm, pending, update.effective_user.id, yes)
        await self._send(context.bot, self._chat_of(update), text)

    async def bad_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Callback data of no known form (forged, or from an older version)."""
        await self._answer_query(update.callback_query, "Nút không hợp lệ.")

    # ---- errors ----------------------------------------------------------------------------
    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log every failure; tell the user only when the failure was ours, not the network's (a reply
        whose delivery failed may still have arrived, and an error message after it would be wrong)."""
        log.error("Lỗi khi xử lý cập nhật: %s", html.escape(str(update))[:500], exc_info=context.error)
        if isinstance(context.error, NetworkError):
            return
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, ERROR_TEXT)
            except Exception:  # noqa: BLE001 - the error handler must never raise
                log.exception("Không gửi được thông báo lỗi")


async def _set_commands(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Publish the command menu (a one-off job, so it runs however the application is started)."""
    try:
        await context.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
    except TelegramError as exc:
        log.warning("Không đặt được danh sách lệnh: %s", exc)


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
    """Wire the gate and the handlers into an Application that talks to settings.api_base_url."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN chưa được cấu hình")
    for line in service.engine.recover():  # half-done uploads of a killed process, temporary files
        log.info("Khởi động: %s", line)
    bot = DocBot(service, settings, clock)
    request = RetryingRequest(
        attempts=settings.send_attempts,
        backoff=settings.send_backoff,
        max_retry_after=settings.max_retry_after,
        read_timeout=settings.read_timeout,
        write_timeout=settings.read_timeout,
        connect_timeout=settings.connect_timeout,
        media_write_timeout=max(settings.read_timeout, 20.0),
    )
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.file_base_url)
        .request(request)
        .concurrent_updates(32)
    )
    if settings.telegram_rate > 0:  # 429s are waited out in delivery.py; the limiter only paces
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_rate, max_retries=0))
    app = builder.build()
    app.bot_data["docbot"] = bot
    app.add_handler(TypeHandler(Update, bot.gate), group=-1)
    app.add_handler(CommandHandler(["start", "help"], bot.start))
    app.add_handler(CommandHandler("whoami", bot.whoami))
    app.add_handler(CommandHandler(["tailieu", "docs"], bot.documents))
    app.add_handler(CommandHandler(["hoi", "ask"], bot.ask_command))
    app.add_handler(CommandHandler(["hanchot", "deadlines"], bot.deadlines))
    app.add_handler(CommandHandler(["theodoi", "subscribe"], bot.subscribe))
    app.add_handler(CommandHandler(["huytheodoi", "unsubscribe"], bot.unsubscribe))
    app.add_handler(CommandHandler(["xoa", "remove"], bot.remove))
    app.add_handler(CommandHandler("reindex", bot.reindex))
    app.add_handler(CommandHandler(["nhatky", "log"], bot.journal))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, bot.document))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, bot.text))
    for kind, pattern in BUTTONS.items():
        app.add_handler(CallbackQueryHandler(getattr(bot, kind), pattern=pattern))
    app.add_handler(CallbackQueryHandler(bot.bad_button))
    app.add_error_handler(bot.error)
    app.job_queue.run_once(_set_commands, 0, name="set-commands")
    hh, mm = (int(x) for x in settings.remind_time.split(":"))
    app.job_queue.run_daily(
        bot.remind, dt_time(hh, mm, tzinfo=ZoneInfo(settings.timezone)), name="reminders", job_kwargs=LATE_OK
    )
    # what fell due while the bot was down
    app.job_queue.run_once(bot.remind, 1, name="reminders-catch-up", job_kwargs=LATE_OK)
    return app
