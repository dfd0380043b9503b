"""Check the extraction sheets against the screening result and the analyses.

``check_extraction`` returns the ``CHECKS`` table: one row per problem found, and one
``pass`` row for every check that found none, so ``checks.tsv`` says what was checked
as well as what failed. ``raise_on_failures`` turns the table into one error.

Status policy: ``fail`` marks what would corrupt or stop pooling, or what issue 7
lists as an error (a study pooled that was not included, an included study missing,
a row no analysis can read, a duplicate, a value missing or impossible, a measure an
analysis cannot use, an empty ``source``); ``warn`` marks what pooling ignores
harmlessly: an outcome/population no analysis uses (sheets often hold more than is
pooled) and a study with no outcome rows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from reviewflow.errors import ExtractionError

logger = logging.getLogger(__name__)

Status = Literal["pass", "warn", "fail"]
MEASURES = ("HR", "OR", "RR", "RD")
RATIO_MEASURES = ("HR", "OR", "RR")
COUNT_MEASURES = ("OR", "RR", "RD")
COUNT_COLUMNS = ("events_exp", "total_exp", "events_ctl", "total_ctl")
HR_ROUTES = (
    ("estimate", "ci_lower", "ci_upper"),
    ("estimate", "p_value"),
    ("o_minus_e", "variance"),
)
"""Ways a time-to-event row gives its log HR and SE (issue 7 'Effect sizes')."""

CHECK_ORDER = (
    "study_missing",
    "study_duplicate",
    "study_not_extracted",
    "study_not_included",
    "study_without_outcomes",
    "outcome_study_unknown",
    "outcome_duplicate",
    "outcome_unused",
    "measure_unknown",
    "measure_mismatch",
    "values_missing",
    "values_invalid",
    "source_missing",
    "analysis_column_missing",
    "analysis_empty",
)


@dataclass(frozen=True)
class Finding:
    check: str
    file: str
    row: int | None
    subject: str
    status: Status
    message: str


def _path(frame: pd.DataFrame, default: str) -> str:
    return str(frame.attrs.get("path", default))


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _number(value: Any) -> str:
    return f"{float(value):g}"


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool):
        return _text(value).strip().lower() == str(wanted).lower()
    if isinstance(wanted, int | float):
        try:
            return float(_text(value)) == float(wanted)
        except ValueError:
            return False
    return _text(value).strip() == str(wanted)


def _analysis_studies(studies: pd.DataFrame, analysis: Mapping[str, Any]) -> set[str]:
    """Names of the studies an analysis's ``where`` filter keeps."""
    kept = studies
    for column, wanted in (analysis.get("where") or {}).items():
        if column not in kept.columns:
            return set()
        kept = kept[kept[column].map(lambda value, w=wanted: _matches(value, w))]
    return set(kept["study"])


def _population(analysis: Mapping[str, Any]) -> str:
    return str(analysis.get("population", "all"))


def _missing(row: pd.Series, columns: Iterable[str]) -> list[str]:
    return [column for column in columns if pd.isna(row.get(column))]


def _needed_values(row: pd.Series, measure: str) -> list[str]:
    """Columns still empty for the cheapest complete route; [] when one is complete."""
    if measure == "HR":
        routes = [_missing(row, route) for route in HR_ROUTES]
        return [] if any(not gaps for gaps in routes) else routes[0]
    return _missing(row, COUNT_COLUMNS)


