"""Run tests/r/metafor_reference.R once per test session and share its numbers.

The test modules of the pooling stage (test_effects, test_pooling, test_bias,
test_analysis) import ``metafor_reference`` and call it from a fixture; the result
is cached, so R starts once however many modules ask. Cases are the datasets of
``CASES``: metafor's own examples (their raw columns exported by R, so Python
computes from the same numbers) and edge cases.
"""

from __future__ import annotations

import functools
import json
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

R_SCRIPT = Path(__file__).parent / "metafor_reference.R"
R_TIMEOUT = 240
"""Seconds: one R process fits every case (about 10 s on a shared 2-core machine)."""

COUNT_CASES: dict[str, dict] = {
    "bcg": {"metafor": "dat.bcg", "trimfill": True},
    "collins1985a": {"metafor": "dat.collins1985a"},
    "yusuf1985_table6": {"metafor": "dat.yusuf1985"},
    "hine1989": {"metafor": "dat.hine1989"},
    "li2007": {"metafor": "dat.li2007", "trimfill": True},
    "bourassa1996_by_sex": {"metafor": "dat.bourassa1996"},
    "zero_cells": {
        "a": [0, 3, 1, 5, 12, 7],
        "n1": [20, 30, 15, 40, 60, 7],
        "c": [2, 0, 4, 7, 15, 5],
        "n2": [22, 31, 15, 38, 61, 9],
    },
    "zero_cells_add_quarter": {
        "a": [0, 3, 1, 5, 12],
        "n1": [20, 30, 15, 40, 60],
        "c": [2, 0, 4, 7, 15],
        "n2": [22, 31, 15, 38, 61],
        "add": 0.25,
    },
    "double_zeros": {
        "a": [0, 4, 10, 6, 9, 0],
        "n1": [25, 30, 10, 45, 50, 40],
        "c": [0, 8, 12, 9, 14, 0],
        "n2": [24, 31, 12, 44, 52, 41],
    },
    "counts_k2": {"a": [15, 22], "n1": [100, 120], "c": [25, 30], "n2": [98, 119]},
    "counts_k1": {"a": [15], "n1": [100], "c": [25], "n2": [98]},
}
HR_CASES: dict[str, dict] = {
    "hr_from_ci": {
        "trimfill": True,
        # printed to two decimals, as trials publish them; several CI levels
        "hr": [0.72, 0.80, 0.65, 0.91, 0.58, 0.77],
        "lower": [0.60, 0.62, 0.51, 0.78, 0.43, 0.64],
        "upper": [0.88, 1.03, 0.83, 1.06, 0.78, 0.92],
        "level": [0.95, 0.90, 0.95, 0.99, 0.95, 0.95],
    },
    "hr_from_p": {"hr_p": [0.72, 1.25, 0.64, 0.88], "p": [0.0012, 0.04, 0.0001, 0.31]},
    "hr_from_o_minus_e": {"o_minus_e": [-12.4, -3.1, 5.2, -20.7], "v": [40.2, 18.5, 30.1, 75.3]},
}
_RNG = np.random.default_rng(20240607)
GENERIC_CASES: dict[str, dict] = {
    "normand1999": {"metafor": "dat.normand1999", "trimfill": True},
    "hackshaw1998": {"metafor": "dat.hackshaw1998", "trimfill": True},
    "k1": {"yi": [0.3], "vi": [0.04]},
    "k2": {"yi": [-0.2, 0.4], "vi": [0.03, 0.05]},
    "homogeneous": {"yi": [0.10, 0.12, 0.11, 0.09, 0.105], "vi": [0.04, 0.05, 0.03, 0.06, 0.05]},
    "huge_heterogeneity": {
        "trimfill": True,
        "yi": [-2.5, 0.1, 1.8, 3.2, -1.1, 2.4, 0.7],
        "vi": [0.01, 0.02, 0.015, 0.01, 0.03, 0.02, 0.01],
    },
    "subgroups": {
        "yi": [-0.3, -0.5, -0.2, 0.1, 0.05, -0.1, 0.3, 0.6, 0.4, 0.2, 0.9],
        "vi": [0.02, 0.05, 0.04, 0.03, 0.06, 0.02, 0.05, 0.08, 0.04, 0.03, 0.2],
        "subgroup": ["a"] * 3 + ["b"] * 3 + ["c"] * 5,
    },
    "k40_random": {
        "trimfill": True,
        "yi": list(np.round(_RNG.normal(-0.2, 0.3, 40), 4)),
        "vi": list(np.round(_RNG.uniform(0.01, 0.2, 40), 4)),
    },
}
CASES = {**COUNT_CASES, **HR_CASES, **GENERIC_CASES}
LEAVE_ONE_OUT_CASES = ("bcg", "hine1989", "huge_heterogeneity")
"""leave1out is R's slowest step; it runs only for the cases test_analysis compares."""
for _name, _case in CASES.items():
    _case.setdefault("leave1out", _name in LEAVE_ONE_OUT_CASES)


@functools.cache
def metafor_reference() -> dict[str, dict] | str:
    """Case name -> metafor's numbers, or the reason R could not give them."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (tests/setup_and_run.sh installs R and metafor)"
    with tempfile.TemporaryDirectory(prefix="metafor_") as folder:
        cases_path, reference_path = Path(folder, "cases.json"), Path(folder, "reference.json")
        cases = [{"name": name, **spec} for name, spec in CASES.items()]
        cases_path.write_text(json.dumps({"cases": cases}, default=float))
        run = subprocess.run(
            ["Rscript", str(R_SCRIPT), str(cases_path), str(reference_path)],
            capture_output=True,
            text=True,
            timeout=R_TIMEOUT,
            check=False,
        )
        if run.returncode != 0:
            return f"R metafor/jsonlite is not usable: {run.stderr.strip()[-300:]}"
        reference = json.loads(reference_path.read_text())
    return {case["name"]: case for case in reference["cases"]}


def as_float(values: object) -> np.ndarray:
    """A JSON list with nulls (or one number: R unboxes length-1 vectors) as floats."""
    items = values if isinstance(values, list) else [values]
    return np.array([math.nan if value is None else value for value in items], float)


def measures_of(name: str) -> tuple[str, ...]:
    """The effect sets R computed for a case: OR/RR/RD for counts, 'yi' otherwise."""
    return ("OR", "RR", "RD") if name in COUNT_CASES else ("yi",)


def effect_set(case: dict, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """The yi/vi metafor pooled (escalc's for counts, without the studies it dropped)."""
    source = case["escalc"][measure] if measure != "yi" else case["generic"]
    yi, vi = as_float(source["yi"]), as_float(source["vi"])
    keep = ~np.isnan(yi)
    return yi[keep], vi[keep]
