"""The abstention report: score.py's figures per set and variant, the precision / recall curve of the
held-out probabilities, the model's weights, and what the former hard rules rested on."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from index.answer.evidence import Model

VARIANTS = {
    "before": "the former hand rules (money / clock / day cues, weak retrieval)",
    "fitted": "after, fitted on all dev sets",
    "cv_lodo": "after, cross-validated: leave one document out",
    "cv_kfold": "after, cross-validated: 10-fold over questions",
    "other_corpus": "after, fitted on the other corpus only (seed ↔ realdocs)",
}
COLUMNS = [
    ("hit@1", lambda s: s["hit@1"]),
    ("hit@5", lambda s: s["hit@5"]),
    ("no-diacritics hit@5", lambda s: s["hit@5_by_type"].get("no_diacritics", float("nan"))),
    ("abstains when unanswerable", lambda s: s["abstain_when_unanswerable"]),
    ("false abstentions", lambda s: s["false_abstain"]),
    ("answer line", lambda s: s["answer_line_correct"]),
]


def curve(p: np.ndarray, y: np.ndarray, max_false: float = 0.25) -> list[dict]:
    """Abstention recall (unanswerable abstained), false abstention and precision at every threshold
    where one of them changes (just above each held-out probability), up to ``max_false``."""
    out: list[dict] = []
    for t in [0.0] + sorted({float(v) + 1e-9 for v in p}):
        abst = p < t
        n_abst = int(abst.sum())
        row = {
            "threshold": t,
            "abstain_unanswerable": float(abst[y == 0].mean()),
            "false_abstain": float(abst[y == 1].mean()),
            "precision": float((abst & (y == 0)).sum() / n_abst) if n_abst else 1.0,
        }
        if row["false_abstain"] > max_false:
            break
        if out and row["false_abstain"] == out[-1]["false_abstain"]:
            out[-1] = row  # the same false abstention: keep the highest recall it reaches
        elif not out or row["abstain_unanswerable"] > out[-1]["abstain_unanswerable"]:
            out.append(row)  # a step up the curve: the lowest false abstention each recall costs
    return out


def cue_backing(records: list[dict]) -> dict[str, dict]:
    """Per former cue: questions it fires on, answerable or not, and over how many documents."""
    table: dict[str, dict] = defaultdict(lambda: {"answerable": 0, "unanswerable": 0, "docs": Counter()})
    for r in records:
        for cue in r.get("legacy_cues", []):
            row = table[cue]
            row["answerable" if r["answerable"] else "unanswerable"] += 1
            doc = r["doc"] or (r["results"][0]["doc"] + " (top hit)" if r["results"] else "?")
            row["docs"][doc] += 1
    return {k: {**v, "docs": dict(v["docs"])} for k, v in sorted(table.items())}


def write_report(out_dir: Path, results: dict, records: list[dict], model: Model, p_lodo: np.ndarray,
                 y: np.ndarray, trials: list, best, pooled: dict[str, tuple[float, float]],
                 committed: bool = False) -> None:
    """docs/abstention.md, .json and -curve.png; ``committed``: the committed model reported, not chosen again."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Answers and abstention on the dev sets", "",
             "`.venv/bin/python scripts/eval_answers.py --fit` collects every question (the seed index in "
             "`var/`, the realdocs index built from `../shared/realdocs/files` in `var/rd`), chooses the model "
             "by the rule below, rewrites `index/answer/abstain_model.json` and this report. Without `--fit` "
             "it reports without storing; `--no-collect` reuses `var/eval/` (the retrievals: lines and features are "
             "taken again with the code as it is); `--committed` reports the committed model (its features and "
             "training share, held out under the same schemes; its own weights for the fitted row) "
             "without choosing again. "
             "Every per-set "
             "figure is score.py's, run on the variant's outputs.", "",
             "## Pooled (all dev sets: "
             f"{int((y == 0).sum())} unanswerable, {int((y == 1).sum())} answerable)", "",
             "| | abstains when unanswerable | false abstentions |", "|---|---|---|"]
    lines += [f"| {VARIANTS[v]} | {a:.3f} | {f:.3f} |" for v, (a, f) in pooled.items()]
    lines += ["", "## How the model was chosen", "",
              "Rule, fixed before the run (scripts/evalkit/fit.py), forward selection: at each step, of the "
              "candidate feature sets (the set chosen so far — at first the base `closed_missing, span_coverage` — "
              "alone or with one more feature) and the false-abstention share the threshold is set for on the "
              "training questions (0.01-0.05), take the highest abstention held out leaving one document out, "
              "among those whose false abstention is ≤ 0.05 under every held-out scheme (leave one document out, "
              "10-fold, the other corpus) and on every dev set left one document out, with every held-out figure "
              "within 0.05 of the fitted one (these two conditions were added after the first runs, to match the "
              "issue's goals: a pooled 0.04 hid dev2 at 0.08, and one pick held out 0.09 under its fit); "
              "ties: lower LODO false abstention, higher abstention over all schemes, fewer features, stricter "
              "share; the next step starts from the pick, and selection stops when a step abstains no more held "
              "out (nor as much at a lower false abstention), or at 6 features. (Until 2026-12-02 the rule was "
              "the first step alone.) Every figure counts the unfitted guards of `decide` (index/answer/evidence.py "
              "GUARDS: off_topic; no_figure, a figure asked and none found by the typed line; uncued_deadline, a "
              "deadline asked and the line's date without a deadline cue; no_date, a date asked and none found by "
              "the typed line; no_signer_person_place, a signer, person or place asked and none found by it; "
              "unheld_paper, a paper named by number "
              "that the archive neither holds nor cites; figure_of_another_year, a figure asked of a year its "
              "line, lead-in and headings do not name; unstated_cause, a cause asked and the lines that carry the "
              "question stating none), as "
              "the bot applies them; "
              "`eval_answers.py` prints how often each fires.",
              "", (f"Committed model, reported with `--committed` (not chosen again on this run): "
                   f"**{', '.join(best.features)}**" if committed else f"Chosen: **{', '.join(best.features)}**")
              + f" at training share {best.target:.2f}.", "",
              "| features | training share | fitted abst / false | LODO | 10-fold | other corpus | "
              "LODO false per set | admissible |", "|---|---|---|---|---|---|---|---|"]
    ranked = sorted(trials, key=lambda t: (-t.held_out["lodo"][0], t.held_out["lodo"][1]))
    for t in ranked[:15]:
        cells = " | ".join(f"{t.held_out[k][0]:.3f} / {t.held_out[k][1]:.3f}"
                           for k in ("lodo", "kfold", "other_corpus"))
        per_set = ", ".join(f"{k} {v:.3f}" for k, v in t.per_set.items())
        lines.append(f"| {', '.join(t.features)} | {t.target:.2f} | {t.fitted[0]:.3f} / {t.fitted[1]:.3f} | "
                     f"{cells} | {per_set} | "
                     f"{'yes' if t.admissible() else 'no'} |")
    lines.append("")
    for name, by_variant in results.items():
        lines += [f"## {name} ({by_variant['before']['questions']} questions)", "",
                  "| | " + " | ".join(c for c, _ in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
        for v, label in VARIANTS.items():
            s = by_variant[v]
            lines.append(f"| {label} | " + " | ".join(f"{f(s):.3f}" for _, f in COLUMNS) + " |")
        lines.append("")
    rows = curve(p_lodo, y)
    lines += ["## Precision / recall of abstention (held-out probabilities, leave one document out)", "",
              f"All sets together ({int((y == 0).sum())} unanswerable, {int((y == 1).sum())} answerable), one row "
              "per step up the curve (the lowest false abstention each recall costs). "
              "Abstain when P(answered) < threshold. The operating point is chosen inside each training fold "
              f"for false abstention ≤ {best.target:.2f} there (0.05 is the goal on unseen questions).", "",
              "| threshold | abstains when unanswerable (recall) | false abstentions | precision |",
              "|---|---|---|---|"]
    lines += [f"| {r['threshold']:.3f} | {r['abstain_unanswerable']:.3f} | {r['false_abstain']:.3f} | "
              f"{r['precision']:.3f} |" for r in rows]
    held = best.held_out["lodo"]
    lines += ["", "Operating point (the rule above): each fold's threshold set for false abstention ≤ "
              f"{best.target:.2f} on its training questions gives, held out, **{held[0]:.3f} abstention at "
              f"{held[1]:.3f} false abstention**; the rows past 0.05 false abstention show what the next "
              "unanswerable questions cost in answerable ones."]
    lines += ["", f"Committed model threshold: **{model.threshold:.3f}**.", "", "## The model", "",
              "| feature | weight (standardised) | mean | scale |", "|---|---|---|---|"]
    lines += [f"| {n} | {w:+.3f} | {m:.3f} | {s:.3f} |"
              for n, w, m, s in zip(model.features, model.weights, model.mean, model.scale, strict=True)]
    lines += [f"| (bias) | {model.bias:+.3f} | | |", "", "## The former hard rules: what fires, where", "",
              "| cue | answerable | unanswerable | documents |", "|---|---|---|---|"]
    backing = cue_backing(records)
    for cue, row in backing.items():
        docs = ", ".join(f"{d} ×{n}" for d, n in sorted(row["docs"].items(), key=lambda kv: -kv[1]))
        lines.append(f"| {cue} | {row['answerable']} | {row['unanswerable']} | {docs} |")
    (out_dir / "abstention.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "abstention.json").write_text(json.dumps(
        {"results": results, "pooled": pooled, "curve_lodo": rows, "model": model.to_json(),
         "trials": [{"features": t.features, "target": t.target, "fitted": t.fitted, "held_out": t.held_out,
                     "per_set": t.per_set}
                    for t in trials],
         "former_cues": backing},
        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _plot(out_dir / "abstention-curve.png", rows, model.threshold)
    print((out_dir / "abstention.md").read_text(encoding="utf-8"))


def _plot(path: Path, rows: list[dict], threshold: float) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the dev extra; the markdown table says the same
        return
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.plot([r["false_abstain"] for r in rows], [r["abstain_unanswerable"] for r in rows], marker="o", ms=3)
    ax.axvline(0.05, color="grey", ls="--", lw=0.8, label="false abstention goal 0.05")
    ax.axhline(0.80, color="grey", ls=":", lw=0.8, label="abstention goal 0.80")
    ax.set_xlabel("false abstentions (answerable told 'không có')")
    ax.set_ylabel("unanswerable abstained")
    ax.set_title("Abstention, leave one document out")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
