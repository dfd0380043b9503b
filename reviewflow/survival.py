"""Kaplan–Meier curves, median survival with its CI, the log-rank test and the Cox HR.

Every number here is checked against R's ``survival`` package (``survfit``,
``quantile.survfit``, ``survdiff``, ``coxph``) in ``tests/test_survival.py``.
The Kaplan–Meier curve and its median are computed here rather than with
statsmodels' ``SurvfuncRight``, whose median CI inverts a test (Brookmeyer and
Crowley) instead of reading the pointwise CI curves as R does.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning

ConfType = Literal["log-log", "log", "plain"]
Ties = Literal["efron", "breslow"]

CONF_LEVEL = 0.95
MEDIAN_TOLERANCE = math.sqrt(np.finfo(float).eps)
"""R's ``quantile.survfit`` default: a curve within this of 0.5 counts as 0.5."""

MAX_LOG_HR = 20.0
"""A log HR beyond this means separation (every event in one arm first), not data."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KaplanMeier:
    """One arm's Kaplan–Meier curve at every distinct time (event or censoring).

    ``std_err`` is Greenwood's standard error of the cumulative hazard (of log S),
    ``lower``/``upper`` the pointwise CI (NaN where the transform is undefined, as in
    R). ``median*`` are NaN when not reached.
    """

    label: str
    conf_type: ConfType
    time: np.ndarray
    n_risk: np.ndarray
    n_event: np.ndarray
    n_censor: np.ndarray
    survival: np.ndarray
    std_err: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    median: float
    median_lower: float
    median_upper: float

    @property
    def n(self) -> int:
        return int(self.n_risk[0]) if len(self.n_risk) else 0

    @property
    def events(self) -> int:
        return int(self.n_event.sum())

    @property
    def censored(self) -> int:
        return int(self.n_censor.sum())

    def at_risk(self, when: float) -> int:
        """Patients still at risk just before time ``when`` (the at-risk table's count)."""
        later = self.time >= when
        return int(self.n_risk[later][0]) if later.any() else 0


@dataclass(frozen=True)
class LogRank:
    """Mantel–Haenszel log-rank test of equal survival across groups."""

    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True)
class HazardRatio:
    """Cox proportional-hazards HR of ``group == 1`` against ``group == 0`` (Wald CI)."""

    estimate: float
    ci_lower: float
    ci_upper: float
    z: float
    p_value: float
    ties: Ties