def _invalid_values(row: pd.Series, measure: str) -> list[str]:
    """Values no effect size can come from, each as a short phrase."""
    problems = []
    for column in COUNT_COLUMNS:
        value = row.get(column)
        if not pd.isna(value) and (value < 0 or value != int(value)):
            problems.append(f"{column} {_number(value)} is not a whole number >= 0")
    for arm in ("exp", "ctl"):
        events, total = row.get(f"events_{arm}"), row.get(f"total_{arm}")
        if not pd.isna(events) and not pd.isna(total) and events > total:
            problems.append(f"events_{arm} {_number(events)} exceeds total_{arm} {_number(total)}")
    if measure in RATIO_MEASURES:
        for column in ("estimate", "ci_lower", "ci_upper"):
            value = row.get(column)
            if not pd.isna(value) and value <= 0:
                problems.append(f"{column} {_number(value)} is not positive (a ratio is > 0)")
    lower, estimate, upper = row.get("ci_lower"), row.get("estimate"), row.get("ci_upper")
    if not pd.isna(lower) and not pd.isna(upper) and lower > upper:
        problems.append(f"ci_lower {_number(lower)} is above ci_upper {_number(upper)}")
    elif not pd.isna(estimate):
        if not pd.isna(lower) and lower > estimate:
            problems.append(f"ci_lower {_number(lower)} is above estimate {_number(estimate)}")
        if not pd.isna(upper) and upper < estimate:
            problems.append(f"ci_upper {_number(upper)} is below estimate {_number(estimate)}")
    level = row.get("ci_level")
    if not pd.isna(level) and not 0 < level < 1:
        problems.append(f"ci_level {_number(level)} is not between 0 and 1 (write 0.95 for 95%)")
    p_value = row.get("p_value")
    if not pd.isna(p_value) and not 0 < p_value <= 1:
        problems.append(f"p_value {_number(p_value)} is not in (0, 1]")
    variance = row.get("variance")
    if not pd.isna(variance) and variance <= 0:
        problems.append(f"variance {_number(variance)} is not positive")
    return problems


def _check_studies(
    studies: pd.DataFrame, included: pd.DataFrame | None, outcomes: pd.DataFrame
) -> list[Finding]:
    path = _path(studies, "studies.csv")
    findings = []
    first_line: dict[str, int] = {}
    for line, row in studies.iterrows():
        study = _text(row["study"])
        if not study:
            findings.append(
                Finding(
                    "study_missing",
                    path,
                    int(line),
                    "",
                    "fail",
                    "the study cell is empty (name the study as the full-text decisions do)",
                )
            )
        elif study in first_line:
            findings.append(
                Finding(
                    "study_duplicate",
                    path,
                    int(line),
                    study,
                    "fail",
                    f"study '{study}' already has a row on line {first_line[study]} "
                    "(keep one row per study)",
                )
            )
        else:
            first_line[study] = int(line)
    with_outcomes = set(outcomes["study"])
    for study, line in first_line.items():
        if study not in with_outcomes:
            findings.append(
                Finding(
                    "study_without_outcomes",
                    path,
                    line,
                    study,
                    "warn",
                    f"study '{study}' has no rows in outcomes.csv, so no analysis pools it",
                )
            )
    if included is None:
        logger.info("no screening result: studies.csv is not checked against included studies")
        return findings
    included_path = _path(included, "included.tsv")
    included_studies = sorted({_text(study) for study in included["study"]} - {""})
    for study in included_studies:
        if study not in first_line:
            findings.append(
                Finding(
                    "study_not_extracted",
                    path,
                    None,
                    study,
                    "fail",
                    f"study '{study}' was included at full text ({included_path}) but has no "
                    "row in studies.csv (add a row, named exactly as in the decisions)",
                )
            )
    for study, line in first_line.items():
        if study not in included_studies:
            findings.append(
                Finding(
                    "study_not_included",
                    path,
                    line,
                    study,
                    "fail",
                    f"study '{study}' is not among the studies included at full text "
                    f"({included_path}) (spell it as the full-text decisions' study column "
                    "does, or delete the row)",
                )
            )
    return findings


def _users(
    row: pd.Series, analyses: list[Mapping[str, Any]], members: dict[str, set[str]]
) -> list[Mapping[str, Any]]:
    """Analyses whose outcome, population and filter select this outcome row."""
    return [
        analysis
        for analysis in analyses
        if analysis["outcome"] == row["outcome"]
        and _population(analysis) == row["population"]
        and row["study"] in members[analysis["id"]]
    ]


