"""Write results/report.html: one self-contained page auditing the whole run."""

import yaml

from reviewflow.cli import job
from reviewflow.io import write_text
from reviewflow.report import load_report_data, render_report

with job(snakemake.log[0]):
    data = load_report_data(
        dict(snakemake.input.items()),
        snakemake.params.analysis_ids,
        snakemake.params.title,
        yaml.safe_dump(dict(snakemake.params.config), sort_keys=False, allow_unicode=True),
        snakemake.params.input_files,
    )
    write_text(render_report(data), snakemake.output.report)