def pointwise_ci(
    survival: np.ndarray, std_err: np.ndarray, conf_type: ConfType, conf_level: float = CONF_LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI of a survival curve, transformed as R's ``survfit_confint``.

    Notes
    -----
    ``std_err`` is the standard error of log S. "log": exp(log S ± z·se), upper capped
    at 1, undefined at S = 0. "log-log": exp(-exp(log(-log S) ∓ z·se/log S)),
    undefined at S = 0 and S = 1 (Kalbfleisch and Prentice 1980). "plain":
    S ± z·se·S clipped to [0, 1].
    """
    z = stats.norm.ppf(1 - (1 - conf_level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            half = z * std_err * survival
            return np.maximum(survival - half, 0.0), np.minimum(survival + half, 1.0)
        if conf_type == "log":
            defined = np.where(survival == 0, np.nan, survival)
            return (
                np.exp(np.log(defined) - z * std_err),
                np.minimum(np.exp(np.log(defined) + z * std_err), 1.0),
            )
        defined = np.where((survival == 0) | (survival == 1), np.nan, survival)
        half = z * std_err / np.log(defined)
        log_minus_log = np.log(-np.log(defined))
        return np.exp(-np.exp(log_minus_log - half)), np.exp(-np.exp(log_minus_log + half))


def _first_index_reaching(levels: np.ndarray, p: float) -> int | None:
    """R's ``approx(levels, 1:n, p, "constant", f = 1)``: index of the least level >= p.

    ``approx`` drops NaN pairs and sorts by level, so on a monotone curve this is the
    first index at or above ``p``; outside the range of levels it is NA (None).
    """
    known = np.flatnonzero(~np.isnan(levels))
    if not len(known) or p < levels[known].min() or p > levels[known].max():
        return None
    candidates = known[levels[known] >= p]
    return int(candidates[np.argmin(levels[candidates])])


def find_quantile(
    time: np.ndarray, survival: np.ndarray, p: float = 0.5, tolerance: float = MEDIAN_TOLERANCE
) -> float:
    """The time a step curve first falls to 1 - p, as R's ``quantile.survfit`` reads it.

    Notes
    -----
    Follows ``survival:::findq``: the curve starts at (0, 1); where it sits exactly on
    1 - p (within ``tolerance``) over an interval the quantile is the interval's
    midpoint, and at the last time the midpoint to the last follow-up. NaN points (an
    undefined CI) are skipped; NaN when the curve never falls that far.
    """
    x = np.concatenate(([0.0], time))
    y = np.concatenate(([0.0], 1 - survival))
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return math.nan
    x_max = x[-1]
    keep, seen, seen_nan = [], set(), False
    for index, value in enumerate(y):
        if math.isnan(value):
            if not seen_nan:
                keep.append(index)
            seen_nan = True
        elif value not in seen:
            keep.append(index)
            seen.add(value)
    x, y = x[keep], y[keep]
    first = _first_index_reaching(y + tolerance, p)
    second = _first_index_reaching(y - tolerance, p)
    quantile = math.nan
    if first is not None and second is not None:
        quantile = (x[first] + x[second]) / 2
    if not math.isnan(y[-1]) and abs(p - y[-1]) < tolerance and first is not None:
        quantile = (x[first] + x_max) / 2
    return float(quantile)


def kaplan_meier(
    time: np.ndarray,
    event: np.ndarray,
    label: str = "",
    conf_type: ConfType = "log-log",
    conf_level: float = CONF_LEVEL,
) -> KaplanMeier:
    """Kaplan–Meier estimate with Greenwood SE, pointwise CI and median with CI.

    Notes
    -----
    The median's CI is where the pointwise CI curves cross 0.5 (Brookmeyer and
    Crowley 1982 as R implements it): the lower limit is where the lower curve first
    reaches 0.5, the upper limit where the upper curve does (NaN if it never does).
    R's ``survfit`` defaults to ``conf.type = "log"``; reviewflow reports "log-log"
    by default (as issue 9 asks; the transform SAS PROC LIFETEST uses, and it keeps
    the CI inside (0, 1)), equal to R's ``survfit(..., conf.type = "log-log")``; the
    ``SURVIVAL`` table names the transform in ``ci_method``. Greenwood (1926)
    variance of log S:
    sum d / (n (n - d)).

    References
    ----------
    Kaplan EL, Meier P. JASA 1958;53:457-81. Brookmeyer R, Crowley J. Biometrics
    1982;38:29-41. Therneau T. survival: A Package for Survival Analysis in R.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    distinct = np.unique(time)
    n_event = np.array([int(event[time == value].sum()) for value in distinct])
    n_total = np.array([int((time == value).sum()) for value in distinct])
    n_risk = np.array([int((time >= value).sum()) for value in distinct])
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1 - n_event / n_risk)
        increments = np.where(
            n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(float)), 0.0
        )
    std_err = np.sqrt(np.cumsum(increments))
    lower, upper = pointwise_ci(survival, std_err, conf_type, conf_level)
    return KaplanMeier(
        label=label,
        conf_type=conf_type,
        time=distinct,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_total - n_event,
        survival=survival,
        std_err=std_err,
        lower=lower,
        upper=upper,
        median=find_quantile(distinct, survival),
        median_lower=find_quantile(distinct, lower),
        median_upper=find_quantile(distinct, upper),
    )


