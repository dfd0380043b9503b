"""PRISMA 2020 counts from the stage logs, reconciled before anything is drawn."""

from reviewflow.cli import job
from reviewflow.io import read_table, write_csv, write_table
from reviewflow.prisma import count_prisma, reconcile_counts, stack_records, to_prisma2020_csv
from reviewflow.tables import COUNTS, RECORDS, STAGE_LOG

with job(snakemake.log[0]):
    identified = [read_table(path, RECORDS) for path in snakemake.input.identified]
    counts = count_prisma(
        stack_records(identified),
        read_table(snakemake.input.title_abstract, STAGE_LOG),
        read_table(snakemake.input.full_text, STAGE_LOG),
        snakemake.params.reasons,
        snakemake.params.sources,
        snakemake.params.search_order,
    )
    reconcile_counts(counts)
    write_table(counts, snakemake.output.counts, COUNTS)
    write_csv(to_prisma2020_csv(counts), snakemake.output.prisma2020)
