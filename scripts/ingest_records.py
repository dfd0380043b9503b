"""Rule ingest_records: per-source tables of every search run -> results/ingest/records.tsv."""

from reviewflow.cli import job
from reviewflow.ingest import combine_searches
from reviewflow.io import read_table, write_table
from reviewflow.tables import RECORDS

with job(snakemake.log[0]):
    tables = [read_table(path, RECORDS) for path in snakemake.input.tables]
    records = combine_searches(tables, list(snakemake.params.search_order))
    write_table(records, snakemake.output.records, RECORDS)
