"""PRISMA 2020 counts from the stage logs, reconciled before anything is drawn."""

from reviewflow.cli import job
from reviewflow.io import read_table, write_table, write_text
from reviewflow.prisma import count_prisma, reconcile_counts, to_prisma2020_csv
from reviewflow.tables import COUNTS, GROUPS, INCLUDED, RECORDS, STAGE_LOG

with job(snakemake.log[0]):
    counts = count_prisma(
        read_table(snakemake.input.records, RECORDS),
        read_table(snakemake.input.groups, GROUPS),
        read_table(snakemake.input.title_abstract, STAGE_LOG),
        read_table(snakemake.input.full_text, STAGE_LOG),
        read_table(snakemake.input.included, INCLUDED),
        snakemake.params.sources,
        snakemake.params.search_order,
        reasons=snakemake.params.reasons,
    )
    reconcile_counts(counts)
    write_table(counts, snakemake.output.counts, COUNTS)
    write_text(to_prisma2020_csv(counts), snakemake.output.prisma2020)