def log_rank_test(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> LogRank:
    """Log-rank test (statsmodels ``survdiff``; equals R's ``survdiff``, rho = 0).

    References
    ----------
    Mantel N. Cancer Chemother Rep 1966;50:163-70.
    """
    groups = len(np.unique(group))
    try:
        statistic, p_value = survdiff(
            np.asarray(time, dtype=float), np.asarray(event, dtype=int), np.asarray(group)
        )
    except np.linalg.LinAlgError:
        log.warning("log-rank test not computable: its variance is zero (no informative events)")
        return LogRank(math.nan, groups - 1, math.nan)
    return LogRank(float(statistic), groups - 1, float(p_value))


def cox_hazard_ratio(
    time: np.ndarray,
    event: np.ndarray,
    group: np.ndarray,
    ties: Ties = "efron",
    conf_level: float = CONF_LEVEL,
) -> HazardRatio:
    """Cox HR of ``group`` 1 vs 0 with a Wald CI (statsmodels ``PHReg``).

    Notes
    -----
    Ties use Efron's approximation by default, as R's ``coxph`` does (statsmodels
    defaults to Breslow). Newton steps run to a step of 1e-12 so the estimate
    agrees with R to well under 1e-6. When one arm has no events the partial
    likelihood has no maximum, and likewise when every event of one arm precedes
    those of the other (monotone likelihood; R's ``coxph`` warns "coefficient may be
    infinite"): the HR is NaN and the log says so.

    References
    ----------
    Cox DR. J R Stat Soc B 1972;34:187-220. Efron B. JASA 1977;72:557-65.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    group = np.asarray(group, dtype=float)
    events_per_group = [event[group == value].sum() for value in (0.0, 1.0)]
    if min(events_per_group) == 0:
        log.warning("Cox HR not estimable: one arm has no events")
        nan = math.nan
        return HazardRatio(nan, nan, nan, nan, nan, ties)
    model = PHReg(time, group[:, None], status=event, ties=ties)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fit = model.fit(method="newton", maxiter=100, tol=1e-12, disp=False)
    converged = not any(issubclass(item.category, ConvergenceWarning) for item in caught)
    beta = float(fit.params[0])
    se = float(fit.bse[0])
    if not converged or abs(beta) > MAX_LOG_HR:
        log.warning("Cox HR not estimable: the partial likelihood is monotone (beta -> inf)")
        nan = math.nan
        return HazardRatio(nan, nan, nan, nan, nan, ties)
    z_crit = stats.norm.ppf(1 - (1 - conf_level) / 2)
    z = beta / se
    return HazardRatio(
        estimate=math.exp(beta),
        ci_lower=math.exp(beta - z_crit * se),
        ci_upper=math.exp(beta + z_crit * se),
        z=z,
        p_value=float(2 * stats.norm.sf(abs(z))),
        ties=ties,
    )


@dataclass(frozen=True)
class SurvivalComparison:
    """One endpoint: a curve per arm, the ``SURVIVAL`` rows and ``COHORT_TESTS`` rows."""

    endpoint: str
    curves: tuple[KaplanMeier, ...]
    log_rank: LogRank
    hazard_ratio: HazardRatio
    table: pd.DataFrame
    tests: pd.DataFrame


def compare_survival(
    time: np.ndarray,
    event: np.ndarray,
    arm: np.ndarray,
    arms: tuple[str, str],
    endpoint: str,
    conf_type: ConfType = "log-log",
) -> SurvivalComparison:
    """Kaplan–Meier per arm, log-rank test and Cox HR of ``arms[0]`` vs ``arms[1]``.

    Notes
    -----
    The HR compares the first (experimental) arm with the second (reference), Efron
    ties as in R's ``coxph``; its test row holds the Wald χ² (z²) and p. Medians not
    reached are NaN (empty cells in the table).
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    arm = np.asarray(arm)
    curves = tuple(
        kaplan_meier(time[arm == name], event[arm == name], name, conf_type) for name in arms
    )
    table = pd.DataFrame(
        [
            {
                "endpoint": endpoint,
                "arm": curve.label,
                "n": curve.n,
                "events": curve.events,
                "censored": curve.censored,
                "median": curve.median,
                "ci_lower": curve.median_lower,
                "ci_upper": curve.median_upper,
                "ci_method": conf_type,
            }
            for curve in curves
        ]
    )
    log_rank = log_rank_test(time, event, arm)
    hazard_ratio = cox_hazard_ratio(time, event, (arm == arms[0]).astype(int))
    hr_note = f"HR {arms[0]} vs {arms[1]} ({hazard_ratio.ties} ties), Wald 95% CI"
    if math.isnan(hazard_ratio.estimate):
        hr_note = "not estimable: an arm has no events, or the arms' events do not overlap"
    tests = pd.DataFrame(
        [
            {
                "endpoint": endpoint,
                "test": "logrank",
                "statistic": log_rank.statistic,
                "df": float(log_rank.df),
                "p_value": log_rank.p_value,
                "note": "",
            },
            {
                "endpoint": endpoint,
                "test": "cox",
                "statistic": hazard_ratio.z**2,
                "df": 1.0,
                "p_value": hazard_ratio.p_value,
                "estimate": hazard_ratio.estimate,
                "ci_lower": hazard_ratio.ci_lower,
                "ci_upper": hazard_ratio.ci_upper,
                "note": hr_note,
            },
        ]
    )
    for curve in curves:
        log.info(
            "%s %s: n = %d, events = %d, median %s (%s to %s)",
            endpoint,
            curve.label,
            curve.n,
            curve.events,
            curve.median,
            curve.median_lower,
            curve.median_upper,
        )
    log.info("%s log-rank chi2 = %.4f, p = %.4f", endpoint, log_rank.statistic, log_rank.p_value)
    return SurvivalComparison(endpoint, curves, log_rank, hazard_ratio, table, tests)
