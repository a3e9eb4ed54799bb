"""Measure one corpus size in its own process, so that peak memory belongs to that size alone.

    python -m benchkit.run --factor 10 --questions ../shared/eval/dev.jsonl --out var/bench/x10.json

Builds (or reuses) the synthetic corpus and its index under ``<data>/bench/x<factor>/``, then times
search, answers, concurrency, an upload, and the tutorial stack on the same corpus. Vector caches
are kept, so a second run skips the embedding; the JSON says how many vectors each build embedded.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import faiss
import numpy as np

from benchkit.synthetic import added_document, write_corpus
from benchkit.tutorial import TutorialStack
from index.engine import Engine
from index.model.embedding import Embedder, ensure_model
from index.settings import Settings
from index.store import library
from index.store.dense import IVF_PROBE_SHARE, make_faiss
from index.store.generations import live_part_dirs

ADD_QUESTION = "hội thao cán bộ tổ chức ở đâu?"
ADD_ANSWER = "Mỹ Đình"
SWEEP = (0.04, 0.08, 0.16, 0.32, 0.5)  # shares of IVF lists probed
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80
EF_SWEEP = (16, 32, 64, 128, 256)
MAX_CHARS = 1500  # as score.py: only the start of a long result counts


def percentiles(ms: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds."""
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1)}


def timed(fn, questions: list[str], rounds: int = 3) -> dict[str, float]:
    """Steady-state latency of ``fn``: one unmeasured pass over the questions, then ``rounds`` timed."""
    for q in questions:
        fn(q)
    ms = []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            fn(q)
            ms.append((time.perf_counter() - t) * 1000)
    return percentiles(ms)


def throughput(fn, questions: list[str], concurrency: int, total: int = 64) -> float:
    """Questions answered per second with ``concurrency`` askers at once."""
    work = [questions[i % len(questions)] for i in range(total)]
    t = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fn, work))
    return round(total / (time.perf_counter() - t), 1)


def rss_mb() -> float:
    """Peak resident memory of this process so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dir_mb(path: Path) -> float:
    """Size of a directory tree on disk."""
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def load_scorer(questions: Path):
    """The evaluation's own evidence matcher (``holds``) from score.py beside the questions, if any.

    Without it (a question file of one's own), evidence must appear in the passage nearly verbatim.
    """
    score_py = questions.parent / "score.py"
    if not score_py.exists():
        from rapidfuzz import fuzz

        from index.text import normalize

        return lambda evidence, text: fuzz.partial_ratio(normalize(evidence), normalize(text)) >= 90
    spec = importlib.util.spec_from_file_location("docbot_eval_score", score_py)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.holds


def _rank(results: list[tuple[str, str]], evidences: list[str], holds, docs: set[str] | None) -> int:
    for i, (doc, text) in enumerate(results[:5], 1):
        if (docs is None or doc in docs) and any(holds(ev, text[:MAX_CHARS]) for ev in evidences):
            return i
    return 0


def quality(
    ranked: list[list[tuple[str, str]]], rows: list[dict], seeds: set[str], holds, named: list[bool] | None = None
) -> dict[str, float]:
    """hit@1, hit@5 and MRR@5 counting a passage only from the question's real (seed) documents,
    and hit@5 by text alone, as score.py counts it.

    The synthetic documents hold varied copies of the seed paragraphs. A copy that matches the
    evidence text gives the right words but cites the wrong document: score.py would count it,
    the strict figures do not.

    ``named`` marks the questions that name their document ("kế hoạch 34", "chương trình 01 năm
    2011"): those can be told from their copies, the others cannot, and each group is reported apart.
    """
    strict, text = [], []
    for results, row in zip(ranked, rows, strict=True):
        evidences = [row["evidence"]] + ([row["evidence2"]] if row.get("evidence2") else [])
        strict.append(_rank(results, evidences, holds, seeds))
        text.append(_rank(results, evidences, holds, None))
    n = max(1, len(strict))
    out = {
        "hit@1": round(sum(r == 1 for r in strict) / n, 3),
        "hit@5": round(sum(r > 0 for r in strict) / n, 3),
        "mrr@5": round(sum(1 / r for r in strict if r) / n, 3),
        "hit@5_text": round(sum(r > 0 for r in text) / n, 3),
    }
    if named is not None:
        for label, want in (("named", True), ("unnamed", False)):
            group = [r for r, flag in zip(strict, named, strict=True) if flag is want]
            out[f"questions_{label}"] = len(group)
            out[f"hit@5_{label}"] = round(sum(r > 0 for r in group) / max(1, len(group)), 3)
    return out


def our_quality(engine: Engine, rows: list[dict], seeds: set[str], holds) -> dict[str, float]:
    """``quality`` of the engine's answers, with the questions that name their document apart."""
    answers = [engine.ask(r["question"])[0] for r in rows]
    ranked = [[(h.passage.doc, h.passage.text) for h in a.hits[:5]] for a in answers]
    return quality(ranked, rows, seeds, holds, [a.scoped for a in answers])


def _recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    """Share of the exact top k that an approximate search also returned, averaged over the queries."""
    return float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth, strict=True)]))


