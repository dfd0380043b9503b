"""Check the extraction sheets against screening and the analyses; write checks.tsv.

The table is written even when checks fail, so the reviewer can read it: the run then
stops in ``pool_analysis``, which refuses to pool while checks.tsv lists a failure.
Only a review with no analyses fails here (nothing downstream would stop it).
"""

from reviewflow.cli import job
from reviewflow.extraction import check_extraction, raise_on_failures
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.tables import CHECKS, INCLUDED, OUTCOMES, STUDIES

with job(snakemake.log[0]):
    studies = read_input_csv(snakemake.input.studies, STUDIES)
    outcomes = read_input_csv(snakemake.input.outcomes, OUTCOMES)
    included = [read_table(path, INCLUDED) for path in snakemake.input.included]
    analyses = list(snakemake.params.analyses)
    checks = check_extraction(studies, outcomes, included[0] if included else None, analyses)
    write_table(checks, snakemake.output.checks, CHECKS)
    if not analyses:
        raise_on_failures(checks, snakemake.output.checks)
