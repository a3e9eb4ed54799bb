"""Parse the seed corpus with this tree's code and print a digest of what the index stores per
document (passages, metadata fields the index reads, deadlines), to compare two code trees:

    .venv/bin/python scripts/seed_parse_diff.py > after.txt
    PYTHONPATH=<old tree> .venv/bin/python <old tree>/scripts/... (or this script with PYTHONPATH)
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parents[1]))

from index.ingest.parsed import parse_document  # noqa: E402


def main() -> None:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    t = time.perf_counter()
    for path in sorted(corpus.iterdir()):
        doc = parse_document(path.name, path.read_bytes())
        meta = {k: getattr(doc.meta, k) for k in ("title", "number", "issuer", "date")}
        passages = json.dumps([asdict(p) for p in doc.passages], ensure_ascii=False, sort_keys=True)
        deadlines = json.dumps(doc.deadlines, ensure_ascii=False, sort_keys=True)
        print(path.name, json.dumps(meta, ensure_ascii=False), len(doc.passages),
              hashlib.sha256(passages.encode()).hexdigest()[:16], hashlib.sha256(deadlines.encode()).hexdigest()[:16])
    print(f"parse seconds {time.perf_counter() - t:.2f}", file=sys.stderr)


if __name__ == "__main__":
    main()
