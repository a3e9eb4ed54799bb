"""Answer evaluation on every dev set, and the fitting of the abstention model, rerunnable offline.

    .venv/bin/python scripts/eval_answers.py --fit        # collect, choose + fit, rewrite abstain_model.json
    .venv/bin/python scripts/eval_answers.py              # ... the same, reporting without storing
    .venv/bin/python scripts/eval_answers.py --no-collect # reuse var/eval/ (lines and features recomputed)
    .venv/bin/python scripts/eval_answers.py --committed  # the committed model's figures, nothing chosen again

Sets: ../shared/eval/dev.jsonl and dev2.jsonl on the project's seed index (var/), and
../shared/realdocs/qa.jsonl on the realdocs index built from its files by the loaders (var/rd, as the
CLI and score.py use it; built here only when missing or with rebuild). The engine runs in-process:
every question is retrieved once, its answer line taken with abstention off, and the Query and the
evidence recorded (var/eval/<set>.records.jsonl, and the retrievals themselves in
var/eval/<set>.retrievals.pickle), so the lines and features can be recomputed from them. The
model — its features and the false-abstention share its threshold is set for — is chosen by the rule
in evalkit/fit.py (``select``: leave one document out, 10-fold, the other corpus, all dev sets pooled);
the decision is then applied five ways (the former hand rules, the fitted model, and the three
held-out schemes) and each variant's outputs, in `docbot search --json` form, are scored by
../shared/eval/score.py run as a subprocess on them. Results: docs/abstention.md, docs/abstention.json
and docs/abstention-curve.png. If retrieval changes, rerun with --fit (one command).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from evalkit.fit import FA_TARGET, cv_probabilities, fit_model, rates, select, trial  # noqa: E402
from evalkit.sets import SHARED, DevSet, dev_sets, read_rows  # noqa: E402

VAR = ROOT / "var" / "eval"
SCORE = SHARED / "eval" / "score.py"


SETS = dev_sets()


def corpus_dirs(corpus: str) -> tuple[Path, Path]:
    """(corpus dir, data dir) of a set's index: the project's seed index (var/) and the realdocs index
    built from ../shared/realdocs/files by the loaders (var/rd), as the CLI and score.py use them."""
    if corpus == "seed":
        return ROOT / "corpus", ROOT / "var"
    return SHARED / "realdocs" / "files", ROOT / "var" / "rd"


def collect(devset: DevSet, rebuild: bool = False) -> tuple[list[dict], list]:
    """Run the engine over a set: per question its results, answer line, legacy decision, features;
    and the retrievals (to take the lines again without the engine)."""
    from bot.render import result_json
    from index.answer import abstain as rules
    from index.answer import evidence as abstain
    from index.answer import lines
    from index.answer.citations import cite, seats
    from index.engine import Cited, Engine
    from index.settings import Settings
    from index.text import tokens

    corpus, data = corpus_dirs(devset.corpus)
    (data / "models").parent.mkdir(parents=True, exist_ok=True)
    if not (data / "models").exists():
        (data / "models").symlink_to((ROOT / "var" / "models").resolve())
    engine = Engine(Settings(corpus_dir=corpus, data_dir=data))
    if rebuild or not (data / "index").exists():
        engine.rebuild(progress=False)
    records, retrievals = [], []
    for row in read_rows(devset.questions):
        tuning = engine.settings.search
        # as Engine.ask_as does (the CLI's path): seats for the joins, the line, then the citations joined
        retrieval = engine.retrieve(row["question"], top_k=seats(5, tuning))
        retrievals.append(retrieval)
        line = lines.make_answer(retrieval, tuning, abstain=rules.never)
        answer = cite(line, tuning.merged_max_chars, 5)
        typed = lines.typed_of(line)
        decision = abstain.decide(
            retrieval.query, abstain.evidence_of(retrieval.hits), retrieval.idf, None, typed=typed
        )
        legacy = bool(retrieval.hits) and (
            rules.off_topic(retrieval, tuning) or rules.missing_entity(retrieval, tuning)
        )
        records.append({
            "set": devset.name,
            "id": row["id"],
            "type": row["type"],
            "doc": row.get("doc"),
            "question": row["question"],
            "answerable": row["type"] != "unanswerable",
            "line": answer.text if answer.found else None,
            "qtype": answer.kind,
            "results": [
                result_json(Cited(h, engine.citation(h.passage)), engine.index.docs) for h in answer.hits[:5]
            ],
            "legacy_abstain": legacy,
            "legacy_cues": legacy_cues(rules, retrieval, tuning),
            "typed": asdict(typed),
            "kind": decision.kind,
            "features": decision.features,
            # what the features are computed from, so they can be recomputed without the engine
            "evidence": [asdict(e) for e in abstain.evidence_of(retrieval.hits)],
            "query": query_json(retrieval.query),
            "idf": {w: retrieval.idf[w] for w in tokens(retrieval.query.whole_folded) if w in retrieval.idf},
            "idf_max": max(retrieval.idf.values(), default=1.0),
        })
    return records, retrievals


def retake_lines(records: list[dict], retrievals: list) -> None:
    """Take every record's answer line again from its stored retrieval, with the line code as it is now."""
    from index.answer import abstain as rules
    from index.answer import lines
    from index.settings import Settings

    tuning = Settings().search
    for rec, retrieval in zip(records, retrievals, strict=True):
        line = lines.make_answer(retrieval, tuning, abstain=rules.never)
        rec["line"] = line.text if line.found else None
        rec["typed"] = asdict(lines.typed_of(line))


