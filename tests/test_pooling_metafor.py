"""Effect sizes, pooling, leave-one-out, bias tests and subgroup differences agree with
R metafor, which computes its numbers at test time (tests/r/metafor_reference.R).

The datasets are metafor's own examples (raw columns exported by R, so both sides
compute from the same numbers) plus edge cases: zero cells, double zeros, k = 1,
k = 2, tau² = 0, huge heterogeneity, hazard ratios from CIs at several levels.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewflow.analysis import run_analysis
from reviewflow.bias import begg_test, egger_test
from reviewflow.effects import compute_effects
from reviewflow.pooling import (
    PooledEstimate,
    pool_fixed_iv,
    pool_mantel_haenszel,
    pool_peto,
    pool_random,
)

R_SCRIPT = Path(__file__).parent / "r" / "metafor_reference.R"
RTOL = 1e-6
"""Relative agreement the issue asks for (metafor iterates to a threshold of 1e-10)."""
ATOL = 1e-12
"""Absolute floor for values that are zero on both sides (tau² = 0, I² = 0, RD = 0)."""
ATOL_ITERATIVE = 1e-8
"""REML, ML and EB/PM: metafor stops Fisher scoring when the tau² step is < 1e-10, so
its tau² can be ~5e-11 short; a value near zero (tau², a prediction bound of a risk
difference close to 0) is then compared absolutely at this level."""
ATOL_I2_ITERATIVE = 1e-4
"""I² in percent is 100 tau² / (tau² + s²), so a tau² error of δ is an I² error of
~100 δ / s². metafor's Fisher scoring stops once the tau² step is < 1e-10, which for
rare-event risk differences (s² ~ 1.6e-4, tau² ~ 5e-6) leaves I² off by 2.5e-5
(checked: threshold 1e-14 gives our value); where the true tau² is 0 it stops at
tau² ~ 1e-11. 1e-4 percentage points is far below the two printed decimals."""

METHODS = ("FE", "DL", "REML", "PM", "ML", "HE", "SJ", "EB")
TESTS = ("z", "knha")
RNG = np.random.default_rng(20240607)

COUNT_CASES: dict[str, dict] = {
    "bcg": {"metafor": "dat.bcg"},
    "collins1985a": {"metafor": "dat.collins1985a"},
    "yusuf1985_table6": {"metafor": "dat.yusuf1985"},
    "hine1989": {"metafor": "dat.hine1989"},
    "li2007": {"metafor": "dat.li2007"},
    "bourassa1996_by_sex": {"metafor": "dat.bourassa1996"},
    "single_zero_cells": {
        "a": [0, 3, 1, 5, 12],
        "n1": [20, 30, 15, 40, 60],
        "c": [2, 0, 4, 7, 15],
        "n2": [22, 31, 15, 38, 61],
    },
    "double_zero_and_all_events": {
        "a": [0, 4, 10, 6, 9],
        "n1": [25, 30, 10, 45, 50],
        "c": [0, 8, 12, 9, 14],
        "n2": [24, 31, 12, 44, 52],
    },
    "k2_counts": {"a": [15, 22], "n1": [100, 120], "c": [25, 30], "n2": [98, 119]},
    "rare_events": {
        "a": [1, 0, 2, 0, 1, 3],
        "n1": [150, 120, 200, 90, 160, 210],
        "c": [3, 2, 4, 1, 0, 6],
        "n2": [148, 118, 205, 92, 158, 207],
    },
}
GENERIC_CASES: dict[str, dict] = {
    "normand1999_md": {"metafor": "dat.normand1999"},
    "k1": {"yi": [0.3], "vi": [0.04]},
    "k2": {"yi": [-0.2, 0.4], "vi": [0.03, 0.05]},
    "k3": {"yi": [0.1, -0.35, 0.42], "vi": [0.02, 0.09, 0.05]},
    "homogeneous": {"yi": [0.10, 0.12, 0.11, 0.09, 0.105], "vi": [0.04, 0.05, 0.03, 0.06, 0.05]},
    "huge_heterogeneity": {
        "yi": [-2.5, 0.1, 1.8, 3.2, -1.1, 2.4, 0.7],
        "vi": [0.01, 0.02, 0.015, 0.01, 0.03, 0.02, 0.01],
    },
    "tied_variances": {
        "yi": [0.2, 0.5, -0.1, 0.3, 0.8, 0.45],
        "vi": [0.04, 0.04, 0.09, 0.04, 0.16, 0.09],
    },
    "subgroups_three": {
        "yi": [-0.3, -0.5, -0.2, 0.1, 0.05, -0.1, 0.3, 0.6, 0.4, 0.2],
        "vi": [0.02, 0.05, 0.04, 0.03, 0.06, 0.02, 0.05, 0.08, 0.04, 0.03],
        "subgroup": ["first"] * 3 + ["second"] * 3 + ["third"] * 4,
    },
    "k60_random": {
        "yi": list(np.round(RNG.normal(-0.2, 0.3, 60), 4)),
        "vi": list(np.round(RNG.uniform(0.01, 0.2, 60), 4)),
    },
}
HR_CASES: dict[str, dict] = {
    "hr_from_ci_levels": {
        "hr": [0.72, 0.80, 0.65, 0.91, 0.58],
        "lower": [0.60, 0.62, 0.51, 0.78, 0.43],
        "upper": [0.88, 1.03, 0.83, 1.06, 0.78],
        "level": [0.95, 0.90, 0.95, 0.99, 0.95],
    },
}
CASES = {**COUNT_CASES, **GENERIC_CASES, **HR_CASES}
MEASURES = {
    **dict.fromkeys(COUNT_CASES, ("OR", "RR", "RD")),
    **dict.fromkeys({**GENERIC_CASES, **HR_CASES}, ("yi",)),
}


@pytest.fixture(scope="session")
def metafor(tmp_path_factory) -> dict[str, dict]:
    """Run R once for every case; a dict of case name -> metafor's numbers."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed (tests/setup_and_run.sh installs R and metafor)")
    folder = tmp_path_factory.mktemp("metafor")
    cases_path, reference_path = folder / "cases.json", folder / "reference.json"
    cases = [{"name": name, **spec} for name, spec in CASES.items()]
    cases_path.write_text(json.dumps({"cases": cases}, default=float))
    run = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(cases_path), str(reference_path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if run.returncode != 0:
        pytest.skip(f"R metafor/jsonlite is not usable: {run.stderr.strip()[-300:]}")
    reference = json.loads(reference_path.read_text())
    return {case["name"]: case for case in reference["cases"]}


def as_float(values: list) -> np.ndarray:
    """JSON list with nulls (or a single number: R writes length-1 vectors unboxed) ->
    float array with NaN."""
    values = values if isinstance(values, list) else [values]
    return np.array([math.nan if value is None else value for value in values], float)


def effect_set(case: dict, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """The yi/vi metafor pooled (escalc's, without dropped studies)."""
    source = case["escalc"][measure] if measure != "yi" else case["generic"]
    yi, vi = as_float(source["yi"]), as_float(source["vi"])
    keep = ~np.isnan(yi)
    return yi[keep], vi[keep]


def assert_matches(ours: PooledEstimate, theirs: dict, atol: float = ATOL) -> None:
    pairs = {
        "estimate": (ours.estimate, theirs["estimate"]),
        "se": (ours.se, theirs["se"]),
        "ci_lower": (ours.ci_lower, theirs["ci_lb"]),
        "ci_upper": (ours.ci_upper, theirs["ci_ub"]),
        "z": (ours.z, theirs["zval"]),
        "p_value": (ours.p_value, theirs["pval"]),
        "i2": (ours.i2, theirs["I2"]),
        "h2": (ours.h2, theirs["H2"]),
        "q": (ours.q, theirs["QE"]),
        "q_p": (ours.q_p, theirs["QEp"]),
    }
    if "tau2" in theirs and ours.model == "random":
        pairs["tau2"] = (ours.tau2, theirs["tau2"])
        pairs["pi_lower"] = (ours.pi_lower, theirs["pi_lb"])
        pairs["pi_upper"] = (ours.pi_upper, theirs["pi_ub"])
    for name, (mine, reference) in pairs.items():
        expected = math.nan if reference is None else reference
        floor = ATOL_I2_ITERATIVE if name == "i2" and atol == ATOL_ITERATIVE else atol
        np.testing.assert_allclose(mine, expected, rtol=RTOL, atol=floor, err_msg=name)


def fit_cases() -> list[tuple[str, str, str, str]]:
    return [
        (name, measure, method, test)
        for name in CASES
        for measure in MEASURES[name]
        for method in METHODS
        for test in (("z",) if method == "FE" else TESTS)
        if measure in ("OR", "yi") or method in ("FE", "DL", "REML")
    ]


@pytest.mark.parametrize(("name", "measure", "method", "test"), fit_cases())
def test_pooled_estimate_matches_metafor_rma(metafor, name, measure, method, test):
    theirs = next(
        fit
        for fit in metafor[name]["fits"]
        if (fit["measure"], fit["method"], fit["test"]) == (measure, method, test)
    )
    yi, vi = effect_set(metafor[name], measure)
    if method == "FE":
        ours = pool_fixed_iv(yi, vi)
    else:
        ours = pool_random(yi, vi, method, hksj=test == "knha")  # type: ignore[arg-type]
    assert ours.k == theirs["k"]
    iterative = method in ("REML", "ML", "PM", "EB")
    assert_matches(ours, theirs, ATOL_ITERATIVE if iterative else ATOL)


def count_frame(counts: dict, measure: str) -> pd.DataFrame:
    """An outcomes sheet (index = file line) with the 2x2 counts of a case."""
    rows = pd.DataFrame(
        {
            "study": [f"s{i:02d}" for i in range(len(counts["a"]))],
            "outcome": "ORR",
            "population": "all",
            "measure": measure,
            "source": "test",
            "events_exp": np.array(counts["a"], float),
            "total_exp": np.array(counts["n1"], float),
            "events_ctl": np.array(counts["c"], float),
            "total_ctl": np.array(counts["n2"], float),
        }
    )
    rows.index = rows.index + 2
    return rows


@pytest.mark.parametrize(
    ("name", "measure"), [(name, m) for name in COUNT_CASES for m in ("OR", "RR", "RD")]
)
def test_effect_sizes_match_escalc(metafor, name, measure):
    case = metafor[name]
    effects = compute_effects(count_frame(case["counts"], measure), measure).table
    expected = case["escalc"][measure]
    for column in ("yi", "vi"):
        np.testing.assert_allclose(
            effects[column].to_numpy(float), as_float(expected[column]), rtol=RTOL, atol=ATOL
        )


def test_hazard_ratio_from_ci_matches_r(metafor):
    spec = HR_CASES["hr_from_ci_levels"]
    rows = pd.DataFrame(
        {
            "study": [f"s{i}" for i in range(len(spec["hr"]))],
            "estimate": spec["hr"],
            "ci_lower": spec["lower"],
            "ci_upper": spec["upper"],
            "ci_level": spec["level"],
        }
    )
    effects = compute_effects(rows, "HR").table
    expected = metafor["hr_from_ci_levels"]["hr"]
    np.testing.assert_allclose(effects["yi"], expected["yi"], rtol=RTOL)
    np.testing.assert_allclose(effects["vi"], expected["vi"], rtol=RTOL)


@pytest.mark.parametrize(
    ("name", "measure"), [(name, m) for name in COUNT_CASES for m in ("OR", "RR", "RD")]
)
def test_mantel_haenszel_matches_rma_mh(metafor, name, measure):
    case = metafor[name]
    yi, vi = as_float(case["escalc"][measure]["yi"]), as_float(case["escalc"][measure]["vi"])
    # every table enters the MH sums, as in rma.mh; Q uses the studies escalc kept
    counts = [np.array(case["counts"][key], float) for key in ("a", "n1", "c", "n2")]
    ours = pool_mantel_haenszel(measure, *counts, yi, vi)
    theirs = case["mh"][measure]
    assert ours.q_df == theirs["k_yi"] - 1
    assert_matches(ours, theirs)


@pytest.mark.parametrize("name", list(COUNT_CASES))
def test_peto_matches_rma_peto(metafor, name):
    case = metafor[name]
    counts = [np.array(case["counts"][key], float) for key in ("a", "n1", "c", "n2")]
    ours = pool_peto(*counts)
    theirs = case["peto"]
    assert ours.q_df == theirs["k_yi"] - 1
    assert_matches(ours, theirs)


@pytest.mark.parametrize(("name", "measure"), [(n, m) for n in CASES for m in MEASURES[n]])
def test_egger_and_begg_match_regtest_and_ranktest(metafor, name, measure):
    yi, vi = effect_set(metafor[name], measure)
    theirs = (metafor[name]["bias"] or {}).get(measure)
    egger, begg = egger_test(yi, vi, model="lm"), begg_test(yi, vi)
    if theirs is None:  # fewer than 3 studies: neither test is defined
        assert math.isnan(egger.p_value) and math.isnan(begg.p_value)
        return
    np.testing.assert_allclose(
        [egger.statistic, egger.df, egger.p_value],
        [theirs["egger_t"], theirs["egger_df"], theirs["egger_p"]],
        rtol=RTOL,
    )
    np.testing.assert_allclose(
        [begg.statistic, begg.p_value], [theirs["begg_tau"], theirs["begg_p"]], rtol=RTOL
    )


def analysis_inputs(case: dict, measure: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extraction sheets for run_analysis: 2x2 rows, or O - E and V rows giving yi/vi."""
    if measure == "yi":
        yi, vi = as_float(case["generic"]["yi"]), as_float(case["generic"]["vi"])
        outcomes = pd.DataFrame(
            {
                "study": [f"s{i:02d}" for i in range(len(yi))],
                "outcome": "ORR",
                "population": "all",
                "measure": "HR",
                "source": "test",
                "o_minus_e": yi / vi,
                "variance": 1 / vi,
            }
        )
        outcomes.index = outcomes.index + 2
    else:
        outcomes = count_frame(case["counts"], measure)
    groups = case.get("subgroup")
    studies = pd.DataFrame({"study": outcomes["study"], "label": outcomes["study"], "year": 2020})
    studies["group"] = groups if groups is not None else ""
    return studies, outcomes


LOO_SETTINGS = (("DL", "z"), ("REML", "knha"))


@pytest.mark.parametrize(
    ("name", "measure", "setting"),
    [(n, m, s) for n in CASES for m in MEASURES[n] for s in range(len(LOO_SETTINGS))],
)
def test_leave_one_out_matches_leave1out(metafor, name, measure, setting):
    method, test = LOO_SETTINGS[setting]
    theirs = (metafor[name]["leave1out"][measure] or [None, None])[setting]
    studies, outcomes = analysis_inputs(metafor[name], measure)
    settings = {"id": "a", "outcome": "ORR", "measure": "HR" if measure == "yi" else measure}
    result = run_analysis(studies, outcomes, {**settings, "method": method, "hksj": test == "knha"})
    rows = result.sensitivity[result.sensitivity["kind"] == "leave_one_out"]
    if theirs is None:
        assert rows.empty
        return
    scale = np.log if measure != "RD" else (lambda values: values)
    for ours, reference in (
        (scale(rows["estimate"].to_numpy(float)), theirs["estimate"]),
        (scale(rows["ci_lower"].to_numpy(float)), theirs["ci_lb"]),
        (scale(rows["ci_upper"].to_numpy(float)), theirs["ci_ub"]),
        (rows["statistic"].to_numpy(float), theirs["zval"]),
        (rows["p_value"].to_numpy(float), theirs["pval"]),
        (rows["tau2"].to_numpy(float), theirs["tau2"]),
    ):
        np.testing.assert_allclose(ours, as_float(reference), rtol=RTOL, atol=ATOL_ITERATIVE)
    np.testing.assert_allclose(
        rows["i2"].to_numpy(float), as_float(theirs["I2"]), rtol=RTOL, atol=ATOL_I2_ITERATIVE
    )


SUBGROUP_CASES = [("subgroups_three", "yi")] + [
    ("bourassa1996_by_sex", m) for m in ("OR", "RR", "RD")
]


@pytest.mark.parametrize(
    ("name", "measure", "setting"),
    [(n, m, s) for n, m in SUBGROUP_CASES for s in range(len(LOO_SETTINGS))],
)
def test_subgroup_difference_matches_metafor(metafor, name, measure, setting):
    method, test = LOO_SETTINGS[setting]
    theirs = metafor[name]["subgroups"][measure][setting]
    studies, outcomes = analysis_inputs(metafor[name], measure)
    settings = {
        "id": "a",
        "outcome": "ORR",
        "measure": "HR" if measure == "yi" else measure,
        "method": method,
        "hksj": test == "knha",
        "subgroup": "group",
    }
    result = run_analysis(studies, outcomes, settings)
    row = result.sensitivity[result.sensitivity["kind"] == "subgroup_difference"].iloc[0]
    np.testing.assert_allclose(
        [row["statistic"], row["df"], row["p_value"]],
        [theirs["QM"], theirs["df"], theirs["pval"]],
        rtol=RTOL,
    )
