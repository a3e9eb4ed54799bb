"""How well the abstention model's selection rule holds on documents it never saw: a nested estimate.

    .venv/bin/python scripts/eval_selection.py            # after scripts/eval_answers.py (reuses var/eval/)
    .venv/bin/python scripts/eval_selection.py --folds 5

eval_answers.py's held-out figures refit the chosen model's features without each document; but the
features themselves were chosen, out of some 400 trials, on all the questions, so the winner's held-out
figure is the luckiest of many on the same folds (one pick read 0.037 false abstention held out and
0.109 / 0.089 on blind2 / blind3). Here the whole selection (evalkit.fit.select, the rule as it is) runs
without each fold of documents in turn, and the model it picks answers that fold's questions: the
pooled result is the rule's own held-out figure. Folds are the leave-one-document-out groups dealt into
``--folds`` parts; the unfitted guards count, as in every figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_answers import SETS, VAR, held_out_schemes, reuse  # noqa: E402
from evalkit.fit import fit_model, rates, select  # noqa: E402

from index.answer import evidence  # noqa: E402


def load_records() -> list[dict]:
    """Every dev question's record as eval_answers.py last collected it, lines and features taken again."""
    for devset in SETS:
        if not (VAR / f"{devset.name}.records.jsonl").exists():
            sys.exit(f"{VAR / devset.name}.records.jsonl is missing: run scripts/eval_answers.py first")
    return [rec for devset in SETS for rec in reuse(devset)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=5, help="outer folds of documents")
    ap.add_argument("--k-unanswerable", type=int, default=5, help="as eval_answers.py's")
    args = ap.parse_args()
    every = load_records()
    y = np.array([r["answerable"] for r in every], dtype=float)
    sets = np.array([r["set"] for r in every])
    schemes_all = {name: np.array(groups) for name, groups in held_out_schemes(every, args.k_unanswerable).items()}
    lodo = schemes_all["lodo"]
    columns = {n: np.array([r["features"][n] for r in every]) for n in evidence.FEATURES}
    forced = np.array([evidence.guarded(r["features"]) for r in every])
    groups = sorted(set(lodo))
    outer = {g: i % args.folds for i, g in enumerate(groups)}  # documents dealt into folds
    fold = np.array([outer[g] for g in lodo])
    abstain = np.zeros(len(y), dtype=bool)
    for k in range(args.folds):
        start = time.perf_counter()
        inside = fold != k
        schemes = {name: list(groups[inside]) for name, groups in schemes_all.items()}
        cols = {n: v[inside] for n, v in columns.items()}
        pick, _ = select(cols, y[inside], schemes, list(sets[inside]), forced=forced[inside])
        X = np.column_stack([columns[n] for n in pick.features])
        model = fit_model(X[inside], y[inside], pick.features, pick.target)
        out = ~inside
        p = np.array([model.probability(dict(zip(pick.features, row, strict=True))) for row in X[out]])
        abstain[out] = (p < model.threshold) | forced[out]
        a, fa = rates(abstain[out], y[out])
        print(f"fold {k}: {int(out.sum())} questions, picked {', '.join(pick.features)} at {pick.target}; "
              f"picked held out {pick.held_out['lodo'][0]:.3f} / {pick.held_out['lodo'][1]:.3f}, on this fold "
              f"{a:.3f} / {fa:.3f} ({time.perf_counter() - start:.0f} s)", flush=True)
    a, fa = rates(abstain, y)
    print(f"nested, pooled: abstains when unanswerable {a:.3f}, false abstention {fa:.3f}")
    for s in sorted(set(sets)):
        sa, sfa = rates(abstain[sets == s], y[sets == s]) if (y[sets == s] == 0).any() else (float("nan"), 0.0)
        sfa = float(abstain[(sets == s) & (y == 1)].mean())
        print(f"  {s:9} abstains {sa:.3f}  false {sfa:.3f}")


if __name__ == "__main__":
    main()
