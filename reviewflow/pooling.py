"""Common-effect and random-effects pooling, as metafor computes it.

References
----------
Viechtbauer W (2010). Conducting meta-analyses in R with the metafor package. J Stat
Softw 36(3). DerSimonian R, Laird N (1986). Control Clin Trials 7:177-88. Paule RC,
Mandel J (1982). J Res Natl Bur Stand 87:377-85. Hartung J, Knapp G (2001). Stat Med
20:3875-89. Sidik K, Jonkman JN (2005). Stat Med 24:1255-70. Higgins JPT, Thompson SG
(2002). Stat Med 21:1539-58. Robins J, Breslow N, Greenland S (1986). Biometrics
42:311-23. Greenland S, Robins JM (1985). Biometrics 41:55-68. Yusuf S et al. (1985)
Prog Cardiovasc Dis 27:335-71 (Peto).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize, stats

TauMethod = Literal["DL", "REML", "PM", "ML", "HE", "SJ", "EB"]
FixedMethod = Literal["IV", "MH", "Peto"]
LEVEL = 0.95
TAU2_TOLERANCE = 1e-12
"""Root and optimum precision for iterative tau² estimators (metafor is run with a
convergence threshold of 1e-10 in the reference script to match)."""


@dataclass(frozen=True)
class PooledEstimate:
    """One pooled row on the analysis scale (log for ratio measures)."""

    model: Literal["fixed", "random"]
    method: str
    k: int
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    z: float
    p_value: float
    tau2: float
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    pi_lower: float
    pi_upper: float


def cochran_q(yi: np.ndarray, vi: np.ndarray) -> tuple[float, float]:
    """Cochran's Q around the inverse-variance mean, and that mean."""
    weights = 1 / vi
    mean = float(np.sum(weights * yi) / np.sum(weights))
    return float(np.sum(weights * (yi - mean) ** 2)), mean


def _q_stats(q: float, k: int) -> tuple[int, float, float, float]:
    df = k - 1
    # one study: metafor reports Q = 0 with p = 1, I² = 0 and H² = 1
    q_p = float(stats.chi2.sf(q, df)) if df > 0 else 1.0
    i2 = max(0.0, 100 * (q - df) / q) if df > 0 and q > 0 else 0.0
    h2 = q / df if df > 0 else 1.0
    return df, q_p, i2, h2


def _normal_row(
    model: Literal["fixed", "random"],
    method: str,
    yi: np.ndarray,
    estimate: float,
    se: float,
    q: float,
    tau2: float,
    i2: float,
    h2: float,
) -> PooledEstimate:
    k = len(yi)
    df, q_p, _, _ = _q_stats(q, k)
    crit = stats.norm.ppf((1 + LEVEL) / 2)
    z = estimate / se
    p_value = float(2 * stats.norm.sf(abs(z)))
    pi = (math.nan, math.nan)
    if model == "random":
        spread = crit * math.sqrt(se**2 + tau2)
        pi = (estimate - spread, estimate + spread)
    return PooledEstimate(
        model,
        method,
        k,
        estimate,
        se,
        estimate - crit * se,
        estimate + crit * se,
        z,
        p_value,
        tau2,
        i2,
        h2,
        q,
        df,
        q_p,
        *pi,
    )


def pool_fixed_iv(yi: np.ndarray, vi: np.ndarray) -> PooledEstimate:
    """Inverse-variance common effect; I² and H² from Q (metafor, method = "FE")."""
    q, mean = cochran_q(yi, vi)
    _, _, i2, h2 = _q_stats(q, len(yi))
    se = math.sqrt(1 / np.sum(1 / vi))
    return _normal_row("fixed", "IV", yi, mean, se, q, math.nan, i2, h2)


def _re_mean(yi: np.ndarray, vi: np.ndarray, tau2: float) -> tuple[float, float]:
    weights = 1 / (vi + tau2)
    return float(np.sum(weights * yi) / np.sum(weights)), float(np.sum(weights))


def _generalised_q(yi: np.ndarray, vi: np.ndarray, tau2: float) -> float:
    mean, _ = _re_mean(yi, vi, tau2)
    return float(np.sum((yi - mean) ** 2 / (vi + tau2)))


