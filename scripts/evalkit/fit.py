"""Logistic regression for the abstention decision, its threshold, and cross-validation.

A few lines of NumPy (Newton's method with an L2 penalty) rather than a library: the model has a
handful of features and about 250 questions, and inference (index/answer/abstain.py) needs none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.answer.evidence import Model

FA_TARGET = 0.05  # the goal: at most this share of answerable questions told "không có trong tài liệu"
# The threshold is chosen on the training questions at a stricter share than the goal: fitted probabilities
# are optimistic, and held-out questions fall under the threshold more often.
FA_TRAIN = 0.03
# The features the model uses, of those index/answer/abstain.py computes. Chosen by leave-one-document-out
# cross-validation on all dev sets (2026-12-01; pooled abstention / false abstention, held out and fitted):
#   closed_missing, span_coverage                             0.432 / 0.005 held out, 0.432 / 0.005 fitted
#   + kind_missing_near (weight -0.01)                        the same
#   ... at 0.045 on training questions                       0.568 / 0.048 held out (realdocs 0.057)
#   + coverage                                                0.500 / 0.033 held out, 0.545 / 0.029 fitted
#   coverage, kind_missing, kind_missing_near, span_coverage, dense    0.477 / 0.038, 0.477 / 0.029
#   + kind_asked, specific_missing, pair_coverage, bm25_margin        0.477 / 0.053, 0.568 / 0.029
# The two-feature model: held out equals fitted, and it adds almost no false abstention; the next step
# up the curve (the open kinds' missing spans) costs about one answerable question per unanswerable one.
# "specific_missing" came out with a positive weight (answerable questions paraphrase rare words).
MODEL_FEATURES = ("closed_missing", "span_coverage")
L2 = 1.0  # penalty on the standardised weights: with ~45 unanswerable questions, no weight runs away


def _newton(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 50) -> np.ndarray:
    """Weights (bias first) of an L2-penalised logistic regression (the bias is not penalised)."""
    A = np.hstack([np.ones((len(X), 1)), X])
    w = np.zeros(A.shape[1])
    pen = np.full(A.shape[1], l2)
    pen[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -30, 30)))
        grad = A.T @ (p - y) + pen * w
        hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(pen + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def choose_threshold(p: np.ndarray, y: np.ndarray, target: float = FA_TRAIN) -> float:
    """A threshold under which at most ``target`` of the answerable questions fall: midway between the
    first answerable probability it must not take and the highest probability below that (so a
    question a little off a cluster of tied probabilities is not decided by the tie)."""
    answerable = np.sort(p[y == 1])
    if not answerable.size:
        return 0.5
    allowed = int(np.floor(target * answerable.size))
    edge = float(answerable[min(allowed, answerable.size - 1)])
    below = p[p < edge]
    return (float(below.max()) + edge) / 2 if below.size else edge


def fit_model(X: np.ndarray, y: np.ndarray, names: Sequence[str], target: float = FA_TRAIN) -> Model:
    """Standardise, fit, and set the threshold for the false-abstention target on these questions."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    w = _newton((X - mean) / scale, y, L2)
    model = Model(tuple(names), tuple(float(v) for v in w[1:]), float(w[0]), tuple(map(float, mean)),
                  tuple(map(float, scale)), 0.5)
    p = np.array([model.probability(dict(zip(names, row, strict=True))) for row in X])
    return model.with_threshold(choose_threshold(p, y, target))


def cv_probabilities(
    X: np.ndarray, y: np.ndarray, names: Sequence[str], groups: Sequence[str], target: float = FA_TRAIN
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out probability and threshold of every question: each group left out in turn, the model
    and its threshold fitted on the others."""
    groups = np.array(groups)
    p = np.zeros(len(y))
    t = np.zeros(len(y))
    for g in sorted(set(groups)):
        out = groups == g
        model = fit_model(X[~out], y[~out], names, target)
        p[out] = [model.probability(dict(zip(names, row, strict=True))) for row in X[out]]
        t[out] = model.threshold
    return p, t