def query_json(query) -> dict:
    """A Query as stored in a record (the features are recomputed from it)."""
    return {**asdict(query), "scope": sorted(query.scope)}


def query_of(rec: dict):
    """The Query a record was retrieved with."""
    from index.retrieval.query import Query

    return Query(**{**rec["query"], "scope": frozenset(rec["query"]["scope"])})


def recompute_features(rec: dict) -> dict[str, float]:
    """A record's features from its stored evidence, with the feature code as it is now."""
    from index.answer import evidence as abstain

    passages = [abstain.Evidence(**e) for e in rec["evidence"]]
    query = query_of(rec)
    typed = abstain.Typed(**rec["typed"]) if "typed" in rec else None
    return abstain.features(query, passages, abstain.question_terms(query, rec["idf"], rec["idf_max"]), typed)


def legacy_cues(rules, retrieval, tuning) -> list[str]:
    """Which of the former hard rules fire on a question (for the report on their backing)."""
    from index.vocab import figures

    if not retrieval.hits:
        return []
    texts = " ".join(h.passage.text for h in retrieval.hits[:3])
    cues = []
    if rules.off_topic(retrieval, tuning):
        cues.append("weak_retrieval")
    money_missing = retrieval.query.money and not figures.MONEY.search(texts)
    if retrieval.query.money:
        cues.append("money_asked" + ("_missing" if money_missing else ""))
    if rules.missing_entity(retrieval, tuning) and not money_missing:
        cues.append("day_or_clock_asked_missing")
    return cues


def group_of(rec: dict, k_unanswerable: int) -> str:
    """Leave-one-document-out groups: a question's document; unanswerable ones in k folds by id."""
    if rec["doc"]:
        return f"{rec['set'] if rec['set'] == 'realdocs' else 'seed'}:{Path(rec['doc']).stem}"
    return f"unanswerable:{_stable_hash(rec['set'] + rec['id']) % k_unanswerable}"


def _stable_hash(text: str) -> int:
    import hashlib

    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def output_line(rec: dict, abstain: bool) -> str:
    """A record as `docbot search --json` prints it, with the given decision."""
    from index.answer.lines import NOT_FOUND

    found = bool(rec["results"]) and not abstain and rec["line"] is not None
    return json.dumps({
        "question": rec["question"],
        "answer": {"found": found, "text": rec["line"] if found else NOT_FOUND, "type": rec["qtype"]},
        "results": rec["results"],
    }, ensure_ascii=False)


def score(devset: DevSet, records: list[dict], decisions: list[bool], variant: str) -> dict:
    """score.py's figures for one set under one variant of the decision (run on a file of outputs)."""
    out = VAR / "out" / f"{devset.name}.{variant}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(output_line(r, a) + "\n" for r, a in zip(records, decisions, strict=True)),
                   encoding="utf-8")
    cmd = [sys.executable, str(SCORE), "--questions", str(devset.questions), "--json",
           "--cmd", f"{sys.executable} {Path(__file__).resolve()} --replay {out}"]
    if devset.units:
        cmd += ["--units", str(devset.units)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout)


def replay(path: Path) -> None:
    """Print stored outputs, one per question read on stdin (score.py's --cmd contract)."""
    sys.stdin.read()
    sys.stdout.write(path.read_text(encoding="utf-8"))


def reuse(devset: DevSet) -> list[dict]:
    """A set's records as last collected (var/eval/), the lines and features taken again with the code as
    it is."""
    records = read_rows(VAR / f"{devset.name}.records.jsonl")
    pickled = VAR / f"{devset.name}.retrievals.pickle"
    if pickled.exists():  # var/ is this machine's own cache: the pickle is one we wrote
        retake_lines(records, pickle.loads(pickled.read_bytes()))
    for rec in records:
        rec["features"] = recompute_features(rec)
    return records