def estimate_tau2(yi: np.ndarray, vi: np.ndarray, method: TauMethod) -> float:
    """Between-study variance by the named estimator (intercept-only model).

    Notes
    -----
    DL: method of moments, max(0, (Q - (k-1)) / (Σw - Σw²/Σw)). HE: Hedges' unweighted
    moments. SJ: Sidik-Jonkman with the k-denominator variance as start value. PM and
    EB (identical without moderators): the root of the generalised Q = k - 1. ML and
    REML: maximisers of the (restricted) log-likelihood on [0, ∞).
    """
    k = len(yi)
    if k == 1:
        return 0.0
    weights = 1 / vi
    if method == "DL":
        q, _ = cochran_q(yi, vi)
        c = np.sum(weights) - np.sum(weights**2) / np.sum(weights)
        return max(0.0, float((q - (k - 1)) / c))
    if method == "HE":
        spread = float(np.sum((yi - yi.mean()) ** 2))
        return max(0.0, (spread - (k - 1) / k * float(np.sum(vi))) / (k - 1))
    if method == "SJ":
        start = float(np.sum((yi - yi.mean()) ** 2) / k)
        if start <= 0:
            return 0.0
        scaled = vi / start + 1
        mean = float(np.sum(yi / scaled) / np.sum(1 / scaled))
        return float(np.sum((yi - mean) ** 2 / scaled) / (k - 1))
    if method in ("PM", "EB"):
        if _generalised_q(yi, vi, 0.0) <= k - 1:
            return 0.0
        upper = 1.0
        while _generalised_q(yi, vi, upper) > k - 1:
            upper *= 10
        return float(
            optimize.brentq(
                lambda tau2: _generalised_q(yi, vi, tau2) - (k - 1),
                0.0,
                upper,
                xtol=TAU2_TOLERANCE,
                rtol=1e-14,
                maxiter=500,
            )
        )
    if method in ("ML", "REML"):
        return _likelihood_tau2(yi, vi, restricted=method == "REML")
    raise ValueError(f"unknown tau² estimator {method}")


def _likelihood_tau2(yi: np.ndarray, vi: np.ndarray, restricted: bool) -> float:
    """Solve the (restricted) likelihood score equation for tau², truncated at 0."""

    def score(tau2: float) -> float:
        weights = 1 / (vi + tau2)
        mean = np.sum(weights * yi) / np.sum(weights)
        residual = (yi - mean) ** 2
        value = np.sum(weights**2 * residual) - np.sum(weights)
        if restricted:
            value += np.sum(weights**2) / np.sum(weights)
        return float(value)

    if score(0.0) <= 0:
        return 0.0
    upper = 1.0
    while score(upper) > 0:
        upper *= 10
    return float(optimize.brentq(score, 0.0, upper, xtol=TAU2_TOLERANCE, rtol=1e-14, maxiter=500))


def typical_variance(vi: np.ndarray) -> float:
    """Higgins & Thompson's typical within-study variance, used by metafor for I², H²."""
    weights = 1 / vi
    k = len(vi)
    return float((k - 1) * np.sum(weights) / (np.sum(weights) ** 2 - np.sum(weights**2)))


