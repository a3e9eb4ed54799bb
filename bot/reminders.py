"""Which reminders are due, their text, and how they go out. Due-ness is pure functions over dates,
so tests run at any date.

A deadline is reminded against the last day of its period (a quarter, month or year counts to its
end) at the configured stages, by default 7, 3 and 1 days before and on the day. A stage that fell
due while the bot was down still goes out on start, but none older than a day past its stage.

Never lost, never silently doubled. Telegram has no idempotency key, so a send whose response was
lost cannot be told from one that never arrived. Each (chat, deadline, stage) is claimed in SQLite
with a lease, marked just before the request goes out, and confirmed with the message id Telegram
returns. A claim that never went out (the process died first) is sent after restart as if new. A
send whose outcome is unknown is sent once more after the lease, marked "nhắc lại", and never a
third time. A send that surely failed (no connection, 5xx after the retries) is released for the
next run. Before every send the chat (and the user who subscribed) must still be allowed, or the
subscription ends; a document the chat is not cleared for is never reminded there.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.db import Subscription
from bot.delivery import OutcomeUnknown, at_most_once
from index.engine import Deadline, unit_matches

DEFAULT_STAGES = (7, 3, 1, 0)
GRACE_DAYS = 1
log = logging.getLogger("docbot.reminders")


@dataclass(frozen=True)
class Due:
    """One reminder to send."""

    chat_id: int
    deadline: Deadline
    stage: int  # days before the due date
    user_id: int | None = None  # who subscribed the chat (None for subscriptions made before issue 15)


def wanted(sub: Subscription, d: Deadline) -> bool:
    """Whether a subscription covers a deadline."""
    if sub.deadline_id:
        return sub.deadline_id == d.id
    if sub.unit:
        return unit_matches(sub.unit, d.responsible)
    return True


def due_reminders(
    deadlines: list[Deadline], subs: list[Subscription], today: date, stages: tuple[int, ...] = DEFAULT_STAGES
) -> list[Due]:
    """(chat, deadline, stage) whose day has come, at most GRACE_DAYS late; the newest stage only."""
    out: list[Due] = []
    for d in deadlines:
        end = date.fromisoformat(d.due_date)
        fired = [s for s in sorted(stages) if end - timedelta(days=s) <= today <= end - timedelta(days=s - GRACE_DAYS)]
        if not fired:
            continue
        stage = min(fired)  # the closest stage to the deadline that is due now
        chats: dict[int, int | None] = {}
        for s in subs:
            if wanted(s, d):
                chats.setdefault(s.chat_id, s.user_id)
        out.extend(Due(c, d, stage, chats[c]) for c in sorted(chats))
    return out


def period_label(d: Deadline) -> str:
    """'30/9/2024', 'Quý IV/2024', 'tháng 9/2024', 'năm 2025'."""
    if d.precision == "day":
        y, m, dd = d.due.split("-")
        return f"{int(dd)}/{int(m)}/{y}"
    if d.precision == "quarter":
        y, q = d.due.split("-Q")
        return f"Quý {['I', 'II', 'III', 'IV'][int(q) - 1]}/{y}"
    if d.precision == "month":
        y, m = d.due.split("-")
        return f"tháng {int(m)}/{y}"
    return f"năm {d.due}"


def when_text(d: Deadline, today: date) -> str:
    """'còn 3 ngày', 'hôm nay', 'quá hạn 2 ngày'."""
    days = (date.fromisoformat(d.due_date) - today).days
    if days > 0:
        return f"còn {days} ngày"
    if days == 0:
        return "hôm nay là hạn"
    return f"đã quá hạn {-days} ngày"


def deadline_html(d: Deadline, today: date, citation: str) -> str:
    """One deadline with its citation, for reminders and /hanchot."""
    label = period_label(d)
    end = date.fromisoformat(d.due_date)
    extra = f" (tính đến {end.day}/{end.month}/{end.year})" if d.precision != "day" else ""
    tentative = ", dự kiến" if not d.firm else ""
    lines = [
        f"<b>Hạn: {html.escape(label)}{extra}{tentative}</b> — {when_text(d, today)}",
        html.escape(d.task, quote=False),
        f"Đơn vị: {html.escape(d.responsible or 'không ghi rõ', quote=False)}",
        f"<i>{html.escape(citation, quote=False)} › {html.escape(d.section[-160:], quote=False)}</i>",
    ]
    return "\n".join(lines)


def reminder_html(item: Due, today: date, citation: str, repeat: bool = False) -> str:
    """The reminder message; a repeat says so (the first may have arrived: Telegram did not confirm it)."""
    head = "🔔 <b>Nhắc hạn (nhắc lại)</b>" if repeat else "🔔 <b>Nhắc hạn</b>"
    return head + "\n" + deadline_html(item.deadline, today, citation)


async def send_due(bot, service, access, today: date, stages: tuple[int, ...], lease: float) -> bool:
    """Send what is due now. Returns True when some send failed or its outcome is unknown: the caller
    runs this again after the lease (a failed one is then sent as new, an unknown one as a repeat)."""
    import asyncio

    db = service.db
    await asyncio.to_thread(service.refresh_deadlines)
    items = due_reminders(db.active_deadlines(), db.subscriptions(), today, stages)
    unknown = False
    for item in items:
        if not access.allowed(item.user_id, item.chat_id):
            log.info("Chat %s không còn quyền: hủy đăng ký nhắc hạn", item.chat_id)
            db.unsubscribe(item.chat_id)
            continue
        if not service.engine.visible(item.deadline.doc, access.clearance(item.user_id, item.chat_id)):
            continue  # a document this chat is not cleared for: it never hears of it
        claim = db.claim(item.chat_id, item.deadline.id, item.stage, lease)
        if claim is None:
            continue
        text = reminder_html(item, today, service.citation(item.deadline.doc), claim.repeat)
        db.sending(claim)
        try:
            with at_most_once():
                message = await bot.send_message(item.chat_id, text, parse_mode=ParseMode.HTML)
        except Forbidden:
            log.info("Chat %s đã chặn bot: hủy đăng ký nhắc hạn", item.chat_id)
            db.unsubscribe(item.chat_id)
            db.drop_claim(claim)
        except OutcomeUnknown:
            log.warning("Nhắc hạn tới %s: không rõ đã đến chưa; sẽ nhắc lại một lần sau thời hạn giữ", item.chat_id)
            unknown = True
        except (NetworkError, BadRequest):
            log.exception("Gửi nhắc hạn thất bại, sẽ thử lại sau thời hạn giữ")
            db.release(claim)
            unknown = True
        else:
            db.confirm(claim, message.message_id)
    return unknown
