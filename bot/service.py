"""What the bot does, without Telegram types: answer, show more, show a section, record feedback,
list documents and deadlines, for one asker at a time (their clearance decides what exists).

Handlers stay thin (parse the update, call one method here, send what it returns); this layer is
tested without a network and meets the index only through the Engine.
"""

from __future__ import annotations

import html
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from bot.db import BotDB
from bot.render import TELEGRAM_LIMIT, cite_label, doc_citation, fit_message, render_html
from bot.textclean import short, small_number
from index.engine import Answer, Asked, Deadline

CITATIONS_PER_PAGE = 3
MAX_HITS = 9
OVERDUE_DAYS = 30  # /hanchot also shows what fell due in the last month: late work is still wanted
SHOWN_DEADLINES = 10
GONE = "Không tìm thấy mục này (có thể tài liệu vừa được cập nhật)."
log = logging.getLogger("docbot.bot")


@dataclass
class Button:
    """An inline button: label and short callback data (never the question text)."""

    text: str
    data: str


@dataclass
class Reply:
    """A message to send: HTML text and rows of buttons."""

    html: str
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass(frozen=True)
class Asker:
    """Who asks, where, and what they may see."""

    chat_id: int
    user_id: int | None
    cleared: str = ""  # the highest access level cleared ("" = public documents only)


