"""Small-study effects: Egger's regression test and Begg's rank correlation test.

With fewer than ten studies both tests have little power (Sterne et al. 2011, BMJ
343:d4002); callers print that caution with the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from scipy import stats

from reviewflow.pooling import TauMethod, fit_meta_regression

FEW_STUDIES = 10


@dataclass(frozen=True)
class BiasTest:
    """A small-study test; ``estimate``/CI: Egger's limit estimate (effect at SE = 0)."""

    statistic: float
    df: float
    p_value: float
    note: str
    estimate: float = math.nan
    ci_lower: float = math.nan
    ci_upper: float = math.nan


def _caution(k: int) -> str:
    return f"k = {k} < {FEW_STUDIES}: low power, interpret with caution" if k < FEW_STUDIES else ""


def egger_test(
    yi: np.ndarray,
    vi: np.ndarray,
    model: Literal["rma", "lm"] = "rma",
    method: TauMethod | Literal["FE"] = "REML",
    knha: bool = False,
) -> BiasTest:
    """Egger's regression test for funnel-plot asymmetry, as metafor's ``regtest``.

    Notes
    -----
    ``model = "rma"`` (metafor's default for a fitted model): the meta-regression
    yi = b0 + b1·sei + u + e with tau² by the analysis's ``method`` and the Wald z
    test of b1 (t with k - 2 df under ``knha``); b0 is the limit estimate (the
    effect of a study with SE 0, Rücker et al. 2011, Biostatistics 12:122-42).
    ``model = "lm"``: Egger et al.'s (1997, BMJ 315:629-34) classical test, the OLS of
    yi/sei on 1/sei, i.e. weighted least squares of yi on sei with weights 1/vi and
    a multiplicative dispersion; t test with k - 2 df (Sterne & Egger 2005).
    """
    k = len(yi)
    if k < 3:
        return BiasTest(math.nan, math.nan, math.nan, "needs at least 3 studies")
    sei = np.sqrt(vi)
    if model == "lm":
        fit = sm.WLS(yi, sm.add_constant(sei), weights=1 / vi).fit()
        crit = stats.t.ppf(0.975, k - 2)
        intercept, intercept_se = float(fit.params[0]), float(fit.bse[0])
        return BiasTest(
            float(fit.tvalues[1]),
            float(k - 2),
            float(fit.pvalues[1]),
            _caution(k),
            intercept,
            intercept - crit * intercept_se,
            intercept + crit * intercept_se,
        )
    design = np.column_stack([np.ones(k), sei])
    regression = fit_meta_regression(yi, vi, design, method, knha)
    return BiasTest(
        float(regression.statistic[1]),
        regression.df,
        float(regression.p_value[1]),
        _caution(k),
        float(regression.coefficients[0]),
        float(regression.ci_lower[0]),
        float(regression.ci_upper[0]),
    )


def begg_test(yi: np.ndarray, vi: np.ndarray) -> BiasTest:
    """Begg & Mazumdar's rank correlation (Kendall's tau) of standardised effects and vi.

    Notes
    -----
    Standardised effects (yi - μ_FE) / sqrt(vi - 1/Σw); exact p-value whenever there
    are no ties (any k), else the normal approximation, as metafor's ``ranktest``
    (``cor.test(..., method = "kendall", exact = TRUE)``).
    """
    k = len(yi)
    if k < 3:
        return BiasTest(math.nan, math.nan, math.nan, "needs at least 3 studies")
    weights = 1 / vi
    mean = np.sum(weights * yi) / np.sum(weights)
    standardised = (yi - mean) / np.sqrt(vi - 1 / np.sum(weights))
    exact = len(set(vi)) == k and len(set(standardised)) == k
    tau, p_value = stats.kendalltau(standardised, vi, method="exact" if exact else "asymptotic")
    return BiasTest(float(tau), math.nan, float(p_value), _caution(k))
