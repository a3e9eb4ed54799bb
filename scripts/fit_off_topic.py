"""The off_topic guard's two thresholds, chosen by a rule you can rerun, and cross-validated.

    .venv/bin/python scripts/fit_off_topic.py            # report (after scripts/eval_answers.py)

The guard (index/answer/evidence.py ``off_topic``) refuses a question when few of its IDF-weighted words
are in any top passage (``coverage``) and the best passage's cosine is low (``dense``). It is not part of
the fitted model: the dev sets ask near misses, and a question about something else entirely ("tỷ giá usd
hôm nay") is another population. Here it is measured on its own:

* ``eval/offtopic.jsonl``: 40 questions off every document's topic, written by a helper that saw neither
  the code nor the documents (eval/README.md), asked of the seed index;
* every answerable question of the four dev sets (their records in var/eval/, from eval_answers.py), and
  each again typed without diacritics ("han nop bao cao", as officials often type; collected here): the
  guard must fire on none.

Rule: over a grid of (coverage, dense) thresholds, take the pair that refuses the most off-topic
questions while firing on no answerable dev question; ties go to the lower thresholds (the guard fires
on less). Cross-validated 5-fold over the off-topic questions: each fold's pair is chosen on the other
four folds (and all answerable dev questions) and scored on the fold held out.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_answers import VAR, collect, recompute_features  # noqa: E402
from evalkit.sets import OWN_EVAL, DevSet, dev_sets, read_rows  # noqa: E402

from index.answer.evidence import off_topic  # noqa: E402
from index.text import fold_diacritics  # noqa: E402

COVERAGE_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
DENSE_GRID = (0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88)
FOLDS = 5


def refused(feats: list[dict], cov: float, dense: float) -> int:
    """How many of the questions the guard refuses at the given thresholds."""
    return sum(off_topic(f, cov, dense) for f in feats)


def choose(off: list[dict], answerable: list[dict]) -> tuple[float, float]:
    """The pair refusing the most off-topic questions with no answerable one refused (ties: lower)."""
    best, best_key = (0.0, 0.0), (-1, 0.0)
    for cov in COVERAGE_GRID:
        for dense in DENSE_GRID:
            if refused(answerable, cov, dense):
                continue
            key = (refused(off, cov, dense), -(cov + dense))
            if key > best_key:
                best, best_key = (cov, dense), key
    return best


def main() -> None:
    answerable = []
    for devset in dev_sets():
        path = VAR / f"{devset.name}.records.jsonl"
        if not path.exists():
            sys.exit(f"missing {path}: run scripts/eval_answers.py first")
        answerable += [recompute_features(r) for r in read_rows(path) if r["answerable"]]
    unaccented = VAR / "unaccented"
    unaccented.mkdir(parents=True, exist_ok=True)
    for devset in dev_sets():  # the same questions typed without diacritics, of the same index
        rows = [r for r in read_rows(devset.questions) if r["type"] != "unanswerable"]
        path = unaccented / f"{devset.name}.jsonl"
        path.write_text("".join(json.dumps({**r, "question": fold_diacritics(r["question"])}, ensure_ascii=False)
                                + "\n" for r in rows), encoding="utf-8")
        records, _ = collect(DevSet(f"{devset.name}-unaccented", path, devset.corpus))
        answerable += [r["features"] for r in records]
    records, _ = collect(DevSet("offtopic", OWN_EVAL / "offtopic.jsonl", "seed"))
    off = [r["features"] for r in records]
    cov, dense = choose(off, answerable)
    print(f"fitted: coverage < {cov}, dense < {dense}: refuses {refused(off, cov, dense)}/{len(off)} off-topic "
          f"questions, {refused(answerable, cov, dense)}/{len(answerable)} answerable dev ones (as typed and without "
          "diacritics)")
    held = 0
    for k in range(FOLDS):
        train = [f for i, f in enumerate(off) if i % FOLDS != k]
        test = [f for i, f in enumerate(off) if i % FOLDS == k]
        c, d = choose(train, answerable)
        held += refused(test, c, d)
        print(f"fold {k}: coverage < {c}, dense < {d}: {refused(test, c, d)}/{len(test)} held out")
    print(f"cross-validated ({FOLDS}-fold): refuses {held}/{len(off)} = {held / len(off):.3f}")
    print(json.dumps({"fitted": {"coverage": cov, "dense": dense}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
