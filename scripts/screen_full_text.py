"""Full-text stage log and the included reports, grouped into studies."""

from reviewflow.cli import job
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.screening import screen_full_text
from reviewflow.sheets import write_sheets
from reviewflow.tables import DECISIONS, GROUPS, INCLUDED, STAGE_LOG, UNIQUE

with job(snakemake.log[0]):
    title_abstract = read_table(snakemake.input.title_abstract, STAGE_LOG)
    unique = read_table(snakemake.input.unique, UNIQUE)
    groups = read_table(snakemake.input.groups, GROUPS)
    decisions = [read_input_csv(path, DECISIONS) for path in snakemake.input.decisions]
    resolutions = [read_input_csv(path, DECISIONS) for path in snakemake.input.resolutions]
    result = screen_full_text(
        title_abstract,
        unique,
        groups,
        decisions,
        resolutions[0] if resolutions else None,
        snakemake.params.reasons,
        snakemake.params.other_sources,
        snakemake.params.search_order,
    )
    write_table(result.log, snakemake.output.log, STAGE_LOG)
    write_table(result.included, snakemake.output.included, INCLUDED)
    write_sheets(result.sheet, snakemake.output.sheet_csv, snakemake.output.sheet_xlsx)
