"""Extraction checks: each check fires on its own case, with its exact message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from reviewflow.errors import ExtractionError
from reviewflow.extraction import CHECK_ORDER, check_extraction, raise_on_failures
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.tables import CHECKS, OUTCOMES, STUDIES

STUDIES_CSV = """study,label,year,line
TRIAL-A,Smith 2020,2020,first
TRIAL-B,Brown 2021,2021,first
TRIAL-C,Jones 2019,2019,second
"""
HEADER = (
    "study,outcome,population,measure,estimate,ci_lower,ci_upper,ci_level,"
    "events_exp,total_exp,events_ctl,total_ctl,source\n"
)
OUTCOMES_CSV = (
    HEADER
    + """TRIAL-A,OS,all,HR,0.72,0.60,0.88,0.95,,,,,Smith 2020 Fig 2
TRIAL-B,OS,all,HR,0.63,0.51,0.78,0.95,,,,,Brown 2021 abstract
TRIAL-C,OS,all,HR,0.77,0.62,0.96,0.95,,,,,Jones 2019 Fig 3
TRIAL-A,ORR,all,OR,,,,,30,100,18,100,Smith 2020 Table 2
TRIAL-B,ORR,all,OR,,,,,66,120,45,118,Brown 2021 Table 3
"""
)
ANALYSES = [
    {"id": "os", "outcome": "OS", "population": "all", "measure": "HR"},
    {"id": "orr_first", "outcome": "ORR", "measure": "OR", "where": {"line": "first"}},
    {"id": "os_by_line", "outcome": "OS", "measure": "HR", "subgroup": "line"},
]
INCLUDED = pd.DataFrame(
    {
        "study": ["TRIAL-A", "TRIAL-A", "TRIAL-B", "TRIAL-C"],
        "record_id": ["pubmed:1", "embase:2", "pubmed:3", "pubmed:4"],
    }
)
INCLUDED.attrs["path"] = "results/screening/included.tsv"


def sheets(tmp_path: Path, studies: str = STUDIES_CSV, outcomes: str = OUTCOMES_CSV):
    (tmp_path / "studies.csv").write_text(studies)
    (tmp_path / "outcomes.csv").write_text(outcomes)
    return (
        read_input_csv(tmp_path / "studies.csv", STUDIES),
        read_input_csv(tmp_path / "outcomes.csv", OUTCOMES),
    )


def problems(checks: pd.DataFrame) -> list[tuple[str, int | None, str, str, str]]:
    found = checks[checks["status"] != "pass"]
    return [
        (
            row.check,
            None if pd.isna(row.row) else int(row.row),
            row.subject,
            row.status,
            row.message,
        )
        for row in found.itertuples()
    ]


def test_clean_sheets_pass_every_check(tmp_path):
    studies, outcomes = sheets(tmp_path)
    checks = check_extraction(studies, outcomes, INCLUDED, ANALYSES)
    assert problems(checks) == []
    assert list(checks["check"]) == list(CHECK_ORDER)
    assert set(checks["status"]) == {"pass"}
    raise_on_failures(checks)


def test_without_screening_the_inclusion_checks_are_skipped(tmp_path):
    studies, outcomes = sheets(tmp_path)
    checks = check_extraction(studies, outcomes, None, ANALYSES)
    assert "study_not_included" not in set(checks["check"])
    assert problems(checks) == []


STUDY_CASES = {
    "included_study_without_row": (
        STUDIES_CSV.replace("TRIAL-C,Jones 2019,2019,second\n", ""),
        [
            (
                "outcome_study_unknown",
                4,
                "TRIAL-C / OS / all",
                "fail",
                "study 'TRIAL-C' has no row in studies.csv (add it there or fix the name)",
            ),
            (
                "study_not_extracted",
                None,
                "TRIAL-C",
                "fail",
                "study 'TRIAL-C' was included at full text (results/screening/included.tsv) "
                "but has no row in studies.csv (add a row, named exactly as in the decisions)",
            ),
        ],
    ),
    "row_for_study_not_included": (
        STUDIES_CSV + "TRIAL-D,Lee 2018,2018,second\n",
        [
            (
                "study_not_included",
                5,
                "TRIAL-D",
                "fail",
                "study 'TRIAL-D' is not among the studies included at full text "
                "(results/screening/included.tsv) (spell it as the full-text decisions' "
                "study column does, or delete the row)",
            ),
            (
                "study_without_outcomes",
                5,
                "TRIAL-D",
                "warn",
                "study 'TRIAL-D' has no rows in outcomes.csv, so no analysis pools it",
            ),
        ],
    ),
    "duplicate_study": (
        STUDIES_CSV + "TRIAL-B,Brown 2021b,2021,first\n",
        [
            (
                "study_duplicate",
                5,
                "TRIAL-B",
                "fail",
                "study 'TRIAL-B' already has a row on line 3 (keep one row per study)",
            )
        ],
    ),
    "empty_study_cell": (
        STUDIES_CSV + ",Nobody 2020,2020,first\n",
        [
            (
                "study_missing",
                5,
                "",
                "fail",
                "the study cell is empty (name the study as the full-text decisions do)",
            )
        ],
    ),
}


@pytest.mark.parametrize("case", STUDY_CASES, ids=list(STUDY_CASES))
def test_studies_sheet_problems(tmp_path, case):
    studies_csv, expected = STUDY_CASES[case]
    studies, outcomes = sheets(tmp_path, studies=studies_csv)
    checks = check_extraction(studies, outcomes, INCLUDED, ANALYSES)
    assert sorted(problems(checks), key=str) == sorted(expected, key=str)


def replace_line(line: int, new: str) -> str:
    lines = OUTCOMES_CSV.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


OUTCOME_CASES = {
    "unknown_study": (
        replace_line(3, "TRIAL-X,OS,all,HR,0.63,0.51,0.78,0.95,,,,,Brown 2021 abstract"),
        [
            (
                "outcome_study_unknown",
                3,
                "TRIAL-X / OS / all",
                "fail",
                "study 'TRIAL-X' has no row in studies.csv (add it there or fix the name)",
            ),
        ],
    ),
    "duplicate_row": (
        OUTCOMES_CSV + "TRIAL-A,OS,all,HR,0.70,0.58,0.85,0.95,,,,,Smith 2021 update\n",
        [
            (
                "outcome_duplicate",
                7,
                "TRIAL-A / OS / all",
                "fail",
                "study 'TRIAL-A', outcome 'OS', population 'all' repeats line 2 "
                "(keep one row per study x outcome x population)",
            )
        ],
    ),
    "outcome_no_analysis_uses": (
        OUTCOMES_CSV + "TRIAL-A,DCR,all,OR,,,,,80,100,70,100,Smith 2020 Table 2\n",
        [
            (
                "outcome_unused",
                7,
                "TRIAL-A / DCR / all",
                "warn",
                "outcome 'DCR', population 'all' is used by no analysis "
                "(add an analysis to config.yaml if it should be pooled)",
            )
        ],
    ),
    "measure_unknown": (
        replace_line(2, "TRIAL-A,OS,all,HZ,0.72,0.60,0.88,0.95,,,,,Smith 2020 Fig 2"),
        [
            (
                "measure_unknown",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "measure 'HZ' is not one of HR, OR, RR, RD",
            )
        ],
    ),
    "measure_mismatch": (
        replace_line(2, "TRIAL-A,OS,all,OR,,,,,30,100,18,100,Smith 2020 Fig 2"),
        [
            (
                "measure_mismatch",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "measure 'OR' does not match analysis 'os' (HR) (fix the measure or the analysis)",
            ),
            (
                "measure_mismatch",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "measure 'OR' does not match analysis 'os_by_line' (HR) "
                "(fix the measure or the analysis)",
            ),
        ],
    ),
    "ci_missing": (
        replace_line(2, "TRIAL-A,OS,all,HR,0.72,0.60,,0.95,,,,,Smith 2020 Fig 2"),
        [
            (
                "values_missing",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "HR needs estimate, ci_lower and ci_upper (or estimate and p_value, or "
                "o_minus_e and variance); empty: ci_upper",
            )
        ],
    ),
    "counts_missing": (
        replace_line(5, "TRIAL-A,ORR,all,OR,,,,,30,100,,100,Smith 2020 Table 2"),
        [
            (
                "values_missing",
                5,
                "TRIAL-A / ORR / all",
                "fail",
                "OR needs events_exp, total_exp, events_ctl and total_ctl; empty: events_ctl",
            )
        ],
    ),
    "events_exceed_total": (
        replace_line(5, "TRIAL-A,ORR,all,OR,,,,,130,100,18,100,Smith 2020 Table 2"),
        [
            (
                "values_invalid",
                5,
                "TRIAL-A / ORR / all",
                "fail",
                "events_exp 130 exceeds total_exp 100",
            )
        ],
    ),
    "ci_reversed": (
        replace_line(2, "TRIAL-A,OS,all,HR,0.72,0.88,0.60,0.95,,,,,Smith 2020 Fig 2"),
        [
            (
                "values_invalid",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "ci_lower 0.88 is above ci_upper 0.6",
            )
        ],
    ),
    "ci_level_as_percent": (
        replace_line(2, "TRIAL-A,OS,all,HR,0.72,0.60,0.88,95,,,,,Smith 2020 Fig 2"),
        [
            (
                "values_invalid",
                2,
                "TRIAL-A / OS / all",
                "fail",
                "ci_level 95 is not between 0 and 1 (write 0.95 for 95%)",
            )
        ],
    ),
    "empty_source": (
        replace_line(3, "TRIAL-B,OS,all,HR,0.63,0.51,0.78,0.95,,,,,"),
        [
            (
                "source_missing",
                3,
                "TRIAL-B / OS / all",
                "fail",
                "source is empty (name the publication and the table, figure or abstract "
                "the values come from)",
            )
        ],
    ),
    "unused_row_with_gaps_only_warns": (
        OUTCOMES_CSV + "TRIAL-C,ORR,all,OR,,,,,20,100,,,Jones 2019 Table 2\n",
        [
            (
                "values_missing",
                7,
                "TRIAL-C / ORR / all",
                "warn",
                "OR needs events_exp, total_exp, events_ctl and total_ctl; "
                "empty: events_ctl, total_ctl",
            )
        ],
    ),
}


@pytest.mark.parametrize("case", OUTCOME_CASES, ids=list(OUTCOME_CASES))
def test_outcomes_sheet_problems(tmp_path, case):
    outcomes_csv, expected = OUTCOME_CASES[case]
    studies, outcomes = sheets(tmp_path, outcomes=outcomes_csv)
    checks = check_extraction(studies, outcomes, INCLUDED, ANALYSES)
    assert sorted(problems(checks), key=str) == sorted(expected, key=str)


def test_hr_from_estimate_and_p_value_is_enough(tmp_path):
    outcomes_csv = OUTCOMES_CSV.replace("source\n", "source,p_value\n").replace(
        "TRIAL-A,OS,all,HR,0.72,0.60,0.88,0.95,,,,,Smith 2020 Fig 2",
        "TRIAL-A,OS,all,HR,0.72,,,,,,,,Smith 2020 Fig 2,0.001",
    )
    studies, outcomes = sheets(tmp_path, outcomes=outcomes_csv)
    assert problems(check_extraction(studies, outcomes, INCLUDED, ANALYSES)) == []


def test_counts_serve_another_dichotomous_measure(tmp_path):
    studies, outcomes = sheets(tmp_path)
    analyses = [*ANALYSES, {"id": "orr_rr", "outcome": "ORR", "measure": "RR"}]
    assert problems(check_extraction(studies, outcomes, INCLUDED, analyses)) == []


ANALYSIS_CASES = {
    "where_column_missing": (
        {"id": "os_europe", "outcome": "OS", "measure": "HR", "where": {"region": "EU"}},
        "analysis_column_missing",
        "analysis 'os_europe' uses column 'region', which studies.csv lacks "
        "(add the column or fix the analysis)",
    ),
    "subgroup_column_missing": (
        {"id": "os_by_agent", "outcome": "OS", "measure": "HR", "subgroup": "agent"},
        "analysis_column_missing",
        "analysis 'os_by_agent' uses column 'agent', which studies.csv lacks "
        "(add the column or fix the analysis)",
    ),
    "selects_nothing": (
        {"id": "orr_second", "outcome": "ORR", "measure": "OR", "where": {"line": "second"}},
        "analysis_empty",
        "analysis 'orr_second' selects no rows (outcome 'ORR', population 'all', "
        "filter line=second)",
    ),
}


@pytest.mark.parametrize("case", ANALYSIS_CASES, ids=list(ANALYSIS_CASES))
def test_analysis_problems(tmp_path, case):
    analysis, check, message = ANALYSIS_CASES[case]
    studies, outcomes = sheets(tmp_path)
    found = problems(check_extraction(studies, outcomes, INCLUDED, [*ANALYSES, analysis]))
    assert found == [(check, None, analysis["id"], "fail", message)]


def test_failures_raise_one_error_naming_the_first_row(tmp_path):
    outcomes_csv = replace_line(3, "TRIAL-B,OS,all,HR,0.63,0.51,0.78,0.95,,,,,")
    outcomes_csv = outcomes_csv.replace("30,100,18,100", "130,100,18,100")
    studies, outcomes = sheets(tmp_path, outcomes=outcomes_csv)
    checks = check_extraction(studies, outcomes, INCLUDED, ANALYSES)
    with pytest.raises(ExtractionError) as raised:
        raise_on_failures(checks, listed_in="results/extraction/checks.tsv")
    assert str(raised.value) == (
        f"{tmp_path / 'outcomes.csv'}:3: source is empty (name the publication and the "
        "table, figure or abstract the values come from); 1 more failed check(s) listed "
        "in results/extraction/checks.tsv"
    )


def test_warnings_do_not_raise(tmp_path):
    studies, outcomes = sheets(
        tmp_path, outcomes=OUTCOMES_CSV + "TRIAL-A,DCR,all,OR,,,,,80,100,70,100,Smith 2020\n"
    )
    raise_on_failures(check_extraction(studies, outcomes, INCLUDED, ANALYSES))


def test_checks_table_round_trips_through_io(tmp_path):
    studies, outcomes = sheets(tmp_path, studies=STUDIES_CSV + "TRIAL-D,Lee 2018,2018,second\n")
    checks = check_extraction(studies, outcomes, INCLUDED, ANALYSES)
    write_table(checks, tmp_path / "checks.tsv", CHECKS)
    text = (tmp_path / "checks.tsv").read_text()
    assert "nan" not in text.lower()
    assert text.splitlines()[1].startswith("study_not_included\t")
    again = read_table(tmp_path / "checks.tsv", CHECKS)
    assert (again["row"].iloc[0], again["status"].iloc[0]) == (5, "fail")
    assert (again["row"].iloc[-1], again["status"].iloc[-1]) == (5, "warn")


def test_example_sheets_pass_every_check():
    root = Path(__file__).resolve().parents[1]
    config = yaml.safe_load((root / "config" / "config.yaml").read_text())
    folder = root / "resources" / "example" / "extraction"
    studies = read_input_csv(folder / "studies.csv", STUDIES)
    outcomes = read_input_csv(folder / "outcomes.csv", OUTCOMES)
    checks = check_extraction(studies, outcomes, None, config["analyses"])
    assert problems(checks) == []
    assert set(studies["study"]) == {
        "KEYNOTE-590",
        "CheckMate 648",
        "ESCORT-1st",
        "ORIENT-15",
        "JUPITER-06",
        "KEYNOTE-181",
        "ATTRACTION-3",
        "ESCORT",
        "RATIONALE-302",
    }
