"""Per-study effect sizes on the analysis scale (log for ratio measures).

Conventions follow metafor's ``escalc`` (Viechtbauer 2010, J Stat Softw 36(3)), so the
numbers can be checked against it: log odds and risk ratios with ``add`` (default 1/2)
added to every cell of a study that has a zero cell (risk differences included, as
escalc does by default), and studies with no events (or only events) in both arms
dropped for OR and RR (kept for RD, where the corrected difference is defined).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from reviewflow.errors import ExtractionError

Measure = Literal["HR", "OR", "RR", "RD"]
RATIO_MEASURES = ("HR", "OR", "RR")


@dataclass(frozen=True)
class EffectSizes:
    """Per-study ``yi`` and ``vi`` plus the studies left out and why."""

    table: pd.DataFrame
    notes: tuple[str, ...]


def _decimals_unit(*values: float) -> float:
    """The rounding unit of published values: 0.01 for two decimals, 0.001 for three."""
    for unit in (0.01, 0.001, 0.0001):
        if all(abs(value / unit - round(value / unit)) < 1e-6 for value in values):
            return unit
    return 0.00001


def _check_ci(
    estimate: float, lower: float, upper: float, ratio: bool, where: tuple[str | None, int]
) -> None:
    path, line = where
    if ratio and min(estimate, lower, upper) <= 0:
        raise ExtractionError(
            path,
            line,
            f"ratio {estimate:g} with CI {lower:g} to {upper:g} has a value <= 0",
            "a hazard, odds or risk ratio and its CI are positive; check the numbers",
            column="estimate",
        )
    if lower > upper:
        raise ExtractionError(
            path,
            line,
            f"ci_lower {lower:g} is above ci_upper {upper:g}",
            "swap them or check the source",
            column="ci_lower",
        )
    if lower == upper:
        raise ExtractionError(
            path,
            line,
            f"CI {lower:g} to {upper:g} has no width, so no standard error follows",
            "check the CI against the source",
            column="ci_upper",
        )
    if not lower <= estimate <= upper:
        raise ExtractionError(
            path,
            line,
            f"estimate {estimate:g} lies outside its CI {lower:g} to {upper:g}",
            "check the numbers against the source",
            column="estimate",
        )


CI_SLACK = 1.5
"""Factor on the worst-case rounding error allowed for a published CI's asymmetry: a
CI printed to two decimals (0.72, 0.60-0.88) can look asymmetric by the rounding of
each of its three numbers; half a unit in each, propagated to first order, times 1.5
for the second-order terms of wide CIs. A typing error (0.72, 0.60-0.98) is far out."""


def _symmetry_allowance(estimate: float, lower: float, upper: float, ratio: bool) -> float:
    """Largest |centre - midpoint| that the rounding of the three numbers explains."""
    half_unit = _decimals_unit(estimate, lower, upper) / 2
    if ratio:  # d log(x) = dx / x
        return CI_SLACK * half_unit * (1 / estimate + 0.5 / lower + 0.5 / upper)
    return CI_SLACK * half_unit * 2


def effect_from_ci(
    estimate: float,
    lower: float,
    upper: float,
    level: float,
    ratio: bool,
    where: tuple[str | None, int] = (None, 0),
) -> tuple[float, float]:
    """Effect (log for a ratio) and its variance from an estimate and its CI at ``level``.

    Notes
    -----
    SE = (g(upper) - g(lower)) / (2 z) with g = log for ratios (identity for a risk
    difference) and z the standard normal quantile of (1 + level) / 2: a Wald CI is
    symmetric on the analysis scale (Parmar et al. 1998, Stat Med 17:2815-34;
    Tierney et al. 2007, Trials 8:16). A published CI may deviate from symmetry by
    the rounding of its three numbers (see ``CI_SLACK``); more means a typing error,
    or a CI that is not a Wald CI on that scale, and is an ``ExtractionError``.
    """
    path, line = where
    _check_ci(estimate, lower, upper, ratio, where)
    scale = math.log if ratio else (lambda value: value)
    centre, low, high = scale(estimate), scale(lower), scale(upper)
    asymmetry = abs(centre - (low + high) / 2)
    allowed = _symmetry_allowance(estimate, lower, upper, ratio)
    if asymmetry > allowed:
        where_text = "on the log scale" if ratio else ""
        raise ExtractionError(
            path,
            line,
            f"CI {lower:g} to {upper:g} is not symmetric around {estimate:g} {where_text} "
            f"(off by {asymmetry:.4f}, rounding explains up to {allowed:.4f})".replace("  ", " "),
            "check estimate, ci_lower, ci_upper and ci_level against the source",
            column="ci_upper",
        )
    z = float(stats.norm.ppf((1 + level) / 2))
    return centre, ((high - low) / (2 * z)) ** 2


def log_ratio_from_ci(
    estimate: float, lower: float, upper: float, level: float, where: tuple[str | None, int]
) -> tuple[float, float]:
    """log ratio and its variance from a ratio and its CI (see ``effect_from_ci``)."""
    return effect_from_ci(estimate, lower, upper, level, True, where)


def effect_from_p(
    estimate: float, p_value: float, ratio: bool, where: tuple[str | None, int] = (None, 0)
) -> tuple[float, float]:
    """Effect (log for a ratio) and variance from the estimate and its two-sided p-value.

    Notes
    -----
    SE = |g(estimate)| / z with z = Φ⁻¹(1 - p/2), the Wald test that produced the
    p-value (Altman & Bland 2011, BMJ 343:d2090). Undefined when the estimate is the
    null value or p = 1; a rounded p ("p < 0.001") gives only a bound, so extract the
    CI when the paper has one.
    """
    path, line = where
    if not 0 < p_value <= 1:
        raise ExtractionError(
            path,
            line,
            f"p_value {p_value:g} is not in (0, 1]",
            "write p as a proportion",
            column="p_value",
        )
    if ratio and estimate <= 0:
        raise ExtractionError(
            path,
            line,
            f"ratio {estimate:g} is not positive",
            "check the estimate",
            column="estimate",
        )
    centre = math.log(estimate) if ratio else estimate
    z = float(stats.norm.isf(p_value / 2))
    if centre == 0 or z == 0:
        raise ExtractionError(
            path,
            line,
            f"no standard error follows from estimate {estimate:g} with p = {p_value:g}",
            "extract the CI instead",
            column="p_value",
        )
    return centre, (centre / z) ** 2


def log_ratio_from_p(estimate: float, p_value: float) -> tuple[float, float]:
    """log ratio and variance from the estimate and its two-sided p-value (Wald)."""
    return effect_from_p(estimate, p_value, True)


def log_hr_from_o_minus_e(o_minus_e: float, variance: float) -> tuple[float, float]:
    """Peto's log hazard ratio (O - E) / V with variance 1 / V (log-rank statistics).

    Notes
    -----
    Yusuf et al. (1985), Prog Cardiovasc Dis 27:335-71; Tierney et al. (2007), Trials
    8:16, eqs 1-2.
    """
    return o_minus_e / variance, 1 / variance


def counts_effect(
    measure: Measure, a: float, n1: float, c: float, n2: float, add: float
) -> tuple[float, float, bool]:
    """(yi, vi, corrected) for one 2x2 table; NaN when the study cannot contribute.

    Notes
    -----
    escalc's formulas (Viechtbauer 2010): log OR with variance 1/a + 1/b + 1/c + 1/d,
    log RR with 1/a - 1/n1 + 1/c - 1/n2, RD with p1(1-p1)/n1 + p2(1-p2)/n2. ``add`` is
    added to all four cells only of a table with a zero cell (escalc ``to = "only0"``).
    OR and RR are not estimable from a table without events (or only events) in both
    arms (escalc ``drop00``); neither is any measure whose variance is 0 or whose log
    is undefined because ``add`` is 0.
    """
    b, d = n1 - a, n2 - c
    if measure in ("OR", "RR") and ((a == 0 and c == 0) or (b == 0 and d == 0)):
        return math.nan, math.nan, False
    corrected = min(a, b, c, d) == 0 and add > 0
    if corrected:
        a, b, c, d = a + add, b + add, c + add, d + add
        n1, n2 = a + b, c + d
    if measure == "OR":
        if min(a, b, c, d) == 0:
            return math.nan, math.nan, False
        return math.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, corrected
    if measure == "RR":
        if min(a, c) == 0:
            return math.nan, math.nan, False
        return math.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2, corrected
    p1, p2 = a / n1, c / n2
    variance = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if variance <= 0:
        return math.nan, math.nan, False
    return p1 - p2, variance, corrected


COUNT_COLUMNS = ("events_exp", "total_exp", "events_ctl", "total_ctl")


def _check_counts(row: pd.Series, where: tuple[str | None, int]) -> None:
    path, line = where
    for events, total in (("events_exp", "total_exp"), ("events_ctl", "total_ctl")):
        value, size = row[events], row[total]
        if pd.isna(value) or pd.isna(size):
            missing = events if pd.isna(value) else total
            raise ExtractionError(
                path, line, f"{events} and {total} are both needed", "fill both", column=missing
            )
        if size <= 0:
            raise ExtractionError(
                path,
                line,
                f"{total} = {size:g} is not a positive count",
                "check the source",
                column=total,
            )
        if value < 0:
            raise ExtractionError(
                path,
                line,
                f"{events} = {value:g} is negative",
                "check the source",
                column=events,
            )
        if value > size:
            raise ExtractionError(
                path,
                line,
                f"{events} = {value:g} exceeds {total} = {size:g}",
                "check the counts against the source",
                column=events,
            )


def _has(row: pd.Series, *names: str) -> bool:
    return all(not pd.isna(row.get(name, math.nan)) for name in names)


def compute_effects(outcomes: pd.DataFrame, measure: Measure, add: float = 0.5) -> EffectSizes:
    """``yi``/``vi`` for every outcome row, on the analysis scale (log for ratios).

    A row with all four counts uses its 2x2 table (OR, RR, RD). Otherwise, in this
    order: estimate and CI, estimate and p-value, or O - E and V (HR only). Rows keep
    the outcome frame's index (the file line) so errors name file and line; rows that
    cannot contribute (double zeros for OR/RR) get NaN and a note.
    """
    path = outcomes.attrs.get("path")
    rows, notes = [], []
    for line, row in outcomes.iterrows():
        where = (path, int(line))  # type: ignore[arg-type]
        _check_measure(row, measure, where)
        counts = dict.fromkeys(COUNT_COLUMNS, math.nan)
        note = ""
        if measure != "HR" and (
            any(_has(row, name) for name in COUNT_COLUMNS) or not _has(row, "estimate")
        ):
            _check_counts(row, where)
            counts = {name: float(row[name]) for name in COUNT_COLUMNS}
            a, n1, c, n2 = counts.values()
            yi, vi, corrected = counts_effect(measure, a, n1, c, n2, add)
            if corrected:
                note = f"{add:g} added to every cell (zero cell)"
            if math.isnan(yi):
                if measure in ("OR", "RR") and (a == c == 0 or (a == n1 and c == n2)):
                    note = "no events (or only events) in both arms: not estimable, left out"
                else:
                    note = "zero cell without continuity correction: not estimable, left out"
                notes.append(f"{row['study']}: {note}")
        else:
            yi, vi = _estimate_row(row, measure, where)
        rows.append({"study": row["study"], "yi": yi, "vi": vi, "note": note, **counts})
    table = pd.DataFrame(
        rows, index=outcomes.index, columns=["study", "yi", "vi", "note", *COUNT_COLUMNS]
    )
    return EffectSizes(table=table, notes=tuple(notes))


def _check_measure(row: pd.Series, measure: Measure, where: tuple[str | None, int]) -> None:
    """A row extracted as another measure's estimate cannot feed this analysis."""
    stated = row.get("measure", "")
    stated = "" if pd.isna(stated) else str(stated).strip()
    if not stated or stated == measure:
        return
    if measure != "HR" and stated in ("OR", "RR", "RD") and _has(row, *COUNT_COLUMNS):
        return  # a 2x2 table gives every count measure
    raise ExtractionError(
        where[0],
        where[1],
        f"measure {stated} cannot be pooled in a {measure} analysis",
        f"extract the {measure} or the 2x2 counts",
        column="measure",
    )


