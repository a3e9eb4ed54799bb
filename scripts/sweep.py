"""How much each tuned number matters: the dev figures at other values, in one process.

    .venv/bin/python scripts/sweep.py title_weight=0,0.1,0.2,0.4 ordinal_boost=0,0.3,0.6
    .venv/bin/python scripts/sweep.py --all          # every number of Tuning at 0, ½×, 1× and 2×

The model and the index are loaded once; each value is a fresh ``Tuning`` with that one number
changed, over the question sets (by default dev.jsonl and dev2.jsonl of ../shared/eval), scored by
that folder's score.py (hit@1, hit@5, MRR, answer line, abstention, false abstention). The figures
quoted in index/settings.py come from here.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evalkit.sets import SHARED, load_scorer, read_rows  # noqa: E402

from index.answer.citations import answer_with_citations, seats  # noqa: E402
from index.model.embedding import Embedder  # noqa: E402
from index.retrieval.search import Searcher  # noqa: E402
from index.settings import Settings, Tuning  # noqa: E402
from index.store.generations import load_index  # noqa: E402

COLUMNS = ("hit@1", "hit@5", "mrr@5", "answer_line_correct", "abstain_when_unanswerable", "false_abstain")


class CachedEmbedder:
    """The embedder with each question's vector kept: a sweep asks the same questions many times."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.vectors: dict[str, object] = {}

    def encode_query(self, text: str):
        """The model's vector for ``text``, computed once."""
        if text not in self.vectors:
            self.vectors[text] = self.embedder.encode_query(text)
        return self.vectors[text]


def outputs(searcher: Searcher, tuning: Tuning, questions: list[str]) -> list[dict]:
    """What ``docbot search --json --top-k 5`` prints for each question, under ``tuning``."""
    searcher.tuning = tuning
    outs = []
    for q in questions:
        retrieval = searcher.search(searcher.read(q), top_k=seats(5, tuning))
        answer = answer_with_citations(retrieval, tuning, 5)
        # only the fields score.py reads (the CLI's result_json needs the engine's citations)
        results = [{"doc": h.passage.doc, "text": h.passage.quote()} for h in answer.hits[:5]]
        outs.append({"answer": {"found": answer.found, "text": answer.text}, "results": results})
    return outs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("changes", nargs="*", help="NAME=V1,V2,…")
    ap.add_argument("--set", action="append", default=[], help="NAME=V: the base every sweep starts from")
    ap.add_argument("--all", action="store_true", help="every number at 0, half, as set and double")
    ap.add_argument("--eval-dir", type=Path, default=SHARED / "eval")
    ap.add_argument("--questions", type=Path, action="append", help="question sets (default dev and dev2)")
    args = ap.parse_args()
    scorer = load_scorer(args.eval_dir)
    sets = args.questions or [args.eval_dir / "dev.jsonl", args.eval_dir / "dev2.jsonl"]
    rows = [read_rows(p) for p in sets]
    base = Tuning()
    for fixed in args.set:
        name, value = fixed.split("=", 1)
        base = base.model_copy(update={name: type(getattr(base, name))(float(value))})
    sweeps: list[tuple[str, list[float]]] = []
    for change in args.changes:
        name, values = change.split("=", 1)
        sweeps.append((name, [float(v) for v in values.split(",")]))
    if args.all:
        for name, value in base.model_dump().items():
            sweeps.append((name, sorted({0.0, value / 2, value, value * 2})))
    settings = Settings()
    searcher = Searcher(load_index(settings), CachedEmbedder(Embedder(settings)), base)
    print("name value " + " ".join(f"{p.stem}:{c}" for p in sets for c in COLUMNS))
    for name, values in sweeps or [("(as set)", [0.0])]:
        for value in values:
            kind = type(getattr(base, name)) if name in Tuning.model_fields else float
            tuning = base.model_copy(update={name: kind(value)}) if name in Tuning.model_fields else base
            figures = []
            for set_rows in rows:
                result = scorer.score(set_rows, outputs(searcher, tuning, [r["question"] for r in set_rows]), 1500)
                figures += [result[c] for c in COLUMNS]
            mark = "*" if name in Tuning.model_fields and getattr(base, name) == kind(value) else " "
            print(f"{name} {value:g}{mark} " + " ".join(f"{f:.3f}" for f in figures), flush=True)


if __name__ == "__main__":
    main()
