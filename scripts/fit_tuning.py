"""Fit the retrieval weights of ``Tuning`` on every dev set, and cross-validate the fit.

    .venv/bin/python scripts/fit_tuning.py                     # grid over all sets, fitted and CV table
    .venv/bin/python scripts/fit_tuning.py --rd-data var/rd    # where the realdocs files are indexed
    .venv/bin/python scripts/fit_tuning.py --grid topic_weight=0,0.1   # fewer values of one weight

The sets: ../shared/eval/dev.jsonl and dev2.jsonl on the project's seed index (``var/``), and
../shared/realdocs/qa.jsonl on the realdocs *files* indexed into their own data dir, as a user would
(``DOCBOT_CORPUS_DIR=../shared/realdocs/files DOCBOT_DATA_DIR=var/rd docbot index --full``). The
model and the indexes are loaded once; every point of ``GRID`` (a full product of the values
below) answers every question, and each answer is scored on its own by the evaluation's score.py.

The objective, over the answerable questions pooled: hit@1 + hit@5 + answer line right (where
checkable), minus false abstentions. *Fitted* is the best grid point on all questions. *Cross-
validated* leaves one document out: for each document, the grid point best on the other documents'
questions answers that document's questions (unanswerable questions, which name no document, go
round-robin into the folds of their corpus); the held-out answers are scored together. A weight the
fit moves only by one question's worth shows as a fitted figure the cross-validation does not keep.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evalkit.sets import SHARED, dev_sets, load_scorer, read_rows  # noqa: E402
from sweep import CachedEmbedder, outputs  # noqa: E402

from index.model.embedding import Embedder  # noqa: E402
from index.retrieval.search import Searcher  # noqa: E402
from index.settings import Settings, Tuning  # noqa: E402
from index.store.generations import load_index  # noqa: E402

# The weights that decide which passage comes first. dense_weight is 1 - bm25_weight (only the ratio
# matters to the ranking; the boosts are on the same scale).
GRID: dict[str, list[float]] = {
    "bm25_weight": [0.5, 0.6, 0.7, 0.8],
    "title_weight": [0.0, 0.1, 0.2],
    "topic_weight": [0.0, 0.1, 0.2],
    "folded_bm25_share": [0.5, 1.0],
    "unit_heading_boost": [0.1, 0.2],
    "span_kind_boost": [0.0, 0.05, 0.1, 0.2],
}
COLUMNS = ("hit@1", "hit@5", "mrr@5", "answer_line_correct", "abstain_when_unanswerable", "false_abstain")


def grid_points(grid: dict[str, list[float]]) -> list[dict[str, float]]:
    """Every combination of the grid's values, with the dense weight completing the BM25 one."""
    names = list(grid)
    points = []
    for values in itertools.product(*(grid[n] for n in names)):
        point = dict(zip(names, values, strict=True))
        if "bm25_weight" in point:
            point["dense_weight"] = round(1.0 - point["bm25_weight"], 6)
        points.append(point)
    return points


def per_question(scorer, row: dict, out: dict, units: list[str] | None) -> dict:
    """One question's outcome: its hit ranks, answer line verdict and abstention, as score.py says."""
    s = scorer.score([row], [out], 1500, units)
    answerable = row["type"] != "unanswerable"
    return {
        "answerable": answerable,
        "hit1": s["hit@1"] if answerable else None,
        "hit5": s["hit@5"] if answerable else None,
        "rr": s["mrr@5"] if answerable else None,
        "answer": s["answer_line_correct"] if answerable and s["answer_line_checked"] else None,
        "abstained": not bool(out["answer"]["found"]),
    }


def objective(outcomes: list[dict]) -> float:
    """hit@1 + hit@5 + answer line − false abstention, over the answerable questions given."""
    ans = [o for o in outcomes if o["answerable"]]
    if not ans:
        return 0.0
    checked = [o["answer"] for o in ans if o["answer"] is not None]
    return (
        sum(o["hit1"] for o in ans) / len(ans)
        + sum(o["hit5"] for o in ans) / len(ans)
        + (sum(checked) / len(checked) if checked else 0.0)
        - sum(o["abstained"] for o in ans) / len(ans)
    )


