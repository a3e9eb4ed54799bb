"""Admin document management from Telegram: upload, replace (with confirmation), remove, re-index,
audit log. The logic lives in the Engine (one implementation with the CLI); this module holds the
pending uploads behind the "Thay thế?" buttons and formats the replies.

Every upload ends in a verdict: whatever a loader or the disk raises becomes a message that says
nothing changed (the Engine has rolled the change back)."""

from __future__ import annotations

import html
import logging
import secrets
import sqlite3
import time
from dataclasses import dataclass

from bot.render import fit_message
from index.engine import Change, DocumentError, NeedsConfirmation, Upload, level_label

log = logging.getLogger("docbot.admin")
PENDING_SECONDS = 3600  # a "Thay thế?" question left unanswered for an hour is dropped (its bytes with it)
NOTHING_CHANGED = "Không có gì thay đổi."


@dataclass
class Pending:
    """An upload waiting for "Thay thế?" or a removal waiting for confirmation."""

    kind: str  # "replace" | "remove"
    who: int
    created: float
    upload: Upload | None = None
    existing: str = ""
    doc: str = ""


def failure(exc: BaseException) -> str:
    """The verdict for an upload that could not be completed."""
    if isinstance(exc, DocumentError):
        return f"❌ {html.escape(str(exc), quote=False)}\n{NOTHING_CHANGED}"
    if isinstance(exc, (OSError, sqlite3.Error)):
        return f"❌ Không ghi được vào thư mục dữ liệu (ổ đĩa đầy hoặc chỉ đọc). {NOTHING_CHANGED}"
    return f"❌ Không đọc được tệp này (lỗi {html.escape(type(exc).__name__)}). {NOTHING_CHANGED}"


class AdminService:
    """Adds, replaces and removes documents through the Engine, one change at a time."""

    def __init__(self, engine):
        self.engine = engine
        self._pending: dict[str, Pending] = {}

    def _hold(self, pending: Pending) -> str:
        now = time.time()
        for key in [k for k, p in self._pending.items() if now - p.created > PENDING_SECONDS]:
            del self._pending[key]
        pid = secrets.token_urlsafe(9)
        self._pending[pid] = pending
        return pid

    def receive(
        self, who: int, data: bytes, file_name: str, level: str = "", on_page=None
    ) -> tuple[str, str | None]:
        """Validate an upload; store and index it, or hold it for a replace confirmation.

        Returns (HTML reply, pending id when a "Thay thế?" question is asked). Never raises.
        ``on_page(done, total)`` hears a scan's OCR progress."""
        try:
            upload = self.engine.check_upload(data, file_name, level, on_page)
            return self._commit(who, upload, replace=False)
        except Exception as exc:  # noqa: BLE001 - any loader or disk failure is this file's verdict
            log.warning("Tải lên «%s» thất bại: %r", file_name, exc)
            return failure(exc), None

    def _commit(self, who: int, upload: Upload, replace: bool, confirmed: str | None = None) -> tuple[str, str | None]:
        result = self.engine.add_document(upload, f"telegram:{who}", replace_existing=replace, confirmed=confirmed)
        if isinstance(result, NeedsConfirmation):
            pid = self._hold(Pending("replace", who, time.time(), upload, result.existing))
            name = upload.checked.name
            return (
                f"Tài liệu «{html.escape(name)}» trùng {result.reason} với "
                f"«{html.escape(result.existing)}». <b>Thay thế?</b>",
                pid,
            )
        return self._done(result), None

    @staticmethod
    def _done(c: Change) -> str:
        meta = c.meta
        assert meta is not None
        level = f"\nMức truy cập: {level_label(c.level)}" if c.level else ""
        return (
            f"✅ {'Đã thay thế' if c.action == 'replace' else 'Đã thêm'} «{html.escape(c.doc)}»\n"
            f"Tên: {html.escape(meta.title[:200], quote=False)}\n"
            f"Số hiệu: {html.escape(meta.number or 'không ghi')}"
            + (f" · ngày {meta.date}" if meta.date else "")
            + f"\nSố trang: {c.pages or '—'} · Số đoạn: {c.passages} · Hạn chót: {c.deadlines}"
            + level
            + f"\nThời gian: {c.seconds:.1f} giây ({c.embedded} vectơ mới). Đã có thể hỏi về tài liệu này."
        )

    def confirm(self, pid: str, who: int, yes: bool) -> str:
        """Answer to a "Thay thế?" / "Xóa?" question. Never raises."""
        pending = self._pending.pop(pid, None)
        if pending is None:
            return "Yêu cầu này đã hết hạn hoặc đã được xử lý."
        if pending.who != who:
            self._pending[pid] = pending
            return "Chỉ người gửi yêu cầu mới xác nhận được."
        if not yes:
            return "Đã hủy, không có gì thay đổi."
        try:
            if pending.kind == "replace" and pending.upload is not None:
                return self._commit(who, pending.upload, replace=False, confirmed=pending.existing)[0]
            removed = self.engine.remove_document(pending.doc, f"telegram:{who}")
        except Exception as exc:  # noqa: BLE001
            log.warning("Thay đổi tài liệu thất bại: %r", exc)
            return failure(exc)
        if removed is not None:
            return f"🗑 Đã xóa «{html.escape(pending.doc)}» và cập nhật chỉ mục."
        return "Tài liệu không còn trong thư mục."

    def ask_remove(self, who: int, query: str) -> tuple[str, str | None]:
        """/xoa <tài liệu>: find it and ask for confirmation."""
        if not query.strip():
            return "Hãy ghi tên tệp hoặc số hiệu: /xoa 34-KH/BCĐ", None
        found = self.engine.find_documents(query[:200])
        if not found:
            return "Không tìm thấy tài liệu nào khớp.", None
        if len(found) > 1:
            return "Có nhiều tài liệu khớp, hãy ghi rõ hơn:\n" + "\n".join(html.escape(f) for f in found[:10]), None
        pid = self._hold(Pending("remove", who, time.time(), doc=found[0]))
        return f"<b>Xóa</b> «{html.escape(found[0])}» khỏi thư viện?", pid

    def reindex(self, who: int, on_progress) -> str:
        """/reindex: rebuild everything (the vector cache keeps it incremental)."""
        try:
            report = self.engine.reindex(f"telegram:{who}", on_progress)
        except Exception as exc:  # noqa: BLE001
            log.exception("Lập chỉ mục lại thất bại")
            return failure(exc)
        errors = "".join(f"\n⚠️ {html.escape(k)}: {html.escape(v, quote=False)}" for k, v in report.errors.items())
        return (
            f"✅ Đã lập chỉ mục lại {report.documents} tài liệu, {report.passages} đoạn "
            f"trong {report.seconds:.1f} giây.{errors}"
        )

    def audit_html(self, n: int = 15) -> str:
        """/nhatky: the latest changes."""
        rows = self.engine.audit(n)
        if not rows:
            return "Chưa có thay đổi nào."
        names = {"add": "thêm", "replace": "thay thế", "remove": "xóa", "reindex": "lập chỉ mục lại"}
        lines = ["<b>Nhật ký thay đổi</b>"]
        for ts, who, action, doc, _detail in rows:
            when = time.strftime("%d/%m/%Y %H:%M", time.localtime(ts))
            lines.append(f"{when} · {html.escape(who)} · {names.get(action, action)} · {html.escape(doc)}")
        return fit_message("\n".join(lines), [])
