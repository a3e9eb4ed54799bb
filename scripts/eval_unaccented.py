"""Every dev question typed without diacritics, scored by the evaluation's score.py.

    .venv/bin/python scripts/eval_unaccented.py            # dev, dev2, realdocs; a table
    .venv/bin/python scripts/eval_unaccented.py --json     # one JSON object per set

Officials often type without diacritics. The dev sets mark only a few such questions (25 of the 209
answerable), too few to tell one restoration rule from another; here every question is asked again
with its diacritics folded away ("hạn nộp báo cáo" → "han nop bao cao"), of the same index, and
scored as typed (the same rows: evidence, answer, type). Nothing is tuned on it; it measures the
restorer and the folded index together, as a user who types this way meets them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evalkit.sets import SHARED, dev_sets, load_scorer, read_rows  # noqa: E402

from index.text import fold_diacritics  # noqa: E402

COLUMNS = ("hit@1", "hit@5", "mrr@5", "answer_line_correct", "abstain_when_unanswerable", "false_abstain")


def command(data_dir: Path) -> str:
    """The CLI as score.py runs it, asked of the index in ``data_dir``."""
    return f"env DOCBOT_DATA_DIR={data_dir} {ROOT / '.venv' / 'bin' / 'docbot'} search --json --top-k 5"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval-dir", type=Path, default=SHARED / "eval")
    ap.add_argument("--realdocs", type=Path, default=SHARED / "realdocs")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    scorer = load_scorer(args.eval_dir)
    print("set".ljust(10) + " ".join(c[:12].rjust(12) for c in COLUMNS), file=sys.stderr)
    for s in dev_sets(args.eval_dir, args.realdocs):
        rows = read_rows(s.questions)
        outs, _ = scorer.run(command(s.data_dir), [fold_diacritics(r["question"]) for r in rows])
        figs = scorer.score(rows, outs, 1500, [str(s.units)] if s.units else None)
        if args.json:
            print(json.dumps({"set": s.name, **{c: figs[c] for c in COLUMNS}}))
        else:
            print(s.name.ljust(10) + " ".join(f"{figs[c]:12.3f}" for c in COLUMNS))


if __name__ == "__main__":
    main()