def pool_random(
    yi: np.ndarray, vi: np.ndarray, method: TauMethod = "REML", hksj: bool = False
) -> PooledEstimate:
    """Random-effects pooled estimate, CI (normal or Hartung-Knapp), prediction interval.

    Notes
    -----
    I² = 100 τ² / (τ² + s²) and H² = (τ² + s²) / s² with s² the typical within-study
    variance, as metafor reports them for every estimator. With ``hksj`` the SE is
    sqrt(Σw(y - μ)² / ((k - 1) Σw)) and the CI, p-value and prediction interval use
    the t distribution with k - 1 df (metafor ``test = "knha"``).

    The prediction interval is μ ± crit · sqrt(SE² + τ²) as metafor's ``predict()``
    computes it by default: crit from the normal distribution with the normal CI, and
    from t with the model's k - 1 df under Knapp-Hartung. Higgins et al.'s (2009,
    J R Stat Soc A 172:137-59) t with k - 2 df is metafor's ``pi.type = "riley"``,
    not its default, and is not what we report. With k = 1 the row is the study itself
    (τ² = 0, Q = 0) and the CI is normal whatever ``hksj`` says (t with 0 df is
    undefined).
    """
    k = len(yi)
    tau2 = estimate_tau2(yi, vi, method)
    mean, weight_sum = _re_mean(yi, vi, tau2)
    q, _ = cochran_q(yi, vi)
    if k > 1:
        s2 = typical_variance(vi)
        i2, h2 = 100 * tau2 / (tau2 + s2), (tau2 + s2) / s2
    else:
        i2, h2 = 0.0, 1.0
    label = method + ("+HKSJ" if hksj else "")
    se = math.sqrt(1 / weight_sum)
    if not hksj or k < 2:
        return _normal_row("random", label, yi, mean, se, q, tau2, i2, h2)
    weights = 1 / (vi + tau2)
    se = math.sqrt(float(np.sum(weights * (yi - mean) ** 2)) / ((k - 1) * weight_sum))
    crit = stats.t.ppf((1 + LEVEL) / 2, k - 1)
    t_value = mean / se
    df, q_p, _, _ = _q_stats(q, k)
    spread = crit * math.sqrt(se**2 + tau2)
    return PooledEstimate(
        "random",
        label,
        k,
        mean,
        se,
        mean - crit * se,
        mean + crit * se,
        t_value,
        float(2 * stats.t.sf(abs(t_value), k - 1)),
        tau2,
        i2,
        h2,
        q,
        df,
        q_p,
        mean - spread,
        mean + spread,
    )


def pool_mantel_haenszel(
    measure: Literal["OR", "RR", "RD"],
    a: np.ndarray,
    n1: np.ndarray,
    c: np.ndarray,
    n2: np.ndarray,
    yi: np.ndarray,
    vi: np.ndarray,
) -> PooledEstimate:
    """Mantel-Haenszel common effect from the raw 2x2 tables.

    ``yi``/``vi`` are aligned with the counts (NaN for a study left out).

    Notes
    -----
    OR with the Robins-Breslow-Greenland variance, RR with Greenland-Robins, RD with
    the Sato-Greenland-Robins variance, as in metafor's ``rma.mh``. Q is computed from
    the study ``yi``/``vi`` (continuity-corrected where a cell is zero) around the MH
    estimate; I² and H² follow from Q.
    """
    b, d = n1 - a, n2 - c
    n = n1 + n2
    if measure == "OR":
        r, s = a * d / n, b * c / n
        p, q_ = (a + d) / n, (b + c) / n
        estimate = math.log(r.sum() / s.sum())
        variance = (
            np.sum(p * r) / (2 * r.sum() ** 2)
            + np.sum(p * s + q_ * r) / (2 * r.sum() * s.sum())
            + np.sum(q_ * s) / (2 * s.sum() ** 2)
        )
    elif measure == "RR":
        r, s = a * n2 / n, c * n1 / n
        estimate = math.log(r.sum() / s.sum())
        variance = np.sum((n1 * n2 * (a + c) - a * c * n) / n**2) / (r.sum() * s.sum())
    else:
        weights = n1 * n2 / n
        estimate = float(np.sum(a * n2 / n - c * n1 / n) / weights.sum())
        # Sato, Greenland, Robins (1989, Biometrics 45:1323-4), valid in sparse data
        # as well as large strata; the variance rma.mh uses
        p1, p2 = n1 / n, n2 / n
        numerator = (
            estimate * np.sum(c * p1**2 - a * p2**2 + p1 * p2 * (n2 - n1) / 2)
            + np.sum(a * (n2 - c) / n + c * (n1 - a) / n) / 2
        )
        variance = numerator / weights.sum() ** 2
    # Q leaves out studies without events (or only events) in both arms for every
    # measure, RD included: rma.mh computes its study yi/vi with drop00 = TRUE
    uninformative = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    keep = ~np.isnan(yi) & ~uninformative
    q = float(np.sum((yi[keep] - estimate) ** 2 / vi[keep])) if keep.sum() > 1 else 0.0
    _, _, i2, h2 = _q_stats(q, int(keep.sum()))
    row = _normal_row(
        "fixed", "MH", yi[keep], float(estimate), math.sqrt(variance), q, math.nan, i2, h2
    )
    return row


