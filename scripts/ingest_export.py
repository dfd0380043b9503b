"""Rule ingest_export: every export of one source in one search run -> one records table."""

from reviewflow.cli import job
from reviewflow.ingest import ingest_exports
from reviewflow.io import write_table
from reviewflow.tables import RECORDS

with job(snakemake.log[0]):
    records = ingest_exports(
        list(snakemake.input.exports),
        list(snakemake.params.formats),
        source=snakemake.wildcards.source,
        search_id=snakemake.wildcards.search,
    )
    write_table(records, snakemake.output.records, RECORDS)
