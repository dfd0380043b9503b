"""The in-house cohort comparison: checked patients, response, survival and safety.

``compare_cohort`` is the one entry point: it checks ``patients.csv`` (and
``adverse_events.csv``) row by row, then builds the contract tables of DESIGN.md
(``RESPONSE``, ``COHORT_TESTS``, ``SURVIVAL``, ``COHORT_AE``) and keeps the
Kaplan–Meier curves for the plots. Arms appear in the configured order, else in the
order of their first row; the first arm is the experimental one (HR first vs second).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import odds_ratio
from statsmodels.stats.proportion import proportion_confint

from reviewflow.adverse_events import check_adverse_events, tabulate_adverse_events
from reviewflow.errors import InputTableError
from reviewflow.survival import ConfType, SurvivalComparison, compare_survival
from reviewflow.tables import COHORT_ENDPOINTS, RESPONSE_CODES

CONF_LEVEL = 0.95
SMALL_EXPECTED = 5.0
"""Cochran's rule: chi-squared approximations are doubtful below 5 expected."""
RESPONDERS = {"ORR": ("CR", "PR"), "DCR": ("CR", "PR", "SD")}
"""Objective response and disease control by RECIST 1.1 best overall response."""
EVENT_MEANING = "1 = progressed or died, 0 = censored"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CohortComparison:
    """Every table of the cohort stage, and the curves the plots draw."""

    arms: tuple[str, str]
    response: pd.DataFrame
    tests: pd.DataFrame
    survival: pd.DataFrame
    adverse_events: pd.DataFrame
    survival_comparisons: tuple[SurvivalComparison, ...]


def _path(frame: pd.DataFrame) -> str | None:
    return frame.attrs.get("path")


def _arm_order(patients: pd.DataFrame, arms: Sequence[str] | None) -> tuple[str, str]:
    path = _path(patients)
    seen = list(dict.fromkeys(patients["arm"]))
    if arms:
        for line, arm in patients["arm"].items():
            if arm not in arms:
                raise InputTableError(
                    path,
                    int(line),
                    f"'{arm}' is not one of the configured arms ({', '.join(arms)})",
                    "correct the arm here or cohort.arms in config.yaml",
                    column="arm",
                )
        absent = [arm for arm in arms if arm not in seen]
        if absent:
            raise InputTableError(
                path,
                None,
                f"has no patient in arm '{absent[0]}' named in cohort.arms",
                "correct cohort.arms in config.yaml or the arm column",
            )
        seen = list(arms)
    if len(seen) != 2:
        third = patients.index[patients["arm"] == seen[2]][0] if len(seen) > 2 else None
        raise InputTableError(
            path,
            None if third is None else int(third),
            f"has {len(seen)} arm(s) ({', '.join(seen)}); a comparison needs exactly 2",
            "give every patient one of two arm names",
            column="arm",
        )
    return seen[0], seen[1]


def _parse_time(patients: pd.DataFrame, column: str) -> pd.Series:
    times = {}
    for line, text in patients[column].items():
        value = _number(patients, line, column, text, "months from randomisation")
        if value < 0:
            raise InputTableError(
                _path(patients),
                int(line),
                f"{text} is negative",
                "give the months from randomisation to the event or last follow-up",
                column=column,
            )
        times[line] = value
    return pd.Series(times, dtype=float)


def _number(frame: pd.DataFrame, line: int, column: str, text: str, what: str) -> float:
    if text == "":
        raise InputTableError(
            _path(frame), int(line), "is empty", f"give the {what}", column=column
        )
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputTableError(
            _path(frame), int(line), f"'{text}' is not a number", f"give the {what}", column=column
        )
    return value


def _parse_event(patients: pd.DataFrame, column: str) -> pd.Series:
    events = {}
    for line, text in patients[column].items():
        if text not in ("0", "1", "0.0", "1.0"):
            raise InputTableError(
                _path(patients),
                int(line),
                "is empty" if text == "" else f"'{text}' is not 0 or 1",
                f"write {EVENT_MEANING}",
                column=column,
            )
        events[line] = int(float(text))
    return pd.Series(events, dtype=int)


