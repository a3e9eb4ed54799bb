"""Answer-line figures on every dev set, by kind, fitted and leave-one-document-out, rerunnable offline.

    .venv/bin/python scripts/eval_lines.py --collect        # retrieve every question once (var/eval/lines/)
    .venv/bin/python scripts/eval_lines.py                  # score the answer lines, by kind
    .venv/bin/python scripts/eval_lines.py --failures       # ... and list the wrong ones, grouped by kind
    .venv/bin/python scripts/eval_lines.py --cv             # each span number of Tuning: fitted and LODO
    .venv/bin/python scripts/eval_lines.py --joint          # the JOINT numbers chosen together (~3 min)
    .venv/bin/python scripts/eval_lines.py --reach          # wrong lines: which passages hold the answer

Retrieval is not what is measured here (the answer code never changes it), so each question is
retrieved once and the ``Retrieval`` kept (pickled under the git-ignored var/eval/lines/); the answer
code then runs on it as many times as asked. Sets: ../shared/eval/dev.jsonl and dev2.jsonl on the seed
index (``var/``), ../shared/realdocs/qa.jsonl on its index (``var/rd``). Correctness is that folder's
score.py ``answer_correct`` (gold date keys / first number / most specific unit name), on the
answerable questions it can check; an abstention counts as wrong, as in score.py.

``--cv``: each number in SWEEP is chosen on all questions (fitted) and, per document, on the other
documents' questions, then evaluated on the held-out document's (leave one document out).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evalkit.sets import dev_sets, load_scorer, read_rows  # noqa: E402

from index.answer.lines import make_answer  # noqa: E402
from index.settings import Tuning  # noqa: E402

OUT = ROOT / "var" / "eval" / "lines"
SETS = {s.name: s for s in dev_sets()}
# the answer numbers of Tuning and the values tried for each (--cv)
SWEEP: dict[str, list[float]] = {
    "span_depth": [1, 2, 3, 4, 5],
    "span_bonus": [0.0, 0.5, 1.0, 2.0, 3.0, 5.0],
    "span_coverage": [0.0, 0.2, 0.3, 0.4, 0.5, 0.7],
    "span_rank_penalty": [0.0, 0.3, 0.6, 1.2, 2.0],
    "span_near_chars": [0, 40, 80, 120, 200],
}

# the numbers chosen together (--joint)
JOINT: dict[str, list[float]] = {
    "span_bonus": [1.0, 2.0, 3.0],
    "span_rank_penalty": [0.3, 0.6, 1.2, 2.0],
    "span_depth": [2, 3, 4, 5],
}


def collect(names: list[str]) -> None:
    """Retrieve every question of the sets once, with the engine's own reading and search."""
    from index.model.embedding import Embedder
    from index.retrieval.search import Searcher
    from index.settings import Settings
    from index.store.generations import load_index

    OUT.mkdir(parents=True, exist_ok=True)
    embedder = None
    for name in names:
        questions, data_dir = SETS[name].questions, SETS[name].data_dir
        if not (data_dir / "index").exists():
            print(f"{name}: no index at {data_dir}, skipped")
            continue
        settings = Settings(data_dir=data_dir)
        embedder = embedder or Embedder(Settings())
        searcher = Searcher(load_index(settings), embedder, Tuning())
        retrievals = [searcher.search(searcher.read(r["question"]), top_k=5) for r in read_rows(questions)]
        with (OUT / f"{name}.pkl").open("wb") as f:
            pickle.dump(retrievals, f)
        print(f"{name}: {len(retrievals)} retrievals kept")


def load(name: str):
    path = OUT / f"{name}.pkl"
    if not path.exists():
        return None
    with path.open("rb") as f:
        return pickle.load(f)


def judge(scorer, sets: dict, tuning: Tuning) -> dict[str, list[tuple[dict, object, bool]]]:
    """Per set: (question row, answer, correct) for every question score.py can check."""
    out = {}
    for name, (rows, retrievals, units) in sets.items():
        judged = []
        for row, retrieval in zip(rows, retrievals, strict=True):
            if row["type"] == "unanswerable":
                continue
            answer = make_answer(retrieval, tuning)
            ok = scorer.answer_correct(row, answer.text if answer.found else "", units)
            if ok is not None:
                judged.append((row, answer, ok))
        out[name] = judged
    return out


def rate(items: list) -> float:
    return round(sum(ok for *_, ok in items) / max(1, len(items)), 3)


def lodo(scorer, sets: dict, name: str, values: list[float], base: Tuning) -> tuple[float, dict]:
    """Every set's questions pooled; per document, the value best on the other documents' questions
    (ties to the value as set), scored on the held-out document's. Returns the pooled LODO rate and
    the per-set LODO rates."""
    kind = type(getattr(base, name))
    per_value = {}
    for v in values:
        judged = judge(scorer, sets, base.model_copy(update={name: kind(v)}))
        per_value[v] = [(s, row["doc"], ok) for s, items in judged.items() for row, _, ok in items]
    docs = sorted({d for _, d, _ in per_value[values[0]]})
    held: list[tuple[str, bool]] = []
    for doc in docs:
        train = {v: sum(ok for _, d, ok in per_value[v] if d != doc) for v in values}
        best = max(values, key=lambda v: (train[v], v == getattr(base, name)))
        held += [(s, ok) for s, d, ok in per_value[best] if d == doc]
    by_set = defaultdict(list)
    for s, ok in held:
        by_set[s].append(ok)
    return round(sum(ok for _, ok in held) / len(held), 3), {s: round(sum(v) / len(v), 3) for s, v in by_set.items()}


