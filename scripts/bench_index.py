"""Index build figures for the README: full rebuild of the corpus with an empty vector cache, and
adding one new ~20-page document to the indexed corpus until it is answerable (model loaded).

    .venv/bin/python scripts/bench_index.py [--dtype auto|float32|mixed|bfloat16] [--json]

The new document is made from the seed corpus (paragraphs of the 2011 programme with its numbers
changed), clearly marked synthetic, written to a temporary directory, never committed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchkit.synthetic import added_document  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.model.embedding import ensure_model  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.store import library  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    base = Settings()
    ensure_model(base, progress=False)
    tmp = Path(tempfile.mkdtemp(prefix="docbot-bench-"))
    try:
        shutil.copytree(ROOT / "corpus", tmp / "corpus")
        (tmp / "data").mkdir()
        (tmp / "data" / "models").symlink_to(base.models_dir.resolve(), target_is_directory=True)
        settings = Settings(corpus_dir=tmp / "corpus", data_dir=tmp / "data", embedding_dtype=args.dtype)
        engine = Engine.__new__(Engine)
        t0 = time.perf_counter()
        engine.__init__(settings)  # noqa: PLC2801 - timed separately from the build
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        full = engine.rebuild(progress=True)
        full_s = time.perf_counter() - t0
        text = added_document(ROOT / "corpus")
        data = text.encode()
        t0 = time.perf_counter()
        checked = library.check(data, "tong-hop-do-hieu-nang.txt")
        library.store(settings, data, checked)
        add = engine.rebuild(progress=False)
        answer, _ = engine.ask("hội thao cán bộ tổ chức ở đâu?")
        add_s = time.perf_counter() - t0
        result = {
            "dtype": args.dtype,
            "model_load_s": round(load_s, 1),
            "full_rebuild_s": round(full_s, 1),
            "full_passages": full.passages,
            "full_vectors": full.embedded,
            "vectors_per_s": round(full.embedded / full_s, 1),
            "add_doc_chars": len(text),
            "add_doc_new_vectors": add.embedded,
            "add_to_answerable_s": round(add_s, 1),
            "answered": "Mỹ Đình" in answer.text,
        }
        if args.json:
            print(json.dumps(result))
        else:
            for k, v in result.items():
                print(f"{k:22} {v}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