def check_patients(
    patients: pd.DataFrame, arms: Sequence[str] | None = None, endpoints: Sequence[str] = ("PFS",)
) -> pd.DataFrame:
    """Check ``patients.csv`` (read by ``io.read_input_csv``) and parse its columns.

    Returns a frame indexed by file line with ``patient_id, arm, best_response`` and
    ``<endpoint>_months`` (float) / ``<endpoint>_event`` (int) for each endpoint.
    Raises ``InputTableError`` naming file, line and column for the first problem:
    an empty id or arm, a duplicate ``patient_id``, a response other than
    CR/PR/SD/PD/NE, a missing, non-numeric or negative time, an event other than 0/1,
    or other than two arms.
    """
    path = _path(patients)
    text = patients.astype(str).apply(lambda column: column.str.strip())
    text = text.replace({"nan": ""})
    first_line: dict[str, int] = {}
    for line, row in text.iterrows():
        for column in ("patient_id", "arm"):
            if row[column] == "":
                raise InputTableError(
                    path, int(line), "is empty", f"give every patient a {column}", column=column
                )
        if row["patient_id"] in first_line:
            raise InputTableError(
                path,
                int(line),
                f"patient '{row['patient_id']}' is already on line {first_line[row['patient_id']]}",
                "give each patient one row with a unique patient_id",
                column="patient_id",
            )
        first_line[row["patient_id"]] = int(line)
        if row["best_response"] not in RESPONSE_CODES:
            shown = row["best_response"] or "empty"
            raise InputTableError(
                path,
                int(line),
                f"'{shown}' is not a best overall response",
                "write CR, PR, SD, PD or NE (RECIST 1.1; NE = not evaluable)",
                column="best_response",
            )
    if text.empty:
        raise InputTableError(path, None, "has no patients", "add one row per patient")
    _arm_order(text, arms)
    checked = text[["patient_id", "arm", "best_response"]].copy()
    for endpoint in endpoints:
        if endpoint not in COHORT_ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        prefix = endpoint.lower()
        months, event = f"{prefix}_months", f"{prefix}_event"
        if endpoint == "OS" and (text.get(months, pd.Series(dtype=str)) == "").all():
            raise InputTableError(
                path,
                None,
                "has no os_months values but cohort.endpoints names OS",
                "add os_months and os_event columns, or drop OS from cohort.endpoints",
            )
        checked[months] = _parse_time(text, months)
        checked[event] = _parse_event(text, event)
    checked.attrs["path"] = path
    return checked


def exact_ci(count: int, total: int, conf_level: float = CONF_LEVEL) -> tuple[float, float]:
    """Clopper–Pearson exact CI of a proportion (statsmodels ``method="beta"``).

    References
    ----------
    Clopper CJ, Pearson ES. Biometrika 1934;26:404-13.
    """
    lower, upper = proportion_confint(count, total, alpha=1 - conf_level, method="beta")
    return float(lower), float(upper)


