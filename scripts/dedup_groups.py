"""Group duplicate records across databases and search runs."""

from reviewflow.cli import job
from reviewflow.dedup import DedupSettings, group_duplicates
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.tables import DEDUP_LOG, DEDUP_OVERRIDES, DEDUP_REVIEW, GROUPS, RECORDS, UNIQUE

with job(snakemake.log[0]):
    records = read_table(snakemake.input.records, RECORDS)
    overrides = [read_input_csv(path, DEDUP_OVERRIDES) for path in snakemake.input.overrides]
    settings = DedupSettings(
        title_same=float(snakemake.params.title_same),
        title_review=float(snakemake.params.title_review),
        year_tolerance=int(snakemake.params.year_tolerance),
        workers=snakemake.threads,
    )
    result = group_duplicates(
        records, overrides[0] if overrides else None, snakemake.params.search_order, settings
    )
    write_table(result.groups, snakemake.output.groups, GROUPS)
    write_table(result.unique, snakemake.output.unique, UNIQUE)
    write_table(result.review, snakemake.output.review, DEDUP_REVIEW)
    write_table(result.merges, snakemake.output.merges, DEDUP_LOG)
