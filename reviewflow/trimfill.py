"""Trim-and-fill (Duval & Tweedie 2000, Biometrics 56:455-63), as metafor's ``trimfill``.

Notes
-----
Estimators L0 (default), R0 and Q0 of the number of missing studies k0. The side on
which studies are missing follows metafor: the sign of the slope of a meta-regression
of yi on sqrt(vi) with the model's tau² estimator (negative: missing on the right).
The procedure trims the k0 most extreme studies, re-estimates the centre from the rest
until k0 is stable, then fills mirror images of the trimmed studies around that centre
and pools all k + k0 studies with the same tau² estimator. Like ``trimfill()``, the
final fit uses the normal (z) test whatever the analysis's test: metafor does not
pass ``test`` on to its refit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from reviewflow.pooling import (
    PooledEstimate,
    TauMethod,
    estimate_tau2,
    estimate_tau2_regression,
    pool_fixed_iv,
    pool_random,
)

MAX_ITERATIONS = 100
Estimator = Literal["L0", "R0", "Q0"]


@dataclass(frozen=True)
class TrimFill:
    """k0 studies filled on ``side``; ``pooled`` is the fit of the k + k0 studies."""

    k0: int
    side: Literal["left", "right"]
    pooled: PooledEstimate
    estimator: Estimator = "L0"
    filled_yi: tuple[float, ...] = ()
    filled_vi: tuple[float, ...] = ()


def missing_side(
    yi: np.ndarray, vi: np.ndarray, method: TauMethod | Literal["FE"]
) -> Literal["left", "right"]:
    """'right' when the regression of yi on sqrt(vi) has a negative slope, else 'left'."""
    design = np.column_stack([np.ones_like(yi), np.sqrt(vi)])
    tau2 = estimate_tau2_regression(yi, vi, design, method)
    weights = 1 / (vi + tau2)
    slope = np.linalg.solve(design.T @ (weights[:, None] * design), design.T @ (weights * yi))[1]
    return "right" if slope < 0 else "left"


def _centre(yi: np.ndarray, vi: np.ndarray, method: TauMethod | Literal["FE"]) -> float:
    tau2 = 0.0 if method == "FE" else estimate_tau2(yi, vi, method)
    weights = 1 / (vi + tau2)
    return float(np.sum(weights * yi) / np.sum(weights))


def _missing_count(signed_ranks: np.ndarray, k: int, estimator: Estimator) -> float:
    """Duval & Tweedie's estimators from the signed ranks of the centred effects.

    Where Q0's root is of a negative number (metafor's ``trimfill`` stops with an
    error there) it is taken as 0, so k0 = k - 1/2 rounds to the most it can be.
    """
    if estimator == "R0":
        negative = -signed_ranks[signed_ranks < 0]
        return k - (negative.max() if negative.size else 0) - 1
    total = float(np.sum(signed_ranks[signed_ranks > 0]))
    if estimator == "L0":
        return (4 * total - k * (k + 1)) / (2 * k - 1)
    return k - 0.5 - math.sqrt(max(0.0, 2 * k**2 - 4 * total + 0.25))


def trim_and_fill(
    yi: np.ndarray,
    vi: np.ndarray,
    method: TauMethod | Literal["FE"] = "REML",
    estimator: Estimator = "L0",
) -> TrimFill:
    """Number of missing studies, their side, and the pooled estimate with them filled.

    Notes
    -----
    Ranks of |yi - centre| break ties by order (R's ``ties.method = "first"``), on the
    effects sorted ascending after flipping the sign when studies are missing on the
    right, as ``trimfill.rma.uni`` does; L0 = (4 S_r - k(k + 1)) / (2k - 1), R0 = the
    length of the rightmost run of positive ranks minus 1, Q0 = k - 1/2 -
    sqrt(2k² - 4 S_r + 1/4); each rounded and truncated at 0.
    """
    side = missing_side(yi, vi, method)
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * yi, kind="stable")
    values, variances = sign * yi[order], vi[order]
    k = len(values)
    k0, previous, centre = 0, -1, math.nan
    for _ in range(MAX_ITERATIONS):
        if k0 == previous:
            break
        previous = k0
        centre = _centre(values[: k - k0], variances[: k - k0], method)
        deviation = values - centre
        ranks = stats.rankdata(np.abs(deviation), method="ordinal")
        k0 = max(0, round(_missing_count(np.sign(deviation) * ranks, k, estimator)))
        k0 = min(k0, k - 1)
    filled_y = sign * (2 * centre - values[k - k0 :]) if k0 else np.array([])
    filled_v = variances[k - k0 :] if k0 else np.array([])
    all_y = np.concatenate([yi, filled_y])
    all_v = np.concatenate([vi, filled_v])
    pooled = pool_fixed_iv(all_y, all_v) if method == "FE" else pool_random(all_y, all_v, method)
    return TrimFill(
        k0=int(k0),
        side=side,
        pooled=pooled,
        estimator=estimator,
        filled_yi=tuple(float(value) for value in filled_y),
        filled_vi=tuple(float(value) for value in filled_v),
    )
