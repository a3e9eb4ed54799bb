"""bot/ meets index/ only through the Engine: a bot module importing any other index module fails."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
ALLOWED = {"index.engine"}  # the Engine and the data classes it returns, re-exported there


def index_imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "index":
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names if a.name.split(".")[0] == "index")
    return out


def test_bot_imports_only_the_engine():
    found = {p.name: [m for m in index_imports(p) if m not in ALLOWED] for p in sorted(BOT.glob("*.py"))}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from index.store import library\nimport index.text\n")
    assert index_imports(bad) == ["index.store", "index.text"]
