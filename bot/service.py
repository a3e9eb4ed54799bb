"""What the bot does, without Telegram types: answer, show more, show a section, record feedback.

Handlers stay thin (parse the update, call one method here, send what it returns); this layer is
tested without a network and is the only place the bot meets the engine.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from bot.db import BotDB
from bot.render import TELEGRAM_LIMIT, doc_citation, fit_message, render_html
from index.answer.lines import Answer

CITATIONS_PER_PAGE = 3
MAX_HITS = 9


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


class BotService:
    """Answers questions for chats and keeps what the buttons need in SQLite."""

    def __init__(self, engine, db: BotDB):
        self.engine = engine
        self.db = db

    def ask(self, chat_id: int, user_id: int | None, question: str) -> Reply:
        """Search (blocking: call it off the event loop) and render the first page of citations."""
        answer, _ = self.engine.ask(question, top_k=MAX_HITS)
        answer_id = self.db.save_answer(
            chat_id, user_id, question, answer.text, answer.found, [h.passage.pid for h in answer.hits]
        )
        reply = Reply(
            render_html(answer, self.engine.index.docs, 0, CITATIONS_PER_PAGE), self._buttons(answer_id, answer, 0)
        )
        deadline = self._deadline_in(answer) if answer.found else None
        if deadline is not None:
            reply.buttons.insert(0, [Button("🔔 Nhắc tôi", f"n:{deadline.id}:0")])
        return reply

    def _deadline_in(self, answer: Answer):
        """The deadline an answer is about: its wording is in the answer line, or in the top passage of a
        'when' question."""
        top = answer.hits[0].passage if answer.hits else None
        deadlines = self.db.active_deadlines()
        if not deadlines:  # first question after start: the reminder job may not have synced yet
            self.refresh_deadlines()
            deadlines = self.db.active_deadlines()
        for d in deadlines:
            if not d.due_text:
                continue
            if d.due_text in answer.text:
                return d
            if answer.kind in ("date", "deadline") and top is not None and top.doc == d.doc and d.due_text in top.text:
                return d
        return None

    # ---- deadlines --------------------------------------------------------------------------
    def refresh_deadlines(self) -> int:
        """Copy the live index's deadlines into SQLite (new documents included)."""
        items = self.engine.deadlines()
        self.db.sync_deadlines(items)
        return len(items)

    def citation(self, doc: str) -> str:
        """Document title and số hiệu for a deadline's citation."""
        return doc_citation(self.engine.index.docs.get(doc), doc)

    def deadlines_html(self, arg: str, today) -> str:
        """/hanchot [đơn vị | số ngày]: upcoming and overdue (last 30 days), soonest first."""
        from datetime import date, timedelta

        from bot.reminders import deadline_html
        from index.ingest.deadlines import match_unit

        items = self.db.active_deadlines()
        arg = arg.strip()
        horizon = None
        if arg.isdigit():
            horizon = int(arg)
        elif arg:
            items = [d for d in items if match_unit(arg, d.responsible)]
        keep = []
        for d in items:
            end = date.fromisoformat(d.due_date)
            if end < today - timedelta(days=30):
                continue
            if horizon is not None and (end - today).days > horizon:
                continue
            keep.append(d)
        keep.sort(key=lambda d: d.due_date)
        named = f" cho đơn vị «{html.escape(arg)}»" if arg and horizon is None else ""
        if not keep:
            return f"Không có hạn chót nào sắp đến{named}."
        head = f"<b>Hạn chót sắp đến và vừa quá hạn ({len(keep)}){named}</b>"
        body = "\n\n".join(deadline_html(d, today, self.citation(d.doc)) for d in keep[:10])
        more = f"\n\n… và {len(keep) - 10} hạn khác." if len(keep) > 10 else ""
        return fit_message(head + "\n\n" + body + more, [])

    def _buttons(self, answer_id: int, answer: Answer, start: int) -> list[list[Button]]:
        rows: list[list[Button]] = []
        shown = answer.hits[start : start + CITATIONS_PER_PAGE]
        if shown:
            rows.append([Button("Toàn văn mục", f"s:{answer_id}:{start}")])
        if len(answer.hits) > start + CITATIONS_PER_PAGE:
            rows[-1].insert(0, Button("Xem thêm", f"m:{answer_id}:{start + CITATIONS_PER_PAGE}"))
        rows.append([Button("👍", f"f:{answer_id}:1"), Button("👎", f"f:{answer_id}:-1")])
        return rows

    def _stored(self, answer_id: int) -> tuple[Answer, object] | None:
        stored = self.db.answer(answer_id)
        if stored is None:
            return None
        from index.retrieval.search import Hit

        hits = []
        for rank, pid in enumerate(stored.pids):
            p = self.engine.passage(pid)
            if p is not None:
                hits.append(Hit(p, 0.0, 0.0, 0.0, rank))
        return Answer(stored.found, stored.answer, "", hits), stored

    def more(self, answer_id: int, start: int) -> Reply:
        """The next page of citations for an earlier answer."""
        loaded = self._stored(answer_id)
        if loaded is None or start >= len(loaded[0].hits):
            return Reply("Không còn đoạn nào khác cho câu hỏi này (có thể tài liệu vừa được cập nhật).")
        answer, stored = loaded
        body = render_html(answer, self.engine.index.docs, start, CITATIONS_PER_PAGE)
        head = f"<i>Thêm trích dẫn cho: {html.escape(stored.question[:200], quote=False)}</i>\n\n"  # type: ignore[attr-defined]
        return Reply(head + body.split("\n\n", 1)[-1], self._buttons(answer_id, answer, start))

    def section(self, answer_id: int, index: int) -> list[str]:
        """The whole section around a cited passage, split into messages under the limit."""
        stored = self.db.answer(answer_id)
        if stored is None or index >= len(stored.pids):
            return ["Không tìm thấy mục này (có thể tài liệu vừa được cập nhật)."]
        found = self.engine.section_text(stored.pids[index])
        if found is None:
            return ["Không tìm thấy mục này (có thể tài liệu vừa được cập nhật)."]
        section, text = found
        p = self.engine.passage(stored.pids[index])
        doc = self.engine.index.docs.get(p.doc) if p else None
        cite = html.escape(doc_citation(doc, p.doc if p else ""), quote=False)
        head = f"<b>{cite}</b>\n<i>{html.escape(section, quote=False)}</i>"
        messages: list[str] = []
        chunk: list[str] = []
        for line in text.split("\n"):
            candidate = "\n".join(chunk + [line])
            if chunk and len(candidate) + len(section) + 300 > TELEGRAM_LIMIT:
                messages.append(fit_message(head, [("", html.escape("\n".join(chunk), quote=False))]))
                chunk = []
            chunk.append(line)
        if chunk:
            messages.append(fit_message(head, [("", html.escape("\n".join(chunk), quote=False))]))
        return messages

    def feedback(self, answer_id: int, user_id: int, vote: int) -> str:
        """Record 👍/👎 with the question and answer."""
        if self.db.answer(answer_id) is None:
            return "Không tìm thấy câu trả lời này."
        self.db.save_feedback(answer_id, user_id, 1 if vote > 0 else -1)
        return "Cảm ơn góp ý của bạn!"

    def documents_html(self) -> str:
        """The indexed documents: title, số hiệu, date, passages."""
        docs = self.engine.index.docs
        if not docs:
            return "Chưa có tài liệu nào được lập chỉ mục."
        lines = [f"<b>Tài liệu đã lập chỉ mục ({len(docs)}):</b>"]
        for n, d in enumerate(docs.values(), 1):
            lines.append(f"{n}. {html.escape(doc_citation(d, d.doc), quote=False)} — {d.passages} đoạn")
        return fit_message("\n".join(lines), [])