def summarise_response(patients: pd.DataFrame, arms: tuple[str, str]) -> pd.DataFrame:
    """Best overall response counts per arm, ORR and DCR with exact 95% CIs.

    Notes
    -----
    ORR = (CR + PR) / n and DCR = (CR + PR + SD) / n, with every patient of the arm
    (NE included) in n, as the seed study reports them. Proportions, not percent.
    """
    rows = []
    for arm in arms:
        responses = patients.loc[patients["arm"] == arm, "best_response"]
        row: dict[str, object] = {"arm": arm, "n": len(responses)}
        row.update({code: int((responses == code).sum()) for code in RESPONSE_CODES})
        for endpoint, codes in RESPONDERS.items():
            count = int(responses.isin(codes).sum())
            lower, upper = exact_ci(count, len(responses))
            row.update(
                {
                    endpoint: count / len(responses),
                    f"{endpoint}_lower": lower,
                    f"{endpoint}_upper": upper,
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def compare_proportions(
    endpoint: str, responders: tuple[int, int], totals: tuple[int, int]
) -> pd.DataFrame:
    """Pearson χ² (no correction), Yates-corrected χ² and Fisher's exact test.

    Rows follow ``COHORT_TESTS``. The Fisher row's estimate is the conditional
    maximum-likelihood odds ratio (first arm vs second) with its exact CI, as R's
    ``fisher.test`` gives it.

    Notes
    -----
    Pearson χ² without continuity correction is the statistic the seed study
    reports (χ² = 0.125 for 6/20 vs 5/20). Yates' correction shrinks each
    |O - E| by min(0.5, |O - E|), as R's ``chisq.test`` does. When an expected count
    is below 5 the χ² rows carry a note recommending Fisher's exact test (Cochran
    1954). A table with an empty row or column has no χ² (NaN, noted).

    References
    ----------
    Pearson K. Phil Mag 1900;50:157-75. Yates F. JRSS Suppl 1934;1:217-35.
    Fisher RA. JRSS 1922;85:87-94. Cochran WG. Biometrics 1954;10:417-51.
    """
    table = np.array(
        [[responders[0], totals[0] - responders[0]], [responders[1], totals[1] - responders[1]]]
    )
    rows = []
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    note = ""
    if expected.min() < SMALL_EXPECTED:
        note = f"an expected count is below 5 ({expected.min():.3g}): prefer Fisher's exact test"
    for test, correction in (("pearson", False), ("yates", True)):
        if expected.min() == 0:
            statistic = p_value = math.nan
            row_note = "not computable: a row or column of the 2x2 table is empty"
        else:
            result = stats.chi2_contingency(table, correction=correction)
            statistic, p_value = float(result.statistic), float(result.pvalue)
            row_note = note
        rows.append(
            {
                "endpoint": endpoint,
                "test": test,
                "statistic": statistic,
                "df": 1.0,
                "p_value": p_value,
                "note": row_note,
            }
        )
    fisher_p = float(stats.fisher_exact(table).pvalue)
    conditional = odds_ratio(table, kind="conditional")
    interval = conditional.confidence_interval(CONF_LEVEL)
    rows.append(
        {
            "endpoint": endpoint,
            "test": "fisher",
            "statistic": math.nan,
            "df": math.nan,
            "p_value": fisher_p,
            "estimate": float(conditional.statistic),
            "ci_lower": float(interval.low),
            "ci_upper": float(interval.high),
            "note": "estimate: conditional maximum-likelihood odds ratio, first arm vs second",
        }
    )
    return pd.DataFrame(rows)


def compare_cohort(
    patients: pd.DataFrame,
    adverse_events: pd.DataFrame | None = None,
    arms: Sequence[str] | None = None,
    endpoints: Sequence[str] = ("PFS",),
    conf_type: ConfType = "log-log",
) -> CohortComparison:
    """Check the cohort's files and build every table of the cohort stage.

    ``patients`` and ``adverse_events`` are frames from ``io.read_input_csv`` (index =
    file line, ``attrs["path"]``). ``arms`` fixes the order (first = experimental);
    empty means order of first appearance. ``endpoints`` lists the time-to-event
    endpoints to analyse (``PFS``, ``OS``).
    """
    checked = check_patients(patients, arms, endpoints)
    arm_order = _arm_order(checked, arms)
    log.info(
        "%d patients: %s",
        len(checked),
        ", ".join(f"{arm} (n = {int((checked['arm'] == arm).sum())})" for arm in arm_order),
    )
    response = summarise_response(checked, arm_order)
    tests = []
    for endpoint, codes in RESPONDERS.items():
        responders = tuple(
            int(checked.loc[checked["arm"] == arm, "best_response"].isin(codes).sum())
            for arm in arm_order
        )
        totals = tuple(int((checked["arm"] == arm).sum()) for arm in arm_order)
        tests.append(compare_proportions(endpoint, responders, totals))
    comparisons = []
    survival_rows = []
    for endpoint in endpoints:
        prefix = endpoint.lower()
        comparison = compare_survival(
            checked[f"{prefix}_months"].to_numpy(),
            checked[f"{prefix}_event"].to_numpy(),
            checked["arm"].to_numpy(),
            arm_order,
            endpoint,
            conf_type,
        )
        comparisons.append(comparison)
        survival_rows.append(comparison.table)
        tests.append(comparison.tests)
    if adverse_events is None:
        safety = tabulate_adverse_events(None, checked, arm_order)
    else:
        safety = tabulate_adverse_events(
            check_adverse_events(adverse_events, checked), checked, arm_order
        )
    return CohortComparison(
        arms=arm_order,
        response=response,
        tests=pd.concat(tests, ignore_index=True),
        survival=pd.concat(survival_rows, ignore_index=True),
        adverse_events=safety,
        survival_comparisons=tuple(comparisons),
    )
