"""One configured analysis, from extraction sheets to contract tables.

Selects the studies and outcome rows the analysis names, computes effect sizes, pools
them (common effect and random effects, overall and per subgroup), and runs the
sensitivity analyses; returns frames of the EFFECTS, SUMMARY and SENSITIVITY tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from reviewflow.bias import begg_test, egger_test
from reviewflow.effects import RATIO_MEASURES, compute_effects
from reviewflow.errors import ExtractionError
from reviewflow.pooling import (
    PooledEstimate,
    pool_fixed_iv,
    pool_mantel_haenszel,
    pool_peto,
    pool_random,
    tau2_confidence_interval,
)
from reviewflow.trimfill import trim_and_fill


@dataclass(frozen=True)
class AnalysisSpec:
    """One entry of the config's ``analyses`` list, with its defaults applied."""

    id: str
    outcome: str
    measure: str
    title: str = ""
    population: str = "all"
    where: Mapping[str, Any] = field(default_factory=dict)
    method: str = "REML"
    fixed: str = "IV"
    hksj: bool = False
    subgroup: str = ""
    continuity: float = 0.5
    trim_and_fill: bool = False

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> AnalysisSpec:
        known = {name: settings[name] for name in cls.__dataclass_fields__ if name in settings}
        return cls(**known)


@dataclass(frozen=True)
class AnalysisResult:
    effects: pd.DataFrame
    pooled: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: tuple[str, ...]