def reach(scorer, sets: dict) -> None:
    """For each wrong line: the ranks of the passages whose text would pass the check (reachability)."""
    for name, items in judge(scorer, sets, Tuning()).items():
        units = sets[name][2]
        rows = sets[name][0]
        retr = {r["id"]: x for r, x in zip(rows, sets[name][1], strict=True)}
        for row, answer, ok in items:
            if ok:
                continue
            hits = retr[row["id"]].hits
            ranks = [i for i, h in enumerate(hits) if scorer.answer_correct(row, h.passage.text, units)]
            print(f"{name} {row['id']} {row['type']}/{answer.kind} reachable at {ranks}")


def joint(scorer, sets: dict, base: Tuning, grid: dict[str, list[float]]) -> None:
    """All the grid's numbers chosen together: fitted (best on every question) and leave one document
    out (best on the other documents' questions, scored on the held-out one's); ties go to the values
    as set, then to the first in the grid."""
    import itertools

    names = list(grid)
    configs = list(itertools.product(*(grid[n] for n in names)))
    results = {}
    for cfg in configs:
        tuning = base.model_copy(update={n: type(getattr(base, n))(v) for n, v in zip(names, cfg, strict=True)})
        results[cfg] = [(s, row["doc"], ok) for s, items in judge(scorer, sets, tuning).items() for row, _, ok in items]
    as_set = tuple(getattr(base, n) for n in names)

    def best(keep) -> tuple:
        return max(configs, key=lambda c: (sum(ok for s, d, ok in results[c] if keep(d)), c == as_set))

    fitted = best(lambda d: True)
    by_set: dict[str, list[bool]] = defaultdict(list)
    for s, _, ok in results[fitted]:
        by_set[s].append(ok)
    print("fitted", dict(zip(names, fitted, strict=True)), {s: round(sum(v) / len(v), 3) for s, v in by_set.items()})
    docs = sorted({d for _, d, _ in results[configs[0]]})
    held: dict[str, list[bool]] = defaultdict(list)
    chosen = defaultdict(int)
    for doc in docs:
        cfg = best(lambda d, doc=doc: d != doc)
        chosen[cfg] += 1
        for s, d, ok in results[cfg]:
            if d == doc:
                held[s].append(ok)
    pooled = [ok for v in held.values() for ok in v]
    rates = {s: round(sum(v) / len(v), 3) for s, v in held.items()}
    print("LODO  ", rates, "pooled", round(sum(pooled) / len(pooled), 3))
    print("chosen per held-out document:", {str(dict(zip(names, c, strict=True))): n for c, n in chosen.items()})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--collect", action="store_true")
    ap.add_argument("--sets", nargs="*", default=list(SETS))
    ap.add_argument("--failures", action="store_true")
    ap.add_argument("--cv", action="store_true")
    ap.add_argument("--reach", action="store_true")
    ap.add_argument("--joint", action="store_true", help="choose JOINT's numbers together, fitted and LODO")
    args = ap.parse_args()
    if args.collect:
        collect(args.sets)
        return
    scorer = load_scorer()
    sets = {}
    for name in args.sets:
        retrievals = load(name)
        if retrievals is None:
            print(f"{name}: not collected (run --collect)")
            continue
        questions, units_file = SETS[name].questions, SETS[name].units
        sets[name] = (read_rows(questions), retrievals, scorer.load_units([str(units_file)] if units_file else None))
    base = Tuning()
    judged = judge(scorer, sets, base)
    for name, items in judged.items():
        by_kind = defaultdict(list)
        for row, answer, ok in items:
            by_kind[f"{row['type']}/{answer.kind}"].append(ok)
        kinds = " ".join(f"{k}:{sum(v)}/{len(v)}" for k, v in sorted(by_kind.items()))
        print(f"{name:9} answer line {rate(items):.3f} ({len(items)} checked)  {kinds}")
        if args.failures:
            for row, answer, ok in sorted(items, key=lambda x: (x[1].kind, x[0]["type"])):
                if not ok:
                    print(f"  ✗ [{row['type']}/{answer.kind}] {row['id']} {row['question']}\n"
                          f"      gold: {row['answer'][:120]}\n      line: {answer.text[:200]!r}")
    if args.joint:
        joint(scorer, sets, base, JOINT)
    if args.reach:
        reach(scorer, sets)
    if args.cv:
        print("number  fitted(value: pooled)  LODO pooled  LODO by set")
        for name, values in SWEEP.items():
            if name not in Tuning.model_fields:
                continue
            fitted = {}
            for v in values:
                j = judge(scorer, sets, base.model_copy(update={name: type(getattr(base, name))(v)}))
                fitted[v] = rate([x for items in j.values() for x in items])
            pooled, by_set = lodo(scorer, sets, name, values, base)
            print(f"{name:14} {fitted}  {pooled}  {by_set}")


if __name__ == "__main__":
    main()

