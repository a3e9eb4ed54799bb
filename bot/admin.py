"""Admin document management from Telegram: upload, replace (with confirmation), remove, re-index,
audit log. The logic lives in index.store.library and the engine; this module only holds the pending
uploads behind the "Thay thế?" buttons and formats the replies."""

from __future__ import annotations

import html
import secrets
import threading
import time
from dataclasses import dataclass

from bot.render import fit_message
from index.ingest.loaders import LoaderError
from index.store import library


@dataclass
class Pending:
    """An upload waiting for "Thay thế?" or a removal waiting for confirmation."""

    kind: str  # "replace" | "remove"
    who: int
    created: float
    data: bytes = b""
    checked: library.Checked | None = None
    conflict: library.Conflict | None = None
    doc: str = ""


class AdminService:
    """Adds, replaces and removes documents, one change at a time (uploads are queued)."""

    def __init__(self, engine):
        self.engine = engine
        self.settings = engine.settings
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()  # one index change at a time; questions keep using the live index

    def _audit(self, who: int, action: str, doc: str, detail: str = "") -> None:
        log = library.audit_log(self.settings)
        try:
            log.record(f"telegram:{who}", action, doc, detail)
        finally:
            log.close()

    def receive(self, who: int, data: bytes, file_name: str) -> tuple[str, str | None]:
        """Validate an upload; store and index it, or hold it for a replace confirmation.

        Returns (HTML reply, pending id when a "Thay thế?" question is asked)."""
        try:
            checked = library.check(data, file_name)
        except LoaderError as exc:
            return f"❌ {html.escape(str(exc), quote=False)}\nKhông có gì thay đổi.", None
        conflict = library.find_conflict(self.settings, checked)
        if conflict is not None:
            pid = secrets.token_hex(4)
            self._pending[pid] = Pending("replace", who, time.time(), data, checked, conflict)
            return (
                f"Tài liệu «{html.escape(checked.name)}» trùng {conflict.reason} với "
                f"«{html.escape(conflict.existing)}». <b>Thay thế?</b>",
                pid,
            )
        return self._commit(who, data, checked, None), None

    def _commit(self, who: int, data: bytes, checked: library.Checked, conflict: library.Conflict | None) -> str:
        started = time.perf_counter()
        with self._lock:
            library.store(self.settings, data, checked, conflict)
            report = self.engine.rebuild(progress=False)
        self._audit(
            who,
            "replace" if conflict else "add",
            checked.name,
            f"{checked.meta.title[:120]} | {checked.meta.number or ''}",
        )
        doc = self.engine.index.docs.get(checked.name)
        n_dead = sum(1 for d in self.engine.deadlines() if d.doc == checked.name)
        meta = checked.meta
        return (
            f"✅ {'Đã thay thế' if conflict else 'Đã thêm'} «{html.escape(checked.name)}»\n"
            f"Tên: {html.escape(meta.title[:200], quote=False)}\n"
            f"Số hiệu: {html.escape(meta.number or 'không ghi')}"
            + (f" · ngày {meta.date}" if meta.date else "")
            + f"\nSố trang: {checked.pages or '—'} · Số đoạn: {doc.passages if doc else 0} · Hạn chót: {n_dead}\n"
            f"Thời gian: {time.perf_counter() - started:.1f} giây ({report.embedded} vectơ mới)."
        )

    def confirm(self, pid: str, who: int, yes: bool) -> str:
        """Answer to a "Thay thế?" / "Xóa?" question."""
        pending = self._pending.pop(pid, None)
        if pending is None:
            return "Yêu cầu này đã hết hạn hoặc đã được xử lý."
        if pending.who != who:
            self._pending[pid] = pending
            return "Chỉ người gửi yêu cầu mới xác nhận được."
        if not yes:
            return "Đã hủy, không có gì thay đổi."
        if pending.kind == "replace" and pending.checked is not None:
            return self._commit(who, pending.data, pending.checked, pending.conflict)
        with self._lock:
            removed = library.remove(self.settings, pending.doc)
            self.engine.rebuild(progress=False)
        if removed:
            self._audit(who, "remove", pending.doc)
            return f"🗑 Đã xóa «{html.escape(pending.doc)}» và cập nhật chỉ mục."
        return "Tài liệu không còn trong thư mục."

    def ask_remove(self, who: int, query: str) -> tuple[str, str | None]:
        """/xoa <tài liệu>: find it and ask for confirmation."""
        if not query.strip():
            return "Hãy ghi tên tệp hoặc số hiệu: /xoa 34-KH/BCĐ", None
        found = library.find_document(self.settings, query)
        if not found:
            return "Không tìm thấy tài liệu nào khớp.", None
        if len(found) > 1:
            return "Có nhiều tài liệu khớp, hãy ghi rõ hơn:\n" + "\n".join(html.escape(f) for f in found[:10]), None
        pid = secrets.token_hex(4)
        self._pending[pid] = Pending("remove", who, time.time(), doc=found[0])
        return f"<b>Xóa</b> «{html.escape(found[0])}» khỏi thư viện?", pid

    def reindex(self, who: int, on_progress) -> str:
        """/reindex: rebuild everything (the vector cache keeps it incremental)."""
        with self._lock:
            report = self.engine.rebuild(progress=False, on_progress=on_progress, full=True)
        self._audit(who, "reindex", "*", f"{report.documents} tài liệu, {report.passages} đoạn")
        errors = "".join(f"\n⚠️ {html.escape(k)}: {html.escape(v, quote=False)}" for k, v in report.errors.items())
        return (
            f"✅ Đã lập chỉ mục lại {report.documents} tài liệu, {report.passages} đoạn "
            f"trong {report.seconds:.1f} giây.{errors}"
        )

    def audit_html(self, n: int = 15) -> str:
        """/nhatky: the latest changes."""
        log = library.audit_log(self.settings)
        try:
            rows = log.latest(n)
        finally:
            log.close()
        if not rows:
            return "Chưa có thay đổi nào."
        names = {"add": "thêm", "replace": "thay thế", "remove": "xóa", "reindex": "lập chỉ mục lại"}
        lines = ["<b>Nhật ký thay đổi</b>"]
        for ts, who, action, doc, _detail in rows:
            when = time.strftime("%d/%m/%Y %H:%M", time.localtime(ts))
            lines.append(f"{when} · {html.escape(who)} · {names.get(action, action)} · {html.escape(doc)}")
        return fit_message("\n".join(lines), [])