def figures(outcomes: list[dict]) -> dict[str, float]:
    """score.py's figures, from per-question outcomes."""
    ans = [o for o in outcomes if o["answerable"]]
    un = [o for o in outcomes if not o["answerable"]]
    checked = [o["answer"] for o in ans if o["answer"] is not None]

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / len(xs), 3) if xs else 0.0

    return {
        "hit@1": mean([o["hit1"] for o in ans]),
        "hit@5": mean([o["hit5"] for o in ans]),
        "mrr@5": mean([o["rr"] for o in ans]),
        "answer_line_correct": mean(checked),
        "abstain_when_unanswerable": mean([o["abstained"] for o in un]),
        "false_abstain": mean([o["abstained"] for o in ans]),
    }


def folds(keys: list[tuple[str, str, str | None]]) -> list[str]:
    """The fold of each question: its corpus and document; unanswerable ones round-robin over their
    corpus's documents."""
    docs = defaultdict(list)
    for corpus, _, doc in keys:
        if doc and doc not in docs[corpus]:
            docs[corpus].append(doc)
    turn: dict[str, int] = defaultdict(int)
    out = []
    for corpus, _, doc in keys:
        if not doc:
            doc = docs[corpus][turn[corpus] % len(docs[corpus])]
            turn[corpus] += 1
        out.append(f"{corpus}:{doc}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=SHARED / "eval")
    ap.add_argument("--realdocs", type=Path, default=SHARED / "realdocs")
    ap.add_argument("--rd-data", type=Path, default=ROOT / "var" / "rd")
    ap.add_argument("--out", type=Path, default=ROOT / "var" / "fit_tuning.json")
    ap.add_argument("--grid", action="append", default=[], help="NAME=V1,V2: these values instead of GRID's")
    args = ap.parse_args()
    grid = dict(GRID)
    for change in args.grid:
        name, values = change.split("=", 1)
        grid[name] = [float(v) for v in values.split(",")]
    scorer = load_scorer(args.eval_dir)
    sets = dev_sets(args.eval_dir, args.realdocs)
    base = Tuning()
    embedder = CachedEmbedder(Embedder(Settings()))
    searchers = {
        "seed": Searcher(load_index(Settings()), embedder, base),
        "rd": Searcher(load_index(Settings(data_dir=args.rd_data)), embedder, base),
    }
    rows = [(s, row) for s in sets for row in read_rows(s.questions)]  # (set, row)
    keys = [(s.corpus, s.name, r.get("doc")) for s, r in rows]
    fold_of = folds(keys)
    points = [{}] + grid_points(grid)  # the first is Tuning as set
    results: list[list[dict]] = []
    for n, point in enumerate(points):
        tuning = base.model_copy(update=point)
        outs = []
        for s in sets:
            set_rows = [r for t, r in rows if t is s]
            got = outputs(searchers[s.corpus], tuning, [r["question"] for r in set_rows])
            units = [str(s.units)] if s.units else None
            outs += [per_question(scorer, r, o, units) for r, o in zip(set_rows, got, strict=True)]
        results.append(outs)
        label = point or "as set"
        print(f"[{n + 1}/{len(points)}] {label}: objective {objective(outs):.3f}", file=sys.stderr, flush=True)
    grid_ids = range(1, len(points))
    fitted = max(grid_ids, key=lambda i: objective(results[i]))
    held_out: list[dict | None] = [None] * len(rows)
    chosen = {}
    for fold in sorted(set(fold_of)):
        train = [j for j, f in enumerate(fold_of) if f != fold]
        best = max(grid_ids, key=lambda i: objective([results[i][j] for j in train]))
        chosen[fold] = points[best]
        for j, f in enumerate(fold_of):
            if f == fold:
                held_out[j] = results[best][j]
    table = {}
    for label, outs in (("as set", results[0]), ("fitted", results[fitted]), ("cross-validated", held_out)):
        for s in sets:
            table[f"{s.name} {label}"] = figures([o for (t, _), o in zip(rows, outs, strict=True) if t is s])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"fitted": points[fitted], "folds": chosen, "table": table}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    print("fitted:", points[fitted])
    agree = sum(1 for p in chosen.values() if p == points[fitted])
    print(f"folds choosing the fitted point: {agree}/{len(chosen)}")
    print("set / figures".ljust(26) + " ".join(c[:12].rjust(12) for c in COLUMNS))
    for name, figs in table.items():
        print(name.ljust(26) + " ".join(f"{figs[c]:12.3f}" for c in COLUMNS))


if __name__ == "__main__":
    main()
