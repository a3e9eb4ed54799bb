"""Deadline extraction scored on every dev set, fitted and cross-validated (leave one document out).

    .venv/bin/python scripts/cv_deadlines.py                 # seed corpus + ../shared/realdocs
    .venv/bin/python scripts/cv_deadlines.py --json          # the figures as JSON
    .venv/bin/python scripts/cv_deadlines.py --missed        # also list what each set misses

What is chosen here, and how: the general cue constructions of index/vocab/dates.py
(GENERAL_CUES: "trước ngày", "chậm nhất", "hoàn thành trong", "hạn" …) are always on; each of the
CONTEXT_CUES ("trong", "vào", "đến", "dự kiến" …) is kept only when, on the training documents,
removing it loses more gold deadlines than false alarms it saves, and the deadlines it alone finds
sit in at least two documents (a cue word backed by one document is not a rule). "Fitted" chooses
on all documents and scores all of them; "LOO" chooses without each document in turn and scores
that document with the choice made without it, then sums over documents.

The scorer is ../shared/eval/score_deadlines.py's own matching (`same`), run in process on the
reference texts, so a run takes seconds and needs no index or model. Realdocs reference texts write
table rows with " | ", which structure reads as table rows like the loaders' tab-separated cells.
Read-only use of ../shared (never at run time).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.ingest.deadlines import deadlines_from  # noqa: E402
from index.ingest.metadata import extract_metadata  # noqa: E402
from index.ingest.structure import parse_segments  # noqa: E402
from index.vocab.dates import CONTEXT_CUES, GENERAL_CUES, cue_pattern  # noqa: E402

SHARED = ROOT.parent.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")


def _load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _scorer(eval_dir: Path):
    spec = importlib.util.spec_from_file_location("score_deadlines", eval_dir / "score_deadlines.py")
    assert spec and spec.loader
    sys.path.insert(0, str(eval_dir))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_sets(shared: Path) -> dict[str, dict]:
    """Each dev set: its documents (name → (text, paged)), gold deadlines and reference dates."""
    sets: dict[str, dict] = {}
    # the seed gold names the documents as ../shared/seeds does; the corpus holds the same bytes
    by_bytes = {p.read_bytes(): p.name for p in (shared / "seeds").glob("*")} if (shared / "seeds").exists() else {}
    seed_docs = {}
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        seed_docs[by_bytes.get(p.read_bytes(), p.name)] = (p.read_text(encoding="utf-8"), False)
    sets["seed"] = {
        "docs": seed_docs,
        "gold": _load_jsonl(shared / "eval" / "deadlines.jsonl"),
        "refs": _load_jsonl(shared / "eval" / "refdates.jsonl"),
    }
    rd = shared / "realdocs"
    if rd.exists():
        gold = _load_jsonl(rd / "deadlines.jsonl")
        refs = _load_jsonl(rd / "refdates.jsonl")
        names = {Path(r["doc"]).stem: r["doc"] for r in gold + refs}
        for f in sorted((rd / "files").iterdir()):
            names.setdefault(f.stem, f.name)
        docs = {}
        for p in sorted((rd / "text").glob("*.txt")):
            text = p.read_text(encoding="utf-8")
            docs[names.get(p.stem, p.name)] = (text, "\f" in text)
        sets["realdocs"] = {"docs": docs, "gold": gold, "refs": refs}
    return sets


def extract(name: str, text: str, paged: bool, cues: tuple[str, ...]) -> list[dict]:
    """One document's deadlines with a given cue list, as the CLI's JSON gives them."""
    meta = extract_metadata(text, fallback_title=name)
    segments = parse_segments(text, paged=paged)
    return [d.to_json() for d in deadlines_from(name, segments, meta.date, cue_pattern(cues))]


def counts(items: list[dict], gold: list[dict], refs: list[dict], same) -> dict:
    """Found / wanted, false alarms, responsible right / checked, for one document's rows."""
    wanted = [g for g in gold if g.get("due") and not g.get("inferred")]
    found = [g for g in wanted if any(same(i, g) for i in items)]
    fa = [i for i in items if any(same(i, r) for r in refs)]
    resp = []
    from rapidfuzz import fuzz

    norm = sys.modules["score"].norm
    for g in found:
        if g.get("responsible"):
            hits = [i for i in items if same(i, g)]
            gr = norm(g["responsible"])
            resp.append(
                any(i.get("responsible") and fuzz.partial_ratio(norm(i["responsible"]), gr) >= 80 for i in hits)
            )
    return {
        "found": len(found),
        "wanted": len(wanted),
        "fa": len(fa),
        "refs": len(refs),
        "resp_ok": sum(resp),
        "resp_n": len(resp),
        "found_ids": [id(g) for g in found],
        "missed": [g["due_text"] + " | " + g["task"][:60] for g in wanted if g not in found],
    }


