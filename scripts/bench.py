"""Benchmarks: speed, memory, build time and quality on the seed corpus and synthetic 10× / 100× corpora.

    .venv/bin/python scripts/bench.py                      # all three sizes (the 100× build takes ~1.5 h)
    .venv/bin/python scripts/bench.py --sizes 1,10         # a subset
    .venv/bin/python scripts/bench.py --report-only        # rewrite docs/ from var/bench/*.json

Each size runs in its own process (`python -m benchkit.run`), writes var/bench/x<N>.json, and the
report goes to docs/benchmarks.md, docs/benchmarks.json and docs/benchmarks-latency.png. Synthetic
corpora, indexes and vector caches stay under var/bench/, so a re-run skips the embedding (the first
run's build figures are kept). Needs the evaluation questions (default ../shared/eval/dev.jsonl).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))  # the benchmark harness (benchkit) lives beside this script

from benchkit.report import write  # noqa: E402

from index.settings import Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100", help="corpus sizes as multiples of the seed corpus")
    ap.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    ap.add_argument("--results-dir", type=Path, default=None, help="default: <data dir>/bench")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs")
    ap.add_argument("--fresh", action="store_true", help="rebuild corpora and caches from scratch")
    ap.add_argument("--skip-tutorial", action="store_true")
    ap.add_argument("--seed-cache", action="store_true", help="start from the main index's vector cache")
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    results_dir = args.results_dir or Settings().data_dir / "bench"
    results, missing = [], []
    for size in sizes:
        out = results_dir / f"x{size:g}.json"
        if not args.report_only:
            cmd = [sys.executable, "-m", "benchkit.run", "--factor", str(size), "--questions", str(args.questions)]
            cmd += ["--out", str(out)]
            cmd += ["--fresh"] if args.fresh else []
            cmd += ["--skip-tutorial"] if args.skip_tutorial else []
            cmd += ["--seed-cache"] if args.seed_cache else []
            print(f"== {size:g}× seed corpus", flush=True)
            env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "scripts")])}
            subprocess.run(cmd, check=True, cwd=ROOT, env=env)
        if out.exists():
            results.append(json.loads(out.read_text(encoding="utf-8")))
        else:
            missing.append(size)
    if not results:
        sys.exit("Không có kết quả nào để báo cáo (chạy lại không có --report-only).")
    command = "python scripts/bench.py --sizes " + ",".join(f"{r['factor']:g}" for r in results)
    path = write(results, args.out_dir, command, missing)
    print(f"Đã ghi {path}")


if __name__ == "__main__":
    main()
