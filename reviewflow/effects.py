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


def log_ratio_from_ci(
    estimate: float, lower: float, upper: float, level: float, where: tuple[str | None, int]
) -> tuple[float, float]:
    """log ratio and its variance from a ratio and its CI at ``level``.

    Notes
    -----
    SE = (log upper - log lower) / (2 z), z the standard normal quantile of
    (1 + level) / 2. A ratio CI is symmetric on the log scale; a published CI may
    deviate from symmetry only by the rounding of its three numbers, which is
    allowed (with a factor 1.5 of slack); more means a typing error.
    """
    path, line = where
    if not (0 < lower <= estimate <= upper):
        raise ExtractionError(
            path,
            line,
            f"estimate {estimate:g} and CI {lower:g} to {upper:g} are not ordered "
            "0 < lower <= estimate <= upper",
            "check the numbers against the source",
        )
    half = (math.log(upper) - math.log(lower)) / 2
    asymmetry = abs(math.log(estimate) - (math.log(upper) + math.log(lower)) / 2)
    unit = _decimals_unit(estimate, lower, upper)
    allowed = 1.5 * (unit / 2) * (1 / estimate + 0.5 / lower + 0.5 / upper)
    if asymmetry > allowed:
        raise ExtractionError(
            path,
            line,
            f"CI {lower:g} to {upper:g} is not symmetric around {estimate:g} on the log scale "
            f"(off by {asymmetry:.3f}, rounding allows {allowed:.3f})",
            "check estimate, ci_lower, ci_upper and ci_level against the source",
        )
    z = stats.norm.ppf((1 + level) / 2)
    return math.log(estimate), (half / z) ** 2


def log_ratio_from_p(estimate: float, p_value: float) -> tuple[float, float]:
    """log ratio and variance from the estimate and its two-sided p-value (Wald)."""
    z = stats.norm.isf(p_value / 2)
    return math.log(estimate), (math.log(estimate) / z) ** 2


def counts_effect(
    measure: Measure, a: float, n1: float, c: float, n2: float, add: float
) -> tuple[float, float, bool]:
    """(yi, vi, corrected) for one 2x2 table; NaN when the study cannot contribute."""
    b, d = n1 - a, n2 - c
    if measure in ("OR", "RR") and ((a == 0 and c == 0) or (b == 0 and d == 0)):
        return math.nan, math.nan, False
    corrected = min(a, b, c, d) == 0 and add > 0
    if corrected:
        a, b, c, d = a + add, b + add, c + add, d + add
        n1, n2 = a + b, c + d
    if measure == "OR":
        return math.log((a * d) / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, corrected
    if measure == "RR":
        return math.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2, corrected
    p1, p2 = a / n1, c / n2
    return p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, corrected


def _check_counts(row: pd.Series, where: tuple[str | None, int]) -> None:
    path, line = where
    for events, total in (("events_exp", "total_exp"), ("events_ctl", "total_ctl")):
        value, size = row[events], row[total]
        if pd.isna(value) or pd.isna(size):
            raise ExtractionError(path, line, f"{events} and {total} are needed", "fill both")
        if value < 0 or size <= 0 or value > size:
            raise ExtractionError(
                path,
                line,
                f"{events} = {value:g} is not between 0 and {total} = {size:g}",
                "check the counts against the source",
                column=events,
            )


def compute_effects(outcomes: pd.DataFrame, measure: Measure, add: float = 0.5) -> EffectSizes:
    """``yi``/``vi`` for every outcome row, with the natural-scale estimate and 95% CI.

    Time-to-event rows use, in this order of preference, estimate and CI, estimate
    and p-value, or O - E and V. Count rows use the 2x2 table. Rows keep the
    outcome frame's index (the file line) for error messages.
    """
    path = outcomes.attrs.get("path")
    rows, notes = [], []
    for line, row in outcomes.iterrows():
        where = (path, int(line))  # type: ignore[arg-type]
        counts = dict.fromkeys(("events_exp", "total_exp", "events_ctl", "total_ctl"), math.nan)
        corrected = False
        if measure == "HR" or (
            not pd.isna(row.get("estimate", math.nan)) and pd.isna(row.get("events_exp", math.nan))
        ):
            yi, vi = _ratio_row(row, where)
        else:
            _check_counts(row, where)
            counts = {name: float(row[name]) for name in counts}
            yi, vi, corrected = counts_effect(
                measure,
                counts["events_exp"],
                counts["total_exp"],
                counts["events_ctl"],
                counts["total_ctl"],
                add,
            )
            if math.isnan(yi):
                notes.append(f"{row['study']}: no events (or only events) in both arms; left out")
        note = f"{add:g} added to every cell (zero cell)" if corrected else ""
        rows.append({"study": row["study"], "yi": yi, "vi": vi, "note": note, **counts})
    table = pd.DataFrame(rows, index=outcomes.index)
    return EffectSizes(table=table, notes=tuple(notes))


def _ratio_row(row: pd.Series, where: tuple[str | None, int]) -> tuple[float, float]:
    path, line = where
    estimate = row.get("estimate", math.nan)
    lower, upper = row.get("ci_lower", math.nan), row.get("ci_upper", math.nan)
    if not pd.isna(estimate) and not pd.isna(lower) and not pd.isna(upper):
        level = row.get("ci_level", math.nan)
        level = 0.95 if pd.isna(level) else (level / 100 if level > 1 else level)
        return log_ratio_from_ci(estimate, lower, upper, level, where)
    if not pd.isna(estimate) and not pd.isna(row.get("p_value", math.nan)):
        return log_ratio_from_p(estimate, row["p_value"])
    o_minus_e, variance = row.get("o_minus_e", math.nan), row.get("variance", math.nan)
    if not pd.isna(o_minus_e) and not pd.isna(variance) and variance > 0:
        return o_minus_e / variance, 1 / variance
    raise ExtractionError(
        path,
        line,
        "needs estimate with ci_lower and ci_upper, or estimate with p_value, "
        "or o_minus_e with variance",
        "fill one of these",
    )


def natural_scale(measure: str, values: np.ndarray | float) -> np.ndarray | float:
    """Back-transform from the analysis scale (exp for ratios)."""
    return np.exp(values) if measure in RATIO_MEASURES else values