def _check_outcome_row(
    line: int,
    row: pd.Series,
    path: str,
    known_studies: set[str],
    used_by: list[Mapping[str, Any]],
    wanted: set[tuple[str, str]],
) -> list[Finding]:
    study, outcome, population = row["study"], row["outcome"], row["population"]
    subject = f"{study} / {outcome} / {population}"
    findings = []

    def add(check: str, status: Status, message: str) -> None:
        findings.append(Finding(check, path, line, subject, status, message))

    if study not in known_studies:
        add(
            "outcome_study_unknown",
            "fail",
            f"study '{study}' has no row in studies.csv (add it there or fix the name)",
        )
    if (outcome, population) not in wanted:
        add(
            "outcome_unused",
            "warn",
            f"outcome '{outcome}', population '{population}' is used by no analysis "
            "(add an analysis to config.yaml if it should be pooled)",
        )
    measure = row["measure"]
    if measure not in MEASURES:
        add("measure_unknown", "fail", f"measure '{measure}' is not one of {', '.join(MEASURES)}")
        return findings
    for analysis in used_by:
        if analysis["measure"] == measure:
            continue
        counts_serve = (
            analysis["measure"] in COUNT_MEASURES
            and measure in COUNT_MEASURES
            and not _missing(row, COUNT_COLUMNS)
        )
        if not counts_serve:
            add(
                "measure_mismatch",
                "fail",
                f"measure '{measure}' does not match analysis '{analysis['id']}' "
                f"({analysis['measure']}) (fix the measure or the analysis)",
            )
    status: Status = "fail" if used_by else "warn"
    gaps = _needed_values(row, measure)
    if gaps:
        needs = (
            "estimate, ci_lower and ci_upper (or estimate and p_value, or o_minus_e and variance)"
            if measure == "HR"
            else "events_exp, total_exp, events_ctl and total_ctl"
        )
        add(
            "values_missing",
            status,
            f"{measure} needs {needs}; empty: {', '.join(gaps)}",
        )
    for problem in _invalid_values(row, measure):
        add("values_invalid", status, problem)
    if not _text(row["source"]):
        add(
            "source_missing",
            "fail",
            "source is empty (name the publication and the table, figure or abstract "
            "the values come from)",
        )
    return findings


def _check_outcomes(
    outcomes: pd.DataFrame, studies: pd.DataFrame, analyses: list[Mapping[str, Any]]
) -> list[Finding]:
    path = _path(outcomes, "outcomes.csv")
    known = {_text(study) for study in studies["study"]} - {""}
    members = {analysis["id"]: _analysis_studies(studies, analysis) for analysis in analyses}
    wanted = {(analysis["outcome"], _population(analysis)) for analysis in analyses}
    findings = []
    first_line: dict[tuple[str, str, str], int] = {}
    for line, row in outcomes.iterrows():
        key = (row["study"], row["outcome"], row["population"])
        if key in first_line:
            findings.append(
                Finding(
                    "outcome_duplicate",
                    path,
                    int(line),
                    " / ".join(key),
                    "fail",
                    f"study '{key[0]}', outcome '{key[1]}', population '{key[2]}' repeats "
                    f"line {first_line[key]} (keep one row per study x outcome x population)",
                )
            )
            continue
        first_line[key] = int(line)
        used_by = _users(row, analyses, members)
        findings += _check_outcome_row(int(line), row, path, known, used_by, wanted)
    return findings


def _check_analyses(
    studies: pd.DataFrame, outcomes: pd.DataFrame, analyses: list[Mapping[str, Any]]
) -> list[Finding]:
    studies_path = _path(studies, "studies.csv")
    outcomes_path = _path(outcomes, "outcomes.csv")
    findings = []
    for analysis in analyses:
        columns = list((analysis.get("where") or {}).keys())
        if analysis.get("subgroup"):
            columns.append(analysis["subgroup"])
        absent = [column for column in columns if column not in studies.columns]
        for column in absent:
            findings.append(
                Finding(
                    "analysis_column_missing",
                    studies_path,
                    None,
                    analysis["id"],
                    "fail",
                    f"analysis '{analysis['id']}' uses column '{column}', which studies.csv "
                    "lacks (add the column or fix the analysis)",
                )
            )
        if absent:
            continue
        members = _analysis_studies(studies, analysis)
        rows = outcomes[
            (outcomes["outcome"] == analysis["outcome"])
            & (outcomes["population"] == _population(analysis))
            & outcomes["study"].isin(members)
        ]
        if rows.empty:
            where = analysis.get("where") or {}
            condition = ", ".join(f"{key}={value}" for key, value in where.items()) or "none"
            findings.append(
                Finding(
                    "analysis_empty",
                    outcomes_path,
                    None,
                    analysis["id"],
                    "fail",
                    f"analysis '{analysis['id']}' selects no rows (outcome "
                    f"'{analysis['outcome']}', population '{_population(analysis)}', "
                    f"filter {condition})",
                )
            )
    return findings


