"""The dev question sets and the evaluation's own scorer, named once for every measurement script.

dev.jsonl and dev2.jsonl of ../shared/eval are asked of the seed index (the project's ``var/``);
../shared/realdocs/qa.jsonl of the realdocs files indexed into ``var/rd`` (``DOCBOT_CORPUS_DIR=
../shared/realdocs/files DOCBOT_DATA_DIR=var/rd docbot index --full``), as the CLI and score.py use them.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# ../shared beside the project (a checkout at /work/main), or two levels up (a worktree)
SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else ROOT.parent.parent / "shared"


@dataclass(frozen=True)
class DevSet:
    """A question set and the index that answers it."""

    name: str
    questions: Path
    corpus: str  # "seed" or "rd"
    units: Path | None = None  # extra unit spellings for score.py's answer-line check

    @property
    def data_dir(self) -> Path:
        """The data dir of the index its questions are asked of."""
        return ROOT / "var" if self.corpus == "seed" else ROOT / "var" / "rd"


OWN_EVAL = ROOT / "eval"  # question sets of our own on the seed corpus (eval/README.md)


def dev_sets(eval_dir: Path = SHARED / "eval", realdocs: Path = SHARED / "realdocs") -> list[DevSet]:
    """dev, dev2, realdocs, and blind1: 90 questions on the seed documents, 35 of them unanswerable,
    written by a helper that saw neither the code nor the other sets (eval/README.md). Its twin
    eval/blind2.jsonl is no dev set: it is never fitted on, only scored."""
    return [
        DevSet("dev", eval_dir / "dev.jsonl", "seed"),
        DevSet("dev2", eval_dir / "dev2.jsonl", "seed"),
        DevSet("realdocs", realdocs / "qa.jsonl", "rd", realdocs / "units.txt"),
        DevSet("blind1", OWN_EVAL / "blind1.jsonl", "seed"),
        DevSet("blind4", OWN_EVAL / "blind4.jsonl", "seed"),
        DevSet("blind5", OWN_EVAL / "blind5.jsonl", "seed"),
    ]


def read_rows(path: Path) -> list[dict]:
    """The rows of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_scorer(eval_dir: Path = SHARED / "eval"):
    """The evaluation's own score.py as a module (read from its folder, never part of the project)."""
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
