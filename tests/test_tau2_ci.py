"""The Q-profile CI of tau² agrees with metafor's confint (R called at test time)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reviewflow.pooling import tau2_confidence_interval

R_SCRIPT = Path(__file__).parent / "r" / "tau2_qprofile.R"
RTOL = 1e-6  # metafor is asked for a root tolerance of 1e-12; 1e-6 leaves room for that
ATOL = 1e-10  # a bound truncated at zero is compared absolutely


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript is not installed (tests/setup_and_run.sh installs R and metafor)")
    run = subprocess.run(["Rscript", str(R_SCRIPT)], capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        pytest.skip(f"R metafor is not usable: {run.stderr.strip()[:200]}")
    return pd.read_csv(io.StringIO(run.stdout))


@pytest.mark.parametrize("dataset", ["bcg", "normand", "homogeneous"])
def test_qprofile_ci_matches_metafor(reference, dataset):
    rows = reference[reference["dataset"] == dataset]
    studies = rows[rows["kind"] == "study"]
    lower, upper = rows[rows["kind"] == "tau2ci"][["a", "b"]].iloc[0]
    ours = tau2_confidence_interval(studies["a"].to_numpy(), studies["b"].to_numpy())
    np.testing.assert_allclose(ours, (lower, upper), rtol=RTOL, atol=ATOL)
