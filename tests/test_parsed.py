"""The parse cache: a document is parsed once per content, and a changed file is parsed again."""

from __future__ import annotations

from pathlib import Path

import index.ingest.parsed as parsed_mod
from index.ingest.parsed import ParseCache, parse_document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "cong-van-1021-CV-TU-2024.txt"


def test_cached_parse_equals_fresh_parse(tmp_path: Path, monkeypatch) -> None:
    data = SEED.read_bytes()
    cache = ParseCache(tmp_path / "parsed.sqlite")
    first = cache.parse(SEED.name, data)
    calls = []
    monkeypatch.setattr(parsed_mod, "parse_document", lambda *a: calls.append(a) or parse_document(*a))
    again = cache.parse(SEED.name, data)
    assert calls == []  # served from the cache
    assert again == first == parse_document(SEED.name, data)
    assert again.passages and again.meta.number


def test_changed_content_or_name_is_parsed_again(tmp_path: Path, monkeypatch) -> None:
    data = SEED.read_bytes()
    cache = ParseCache(tmp_path / "parsed.sqlite")
    cache.parse(SEED.name, data)
    calls = []
    monkeypatch.setattr(parsed_mod, "parse_document", lambda *a: calls.append(a) or parse_document(*a))
    edited = cache.parse(SEED.name, data + "\n\n5. Một nhiệm vụ mới được bổ sung.\n".encode())
    renamed = cache.parse("ban-sao.txt", data)
    assert len(calls) == 2
    assert any("nhiệm vụ mới" in p.text for p in edited.passages)
    assert {p.doc for p in renamed.passages} == {"ban-sao.txt"}


def test_entry_of_another_shape_is_parsed_again(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    cache = ParseCache(tmp_path / "parsed.sqlite")
    with cache.db:  # as an older version of the code would have stored it
        cache.db.execute("INSERT INTO parsed VALUES (?, ?)", (ParseCache.key(SEED.name, data), '{"name": "x"}'))
    assert cache.parse(SEED.name, data) == parse_document(SEED.name, data)
