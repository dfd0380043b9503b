"""Reviewer agreement (Cohen's kappa against published values and R) and pending work."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

from reviewflow.agreement import (
    agreement_table,
    cohens_kappa,
    parse_decisions,
    summarise_screening,
)

R_KAPPA = Path(__file__).parent / "r" / "cohens_kappa.R"
EXACT = 1e-12
"""Same formula in double precision: only rounding differs."""
PRINTED = 5e-5
"""A published kappa printed to four decimals."""


def ratings(table: list[list[int]], labels: list[str]) -> tuple[list[str], list[str]]:
    """Two raters' labels from a contingency table (rows: first rater)."""
    first, second = [], []
    for row_label, row in zip(labels, table, strict=True):
        for column_label, count in zip(labels, row, strict=True):
            first += [row_label] * count
            second += [column_label] * count
    return first, second


@pytest.mark.parametrize(
    ("table", "published", "tolerance"),
    [
        # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by two
        # readers, yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o 0.7, p_e 0.5,
        # kappa 0.4 exactly.
        pytest.param([[20, 5], [10, 15]], 0.4, EXACT, id="wikipedia-grant-proposals"),
        # SAS/STAT User's Guide, PROC FREQ "Getting Started: Agreement Study" (skin
        # condition rated by two dermatologists, 88 patients, 4 categories):
        # simple kappa 0.3449.
        pytest.param(
            [[10, 4, 1, 0], [5, 10, 12, 2], [2, 4, 12, 5], [0, 2, 6, 13]],
            0.3449,
            PRINTED,
            id="sas-skin-condition",
        ),
    ],
)
def test_kappa_matches_published_examples(table, published, tolerance):
    labels = [f"c{index}" for index in range(len(table))]
    assert cohens_kappa(*ratings(table, labels)) == pytest.approx(published, abs=tolerance)
    assert statsmodels_kappa(np.array(table)).kappa == pytest.approx(published, abs=tolerance)


R_CASES = [
    (
        ["include"] * 7 + ["maybe"] * 3 + ["exclude"] * 10,
        ["include"] * 6 + ["exclude"] * 4 + ["maybe"] * 2 + ["exclude"] * 8,
    ),
    (
        ["include", "exclude", "exclude", "not_retrieved"],
        ["include", "exclude", "include", "exclude"],
    ),
]


@pytest.mark.r_oracle
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript is not installed")
@pytest.mark.parametrize(("first", "second"), R_CASES)
def test_kappa_and_raw_agreement_match_r_caret(first, second):
    completed = subprocess.run(
        ["Rscript", str(R_KAPPA), ",".join(first), ",".join(second)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0 and "caret" in completed.stderr:
        pytest.skip("R package caret is not installed")
    kappa, accuracy = map(float, completed.stdout.split()[:2])
    assert cohens_kappa(first, second) == pytest.approx(kappa, abs=EXACT)
    log = pd.DataFrame({"decisions": [f"A={a}; B={b}" for a, b in zip(first, second, strict=True)]})
    row = agreement_table(log, "title_abstract").iloc[0]
    assert row["raw_agreement"] == pytest.approx(accuracy, abs=EXACT)
    assert row["kappa"] == pytest.approx(kappa, abs=EXACT)


def test_kappa_is_undefined_when_both_reviewers_use_one_label():
    assert math.isnan(cohens_kappa(["exclude"] * 3, ["exclude"] * 3))


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", {}),
        ("A=include; B=maybe", {"A": ("include", ""), "B": ("maybe", "")}),
        (
            "A=exclude:wrong population; B=include:KEYNOTE-590",
            {"A": ("exclude", "wrong population"), "B": ("include", "KEYNOTE-590")},
        ),
        (
            "Ana=include:Study; part 2; Ben=not_retrieved",
            {"Ana": ("include", "Study; part 2"), "Ben": ("not_retrieved", "")},
        ),
    ],
)
def test_parse_decisions_reads_the_log_column(text, parsed):
    assert parse_decisions(text) == parsed


def test_title_abstract_agreement_counts_conflicts_as_screening_does():
    log = pd.DataFrame(
        {
            "decisions": [
                "A=include; B=maybe",  # differ, but both pass it on: no conflict
                "A=exclude:registry; B=exclude",
                "A=maybe; B=exclude",  # conflict
                "A=include; B=include",
                "A=include",  # B has not decided: not counted
            ]
        }
    )
    row = agreement_table(log, "title_abstract").iloc[0].to_dict()
    assert {k: row[k] for k in ("reviewer_a", "reviewer_b", "n", "agreed", "conflicts")} == {
        "reviewer_a": "A",
        "reviewer_b": "B",
        "n": 4,
        "agreed": 2,
        "conflicts": 1,
    }
    assert row["raw_agreement"] == 0.5
    assert row["pairs"] == "exclude/exclude=1; include/include=1; include/maybe=1; maybe/exclude=1"


def test_full_text_conflicts_include_reason_and_study():
    log = pd.DataFrame(
        {
            "decisions": [
                "A=exclude:wrong population; B=exclude:not randomised",
                "A=include:TRIAL-1; B=include:TRIAL-2",
                "A=include:TRIAL-1; B=include:TRIAL-1",
            ]
        }
    )
    row = agreement_table(log, "full_text").iloc[0]
    assert (row["n"], row["agreed"], row["conflicts"]) == (3, 3, 2)


def test_pending_lists_what_each_stage_waits_for():
    ta = pd.DataFrame(
        {
            "record_id": ["pubmed:1", "pubmed:2", "pubmed:3"],
            "search_id": ["s1", "s1", "s2"],
            "title": ["A", "B", "C"],
            "decisions": ["A=include; B=exclude", "A=include; B=include", "A=include"],
            "decision": ["pending", "include", "pending"],
            "waiting_for": ["resolution", "", "reviewer B"],
        }
    )
    ft = ta.iloc[1:2].assign(decisions="A=include:X", decision="pending", waiting_for="reviewer B")
    summary = summarise_screening(ta, ft)
    assert summary.pending.values.tolist() == [
        ["title_abstract", "pubmed:1", "s1", "A", "resolution"],
        ["title_abstract", "pubmed:3", "s2", "C", "reviewer B"],
        ["full_text", "pubmed:2", "s1", "B", "reviewer B"],
    ]
    assert summary.agreement["stage"].tolist() == ["title_abstract"]
