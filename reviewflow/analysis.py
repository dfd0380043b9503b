"""One configured analysis, from extraction sheets to contract tables.

Selects the studies and outcome rows the analysis names, computes effect sizes, pools
them (common effect and random effects, overall and per subgroup), and runs the
sensitivity analyses; returns frames of the EFFECTS, SUMMARY and SENSITIVITY tables.
SENSITIVITY ``kind``s: ``leave_one_out`` (one row per omitted study, k >= 3),
``tau2_ci`` (Q-profile CI of tau²), ``egger`` and ``begg`` (k >= 3; notes carry the
k < 10 caution), ``trim_and_fill`` (when configured) and ``subgroup_difference``.
Every number is checked against R metafor in tests/test_analysis.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from reviewflow.bias import FEW_STUDIES, begg_test, egger_test
from reviewflow.effects import COUNT_COLUMNS, RATIO_MEASURES, Measure, compute_effects
from reviewflow.errors import ConfigError, ExtractionError
from reviewflow.pooling import (
    LEVEL,
    FixedMethod,
    PooledEstimate,
    TauMethod,
    cochran_q,
    mantel_haenszel_weights,
    peto_weights,
    pool_fixed_iv,
    pool_mantel_haenszel,
    pool_peto,
    pool_random,
    tau2_confidence_interval,
)
from reviewflow.trimfill import trim_and_fill

MEASURES = ("HR", "OR", "RR", "RD")
TAU2_METHODS = ("DL", "REML", "PM", "ML", "HE", "SJ", "EB")
FIXED_METHODS = ("IV", "MH", "Peto")


@dataclass(frozen=True)
class AnalysisSpec:
    """One entry of the config's ``analyses`` list, with its defaults applied."""

    id: str
    outcome: str
    measure: Measure
    title: str = ""
    population: str = "all"
    where: Mapping[str, Any] = field(default_factory=dict)
    method: TauMethod = "REML"
    fixed: FixedMethod = "IV"
    hksj: bool = False
    subgroup: str = ""
    continuity: float = 0.5
    trim_and_fill: bool = False
    label_exp: str = ""
    label_ctl: str = ""
    favours_exp: str = "left"

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> AnalysisSpec:
        """Parse a config entry; unknown keys and values are ``ConfigError``s."""
        name = settings.get("id", "?")
        unknown = sorted(set(settings) - set(cls.__dataclass_fields__))
        if unknown:
            raise ConfigError(f"analysis {name}: unknown key(s) {', '.join(unknown)}")
        for key in ("id", "outcome", "measure"):
            if not settings.get(key):
                raise ConfigError(f"analysis {name}: '{key}' is required")
        for key, allowed in (
            ("measure", MEASURES),
            ("method", TAU2_METHODS),
            ("fixed", FIXED_METHODS),
        ):
            if key in settings and settings[key] not in allowed:
                raise ConfigError(
                    f"analysis {name}: {key} '{settings[key]}' is not one of {', '.join(allowed)}"
                )
        values = {key: value for key, value in settings.items() if value is not None}
        values["where"] = dict(values.get("where") or {})
        values["subgroup"] = str(values.get("subgroup") or "")
        if float(values.get("continuity", 0.5)) < 0:
            raise ConfigError(f"analysis {name}: continuity must be >= 0")
        return cls(**values)


@dataclass(frozen=True)
class AnalysisResult:
    """Frames of the ``EFFECTS``, ``SUMMARY`` and ``SENSITIVITY`` tables, plus notes."""

    effects: pd.DataFrame
    pooled: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: tuple[str, ...]


