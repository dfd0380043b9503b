"""A search update: run, add a second search run, run again.

Earlier decisions carry forward by record_id, only the new record waits, files people
wrote stay byte-identical (also after a failed run), and Snakemake re-runs only the
jobs the new export reaches.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny_review"
UPDATE_EXPORT = """PMID- 90000001
OWN - NLM
DP  - 2020 Jan
TI  - Drug A versus placebo in advanced disease: a randomised trial.
PG  - 100-9
FAU - Smith, John
AU  - Smith J
PT  - Journal Article
TA  - J Test Med
JT  - Journal of Test Medicine
VI  - 12
IP  - 3
LID - 10.5555/tiny.0001 [doi]

PMID- 90000010
OWN - NLM
DP  - 2022 Apr
TI  - Drug D plus chemotherapy versus chemotherapy in advanced disease (TRIAL-D).
PG  - 55-64
FAU - Grey, Hugo
AU  - Grey H
PT  - Journal Article
PT  - Randomized Controlled Trial
TA  - Test Oncol
JT  - Test Oncology
VI  - 6
IP  - 2
LID - 10.5555/tiny.0010 [doi]
"""
UPDATE_SEARCH = """  - id: "2022-06-01"
    date: "2022-06-01"
    exports:
      - {source: pubmed, path: searches/pubmed_2022-06-01.nbib}
"""

pytestmark = pytest.mark.workflow


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
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
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )


def people_files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((folder / "review").iterdir())
    }


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def planned_jobs(dry_run: str) -> set[str]:
    return set(re.findall(r"^rule (\w+):", dry_run, flags=re.MULTILINE))


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("update") / "review"
    shutil.copytree(TINY, workdir)
    first = snakemake(workdir)
    assert first.returncode == 0, first.stderr[-3000:]
    before = people_files(workdir)
    first_log = read(workdir / "results" / "screening" / "title_abstract.tsv")
    (workdir / "searches" / "pubmed_2022-06-01.nbib").write_text(UPDATE_EXPORT)
    config = workdir / "config" / "config.yaml"
    text = config.read_text()
    config.write_text(text.replace("screening:", UPDATE_SEARCH.rstrip() + "\nscreening:", 1))
    dry = snakemake(workdir, "-n")
    second = snakemake(workdir)
    assert second.returncode == 0, second.stderr[-3000:]
    return workdir, before, first_log, dry, second


def test_earlier_decisions_carry_forward(updated):
    workdir, _, first_log, _, _ = updated
    log = read(workdir / "results" / "screening" / "title_abstract.tsv")
    old = log[log["search_id"] == "2022-01-01"].set_index("record_id")
    before = first_log.set_index("record_id")
    assert (old["decision"] == before.loc[old.index, "decision"]).all()
    new = log[log["search_id"] == "2022-06-01"]
    assert new["record_id"].tolist() == ["pubmed:90000010"]
    assert new["decision"].tolist() == ["pending"]


def test_only_the_new_record_is_pending(updated):
    workdir, *_ = updated
    pending = read(workdir / "results" / "screening" / "pending.tsv")
    assert pending["record_id"].tolist() == ["pubmed:90000010"]
    sheet = pd.read_csv(workdir / "results" / "screening" / "to_screen_title_abstract.csv")
    assert sheet["record_id"].iloc[0] == "pubmed:90000010"


def test_refound_record_keeps_its_group(updated):
    workdir, *_ = updated
    groups = read(workdir / "results" / "dedup" / "groups.tsv")
    group_of = dict(zip(groups["record_id"], groups["group_id"], strict=True))
    assert group_of["pubmed:90000001"] == "embase:L2000000001"


def test_prisma_takes_the_updated_review_form(updated):
    workdir, *_ = updated
    counts = read(workdir / "results" / "prisma" / "counts.tsv")
    totals = {r.box: int(r.count) for r in counts.itertuples() if r.detail == ""}
    assert totals["previous_studies"] == 2
    # records.tsv keeps a re-found record under the run that first found it, so the
    # update identifies only its new record
    assert totals["database_results"] == 1
    assert totals["records_screened"] == 1
    assert totals["awaiting_screening"] == 1
    assert totals["total_studies"] == 2


def test_people_files_are_untouched(updated):
    workdir, before, *_ = updated
    assert people_files(workdir) == before


def test_dry_run_lists_only_what_the_update_reaches(updated):
    _, _, _, dry, _ = updated
    jobs = planned_jobs(dry.stdout)
    assert "ingest_export" in jobs and "dedup_groups" in jobs and "report" in jobs
    assert "ingest_export" in dry.stdout
    assert "2022-01-01" not in re.findall(r"wildcards: (.*)", dry.stdout).__str__()


def test_failed_run_keeps_people_files_and_earlier_results(updated, tmp_path):
    workdir, before, *_ = updated
    copy = tmp_path / "review"
    shutil.copytree(workdir, copy)
    summary = (copy / "results" / "pooling" / "summary.tsv").read_bytes()
    studies = copy / "extraction" / "outcomes.csv"
    studies.write_text(studies.read_text().replace("0.72,0.60,0.88", "0.72,0.90,0.60"))
    failed = snakemake(copy)
    assert failed.returncode != 0
    assert "extraction/outcomes.csv" in failed.stderr
    assert people_files(copy) == before
    assert (copy / "results" / "dedup" / "groups.tsv").exists()
    assert (copy / "results" / "pooling" / "summary.tsv").read_bytes() == summary or not (
        copy / "results" / "pooling" / "summary.tsv"
    ).exists()