def select_rows(
    studies: pd.DataFrame, outcomes: pd.DataFrame, spec: AnalysisSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The studies matching ``where`` and their outcome rows for this analysis."""
    chosen = studies
    for column, wanted in spec.where.items():
        if column not in studies.columns:
            raise ExtractionError(
                studies.attrs.get("path"),
                1,
                f"has no column '{column}' (analysis {spec.id})",
                "add the column or change the analysis's where",
            )
        chosen = chosen[chosen[column].astype(str).str.strip() == str(wanted)]
    rows = outcomes[
        (outcomes["outcome"] == spec.outcome)
        & (outcomes["population"] == spec.population)
        & outcomes["study"].isin(chosen["study"])
    ]
    rows.attrs.update(outcomes.attrs)
    return chosen, rows


def _pooled_rows(effects: pd.DataFrame, spec: AnalysisSpec) -> list[PooledEstimate]:
    yi, vi = effects["yi"].to_numpy(float), effects["vi"].to_numpy(float)
    counts = effects[["events_exp", "total_exp", "events_ctl", "total_ctl"]].to_numpy(float)
    if spec.fixed == "MH" and spec.measure != "HR" and not np.isnan(counts).any():
        fixed = pool_mantel_haenszel(spec.measure, *counts.T, yi, vi)  # type: ignore[arg-type]
    elif spec.fixed == "Peto" and spec.measure == "OR" and not np.isnan(counts).any():
        fixed = pool_peto(*counts.T)
    else:
        fixed = pool_fixed_iv(yi, vi)
    random = pool_random(yi, vi, spec.method, spec.hksj)  # type: ignore[arg-type]
    return [fixed, random]


def _summary_row(spec: AnalysisSpec, subgroup: str, row: PooledEstimate) -> dict[str, Any]:
    back = np.exp if spec.measure in RATIO_MEASURES else (lambda value: value)
    return {
        "analysis": spec.id,
        "outcome": spec.outcome,
        "population": spec.population,
        "subgroup": subgroup,
        "measure": spec.measure,
        "model": row.model,
        "method": row.method,
        "k": row.k,
        "estimate": back(row.estimate),
        "ci_lower": back(row.ci_lower),
        "ci_upper": back(row.ci_upper),
        "z": row.z,
        "p_value": row.p_value,
        "tau2": row.tau2,
        "i2": row.i2,
        "h2": row.h2,
        "q": row.q,
        "q_df": row.q_df,
        "q_p": row.q_p,
        "pi_lower": back(row.pi_lower),
        "pi_upper": back(row.pi_upper),
    }


def _weights(effects: pd.DataFrame, tau2: float) -> tuple[np.ndarray, np.ndarray]:
    vi = effects["vi"].to_numpy(float)
    fixed, random = 1 / vi, 1 / (vi + tau2)
    return 100 * fixed / fixed.sum(), 100 * random / random.sum()


def _sensitivity(
    effects: pd.DataFrame,
    spec: AnalysisSpec,
    overall: list[PooledEstimate],
    subgroup_rows: dict[str, list[PooledEstimate]],
) -> pd.DataFrame:
    back = np.exp if spec.measure in RATIO_MEASURES else (lambda value: value)
    yi, vi = effects["yi"].to_numpy(float), effects["vi"].to_numpy(float)
    rows = []

    def add(
        kind: str,
        study: str = "",
        k: int = 0,
        estimate: float = math.nan,
        lower: float = math.nan,
        upper: float = math.nan,
        statistic: float = math.nan,
        df: float = math.nan,
        p_value: float = math.nan,
        tau2: float = math.nan,
        i2: float = math.nan,
        note: str = "",
    ) -> None:
        rows.append(
            {
                "analysis": spec.id,
                "kind": kind,
                "study": study,
                "k": k,
                "estimate": back(estimate),
                "ci_lower": back(lower),
                "ci_upper": back(upper),
                "statistic": statistic,
                "df": df,
                "p_value": p_value,
                "tau2": tau2,
                "i2": i2,
                "note": note,
            }
        )

    if len(yi) > 2:
        for index, study in enumerate(effects["study"]):
            keep = np.arange(len(yi)) != index
            row = pool_random(yi[keep], vi[keep], spec.method, spec.hksj)  # type: ignore[arg-type]
            add(
                "leave_one_out",
                study,
                row.k,
                row.estimate,
                row.ci_lower,
                row.ci_upper,
                row.z,
                math.nan,
                row.p_value,
                row.tau2,
                row.i2,
                f"random effects, {row.method}",
            )
    if len(yi) > 1:
        tau2_lower, tau2_upper = tau2_confidence_interval(yi, vi)
        rows.append(
            {
                "analysis": spec.id,
                "kind": "tau2_ci",
                "study": "",
                "k": len(yi),
                "estimate": overall[1].tau2,
                "ci_lower": tau2_lower,
                "ci_upper": tau2_upper,
                "statistic": math.nan,
                "df": len(yi) - 1,
                "p_value": math.nan,
                "tau2": overall[1].tau2,
                "i2": overall[1].i2,
                "note": "tau² with its 95% Q-profile CI (not back-transformed)",
            }
        )
    for kind, test in (("egger", egger_test(yi, vi)), ("begg", begg_test(yi, vi))):
        add(
            kind,
            k=len(yi),
            statistic=test.statistic,
            df=test.df,
            p_value=test.p_value,
            note=test.note,
        )
    if spec.trim_and_fill and len(yi) > 2:
        filled = trim_and_fill(yi, vi, spec.method, spec.hksj)  # type: ignore[arg-type]
        row = filled.pooled
        add(
            "trim_and_fill",
            k=row.k,
            estimate=row.estimate,
            lower=row.ci_lower,
            upper=row.ci_upper,
            statistic=row.z,
            p_value=row.p_value,
            tau2=row.tau2,
            i2=row.i2,
            note=f"{filled.k0} studies filled on the {filled.side} (estimator L0, "
            f"random effects {row.method})",
        )
    if len(subgroup_rows) > 1:
        estimates = np.array([rows_[1].estimate for rows_ in subgroup_rows.values()])
        variances = np.array([rows_[1].se ** 2 for rows_ in subgroup_rows.values()])
        weights = 1 / variances
        mean = np.sum(weights * estimates) / np.sum(weights)
        q_between = float(np.sum(weights * (estimates - mean) ** 2))
        df = len(estimates) - 1
        i2 = max(0.0, 100 * (q_between - df) / q_between) if q_between > 0 else 0.0
        add(
            "subgroup_difference",
            k=int(sum(r[1].k for r in subgroup_rows.values())),
            statistic=q_between,
            df=df,
            p_value=float(stats.chi2.sf(q_between, df)),
            i2=i2,
            note="Q between random-effects subgroup estimates (separate tau² per subgroup)",
        )
    return pd.DataFrame(
        rows,
        columns=[
            "analysis",
            "kind",
            "study",
            "k",
            "estimate",
            "ci_lower",
            "ci_upper",
            "statistic",
            "df",
            "p_value",
            "tau2",
            "i2",
            "note",
        ],
    )


def run_analysis(
    studies: pd.DataFrame, outcomes: pd.DataFrame, settings: Mapping[str, Any]
) -> AnalysisResult:
    """Pool one analysis; see the module docstring for what comes back."""
    spec = AnalysisSpec.from_mapping(settings)
    chosen, rows = select_rows(studies, outcomes, spec)
    if rows.empty:
        raise ExtractionError(
            outcomes.attrs.get("path"),
            None,
            f"no rows for analysis {spec.id} (outcome {spec.outcome}, population "
            f"{spec.population}, where {dict(spec.where)})",
            "add outcome rows or change the analysis",
        )
    sizes = compute_effects(rows, spec.measure, spec.continuity)  # type: ignore[arg-type]
    labels = chosen.set_index("study")
    effects = sizes.table.dropna(subset=["yi"]).copy()
    effects["label"] = effects["study"].map(labels["label"])
    effects["subgroup"] = (
        effects["study"].map(labels[spec.subgroup]).astype(str) if spec.subgroup else ""
    )
    effects = effects.sort_values(["subgroup", "study"], kind="mergesort")
    overall = _pooled_rows(effects, spec)
    pooled = [_summary_row(spec, "", row) for row in overall]
    subgroup_rows: dict[str, list[PooledEstimate]] = {}
    if spec.subgroup:
        for level, part in effects.groupby("subgroup", sort=True):
            subgroup_rows[str(level)] = _pooled_rows(part, spec)
            pooled += [_summary_row(spec, str(level), row) for row in subgroup_rows[str(level)]]
    effects["weight_fixed"], effects["weight_random"] = _weights(effects, overall[1].tau2)
    back = np.exp if spec.measure in RATIO_MEASURES else (lambda value: value)
    se = np.sqrt(effects["vi"])
    effects["estimate"] = back(effects["yi"])
    effects["ci_lower"] = back(effects["yi"] - 1.959963984540054 * se)
    effects["ci_upper"] = back(effects["yi"] + 1.959963984540054 * se)
    effects["analysis"] = spec.id
    effects["measure"] = spec.measure
    sensitivity = _sensitivity(effects, spec, overall, subgroup_rows)
    return AnalysisResult(
        effects=effects.reset_index(drop=True),
        pooled=pd.DataFrame(pooled),
        sensitivity=sensitivity,
        notes=sizes.notes,
    )