def select_rows(
    studies: pd.DataFrame, outcomes: pd.DataFrame, spec: AnalysisSpec
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The studies matching ``where`` and their outcome rows for this analysis.

    ``where`` values are compared as text (``line: 1`` matches a cell "1").
    """
    chosen = studies
    for column in [*spec.where, *([spec.subgroup] if spec.subgroup else [])]:
        if column not in studies.columns:
            raise ExtractionError(
                studies.attrs.get("path"),
                1,
                f"has no column '{column}' (analysis {spec.id})",
                "add the column or change the analysis's where/subgroup",
            )
    for column, wanted in spec.where.items():
        chosen = chosen[chosen[column].astype(str).str.strip() == _as_text(wanted)]
    rows = outcomes[
        (outcomes["outcome"] == spec.outcome)
        & (outcomes["population"] == spec.population)
        & outcomes["study"].isin(chosen["study"])
    ]
    rows.attrs.update(outcomes.attrs)
    duplicated = rows["study"].duplicated()
    if duplicated.any():
        line = int(rows.index[duplicated.argmax()])
        raise ExtractionError(
            outcomes.attrs.get("path"),
            line,
            f"study {rows.at[line, 'study']} has two rows for outcome {spec.outcome}, "
            f"population {spec.population}",
            "keep one row per study x outcome x population",
            column="study",
        )
    if spec.subgroup:
        levels = chosen.set_index("study")[spec.subgroup].astype(str).str.strip()
        for study in rows["study"]:
            if levels.get(study, "") in ("", "nan"):
                line = chosen.index[chosen["study"] == study][0]
                raise ExtractionError(
                    studies.attrs.get("path"),
                    int(line),
                    f"study {study} has no value for the subgroup of analysis {spec.id}",
                    "fill the cell",
                    column=spec.subgroup,
                )
    return chosen, rows


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


def _counts(effects: pd.DataFrame) -> np.ndarray | None:
    """The 2x2 counts (a, n1, c, n2 rows) when every study has them."""
    counts = effects[list(COUNT_COLUMNS)].to_numpy(float)
    return None if np.isnan(counts).any() else counts.T


def _fixed_method(spec: AnalysisSpec, every: pd.DataFrame) -> tuple[str, str]:
    """The common-effect method that applies, and a note when it differs from ``fixed``."""
    if spec.fixed == "IV":
        return "IV", ""
    if spec.measure == "HR" or _counts(every) is None:
        return "IV", f"{spec.fixed} needs 2x2 counts for every study: inverse variance used"
    if spec.fixed == "Peto" and spec.measure != "OR":
        return (
            "IV",
            f"Peto's method pools odds ratios only: inverse variance used for {spec.measure}",
        )
    return spec.fixed, ""


def _pooled_rows(
    every: pd.DataFrame, spec: AnalysisSpec, fixed_method: str
) -> list[PooledEstimate]:
    """Fixed and random rows. ``every``: all rows, NaN yi for tables not estimable."""
    estimable = every.dropna(subset=["yi"])
    yi, vi = estimable["yi"].to_numpy(float), estimable["vi"].to_numpy(float)
    counts = _counts(every)
    if fixed_method == "MH" and counts is not None:
        # every table enters the MH sums (rma.mh): a double-zero table adds nothing to
        # OR or RD but its all-events twin does to RR
        a, n1, c, n2 = counts
        fixed = pool_mantel_haenszel(
            spec.measure,  # type: ignore[arg-type]
            a,
            n1,
            c,
            n2,
            every["yi"].to_numpy(float),
            every["vi"].to_numpy(float),
        )
        fixed = replace(fixed, k=len(yi))
    elif fixed_method == "Peto" and counts is not None:
        fixed = replace(pool_peto(*counts), k=len(yi))
    else:
        fixed = pool_fixed_iv(yi, vi)
    random = pool_random(yi, vi, spec.method, spec.hksj)
    return [fixed, random]


def _summary_row(spec: AnalysisSpec, subgroup: str, row: PooledEstimate) -> dict[str, Any]:
    back = natural_scale_function(spec.measure)
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


def _fixed_weights(every: pd.DataFrame, spec: AnalysisSpec, fixed_method: str) -> np.ndarray:
    """Percent weights of the common-effect row, by its method, for the estimable rows."""
    estimable = every["yi"].notna().to_numpy()
    counts = _counts(every)
    if fixed_method == "MH" and counts is not None:
        weights = mantel_haenszel_weights(spec.measure, *counts)  # type: ignore[arg-type]
    elif fixed_method == "Peto" and counts is not None:
        weights = peto_weights(*counts)
    else:
        inverse = np.where(estimable, 1 / every["vi"].to_numpy(float), 0.0)
        weights = 100 * inverse / inverse.sum()
    return weights[estimable]


def _random_weights(vi: np.ndarray, tau2: float) -> np.ndarray:
    weights = 1 / (vi + tau2)
    return 100 * weights / weights.sum()


SENSITIVITY_COLUMNS = [
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
]


def _sensitivity(
    effects: pd.DataFrame,
    spec: AnalysisSpec,
    overall: list[PooledEstimate],
    subgroup_rows: dict[str, list[PooledEstimate]],
) -> pd.DataFrame:
    """Leave-one-out, tau² CI, Egger, Begg, trim-and-fill and subgroup differences.

    Notes
    -----
    Everything refits the random-effects model of the analysis (its tau² estimator,
    and Knapp-Hartung when ``hksj``): metafor's ``leave1out``, ``confint``,
    ``regtest`` and ``trimfill`` on the fitted ``rma`` object do the same. The test
    for subgroup differences is Q_between = Σ w_g (μ_g - μ̄)² over the subgroups'
    random-effects estimates μ_g, each with its own tau² and w_g = 1 / SE_g², df =
    G - 1 (Borenstein et al. 2009, ch. 19, "separate estimates of tau²"; the
    default of R meta's ``subgroup`` and RevMan's random-effects test).
    """
    back = natural_scale_function(spec.measure)
    yi, vi = effects["yi"].to_numpy(float), effects["vi"].to_numpy(float)
    k = len(yi)
    model = f"random effects {overall[1].method}"
    rows = []

    def add(kind: str, study: str = "", k: int = k, **values: Any) -> None:
        row: dict[str, Any] = dict.fromkeys(SENSITIVITY_COLUMNS, math.nan)
        row.update(analysis=spec.id, kind=kind, study=study, k=k, note="")
        row.update(values)
        for name in ("estimate", "ci_lower", "ci_upper"):
            if kind != "tau2_ci":
                row[name] = back(row[name])
        rows.append(row)

    if k > 2:
        for index, study in enumerate(effects["study"]):
            keep = np.arange(k) != index
            row = pool_random(yi[keep], vi[keep], spec.method, spec.hksj)
            add(
                "leave_one_out",
                study,
                row.k,
                estimate=row.estimate,
                ci_lower=row.ci_lower,
                ci_upper=row.ci_upper,
                statistic=row.z,
                p_value=row.p_value,
                tau2=row.tau2,
                i2=row.i2,
                note=model,
            )
    if k > 1:
        tau2_lower, tau2_upper = tau2_confidence_interval(yi, vi)
        add(
            "tau2_ci",
            estimate=overall[1].tau2,
            ci_lower=tau2_lower,
            ci_upper=tau2_upper,
            df=k - 1,
            tau2=overall[1].tau2,
            i2=overall[1].i2,
            note="tau² (analysis scale) with its 95% Q-profile CI",
        )
    egger = egger_test(yi, vi, "rma", spec.method, spec.hksj)
    begg = begg_test(yi, vi)
    add(
        "egger",
        estimate=egger.estimate,
        ci_lower=egger.ci_lower,
        ci_upper=egger.ci_upper,
        statistic=egger.statistic,
        df=egger.df,
        p_value=egger.p_value,
        note=_join(
            f"meta-regression on SE ({spec.method}{', knha' if spec.hksj else ''}); "
            "estimate = limit effect at SE 0",
            egger.note,
        ),
    )
    add(
        "begg",
        statistic=begg.statistic,
        p_value=begg.p_value,
        note=_join("Kendall's tau of standardised effects and variances", begg.note),
    )
    if spec.trim_and_fill and k > 2:
        filled = trim_and_fill(yi, vi, spec.method)
        row = filled.pooled
        add(
            "trim_and_fill",
            k=row.k,
            estimate=row.estimate,
            ci_lower=row.ci_lower,
            ci_upper=row.ci_upper,
            statistic=row.z,
            p_value=row.p_value,
            tau2=row.tau2,
            i2=row.i2,
            note=f"{filled.k0} studies filled on the {filled.side} (estimator L0, random "
            f"effects {spec.method}, z test as metafor's trimfill)",
        )
    if len(subgroup_rows) > 1:
        estimates = np.array([pair[1].estimate for pair in subgroup_rows.values()])
        variances = np.array([pair[1].se ** 2 for pair in subgroup_rows.values()])
        q_between, _ = cochran_q(estimates, variances)
        df = len(estimates) - 1
        add(
            "subgroup_difference",
            statistic=q_between,
            df=df,
            p_value=float(stats.chi2.sf(q_between, df)),
            i2=max(0.0, 100 * (q_between - df) / q_between) if q_between > 0 else 0.0,
            note=f"Q between subgroups' {model} estimates (separate tau² per subgroup)",
        )
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def natural_scale_function(measure: str):  # type: ignore[no-untyped-def]
    """exp for ratio measures, identity for RD."""
    return np.exp if measure in RATIO_MEASURES else (lambda value: value)


def run_analysis(
    studies: pd.DataFrame, outcomes: pd.DataFrame, settings: Mapping[str, Any]
) -> AnalysisResult:
    """Pool one configured analysis: effects, fixed and random rows, sensitivity.

    Parameters
    ----------
    studies, outcomes
        The extraction sheets as ``io.read_input_csv`` returns them (index = file
        line, ``attrs["path"]``), so errors name the file and line.
    settings
        One entry of the config's ``analyses`` (see ``AnalysisSpec``).

    Notes
    -----
    Per-study CIs are 95% Wald intervals on the analysis scale, back-transformed.
    ``weight_fixed`` is the weight of the common-effect method (inverse variance,
    MH or Peto weights), ``weight_random`` 1 / (vi + tau²) of the overall model.
    Studies not estimable for the measure (double zeros for OR/RR) are left out of
    ``effects`` and the inverse-variance and random-effects models, but their tables
    enter the Mantel-Haenszel sums as in ``rma.mh``; ``notes`` names them.
    """
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
    sizes = compute_effects(rows, spec.measure, spec.continuity)
    labels = chosen.set_index("study")
    every = sizes.table.copy()
    every["label"] = every["study"].map(labels["label"]).fillna(every["study"])
    every["subgroup"] = (
        every["study"].map(labels[spec.subgroup]).astype(str).str.strip() if spec.subgroup else ""
    )
    every = every.sort_values(["subgroup", "study"], kind="mergesort")
    effects = every.dropna(subset=["yi"]).copy()
    if effects.empty:
        raise ExtractionError(
            outcomes.attrs.get("path"),
            None,
            f"analysis {spec.id}: no study gives an estimable {spec.measure}",
            "check the counts, or pool a risk difference",
        )
    fixed_method, fallback = _fixed_method(spec, every)
    overall = _pooled_rows(every, spec, fixed_method)
    pooled = [_summary_row(spec, "", row) for row in overall]
    subgroup_rows: dict[str, list[PooledEstimate]] = {}
    if spec.subgroup:
        for level, part in every.groupby("subgroup", sort=True):
            if part["yi"].notna().any():
                subgroup_rows[str(level)] = _pooled_rows(part, spec, fixed_method)
                pooled += [_summary_row(spec, str(level), row) for row in subgroup_rows[str(level)]]
    effects["weight_fixed"] = _fixed_weights(every, spec, fixed_method)
    effects["weight_random"] = _random_weights(effects["vi"].to_numpy(float), overall[1].tau2)
    back = natural_scale_function(spec.measure)
    half_width = float(stats.norm.ppf((1 + LEVEL) / 2)) * np.sqrt(effects["vi"])
    effects["estimate"] = back(effects["yi"])
    effects["ci_lower"] = back(effects["yi"] - half_width)
    effects["ci_upper"] = back(effects["yi"] + half_width)
    effects["analysis"] = spec.id
    effects["measure"] = spec.measure
    sensitivity = _sensitivity(effects, spec, overall, subgroup_rows)
    notes = list(sizes.notes)
    if fallback:
        notes.append(fallback)
    if len(effects) < FEW_STUDIES:
        notes.append(
            f"k = {len(effects)} < {FEW_STUDIES}: small-study tests (Egger, Begg) have low "
            "power; interpret with caution"
        )
    return AnalysisResult(
        effects=effects.reset_index(drop=True),
        pooled=pd.DataFrame(pooled),
        sensitivity=sensitivity,
        notes=tuple(notes),
    )