def summary(per_doc: list[dict]) -> dict:
    f = sum(c["found"] for c in per_doc)
    w = sum(c["wanted"] for c in per_doc)
    fa = sum(c["fa"] for c in per_doc)
    refs = sum(c["refs"] for c in per_doc)
    ro = sum(c["resp_ok"] for c in per_doc)
    rn = sum(c["resp_n"] for c in per_doc)
    return {
        "recall": round(f / max(1, w), 3),
        "found": f,
        "wanted": w,
        "false_alarms": fa,
        "false_alarms_per_100_refs": round(100 * fa / max(1, refs), 2),
        "responsible_correct": round(ro / max(1, rn), 3),
    }


def choose_cues(table: dict, docs: list[str]) -> tuple[str, ...]:
    """The context cues kept on these training documents (see the module docstring)."""
    kept = list(CONTEXT_CUES)
    full = table[tuple(CONTEXT_CUES)]
    for cue in CONTEXT_CUES:
        without = table[tuple(c for c in CONTEXT_CUES if c != cue)]
        lost_docs = [d for d in docs if full[d]["found"] > without[d]["found"]]
        lost = sum(full[d]["found"] - without[d]["found"] for d in docs)
        saved = sum(full[d]["fa"] - without[d]["fa"] for d in docs)
        if not (lost > saved and len(lost_docs) >= 2):
            kept.remove(cue)
    return tuple(kept)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--missed", action="store_true")
    args = ap.parse_args()
    scorer = _scorer(args.shared / "eval")
    sets = load_sets(args.shared)
    doc_set = {name: set_name for set_name, s in sets.items() for name in s["docs"]}
    all_docs = list(doc_set)

    def rows(name: str, key: str) -> list[dict]:
        return [r for r in sets[doc_set[name]][key] if r["doc"] == name]

    # every cue list the procedure can pick from: all context cues, and all but one
    variants = [tuple(CONTEXT_CUES)] + [tuple(c for c in CONTEXT_CUES if c != x) for x in CONTEXT_CUES]
    table: dict[tuple[str, ...], dict[str, dict]] = defaultdict(dict)
    cache: dict[tuple, dict] = {}

    def score_doc(name: str, context: tuple[str, ...]) -> dict:
        key = (name, context)
        if key not in cache:
            text, paged = sets[doc_set[name]]["docs"][name]
            items = extract(name, text, paged, GENERAL_CUES + context)
            cache[key] = counts(items, rows(name, "gold"), rows(name, "refs"), scorer.same)
        return cache[key]

    for v in variants:
        for name in all_docs:
            table[v][name] = score_doc(name, v)

    fitted_cues = choose_cues(table, all_docs)
    result: dict = {"fitted_context_cues": list(fitted_cues), "general_cues": list(GENERAL_CUES), "sets": {}}
    loo_choices: dict[str, list[str]] = {}
    loo_counts: dict[str, dict] = {}
    for name in all_docs:
        chosen = choose_cues(table, [d for d in all_docs if d != name])
        loo_choices[name] = list(chosen)
        loo_counts[name] = score_doc(name, chosen)
    for set_name, s in sets.items():
        names = list(s["docs"])
        fitted = [score_doc(n, fitted_cues) for n in names]
        # refs of documents not in the texts still count (none expected)
        result["sets"][set_name] = {
            "documents": len(names),
            "fitted": summary(fitted),
            "loo": summary([loo_counts[n] for n in names]),
        }
        if args.missed:
            result["sets"][set_name]["missed"] = [m for c in fitted for m in c["missed"]]
    result["loo_choices_differing"] = {n: c for n, c in loo_choices.items() if tuple(c) != fitted_cues}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print("context cues kept (fitted on all documents):", ", ".join(fitted_cues) or "—")
    print(f"{'set':10} {'figure':28} {'fitted':>10} {'LOO-CV':>10}")
    for set_name, r in result["sets"].items():
        for key in ("recall", "false_alarms", "false_alarms_per_100_refs", "responsible_correct"):
            print(f"{set_name:10} {key:28} {r['fitted'][key]:>10} {r['loo'][key]:>10}")
        print(f"{set_name:10} {'found / wanted':28} {r['fitted']['found']:>5}/{r['fitted']['wanted']:<4}")
        for m in r.get("missed", []):
            print(f"    missed: {m}")
    for n, c in result["loo_choices_differing"].items():
        print(f"without {n}: context cues {', '.join(c) or '—'}")


if __name__ == "__main__":
    main()
