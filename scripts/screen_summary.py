"""Pending work and reviewer agreement (Cohen's kappa) across both stages."""

from reviewflow.agreement import summarise_screening
from reviewflow.cli import job
from reviewflow.io import read_table, write_table
from reviewflow.tables import AGREEMENT, PENDING, STAGE_LOG

with job(snakemake.log[0]):
    title_abstract = read_table(snakemake.input.title_abstract, STAGE_LOG)
    full_text = read_table(snakemake.input.full_text, STAGE_LOG)
    summary = summarise_screening(title_abstract, full_text)
    write_table(summary.pending, snakemake.output.pending, PENDING)
    write_table(summary.agreement, snakemake.output.agreement, AGREEMENT)