class BotService:
    """Answers questions for chats and keeps what the buttons need in SQLite."""

    def __init__(self, engine, db: BotDB):
        self.engine = engine
        self.db = db

    def ask(self, asker: Asker, question: str) -> Reply:
        """Search (blocking: call it off the event loop) and render the first page of citations.

        The answer is sent even when it cannot be saved (a full or read-only data directory): its
        buttons then stay off, and the log says why."""
        asked: Asked = self.engine.ask_as(question, asker.cleared, top_k=MAX_HITS)
        answer = asked.answer
        try:
            token = self.db.save_answer(
                asker.chat_id,
                asker.user_id,
                question,
                answer.text,
                answer.found,
                [c.hit.passage.pid for c in asked.cited],
            )
        except (sqlite3.Error, OSError) as exc:
            log.warning("Không lưu được câu trả lời (%s): gửi không kèm nút", exc)
            token = None
        reply = Reply(render_html(asked, 0, CITATIONS_PER_PAGE), self._buttons(token, len(asked.cited), 0))
        deadline = self._deadline_in(asked, asker) if answer.found and token else None
        if deadline is not None:
            reply.buttons.insert(0, [Button("🔔 Nhắc tôi", f"n:{deadline.id}")])
        return reply

    def _deadline_in(self, asked: Asked, asker: Asker) -> Deadline | None:
        """The deadline an answer is about: its wording is in the answer line, or in the top passage of a
        'when' question."""
        answer: Answer = asked.answer
        top = asked.cited[0].hit.passage if asked.cited else None
        for d in self.engine.deadlines_for(date.min, asker.cleared, overdue_days=None):
            if not d.due_text:
                continue
            if d.due_text in answer.text:
                return d
            if answer.kind in ("date", "deadline") and top is not None and top.doc == d.doc and d.due_text in top.text:
                return d
        return None

    # ---- deadlines --------------------------------------------------------------------------
    def refresh_deadlines(self) -> int:
        """Copy the live index's deadlines into SQLite (new documents included) for the reminders."""
        items = self.engine.deadlines()
        self.db.sync_deadlines(items)
        return len(items)

    def citation(self, doc: str) -> str:
        """Document title and số hiệu for a deadline's citation."""
        return doc_citation(self.engine.index.docs.get(doc), doc)

    def deadlines_html(self, asker: Asker, arg: str, today: date) -> str:
        """/hanchot [đơn vị | số ngày]: upcoming and overdue (last 30 days), soonest first."""
        from bot.reminders import deadline_html

        arg = short(arg.strip())
        days = small_number(arg)
        unit = arg if arg and days is None else None
        keep = self.engine.deadlines_for(today, asker.cleared, unit=unit, days=days, overdue_days=OVERDUE_DAYS)
        named = f" cho đơn vị «{html.escape(unit)}»" if unit else ""
        if not keep:
            return f"Không có hạn chót nào sắp đến{named}."
        head = f"<b>Hạn chót sắp đến và vừa quá hạn ({len(keep)}){named}</b>"
        shown = keep[:SHOWN_DEADLINES]
        body = "\n\n".join(deadline_html(d, today, self.citation(d.doc)) for d in shown)
        more = f"\n\n… và {len(keep) - len(shown)} hạn khác." if len(keep) > len(shown) else ""
        return fit_message(head + "\n\n" + body + more, [])

    def deadline_visible(self, asker: Asker, deadline_id: str) -> bool:
        """Whether a "🔔 Nhắc tôi" button names a deadline this asker may see."""
        return any(d.id == deadline_id for d in self.engine.deadlines_for(date.min, asker.cleared, overdue_days=None))

    # ---- buttons ----------------------------------------------------------------------------
    def _buttons(self, token: str | None, n_hits: int, start: int) -> list[list[Button]]:
        if token is None:
            return []
        rows: list[list[Button]] = []
        if start < n_hits:
            rows.append([Button("Toàn văn mục", f"s:{token}:{start}")])
        if n_hits > start + CITATIONS_PER_PAGE:
            rows[-1].insert(0, Button("Xem thêm", f"m:{token}:{start + CITATIONS_PER_PAGE}"))
        rows.append([Button("👍", f"f:{token}:1"), Button("👎", f"f:{token}:-1")])
        return rows

    def more(self, asker: Asker, token: str, start: int) -> Reply:
        """The next page of citations for an earlier answer in this chat."""
        stored = self.db.answer(token, asker.chat_id)
        if stored is None:
            return Reply("Không còn đoạn nào khác cho câu hỏi này (có thể tài liệu vừa được cập nhật).")
        cited = self.engine.recall(stored.pids, asker.cleared)
        if start >= len(cited):
            return Reply("Không còn đoạn nào khác cho câu hỏi này (có thể tài liệu vừa được cập nhật).")
        asked = Asked(Answer(stored.found, stored.answer, ""), cited, 0.0, self.engine.documents(asker.cleared))
        body = render_html(asked, start, CITATIONS_PER_PAGE)
        head = f"<i>Thêm trích dẫn cho: {html.escape(short(stored.question, 200), quote=False)}</i>\n\n"
        return Reply(head + body.split("\n\n", 1)[-1], self._buttons(token, len(cited), start))

    def section(self, asker: Asker, token: str, index: int) -> list[str]:
        """The whole section around a cited passage, split into messages under the limit."""
        stored = self.db.answer(token, asker.chat_id)
        if stored is None or not 0 <= index < len(stored.pids):
            return [GONE]
        found = self.engine.section(stored.pids[index], asker.cleared)
        if found is None:
            return [GONE]
        section = found.citation.section
        head = (
            f"<b>{html.escape(cite_label(found.citation), quote=False)}</b>\n<i>{html.escape(section, quote=False)}</i>"
        )
        messages: list[str] = []
        chunk: list[str] = []
        for line in found.text.split("\n"):
            candidate = "\n".join(chunk + [line])
            if chunk and len(candidate) + len(section) + 300 > TELEGRAM_LIMIT:
                messages.append(fit_message(head, [("", html.escape("\n".join(chunk), quote=False))]))
                chunk = []
            chunk.append(line)
        if chunk:
            messages.append(fit_message(head, [("", html.escape("\n".join(chunk), quote=False))]))
        return messages

    def feedback(self, asker: Asker, token: str, vote: int) -> str:
        """Record 👍/👎 with the question and answer."""
        stored = self.db.answer(token, asker.chat_id)
        if stored is None:
            return "Không tìm thấy câu trả lời này."
        try:
            self.db.save_feedback(stored.id, asker.user_id or 0, 1 if vote > 0 else -1)
        except (sqlite3.Error, OSError) as exc:
            log.warning("Không lưu được góp ý (%s)", exc)
            return "Chưa lưu được góp ý lúc này, xin thử lại sau."
        return "Cảm ơn góp ý của bạn!"

    def documents_html(self, asker: Asker) -> str:
        """The indexed documents this asker may see: title, số hiệu, date, passages."""
        docs = self.engine.documents(asker.cleared)
        if not docs:
            return "Chưa có tài liệu nào được lập chỉ mục."
        lines = [f"<b>Tài liệu đã lập chỉ mục ({len(docs)}):</b>"]
        for n, d in enumerate(docs.values(), 1):
            lines.append(f"{n}. {html.escape(doc_citation(d, d.doc), quote=False)} — {d.passages} đoạn")
        return fit_message("\n".join(lines), [])
