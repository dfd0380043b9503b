"""Trim-and-fill (Duval & Tweedie 2000, Biometrics 56:455-63), as metafor's ``trimfill``.

Notes
-----
Estimator L0. The side on which studies are missing follows metafor: the sign of the
slope of a meta-regression of yi on sqrt(vi) (negative: missing on the right). The
procedure trims the k0 most extreme studies, re-estimates the centre until k0 is
stable, then fills mirror images of the trimmed studies around the centre and pools
all k + k0 studies with the same model.
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
    pool_fixed_iv,
    pool_random,
)

MAX_ITERATIONS = 100
REML_TOLERANCE = 1e-10


@dataclass(frozen=True)
class TrimFill:
    k0: int
    side: Literal["left", "right"]
    pooled: PooledEstimate


def _regression_tau2(yi: np.ndarray, vi: np.ndarray, x: np.ndarray, method: str) -> float:
    """tau² of a meta-regression with one moderator (DL moments, or REML/ML scoring)."""
    design = np.column_stack([np.ones_like(yi), x])
    k, p = design.shape

    def projection(weights: np.ndarray) -> np.ndarray:
        w = np.diag(weights)
        return w - w @ design @ np.linalg.inv(design.T @ w @ design) @ design.T @ w

    if method not in ("REML", "ML"):
        fixed = projection(1 / vi)
        residual = float(yi @ fixed @ yi)
        return max(0.0, (residual - (k - p)) / float(np.trace(fixed)))
    tau2 = _regression_tau2(yi, vi, x, "DL")
    for _ in range(MAX_ITERATIONS):
        weights = 1 / (vi + tau2)
        proj = projection(weights)
        if method == "REML":
            step = (float(yi @ proj @ proj @ yi) - float(np.trace(proj))) / float(
                np.trace(proj @ proj)
            )
        else:
            step = (float(yi @ proj @ proj @ yi) - float(np.sum(weights))) / float(
                np.sum(weights**2)
            )
        new = max(0.0, tau2 + step)
        if abs(new - tau2) < REML_TOLERANCE:
            return new
        tau2 = new
    return tau2


def missing_side(yi: np.ndarray, vi: np.ndarray, method: str) -> Literal["left", "right"]:
    """'right' when the regression of yi on sqrt(vi) has a negative slope, else 'left'."""
    x = np.sqrt(vi)
    tau2 = 0.0 if method == "FE" else _regression_tau2(yi, vi, x, method)
    weights = 1 / (vi + tau2)
    design = np.column_stack([np.ones_like(yi), x])
    w = np.diag(weights)
    slope = np.linalg.solve(design.T @ w @ design, design.T @ w @ yi)[1]
    return "right" if slope < 0 else "left"


def _centre(yi: np.ndarray, vi: np.ndarray, method: str) -> float:
    tau2 = 0.0 if method == "FE" else estimate_tau2(yi, vi, method)  # type: ignore[arg-type]
    weights = 1 / (vi + tau2)
    return float(np.sum(weights * yi) / np.sum(weights))


def trim_and_fill(
    yi: np.ndarray, vi: np.ndarray, method: TauMethod | Literal["FE"] = "REML", hksj: bool = False
) -> TrimFill:
    """Number of missing studies, their side, and the pooled estimate with them filled."""
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
        signed = np.sign(deviation) * ranks
        total = float(np.sum(signed[signed > 0]))
        k0 = max(0, round((4 * total - k * (k + 1)) / (2 * k - 1)))
    filled_y = 2 * centre - values[k - k0 :] if k0 else np.array([])
    all_y = sign * np.concatenate([values, filled_y])
    all_v = np.concatenate([variances, variances[k - k0 :] if k0 else np.array([])])
    if method == "FE":
        pooled = pool_fixed_iv(all_y, all_v)
    else:
        pooled = pool_random(all_y, all_v, method, hksj)  # type: ignore[arg-type]
    return TrimFill(k0=int(k0), side=side, pooled=pooled)