def pool_peto(a: np.ndarray, n1: np.ndarray, c: np.ndarray, n2: np.ndarray) -> PooledEstimate:
    """Peto's one-step odds ratio: Σ(O - E) / ΣV with variance 1 / ΣV."""
    n = n1 + n2
    events = a + c
    expected = n1 * events / n
    variance = n1 * n2 * events * (n - events) / (n**2 * (n - 1))
    keep = variance > 0
    o_minus_e = (a - expected)[keep]
    v = variance[keep]
    estimate = float(o_minus_e.sum() / v.sum())
    q = float(np.sum(o_minus_e**2 / v) - o_minus_e.sum() ** 2 / v.sum())
    _, _, i2, h2 = _q_stats(q, int(keep.sum()))
    return _normal_row(
        "fixed", "Peto", o_minus_e / v, estimate, math.sqrt(1 / v.sum()), q, math.nan, i2, h2
    )


def tau2_confidence_interval(
    yi: np.ndarray, vi: np.ndarray, level: float = LEVEL
) -> tuple[float, float]:
    """Q-profile confidence interval of tau² (Viechtbauer 2007, Stat Med 26:37-52).

    Notes
    -----
    The bounds are the tau² at which the generalised Q statistic equals the upper and
    lower (1 ± level)/2 quantiles of chi² with k - 1 df; a bound below zero is 0, as
    metafor's ``confint`` reports it. Needs k >= 2.
    """
    k = len(yi)
    if k < 2:
        return math.nan, math.nan
    df = k - 1

    def bound(quantile: float) -> float:
        target = stats.chi2.ppf(quantile, df)
        if _generalised_q(yi, vi, 0.0) < target:
            return 0.0
        upper = 1.0
        while _generalised_q(yi, vi, upper) > target:
            upper *= 10
        return float(
            optimize.brentq(
                lambda tau2: _generalised_q(yi, vi, tau2) - target,
                0.0,
                upper,
                xtol=TAU2_TOLERANCE,
                rtol=1e-14,
                maxiter=500,
            )
        )

    return bound((1 + level) / 2), bound((1 - level) / 2)


def mantel_haenszel_weights(
    measure: Literal["OR", "RR", "RD"],
    a: np.ndarray,
    n1: np.ndarray,
    c: np.ndarray,
    n2: np.ndarray,
) -> np.ndarray:
    """Per-study Mantel-Haenszel weights in percent (metafor ``weights.rma.mh``).

    Notes
    -----
    OR: b c / n; RR: c n1 / n; RD: n1 n2 / n (Greenland & Robins 1985), the weights
    the MH estimate gives each table's study-level estimate; RevMan prints the same.
    """
    n = n1 + n2
    if measure == "OR":
        weights = (n1 - a) * c / n
    elif measure == "RR":
        weights = c * n1 / n
    else:
        weights = n1 * n2 / n
    return 100 * weights / weights.sum()


def peto_weights(a: np.ndarray, n1: np.ndarray, c: np.ndarray, n2: np.ndarray) -> np.ndarray:
    """Per-study Peto weights in percent: the hypergeometric variances V (``weights.rma.peto``)."""
    n = n1 + n2
    events = a + c
    variance = n1 * n2 * events * (n - events) / (n**2 * (n - 1))
    return 100 * variance / variance.sum()


@dataclass(frozen=True)
class MetaRegression:
    """A mixed-effects meta-regression ``yi = X b + u + e`` (metafor ``rma(mods = X)``)."""

    coefficients: np.ndarray
    se: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    tau2: float
    df: float
    """Residual df k - p for the t tests under Knapp-Hartung, else NaN (normal)."""


def _projection(vi: np.ndarray, design: np.ndarray, tau2: float) -> np.ndarray:
    """P = W - W X (X'WX)⁻¹ X'W with W = diag(1 / (vi + tau2))."""
    weights = np.diag(1 / (vi + tau2))
    middle = np.linalg.inv(design.T @ weights @ design)
    return weights - weights @ design @ middle @ design.T @ weights


