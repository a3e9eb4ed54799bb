"""Extracted text vs the reference texts of realdocs: words in order, per file and the median.

    .venv/bin/python scripts/eval_extraction.py [--files DIR] [--refs DIR] [--only SUBSTR] [--json OUT]

Score = 2·LCS / (words extracted + words in the reference) over the two word sequences (rapidfuzz's
Indel similarity, the same ratio difflib reports), words case-folded and NFKC-normalised (so a
footnote mark ¹ counts as 1). "folded" is the same with diacritics removed (how a question typed
without them sees the text). Groups: text PDF, DOCX, .doc, legacy (TCVN3/VNI), OCR.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Indel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.ingest.loaders import LoaderError, load_file  # noqa: E402

TARGETS = {"pdf": 0.98, "docx": 0.98, "doc": 0.98, "legacy": 0.97, "ocr": 0.90}


def words(text: str, fold: bool = False) -> list[str]:
    """Case-folded words; with fold, also without diacritics (đ → d)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if fold:
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        text = text.replace("đ", "d")
    return re.findall(r"\w+", text)


def score(got: str, ref: str, fold: bool = False) -> float:
    """Word-sequence similarity in [0, 1]."""
    return Indel.normalized_similarity(words(got, fold), words(ref, fold))


def group(name: str, raw) -> str:
    if raw is not None and raw.ocr:
        return "ocr"
    if raw is not None and raw.encoding in ("tcvn3", "vni"):
        return "legacy"
    return Path(name).suffix.lstrip(".")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=Path, default=Path("../shared/realdocs/files"))
    ap.add_argument("--refs", type=Path, default=Path("../shared/realdocs/text"))
    ap.add_argument("--only", default="")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path, help="write each extracted text here")
    args = ap.parse_args()
    rows = []
    for path in sorted(args.files.iterdir()):
        if args.only not in path.name:
            continue
        ref_path = args.refs / (path.stem + ".txt")
        t = time.perf_counter()
        try:
            raw = load_file(path)
            text, err = raw.text, None
        except LoaderError as exc:
            raw, text, err = None, "", str(exc)
        secs = time.perf_counter() - t
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / (path.stem + ".txt")).write_text(text, encoding="utf-8")
        ref = ref_path.read_text(encoding="utf-8") if ref_path.exists() else ""
        row = {
            "file": path.name,
            "group": group(path.name, raw),
            "words": score(text, ref),
            "folded": score(text, ref, fold=True),
            "seconds": round(secs, 1),
            "error": err,
        }
        rows.append(row)
        print(f"{row['file']:45s} {row['group']:7s} {row['words']:.3f} {row['folded']:.3f} {secs:6.1f}s {err or ''}")
    print()
    for g in sorted({r["group"] for r in rows}):
        ws = [r["words"] for r in rows if r["group"] == g]
        fs = [r["folded"] for r in rows if r["group"] == g]
        target = TARGETS.get(g)
        print(
            f"{g:7s} n={len(ws):2d} median words {statistics.median(ws):.3f}  folded {statistics.median(fs):.3f}"
            f"  min {min(ws):.3f}" + (f"  (target {target})" if target else "")
        )
    ws = [r["words"] for r in rows]
    if ws:
        print(f"all     n={len(ws):2d} median words {statistics.median(ws):.3f}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
