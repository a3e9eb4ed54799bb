"""Document metadata (kind, số hiệu, issuer, date) against realdocs' sources.tsv.

    .venv/bin/python scripts/eval_metadata.py [--files DIR] [--sources TSV] [--texts DIR]

``--texts``: read already extracted texts (scripts/eval_extraction.py --dump DIR) instead of loading
the files again (OCR of the scans takes minutes). The gold fields are read from the "what_it_is"
column ("Tờ trình 124/TTr-SNV, Sở Nội vụ tỉnh Lâm Đồng, 11/02/2026: …"); a blank number ("…/TB-UBND")
or a date given as month/year only (a draft) expects none. Judging: kind by its first words; số
hiệu exactly (spaces removed); issuer when ≥ 90% of the gold's words are in the found issuer
(diacritics folded, UBND/BQL/KCN/HĐND spelled out) and it is at most 2.5× as long; date exactly.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.ingest.loaders import LoaderError, load_file  # noqa: E402
from index.ingest.metadata import extract_metadata  # noqa: E402

ABBREV = {
    "ubnd": "uy ban nhan dan",
    "bql": "ban quan ly",
    "kcn": "khu cong nghiep",
    "hdnd": "hoi dong nhan dan",
    "ldtbxh": "lao dong thuong binh va xa hoi",
}
KINDS = (
    "giấy mời", "thông báo", "kế hoạch", "tờ trình", "công văn", "báo cáo", "hướng dẫn", "công điện",
    "thông tư", "quyết định", "nghị định", "quy định", "quy chế", "phụ lục",
)  # fmt: skip


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"\w+", text)
    return " ".join(ABBREV.get(w, w) for w in words)


def gold(what: str) -> dict:
    what = re.sub(r"\([^)]*\)", "", what).split(": ", 1)[0]
    kinds = [k for k in KINDS if what.casefold().startswith(k) or what.casefold().startswith("công văn/" + k)]
    if what.casefold().startswith("công văn/báo cáo"):
        kinds = ["công văn", "báo cáo"]
    num = re.search(r"(?<![\w…])(\d+(?:/\d{4})?/[\w.\-–/]*[^\W\d][\w.\-–/]*)", what)
    parts = [p.strip() for p in what.split(", ")]
    date = None
    d = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", parts[-1]) or re.search(r"ngày (\d{1,2})/(\d{1,2})/(\d{4})", what)
    if d:
        date = f"{int(d.group(3)):04d}-{int(d.group(2)):02d}-{int(d.group(1)):02d}"
    tail_is_date = bool(re.fullmatch(r"[\d/]+", parts[-1]))
    issuer_parts = parts[1:-1] if tail_is_date else parts[-1:]
    return {
        "kind": kinds,
        "number": num.group(1) if num else None,
        "issuer": ", ".join(issuer_parts),
        "date": date,
    }


def same_number(found: str | None, want: str | None) -> bool:
    """Exact, except that "-" and "/" between the code's parts count as one ("TT/BTC" = "TT-BTC")."""
    if found is None or want is None:
        return found is want
    return re.sub(r"[-/]", "/", found) == re.sub(r"[-/]", "/", want)


def issuer_ok(found: str | None, want: str) -> bool:
    if not want:
        return found is None
    if not found:
        return False
    fw, ww = fold(found).split(), fold(want).split()
    hit = sum(1 for w in set(ww) if w in set(fw))
    return hit >= 0.9 * len(set(ww)) and len(fw) <= 2.5 * len(ww)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=Path, default=Path("../shared/realdocs/files"))
    ap.add_argument("--sources", type=Path, default=Path("../shared/realdocs/sources.tsv"))
    ap.add_argument("--texts", type=Path)
    args = ap.parse_args()
    rows = list(csv.DictReader(args.sources.open(encoding="utf-8"), delimiter="\t"))
    totals = {"kind": 0, "number": 0, "issuer": 0, "date": 0}
    all_ok = 0
    for row in rows:
        name = row["file"]
        g = gold(row["what_it_is"])
        try:
            if args.texts and (args.texts / (Path(name).stem + ".txt")).exists():
                text = (args.texts / (Path(name).stem + ".txt")).read_text(encoding="utf-8")
            else:
                text = load_file(args.files / name).text
            m = extract_metadata(text, Path(name).stem)
        except LoaderError as exc:
            print(f"{name}: {exc}")
            continue
        ok = {
            "kind": (m.kind or "").casefold() in g["kind"],
            "number": same_number(m.number, g["number"]),
            "issuer": issuer_ok(m.issuer, g["issuer"]),
            "date": m.date == g["date"],
        }
        for k, v in ok.items():
            totals[k] += v
        all_ok += all(ok.values())
        marks = " ".join(("✓" if ok[k] else "✗") + k for k in ok)
        print(f"{name[:40]:40s} {marks}")
        for k in ok:
            if not ok[k]:
                print(f"    {k}: found {getattr(m, k)!r}  want {g[k]!r}")
    n = len(rows)
    print()
    for k, v in totals.items():
        print(f"{k:7s} {v}/{n} = {v / n:.2f}")
    print(f"all four right: {all_ok}/{n} = {all_ok / n:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