def estimate_tau2_regression(
    yi: np.ndarray, vi: np.ndarray, design: np.ndarray, method: TauMethod | Literal["FE"]
) -> float:
    """tau² of a meta-regression with design matrix ``design`` (k x p), by ``method``.

    Notes
    -----
    metafor's estimators with moderators (Viechtbauer 2005, J Educ Behav Stat
    30:261-93; Viechtbauer et al. 2015, Res Synth Methods 6:306-22): DL =
    (Q_E - (k - p)) / tr(P₀); HE = (y'(I - H)y - tr((I - H)V)) / (k - p); SJ with
    start value var(y)(k - 1)/k; PM and EB: the root of the generalised Q_E = k - p;
    ML and REML: the root of the (restricted) likelihood score y'PPy = tr(W) (ML) or
    tr(P) (REML); all truncated at 0. With an intercept alone they equal
    ``estimate_tau2``.
    """
    k, p = design.shape
    if method == "FE" or k <= p:
        return 0.0
    if method == "DL":
        projection = _projection(vi, design, 0.0)
        return max(0.0, float((yi @ projection @ yi - (k - p)) / np.trace(projection)))
    if method == "HE":
        residual_maker = np.eye(k) - design @ np.linalg.pinv(design)
        spread = float(yi @ residual_maker @ yi) - float(np.trace(residual_maker * vi))
        return max(0.0, spread / (k - p))
    if method == "SJ":
        start = float(np.var(yi))
        if start <= 0:
            return 0.0
        return start * float(yi @ _projection(vi, design, start) @ yi) / (k - p)

    def generalised_q(tau2: float) -> float:
        return float(yi @ _projection(vi, design, tau2) @ yi) - (k - p)

    def score(tau2: float) -> float:
        projection = _projection(vi, design, tau2)
        fitted = float(yi @ projection @ projection @ yi)
        if method == "ML":
            return fitted - float(np.sum(1 / (vi + tau2)))
        return fitted - float(np.trace(projection))

    equation = generalised_q if method in ("PM", "EB") else score
    if method not in ("PM", "EB", "ML", "REML"):
        raise ValueError(f"unknown tau² estimator {method}")
    return _nonnegative_root(equation)


def _nonnegative_root(equation) -> float:  # type: ignore[no-untyped-def]
    """The root of a decreasing ``equation`` on [0, ∞); 0 when it starts at or below 0."""
    if equation(0.0) <= 0:
        return 0.0
    upper = 1.0
    while equation(upper) > 0:
        upper *= 10
    return float(
        optimize.brentq(equation, 0.0, upper, xtol=TAU2_TOLERANCE, rtol=1e-14, maxiter=500)
    )


def fit_meta_regression(
    yi: np.ndarray,
    vi: np.ndarray,
    design: np.ndarray,
    method: TauMethod | Literal["FE"] = "REML",
    knha: bool = False,
    level: float = LEVEL,
) -> MetaRegression:
    """Weighted least squares with weights 1 / (vi + tau²) and Wald (or Knapp-Hartung) tests.

    Notes
    -----
    b = (X'WX)⁻¹X'Wy, Var(b) = (X'WX)⁻¹; with ``knha`` Var(b) is multiplied by
    y'Py / (k - p) and tests use t with k - p df (Knapp & Hartung 2003, Stat Med
    22:2693-710), as metafor's ``test = "knha"`` (no truncation of the factor at 1).
    """
    k, p = design.shape
    tau2 = estimate_tau2_regression(yi, vi, design, method)
    weights = 1 / (vi + tau2)
    covariance = np.linalg.inv(design.T @ (weights[:, None] * design))
    coefficients = covariance @ design.T @ (weights * yi)
    df = math.nan
    if knha and k > p:
        residual = yi - design @ coefficients
        covariance = covariance * float(np.sum(weights * residual**2)) / (k - p)
        df = float(k - p)
    se = np.sqrt(np.diag(covariance))
    statistic = coefficients / se
    if knha and k > p:
        p_value = 2 * stats.t.sf(np.abs(statistic), df)
        crit = stats.t.ppf((1 + level) / 2, df)
    else:
        p_value = 2 * stats.norm.sf(np.abs(statistic))
        crit = stats.norm.ppf((1 + level) / 2)
    return MetaRegression(
        coefficients,
        se,
        statistic,
        p_value,
        coefficients - crit * se,
        coefficients + crit * se,
        tau2,
        df,
    )
