"""Effect sizes from extraction rows: metafor's escalc (R at test time) for 2x2 tables,
R's arithmetic for hazard ratios from CIs, p-values and O - E / V, and one error per
bad row naming file, line and column."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r.oracle import COUNT_CASES, HR_CASES, as_float, metafor_reference

from reviewflow.effects import compute_effects, counts_effect, effect_from_ci
from reviewflow.errors import ExtractionError
from reviewflow.io import read_input_csv
from reviewflow.tables import OUTCOMES

ROOT = Path(__file__).parent.parent
RTOL = 1e-6
"""Relative agreement the issue asks for; escalc's arithmetic is exact, so any slack
would hide a different formula."""
ATOL = 1e-12
"""Absolute floor for values that are zero on both sides (an RD of 0)."""
PATH = "review/outcomes.csv"


@pytest.fixture(scope="module")
def metafor() -> dict[str, dict]:
    reference = metafor_reference()
    if isinstance(reference, str):
        pytest.skip(reference)
    return reference


def sheet(**columns: list) -> pd.DataFrame:
    """An outcomes sheet as read_input_csv returns it: index = file line, attrs path."""
    length = len(next(iter(columns.values())))
    rows = pd.DataFrame(
        {
            "study": [f"s{i:02d}" for i in range(length)],
            "outcome": "OS",
            "population": "all",
            "measure": "",
            "source": "test",
            **columns,
        }
    )
    for name in OUTCOMES.names:
        if name not in rows.columns:
            rows[name] = math.nan if OUTCOMES.kind_of(name) == "float" else ""
    rows.index = rows.index + 2
    rows.attrs["path"] = PATH
    return rows


def count_sheet(counts: dict) -> pd.DataFrame:
    return sheet(
        events_exp=list(as_float(counts["a"])),
        total_exp=list(as_float(counts["n1"])),
        events_ctl=list(as_float(counts["c"])),
        total_ctl=list(as_float(counts["n2"])),
    )


@pytest.mark.parametrize(
    ("name", "measure"), [(name, m) for name in COUNT_CASES for m in ("OR", "RR", "RD")]
)
def test_counts_give_escalc_yi_and_vi(metafor, name, measure):
    case = metafor[name]
    add = COUNT_CASES[name].get("add", 0.5)
    effects = compute_effects(count_sheet(case["counts"]), measure, add).table
    expected = case["escalc"][measure]
    for column in ("yi", "vi"):
        np.testing.assert_allclose(
            effects[column].to_numpy(float), as_float(expected[column]), rtol=RTOL, atol=ATOL
        )


def test_hazard_ratios_from_ci_at_any_level_match_r(metafor):
    spec = HR_CASES["hr_from_ci"]
    rows = sheet(
        estimate=spec["hr"], ci_lower=spec["lower"], ci_upper=spec["upper"], ci_level=spec["level"]
    )
    effects = compute_effects(rows, "HR").table
    np.testing.assert_allclose(effects["yi"], metafor["hr_from_ci"]["hr"]["yi"], rtol=RTOL)
    np.testing.assert_allclose(effects["vi"], metafor["hr_from_ci"]["hr"]["vi"], rtol=RTOL)


def test_ci_level_in_percent_equals_proportion():
    proportion = sheet(estimate=[0.8], ci_lower=[0.62], ci_upper=[1.03], ci_level=[0.9])
    percent = sheet(estimate=[0.8], ci_lower=[0.62], ci_upper=[1.03], ci_level=[90.0])
    pd.testing.assert_frame_equal(
        compute_effects(proportion, "HR").table, compute_effects(percent, "HR").table
    )


def test_hazard_ratios_from_p_values_match_r(metafor):
    spec = HR_CASES["hr_from_p"]
    effects = compute_effects(sheet(estimate=spec["hr_p"], p_value=spec["p"]), "HR").table
    np.testing.assert_allclose(effects["yi"], metafor["hr_from_p"]["hr"]["yi"], rtol=RTOL)
    np.testing.assert_allclose(effects["vi"], metafor["hr_from_p"]["hr"]["vi"], rtol=RTOL)


def test_hazard_ratios_from_o_minus_e_match_r(metafor):
    spec = HR_CASES["hr_from_o_minus_e"]
    effects = compute_effects(sheet(o_minus_e=spec["o_minus_e"], variance=spec["v"]), "HR").table
    expected = metafor["hr_from_o_minus_e"]["hr"]
    np.testing.assert_allclose(effects["yi"], expected["yi"], rtol=RTOL)
    np.testing.assert_allclose(effects["vi"], expected["vi"], rtol=RTOL)


def test_ci_is_preferred_to_p_value_and_o_minus_e():
    both = sheet(
        estimate=[0.72],
        ci_lower=[0.60],
        ci_upper=[0.88],
        p_value=[0.5],
        o_minus_e=[1.0],
        variance=[2.0],
    )
    only_ci = sheet(estimate=[0.72], ci_lower=[0.60], ci_upper=[0.88])
    assert compute_effects(both, "HR").table["vi"].iloc[0] == pytest.approx(
        compute_effects(only_ci, "HR").table["vi"].iloc[0], rel=1e-15
    )


def test_risk_difference_ci_is_symmetric_on_the_natural_scale():
    yi, vi = effect_from_ci(-0.05, -0.12, 0.02, 0.95, ratio=False)
    assert yi == -0.05
    assert math.sqrt(vi) == pytest.approx(0.14 / (2 * 1.959963984540054), rel=1e-12)


def test_every_published_ci_of_the_example_is_accepted():
    # two- and three-decimal CIs as trials print them, at 95% to 99.5% levels
    outcomes = read_input_csv(ROOT / "resources/example/extraction/outcomes.csv", OUTCOMES)
    ratios = outcomes[outcomes["measure"] == "HR"]
    assert len(ratios) >= 20
    effects = compute_effects(ratios, "HR").table
    assert effects["vi"].gt(0).all()


PUBLISHED_CIS = {
    # (estimate, lower, upper, level): rounded the way journals print them
    "two_decimals": (0.72, 0.60, 0.88, 0.95),
    "wide_ci_crossing_one": (0.45, 0.20, 1.01, 0.95),
    "three_decimals": (0.628, 0.508, 0.777, 0.95),
    "hr_above_one": (1.08, 0.87, 1.34, 0.95),
    "one_decimal": (0.7, 0.5, 1.0, 0.95),
    "very_small_ratio": (0.05, 0.01, 0.25, 0.95),
}


@pytest.mark.parametrize("values", PUBLISHED_CIS.values(), ids=list(PUBLISHED_CIS))
def test_rounding_of_a_published_ci_is_tolerated(values):
    yi, vi = effect_from_ci(*values, ratio=True)
    assert yi == pytest.approx(math.log(values[0]))
    assert vi > 0


def row(**cells: float | str) -> pd.DataFrame:
    return sheet(**{name: [value] for name, value in cells.items()})


ERROR_CASES = {
    # name: (measure, row cells, column named, words in the message)
    "ci_not_symmetric_on_log_scale": (
        "HR",
        {"estimate": 0.72, "ci_lower": 0.60, "ci_upper": 0.98},
        "ci_upper",
        "not symmetric",
    ),
    "lower_above_upper": (
        "HR",
        {"estimate": 0.72, "ci_lower": 0.88, "ci_upper": 0.60},
        "ci_lower",
        "above ci_upper",
    ),
    "ci_without_width": (
        "HR",
        {"estimate": 0.72, "ci_lower": 0.72, "ci_upper": 0.72},
        "ci_upper",
        "has no width",
    ),
    "estimate_outside_ci": (
        "HR",
        {"estimate": 0.95, "ci_lower": 0.60, "ci_upper": 0.88},
        "estimate",
        "outside its CI",
    ),
    "ratio_not_positive": (
        "OR",
        {"estimate": 0.0, "ci_lower": 0.0, "ci_upper": 0.5},
        "estimate",
        "<= 0",
    ),
    "rd_ci_not_symmetric": (
        "RD",
        {"estimate": -0.05, "ci_lower": -0.12, "ci_upper": 0.10},
        "ci_upper",
        "not symmetric",
    ),
    "ci_level_not_a_level": (
        "HR",
        {"estimate": 0.72, "ci_lower": 0.60, "ci_upper": 0.88, "ci_level": 195.0},
        "ci_level",
        "not a level",
    ),
    "p_value_above_one": ("HR", {"estimate": 0.72, "p_value": 1.5}, "p_value", "not in (0, 1]"),
    "p_value_of_one": ("HR", {"estimate": 0.90, "p_value": 1.0}, "p_value", "no standard error"),
    "estimate_at_null_with_p": (
        "HR",
        {"estimate": 1.0, "p_value": 0.2},
        "p_value",
        "no standard error",
    ),
    "variance_not_positive": (
        "HR",
        {"o_minus_e": -3.0, "variance": 0.0},
        "variance",
        "not positive",
    ),
    "events_exceed_totals": (
        "OR",
        {"events_exp": 31.0, "total_exp": 30.0, "events_ctl": 4.0, "total_ctl": 30.0},
        "events_exp",
        "exceeds total_exp",
    ),
    "negative_events": (
        "RR",
        {"events_exp": 3.0, "total_exp": 30.0, "events_ctl": -1.0, "total_ctl": 30.0},
        "events_ctl",
        "negative",
    ),
    "total_of_zero": (
        "RD",
        {"events_exp": 0.0, "total_exp": 0.0, "events_ctl": 4.0, "total_ctl": 30.0},
        "total_exp",
        "not a positive count",
    ),
    "a_count_missing": (
        "OR",
        {"events_exp": 3.0, "total_exp": 30.0, "events_ctl": 4.0},
        "total_ctl",
        "both needed",
    ),
    "other_measure_estimate": (
        "OR",
        {"measure": "HR", "estimate": 0.72, "ci_lower": 0.60, "ci_upper": 0.88},
        "measure",
        "cannot be pooled in a OR analysis",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=list(ERROR_CASES))
def test_bad_row_is_an_error_naming_file_line_and_column(case):
    measure, cells, column, words = case
    with pytest.raises(ExtractionError) as raised:
        compute_effects(row(**cells), measure)
    assert str(raised.value).startswith(f"{PATH}:2: column '{column}': ")
    assert words in str(raised.value)


def test_row_without_any_usable_numbers_says_what_to_fill():
    with pytest.raises(ExtractionError, match=r"outcomes.csv:2: needs estimate with ci_lower"):
        compute_effects(row(estimate=0.7), "HR")


def test_error_names_the_line_of_the_bad_row_not_the_first():
    rows = sheet(estimate=[0.72, 0.72], ci_lower=[0.60, 0.60], ci_upper=[0.88, 0.98])
    with pytest.raises(ExtractionError, match=r"^review/outcomes.csv:3: "):
        compute_effects(rows, "HR")


@pytest.mark.parametrize(("measure", "estimable"), [("OR", False), ("RR", False), ("RD", True)])
def test_double_zero_study_is_left_out_of_ratios_with_a_note(measure, estimable):
    rows = count_sheet({"a": [0, 3], "n1": [20, 30], "c": [0, 5], "n2": [22, 31]})
    sizes = compute_effects(rows, measure)
    assert (not math.isnan(sizes.table["yi"].iloc[0])) is estimable
    assert bool(sizes.notes) is not estimable
    if not estimable:
        assert sizes.notes[0].startswith("s00: no events")


def test_continuity_correction_only_touches_tables_with_a_zero_cell():
    corrected = counts_effect("OR", 0, 20, 2, 22, add=0.5)
    untouched = counts_effect("OR", 3, 30, 5, 31, add=0.5)
    assert corrected[2] and not untouched[2]
    assert untouched[0] == pytest.approx(math.log(3 * 26 / (27 * 5)))


def test_zero_cell_without_correction_is_not_estimable():
    sizes = compute_effects(count_sheet({"a": [0], "n1": [20], "c": [2], "n2": [22]}), "OR", 0.0)
    assert math.isnan(sizes.table["yi"].iloc[0])
    assert "without continuity correction" in sizes.notes[0]