def _text_frame(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    converted = frame.copy()
    for column in columns:
        converted[column] = converted[column].map(lambda value: _text(value).strip())
    return converted


def check_extraction(
    studies: pd.DataFrame,
    outcomes: pd.DataFrame,
    included: pd.DataFrame | None,
    analyses: list[Mapping[str, Any]],
) -> pd.DataFrame:
    """Check the extraction sheets; return the ``CHECKS`` table.

    Parameters
    ----------
    studies, outcomes
        ``studies.csv`` and ``outcomes.csv`` as read by ``io.read_input_csv`` (index =
        file line, ``attrs["path"]`` = path), so each finding names file and line.
    included
        The ``INCLUDED`` table of the screening stage, or None when the review runs
        pooling alone (then studies are not checked against screening).
    analyses
        The config's analyses (``id, outcome, population, where, measure, subgroup``).

    Notes
    -----
    A row is *used* by an analysis when its outcome and population match and its
    study passes the analysis's ``where`` filter. Missing or impossible values in a
    used row fail; in an unused row they only warn. Counts serve every dichotomous
    measure, so a row with all four counts and measure OR may feed an RR analysis.
    """
    studies = _text_frame(studies, ["study"])
    outcomes = _text_frame(outcomes, ["study", "outcome", "population", "measure", "source"])
    findings = (
        _check_studies(studies, included, outcomes)
        + _check_outcomes(outcomes, studies, analyses)
        + _check_analyses(studies, outcomes, analyses)
    )
    checked = {
        "study": (_path(studies, "studies.csv"), f"{len(studies)} rows of studies.csv"),
        "outcome": (_path(outcomes, "outcomes.csv"), f"{len(outcomes)} rows of outcomes.csv"),
        "analysis": (_path(outcomes, "outcomes.csv"), f"{len(analyses)} analyses"),
    }
    for finding in findings:
        level = logging.ERROR if finding.status == "fail" else logging.WARNING
        where = finding.file + (f":{finding.row}" if finding.row is not None else "")
        logger.log(level, "%s: %s [%s]", where, finding.message, finding.check)
    found = {finding.check for finding in findings}
    for check in CHECK_ORDER:
        if included is None and check in ("study_not_extracted", "study_not_included"):
            continue
        if check not in found:
            kind = "study" if check == "analysis_column_missing" else check.split("_")[0]
            file, what = checked.get(kind, checked["outcome"])
            findings.append(Finding(check, file, None, "", "pass", f"{what} checked"))
    failed = sum(finding.status == "fail" for finding in findings)
    warned = sum(finding.status == "warn" for finding in findings)
    logger.info("extraction checks: %d failed, %d warnings", failed, warned)
    return pd.DataFrame(
        [vars(finding) for finding in findings],
        columns=["check", "file", "row", "subject", "status", "message"],
    ).astype({"row": "Int64"})


def raise_on_failures(checks: pd.DataFrame, listed_in: str = "checks.tsv") -> None:
    """Raise ``ExtractionError`` for the first failed check, counting the others.

    The first failure is the one earliest in its file (by file, then line), so the
    message is the same on every run and points at the top-most row to fix.
    """
    failures = checks[checks["status"] == "fail"]
    if failures.empty:
        return
    failures = failures.sort_values(
        ["file", "row", "check", "subject"], kind="mergesort", na_position="last"
    )
    first = failures.iloc[0]
    others = len(failures) - 1
    more = f"; {others} more failed check(s) listed in {listed_in}" if others else ""
    row = None if pd.isna(first["row"]) else int(first["row"])
    raise ExtractionError(first["file"], row, f"{first['message']}{more}")
