"""Pool one analysis: effects, pooled rows, sensitivity tables, forest and funnel plots."""

from reviewflow.analysis import run_analysis
from reviewflow.cli import job
from reviewflow.extraction import raise_on_failures
from reviewflow.forest import draw_forest, forest_labels, subgroup_test_from
from reviewflow.funnel import draw_funnel
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.tables import CHECKS, EFFECTS, OUTCOMES, SENSITIVITY, STUDIES, SUMMARY

with job(snakemake.log[0]):
    raise_on_failures(read_table(snakemake.input.checks, CHECKS), snakemake.input.checks)
    studies = read_input_csv(snakemake.input.studies, STUDIES)
    outcomes = read_input_csv(snakemake.input.outcomes, OUTCOMES)
    settings = dict(snakemake.params.analysis)
    result = run_analysis(studies, outcomes, settings)
    write_table(result.effects, snakemake.output.effects, EFFECTS)
    write_table(result.pooled, snakemake.output.pooled, SUMMARY)
    write_table(result.sensitivity, snakemake.output.sensitivity, SENSITIVITY)
    labels = forest_labels(settings)
    subgroup_test = subgroup_test_from(result.sensitivity)
    draw_forest(result.effects, result.pooled, labels, snakemake.output.forest, subgroup_test)
    draw_funnel(result.effects, result.pooled, labels, snakemake.output.funnel)
