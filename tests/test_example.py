"""The shipped example runs end to end and reproduces the review it copies.

Oracles: the generator's ground truth (which record is which report) for ingest and
dedup; the seed study (SEED.md) for the screening flow and the cohort statistics.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_STUDIES = {
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
SEED_SCREENED = 705
SEED_CHI2 = 0.125  # Pearson chi-square, ORR 6/20 vs 5/20 and DCR 15/20 vs 14/20
SEED_CHI2_P = 0.723
SEED_MEDIANS = {"PD-1 inhibitor + anlotinib": 4.9, "anlotinib + S-1": 4.7}
SEED_LOGRANK_P = 0.673
LOGRANK_P_TOLERANCE = 0.01  # generated patients: p within 0.01 of the published value

pytestmark = pytest.mark.workflow


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "config", workdir / "config")
    shutil.copytree(ROOT / "resources", workdir / "resources")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--snakefile",
            str(ROOT / "Snakefile"),
            "--directory",
            str(workdir),
            "--cores",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir / "results"


@pytest.fixture(scope="module")
def truth():
    run = subprocess.run(
        [sys.executable, str(ROOT / "resources" / "example" / "make_review.py"), "--truth"],
        capture_output=True,
        text=True,
        check=True,
    )
    return pd.read_csv(pd.io.common.StringIO(run.stdout), sep="\t", dtype=str)


def test_every_exported_record_is_ingested(example, truth):
    records = read(example / "ingest" / "records.tsv")
    assert set(records["record_id"]) == set(truth["record_id"])


def test_dedup_recovers_the_true_reports_exactly(example, truth):
    groups = read(example / "dedup" / "groups.tsv")
    report_of = dict(zip(truth["record_id"], truth["report"], strict=True))
    members = defaultdict(set)
    for row in groups.itertuples():
        members[row.group_id].add(report_of[row.record_id])
    false_merges = {group: reports for group, reports in members.items() if len(reports) > 1}
    assert false_merges == {}
    groups_of_report = defaultdict(set)
    for row in groups.itertuples():
        groups_of_report[report_of[row.record_id]].add(row.group_id)
    missed = {report: found for report, found in groups_of_report.items() if len(found) > 1}
    assert missed == {}


def test_screening_reaches_the_seed_counts(example):
    title_abstract = read(example / "screening" / "title_abstract.tsv")
    included = read(example / "screening" / "included.tsv")
    assert len(title_abstract) == SEED_SCREENED
    assert set(included["study"]) == EXAMPLE_STUDIES
    assert read(example / "screening" / "pending.tsv").empty


def test_prisma_counts_reconcile_with_the_logs(example):
    counts = read(example / "prisma" / "counts.tsv")
    totals = {r.box: int(r.count) for r in counts.itertuples() if r.detail == ""}
    full_text = read(example / "screening" / "full_text.tsv")
    assert totals["records_screened"] == SEED_SCREENED
    assert totals["total_studies"] == len(EXAMPLE_STUDIES)
    assert totals["dbr_sought_reports"] == len(full_text)
    assert totals["dbr_excluded"] == (full_text["decision"] == "exclude").sum()
    svg = (example / "prisma" / "prisma.svg").read_text()
    for count in totals.values():
        assert f"(n = {count:,})" in svg or count == 0


def test_every_analysis_has_fixed_and_random_rows(example):
    summary = read(example / "pooling" / "summary.tsv")
    overall = summary[summary["subgroup"] == ""]
    assert len(overall) == 2 * overall["analysis"].nunique() == 28
    for analysis, model in itertools.product(overall["analysis"].unique(), ("fixed", "random")):
        assert ((overall["analysis"] == analysis) & (overall["model"] == model)).sum() == 1


def test_cohort_matches_the_seed_study(example):
    tests = read(example / "cohort" / "tests.tsv")
    pearson = tests[tests["test"] == "pearson"]
    assert set(pearson["endpoint"]) == {"ORR", "DCR"}
    for row in pearson.itertuples():
        assert round(float(row.statistic), 3) == SEED_CHI2
        assert round(float(row.p_value), 3) == SEED_CHI2_P
    logrank = tests[tests["test"] == "logrank"].iloc[0]
    assert abs(float(logrank["p_value"]) - SEED_LOGRANK_P) <= LOGRANK_P_TOLERANCE
    survival = read(example / "cohort" / "survival.tsv")
    assert dict(zip(survival["arm"], survival["median"].astype(float), strict=True)) == (
        SEED_MEDIANS
    )


def test_report_names_every_stage(example):
    page = (example / "report.html").read_text()
    for heading in (
        "Searches",
        "Deduplication",
        "PRISMA 2020 flow diagram",
        "Meta-analyses",
        "Cohort comparison",
        "Provenance",
    ):
        assert f">{heading}</h2>" in page
