"""The abstention fitting harness (scripts/evalkit): the curve and the stated selection rule, on made-up data."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from evalkit import fit  # noqa: E402
from evalkit.report import curve  # noqa: E402


def test_curve_climbs_and_stops_at_the_false_abstention_cap():
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
    y = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 1], dtype=float)
    rows = curve(p, y, max_false=0.5)
    recalls = [r["abstain_unanswerable"] for r in rows]
    assert recalls == sorted(recalls) and len(set(recalls)) == len(recalls)  # one row per step up
    assert all(r["false_abstain"] <= 0.5 for r in rows)
    assert rows[0]["abstain_unanswerable"] == pytest.approx(0.5) and rows[0]["false_abstain"] == 0.0  # free abstentions
    assert rows[-1]["abstain_unanswerable"] == 1.0 and rows[-1]["false_abstain"] == pytest.approx(0.5)


def _data(n: int = 120, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) > 0.25).astype(float)
    columns = {name: rng.random(n) for name in ("closed_missing", "span_coverage", *fit.EXTRA_FEATURES)}
    columns["closed_missing"] = np.where((y == 0) & (rng.random(n) < 0.6), 1.0, 0.0)  # a clean signal
    groups = [str(i % 8) for i in range(n)]
    return columns, y, {"lodo": groups, "kfold": [str(i % 10) for i in range(n)], "other_corpus": groups[::-1]}


def test_select_keeps_to_the_goal_and_reports_every_trial():
    columns, y, schemes = _data()
    best, trials = fit.select(columns, y, schemes, ["a" if i % 2 else "b" for i in range(len(y))])
    first_step = (1 + len(fit.EXTRA_FEATURES)) * len(fit.FA_TRAIN_GRID)
    assert len(trials) >= first_step and len(trials) % len(fit.FA_TRAIN_GRID) == 0
    assert best.admissible()
    assert all(fa <= fit.FA_TARGET for _, fa in best.held_out.values())
    assert set(best.per_set) == {"a", "b"}
    assert best.held_out["lodo"][0] >= 0.5  # the clean signal is found held out
    assert best.features[:2] == fit.BASE_FEATURES and len(best.features) <= fit.MAX_FEATURES
    # forward selection: no admissible trial of the first step abstains more held out than the pick
    admissible = [t for t in trials[:first_step] if t.admissible()]
    assert best.held_out["lodo"][0] >= max(t.held_out["lodo"][0] for t in admissible)


def test_forward_selection_adds_a_second_feature_only_when_it_helps_held_out():
    """Two clean signals, each on half of the unanswerable questions: the first step takes one, the
    second step the other; noise features are never added (they do not raise held-out abstention)."""
    rng = np.random.default_rng(1)
    n = 200
    y = (rng.random(n) > 0.3).astype(float)
    columns = {name: rng.random(n) for name in ("closed_missing", "span_coverage", *fit.EXTRA_FEATURES)}
    half = rng.random(n) < 0.5
    columns["closed_missing"] = np.zeros(n)
    columns["span_coverage"] = np.ones(n)
    columns["closed_gap"] = np.where((y == 0) & half, 1.0, 0.0)
    columns["line_missing"] = np.where((y == 0) & ~half, 1.0, 0.0)
    groups = [str(i % 8) for i in range(n)]
    schemes = {"lodo": groups, "kfold": [str(i % 10) for i in range(n)], "other_corpus": [str(i % 2) for i in range(n)]}
    best, _ = fit.select(columns, y, schemes, ["a" if i % 2 else "b" for i in range(n)])
    assert set(best.features) == {"closed_missing", "span_coverage", "closed_gap", "line_missing"}
    assert best.held_out["lodo"][0] > 0.9


@pytest.mark.parametrize(
    ("held_out", "per_set", "fitted", "ok"),
    [
        ({"lodo": (0.6, 0.02)}, {"dev": 0.03}, (0.6, 0.01), True),
        ({"lodo": (0.6, 0.06)}, {"dev": 0.03}, (0.6, 0.01), False),  # false abstention over the goal
        ({"lodo": (0.6, 0.02)}, {"dev": 0.08}, (0.6, 0.01), False),  # ... on one dev set
        ({"lodo": (0.5, 0.02)}, {"dev": 0.03}, (0.6, 0.01), False),  # held out 0.1 under its fit
    ],
)
def test_admissible(held_out, per_set, fitted, ok):
    assert fit.Trial(("closed_missing",), 0.02, held_out, per_set, fitted).admissible() is ok
