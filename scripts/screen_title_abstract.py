"""Title/abstract stage log from the reviewers' decision files."""

from reviewflow.cli import job
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.screening import screen_title_abstract
from reviewflow.sheets import write_sheets
from reviewflow.tables import DECISIONS, GROUPS, STAGE_LOG, UNIQUE

with job(snakemake.log[0]):
    unique = read_table(snakemake.input.unique, UNIQUE)
    groups = read_table(snakemake.input.groups, GROUPS)
    decisions = [read_input_csv(path, DECISIONS) for path in snakemake.input.decisions]
    resolutions = [read_input_csv(path, DECISIONS) for path in snakemake.input.resolutions]
    result = screen_title_abstract(
        unique,
        groups,
        decisions,
        resolutions[0] if resolutions else None,
        snakemake.params.other_sources,
        snakemake.params.search_order,
    )
    write_table(result.log, snakemake.output.log, STAGE_LOG)
    write_sheets(result.sheet, snakemake.output.sheet_csv, snakemake.output.sheet_xlsx)