def _ci_level(row: pd.Series, where: tuple[str | None, int]) -> float:
    level = row.get("ci_level", math.nan)
    if pd.isna(level):
        return 0.95
    proportion = level / 100 if level > 1 else level
    if not 0 < proportion < 1:
        raise ExtractionError(
            where[0],
            where[1],
            f"ci_level {level:g} is not a level",
            "write e.g. 0.95 or 95",
            column="ci_level",
        )
    return float(proportion)


def _estimate_row(
    row: pd.Series, measure: Measure, where: tuple[str | None, int]
) -> tuple[float, float]:
    ratio = measure in RATIO_MEASURES
    if _has(row, "estimate", "ci_lower", "ci_upper"):
        return effect_from_ci(
            float(row["estimate"]),
            float(row["ci_lower"]),
            float(row["ci_upper"]),
            _ci_level(row, where),
            ratio,
            where,
        )
    if _has(row, "estimate", "p_value"):
        return effect_from_p(float(row["estimate"]), float(row["p_value"]), ratio, where)
    if measure == "HR" and _has(row, "o_minus_e", "variance"):
        if row["variance"] <= 0:
            raise ExtractionError(
                where[0],
                where[1],
                f"variance {row['variance']:g} is not positive",
                "V of the log-rank statistic is positive",
                column="variance",
            )
        return log_hr_from_o_minus_e(float(row["o_minus_e"]), float(row["variance"]))
    needs = "estimate with ci_lower and ci_upper, or estimate with p_value"
    needs += ", or o_minus_e with variance" if measure == "HR" else ", or the 2x2 counts"
    raise ExtractionError(where[0], where[1], f"needs {needs}", "fill one of these")


def natural_scale(measure: str, values: np.ndarray | float) -> np.ndarray | float:
    """Back-transform from the analysis scale (exp for ratios)."""
    return np.exp(values) if measure in RATIO_MEASURES else values
