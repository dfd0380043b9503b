"""Small-study effects: Egger's regression test and Begg's rank correlation test.

With fewer than ten studies both tests have little power (Sterne et al. 2011, BMJ
343:d4002); callers print that caution with the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

FEW_STUDIES = 10


@dataclass(frozen=True)
class BiasTest:
    statistic: float
    df: float
    p_value: float
    note: str


def _caution(k: int) -> str:
    return f"k = {k} < {FEW_STUDIES}: low power, interpret with caution" if k < FEW_STUDIES else ""


def egger_test(yi: np.ndarray, vi: np.ndarray) -> BiasTest:
    """Egger's test: OLS of yi/sei on 1/sei; the intercept's t test (Egger et al. 1997).

    Notes
    -----
    Equals metafor's ``regtest(model = "lm")`` (Sterne & Egger 2005 form: weighted
    regression of yi on sei with weights 1/vi and a multiplicative dispersion).
    """
    k = len(yi)
    if k < 3:
        return BiasTest(math.nan, math.nan, math.nan, "needs at least 3 studies")
    sei = np.sqrt(vi)
    fit = sm.WLS(yi, sm.add_constant(sei), weights=1 / vi).fit()
    return BiasTest(float(fit.tvalues[1]), float(k - 2), float(fit.pvalues[1]), _caution(k))


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
