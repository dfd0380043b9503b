"""End to end: snakemake runs a tiny review and the example in a temporary folder."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_review"
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]

pytestmark = pytest.mark.workflow


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SNAKEMAKE, "--directory", str(workdir), "--cores", "2", *args],
        capture_output=True,
        text=True,
        timeout=900,
    )


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "results" not in path.parts and ".snakemake" not in path.parts
    }


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tiny") / "review"
    shutil.copytree(TINY, workdir)
    before = checksums(workdir)
    dry = snakemake(workdir, "-n")
    run = snakemake(workdir)
    again = snakemake(workdir)
    return workdir, before, dry, run, again


def test_dry_run_lists_every_stage(tiny_run):
    _, _, dry, _, _ = tiny_run
    assert dry.returncode == 0, dry.stderr
    for rule in (
        "ingest_export",
        "ingest_records",
        "dedup_groups",
        "screen_title_abstract",
        "screen_full_text",
        "extract_checks",
        "pool_analysis",
        "prisma_counts",
        "prisma_diagram",
        "report",
    ):
        assert rule in dry.stdout, rule


def test_tiny_review_runs_to_the_end(tiny_run):
    workdir, _, _, run, _ = tiny_run
    assert run.returncode == 0, run.stderr[-3000:]
    results = workdir / "results"
    records = read(results / "ingest" / "records.tsv")
    assert len(records) == 7
    assert "nan" not in (results / "ingest" / "records.tsv").read_text().lower()
    groups = read(results / "dedup" / "groups.tsv")
    assert groups["group_id"].nunique() == 6
    included = read(results / "screening" / "included.tsv")
    assert sorted(included["study"].unique()) == ["TRIAL-A", "TRIAL-B"]
    assert len(included) == 3
    summary = read(results / "pooling" / "summary.tsv")
    assert set(summary["analysis"]) == {"os", "orr"}
    assert set(summary["model"]) == {"fixed", "random"}
    for path in ("prisma/prisma.svg", "prisma/prisma.png", "prisma/prisma.pdf", "report.html"):
        assert (results / path).stat().st_size > 0, path


def test_prisma_counts_follow_the_logs(tiny_run):
    workdir, *_ = tiny_run
    counts = read(workdir / "results" / "prisma" / "counts.tsv")
    totals = {row.box: int(row.count) for row in counts.itertuples() if row.detail == ""}
    assert totals["database_results"] == 7
    assert totals["duplicates"] == 1
    assert totals["records_screened"] == 6
    assert totals["records_excluded"] == 2
    assert totals["dbr_sought_reports"] == 4
    assert totals["dbr_assessed"] == 4
    assert totals["dbr_excluded"] == 1
    assert totals["total_studies"] == 2 or totals["new_studies"] == 2


def test_rerun_does_nothing_and_human_files_are_untouched(tiny_run):
    workdir, before, _, _, again = tiny_run
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr
    assert checksums(workdir) == before


def test_bad_decision_names_file_and_line(tmp_path):
    workdir = tmp_path / "review"
    shutil.copytree(TINY, workdir)
    decisions = workdir / "review" / "ta_A.csv"
    decisions.write_text(
        decisions.read_text().replace("pubmed:90000002,include", "pubmed:90000002,inclde")
    )
    run = snakemake(workdir)
    assert run.returncode != 0
    assert "review/ta_A.csv:3" in run.stderr
    assert "inclde" in run.stderr


def test_config_error_is_one_clear_message(tmp_path):
    workdir = tmp_path / "review"
    shutil.copytree(TINY, workdir)
    config = workdir / "config" / "config.yaml"
    config.write_text(config.read_text().replace("searches/embase.ris", "searches/embase2.ris"))
    run = snakemake(workdir, "-n")
    assert run.returncode != 0
    assert "searches[0].exports[1].path: file 'searches/embase2.ris' not found" in run.stderr