def ann_recall(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> dict:
    """recall@k of the IVF index against exact search over the same vectors, for several probe counts."""
    exact = make_faiss(vectors, flat_max=len(vectors))
    approx = make_faiss(vectors, flat_max=0)
    ivf = faiss.extract_index_ivf(approx)
    _, truth = exact.search(queries, k)
    t = time.perf_counter()
    exact.search(queries, k)
    exact_ms = (time.perf_counter() - t) * 1000 / len(queries)
    sweep = []
    for share in SWEEP:
        ivf.nprobe = max(1, round(ivf.nlist * share))
        t = time.perf_counter()
        _, found = approx.search(queries, k)
        ms = (time.perf_counter() - t) * 1000 / len(queries)
        recall = _recall(found, truth, k)
        sweep.append(
            {
                "probe_share": share,
                "nprobe": ivf.nprobe,
                "recall@10": round(float(recall), 4),
                "search_ms": round(ms, 2),
            }
        )
    ivf.nprobe = max(1, round(ivf.nlist * IVF_PROBE_SHARE))
    _, found = approx.search(queries, k)
    default = _recall(found, truth, k)
    lists = int(ivf.nlist)
    del approx, ivf, exact  # each holds a copy of the vectors: free them before the graph is built
    return {
        "hnsw": hnsw_recall(vectors, queries, truth, k),
        "vectors": len(vectors),
        "queries": len(queries),
        "ivf_lists": lists,
        "probe_share": IVF_PROBE_SHARE,
        "recall@10": round(float(default), 4),
        "exact_search_ms": round(exact_ms, 2),
        "sweep": sweep,
    }


def hnsw_recall(vectors: np.ndarray, queries: np.ndarray, truth: np.ndarray, k: int = 10) -> dict:
    """Build time, and recall@k and search time per efSearch, of an HNSW graph over the vectors."""
    t = time.perf_counter()
    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    build_s = time.perf_counter() - t
    sweep = []
    for ef in EF_SWEEP:
        index.hnsw.efSearch = ef
        t = time.perf_counter()
        _, found = index.search(queries, k)
        ms = (time.perf_counter() - t) * 1000 / len(queries)
        recall = _recall(found, truth, k)
        sweep.append({"ef_search": ef, "recall@10": round(float(recall), 4), "search_ms": round(ms, 2)})
    return {"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "build_s": round(build_s, 1), "sweep": sweep}


def probe_queries(engine: Engine, embedder, questions: list[str], extra: int = 200) -> np.ndarray:
    """The dev questions plus the opening words of passages drawn at random, as query vectors."""
    rng = np.random.default_rng(0)
    passages = engine.index.passages
    picks = rng.choice(len(passages), size=min(extra, len(passages)), replace=False)
    texts = questions + [" ".join(passages[int(i)].text.split()[:12]) for i in picks]
    return np.stack([embedder.encode_query(t) for t in texts])


def measure(factor: float, questions_path: Path, base: Settings, skip_tutorial: bool = False) -> dict:
    """Every figure for one corpus size."""
    root = base.data_dir / "bench" / f"x{factor:g}"
    seed_dir = base.corpus_dir
    files = write_corpus(seed_dir, root / "corpus", factor)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "models").exists():
        (data / "models").symlink_to(base.models_dir.resolve(), target_is_directory=True)
    settings = Settings(corpus_dir=root / "corpus", data_dir=data, embedding_model=base.embedding_model)
    rows = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [r for r in rows if r.get("type") != "unanswerable"]
    questions = [r["question"] for r in rows]
    holds = load_scorer(questions_path)
    seeds = {p.name for p in seed_dir.iterdir()}
    out: dict = {
        "factor": factor,
        "documents": len(files),
        "corpus_chars": sum(len(f.read_text(encoding="utf-8")) for f in files),
    }

    embedder = Embedder(settings)
    engine = Engine(settings, embedder=embedder)
    t = time.perf_counter()
    report = engine.rebuild(progress=True, full=True)
    build_s = time.perf_counter() - t
    out["build"] = {
        "seconds": round(build_s, 1),
        "passages": report.passages,
        "vectors_embedded": report.embedded,
        "vectors_reused": report.reused,
        "vectors_per_s": round(report.embedded / build_s, 1) if report.embedded else None,
        "cached_seconds": None if report.embedded else round(build_s, 1),
        "index_type": engine.index.dense.kind,
        "index_mb": round(sum(dir_mb(d) for d in live_part_dirs(settings)), 1),
        "cache_mb": dir_mb(data / "cache"),
    }
    out["search"] = timed(lambda q: engine.retrieve(q), questions)
    out["search_answer"] = timed(lambda q: engine.ask(q), questions)
    out["questions_per_s"] = {str(c): throughput(lambda q: engine.ask(q), questions, c) for c in (1, 4, 16)}
    out["quality"] = our_quality(engine, answerable, seeds, holds)

    doc = added_document(seed_dir, variant=int(time.time()) % 500)  # new text each run: really embedded
    t = time.perf_counter()
    checked = library.check(doc.encode(), "tai-lieu-moi-gia-lap.txt")
    library.find_conflict(settings, checked)  # the upload path checks số hiệu against the archive
    check_s = time.perf_counter() - t
    library.store(settings, doc.encode(), checked)
    added = engine.rebuild(progress=False)
    answer, _ = engine.ask(ADD_QUESTION)
    total = time.perf_counter() - t
    out["add_document"] = {
        "seconds": round(total, 1),
        "check_s": round(check_s, 1),  # read the upload, look for a clashing số hiệu
        "index_s": round(added.seconds, 1),  # parse, embed, write the new generation
        "reload_s": round(total - check_s - added.seconds, 1),  # load it into the searcher, then answer
        "new_vectors": added.embedded,
        "parts": len(engine.index.parts),  # 2: the document went in as a part of its own
        "answered": ADD_ANSWER in answer.text,
    }
    library.remove(settings, "tai-lieu-moi-gia-lap.txt")
    engine.rebuild(progress=False)
    out["peak_rss_mb"] = rss_mb()  # the product's: before the benchmark's own copies below

    t = time.perf_counter()  # what a restart of the bot costs before it answers (model already loaded)
    Engine(settings, embedder=embedder).retrieve(ADD_QUESTION)
    out["load_s"] = round(time.perf_counter() - t, 1)

    vectors = np.asarray(engine.index.dense.vectors, dtype=np.float32)
    out["ann"] = ann_recall(vectors, probe_queries(engine, embedder, questions))
    del vectors

    if not skip_tutorial:
        tutorial = TutorialStack(files, embedder, data / "cache" / "vectors.sqlite", progress=True)
        out["tutorial"] = {
            "build_s": round(tutorial.build_s, 1),
            "chunks": len(tutorial.chunks),
            "vectors_embedded": tutorial.embedded,
            "search": timed(lambda q: tutorial.search(q), questions),
            "questions_per_s": {"1": throughput(lambda q: tutorial.search(q), questions, 1)},
            "quality": quality(
                [[(c.doc, c.text) for c in tutorial.search(r["question"])] for r in answerable],
                answerable,
                seeds,
                holds,
            ),
        }
    out["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    return out


FIRST_RUN_FIELDS = (
    "seconds",
    "build_s",
    "vectors_embedded",
    "vectors_per_s",
    "first_embedding",  # where the first embedding ran on its own (see report.derive)
)


def keep_first_builds(result: dict, previous: Path) -> None:
    """A re-run finds its vectors cached: keep the build figures of the run that embedded them."""
    if not previous.exists():
        return
    old = json.loads(previous.read_text(encoding="utf-8"))
    # (the added document differs per run, so each run embeds it: its figures are always this run's)
    pairs = (("build", "vectors_embedded"), ("tutorial", "vectors_embedded"))
    for key, sub in pairs:
        mine, theirs = result.get(key), old.get(key)
        if not (mine and theirs):
            continue
        if theirs.get(sub, 0) > mine.get(sub, 0) or ("first_embedding" in theirs and not mine.get(sub)):
            for field in FIRST_RUN_FIELDS:
                if field in theirs:
                    mine[field] = theirs[field]
            mine["from_run"] = theirs.get("from_run") or old.get("measured_at")


def requality(factor: float, questions_path: Path, base: Settings, out: Path) -> dict:
    """Re-measure answer quality only (after a ranking change), on the already built corpus."""
    root = base.data_dir / "bench" / f"x{factor:g}"
    settings = Settings(corpus_dir=root / "corpus", data_dir=root / "data", embedding_model=base.embedding_model)
    rows = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    answerable = [r for r in rows if r.get("type") != "unanswerable"]
    holds = load_scorer(questions_path)
    seeds = {p.name for p in base.corpus_dir.iterdir()}
    engine = Engine(settings)
    engine.rebuild(progress=False)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["quality"] = our_quality(engine, answerable, seeds, holds)
    result["quality"]["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    if "tutorial" in result:  # its vectors are cached: rebuilding it costs seconds
        files = sorted(p for p in (root / "corpus").iterdir() if p.is_file())
        tutorial = TutorialStack(files, engine.embedder, settings.data_dir / "cache" / "vectors.sqlite")
        result["tutorial"]["quality"] = quality(
            [[(c.doc, c.text) for c in tutorial.search(r["question"])] for r in answerable], answerable, seeds, holds
        )
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--factor", type=float, required=True)
    ap.add_argument("--questions", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--fresh", action="store_true", help="drop this size's corpus, index and caches first")
    ap.add_argument("--skip-tutorial", action="store_true")
    ap.add_argument("--seed-cache", action="store_true", help="start from the main index's vector cache")
    ap.add_argument("--quality-only", action="store_true", help="re-measure quality into an existing --out")
    args = ap.parse_args()
    base = Settings()
    ensure_model(base, progress=True)
    if args.fresh:
        shutil.rmtree(base.data_dir / "bench" / f"x{args.factor:g}", ignore_errors=True)
    own_cache = base.data_dir / "bench" / f"x{args.factor:g}" / "data" / "cache" / "vectors.sqlite"
    main_cache = base.data_dir / "cache" / "vectors.sqlite"
    if args.seed_cache and main_cache.exists() and not own_cache.exists():
        own_cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(main_cache, own_cache)
    if args.quality_only:
        result = requality(args.factor, args.questions.resolve(), base, args.out)
    else:
        result = measure(args.factor, args.questions.resolve(), base, skip_tutorial=args.skip_tutorial)
        keep_first_builds(result, args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