def held_out_schemes(every: list[dict], k_unanswerable: int) -> dict[str, list[str]]:
    """Each question's group under the three held-out schemes: its document (leave one out), one of 10
    folds, its corpus (fitted on the other)."""
    corpus_of = {d.name: d.corpus for d in SETS}
    return {
        "lodo": [group_of(r, k_unanswerable) for r in every],
        "kfold": [str(i % 10) for i in np.random.default_rng(0).permutation(len(every))],
        "other_corpus": [corpus_of[r["set"]] for r in every],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replay", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--sets", default=",".join(s.name for s in SETS))
    ap.add_argument("--no-collect", action="store_true", help="reuse var/eval/<set>.records.jsonl")
    ap.add_argument("--fit", action="store_true", help="write the fitted model to index/answer/abstain_model.json")
    ap.add_argument("--committed", action="store_true",
                    help="report the committed model (its features and training share) instead of choosing one")
    ap.add_argument("--k-unanswerable", type=int, default=5, help="folds for the unanswerable questions")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    if args.replay:
        replay(args.replay)
        return
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    chosen = [s for s in SETS if s.name in args.sets.split(",")]
    records: dict[str, list[dict]] = {}
    for devset in chosen:
        path = VAR / f"{devset.name}.records.jsonl"
        pickled = VAR / f"{devset.name}.retrievals.pickle"
        if args.no_collect and path.exists():
            records[devset.name] = reuse(devset)
            continue
        print(f"== collecting {devset.name}", flush=True)
        records[devset.name], retrievals = collect(devset)
        path.parent.mkdir(parents=True, exist_ok=True)
        pickled.write_bytes(pickle.dumps(retrievals))
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[devset.name]),
                        encoding="utf-8")

    from evalkit.report import write_report

    from index.answer import evidence as abstain

    every = [r for devset in chosen for r in records[devset.name]]
    y = np.array([r["answerable"] for r in every], dtype=float)
    schemes = held_out_schemes(every, args.k_unanswerable)
    columns = {n: np.array([r["features"][n] for r in every]) for n in abstain.FEATURES}
    for guard in abstain.GUARDS:  # the unfitted guards, as in decide()
        fires = np.array([guard(r["features"]) for r in every])
        print(f"guard {guard.__name__} fires on {int(fires[y == 0].sum())} unanswerable and "
              f"{int(fires[y == 1].sum())} answerable dev questions", flush=True)
    off = np.array([abstain.guarded(r["features"]) for r in every])
    if args.committed:  # held out as the rule would measure it, the committed weights as the bot applies them
        committed = abstain.load_model()
        names = committed.features
        target = committed.info["false_abstention_on_training_questions"]
        best = trial(columns, y, schemes, np.array([r["set"] for r in every]), names, target, off)
        trials = [best]
    else:
        best, trials = select(columns, y, schemes, [r["set"] for r in every], forced=off)
    names, target = best.features, best.target
    X = np.column_stack([columns[n] for n in names])
    fitted = committed if args.committed else fit_model(X, y, names, target).with_info({
        "fitted_on": {d.name: len(records[d.name]) for d in chosen},
        "command": "python scripts/eval_answers.py --fit",
        "chosen_by": "highest leave-one-document-out abstention with false abstention <= "
                     f"{FA_TARGET} under every held-out scheme (scripts/evalkit/fit.py select)",
        "false_abstention_goal": FA_TARGET,
        "false_abstention_on_training_questions": target,
        "held_out": {k: {"abstain": a, "false_abstain": f} for k, (a, f) in best.held_out.items()},
    })
    if args.fit and not args.committed:
        abstain.MODEL_PATH.write_text(json.dumps(fitted.to_json(), ensure_ascii=False, indent=1) + "\n",
                                      encoding="utf-8")
        abstain.load_model.cache_clear()
    elif not args.committed and abstain.load_model() != fitted:
        print("note: the committed model differs from this fit (run with --fit to store it)", flush=True)
    p_fit = np.array([fitted.probability(r["features"]) for r in every])
    p_lodo, t_lodo = cv_probabilities(X, y, names, schemes["lodo"], target)
    p_kfold, t_kfold = cv_probabilities(X, y, names, schemes["kfold"], target)
    p_other, t_other = cv_probabilities(X, y, names, schemes["other_corpus"], target)
    variants = {
        "before": np.array([r["legacy_abstain"] for r in every]),
        "fitted": (p_fit < fitted.threshold) | off,
        "cv_lodo": (p_lodo < t_lodo) | off,
        "cv_kfold": (p_kfold < t_kfold) | off,
        "other_corpus": (p_other < t_other) | off,
    }
    results: dict[str, dict] = {}
    offset = 0
    for devset in chosen:
        n = len(records[devset.name])
        recs = records[devset.name]
        results[devset.name] = {v: score(devset, recs, [bool(a) for a in d[offset:offset + n]], v)
                                for v, d in variants.items()}
        offset += n
    pooled = {v: rates(np.asarray(d, dtype=bool), y) for v, d in variants.items()}
    write_report(args.out_dir, results, every, fitted, p_lodo, y, trials, best, pooled, committed=args.committed)


if __name__ == "__main__":
    main()
