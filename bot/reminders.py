"""Which reminders are due, and their text. Pure functions over dates, so tests run at any date.

A deadline is reminded against the last day of its period (a quarter, month or year counts to its
end) at the configured stages, by default 7, 3 and 1 days before and on the day. A stage that fell
due while the bot was down still goes out on start, but none older than a day past its stage.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta

from bot.db import Subscription
from index.ingest.deadlines import Deadline, match_unit

DEFAULT_STAGES = (7, 3, 1, 0)
GRACE_DAYS = 1


@dataclass(frozen=True)
class Due:
    """One reminder to send."""

    chat_id: int
    deadline: Deadline
    stage: int  # days before the due date


def wanted(sub: Subscription, d: Deadline) -> bool:
    """Whether a subscription covers a deadline."""
    if sub.deadline_id:
        return sub.deadline_id == d.id
    if sub.unit:
        return match_unit(sub.unit, d.responsible)
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
        chats = {s.chat_id for s in subs if wanted(s, d)}
        out.extend(Due(c, d, stage) for c in sorted(chats))
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


def reminder_html(item: Due, today: date, citation: str) -> str:
    """The reminder message."""
    return "🔔 <b>Nhắc hạn</b>\n" + deadline_html(item.deadline, today, citation)
