"""Compare the cohort's two arms: response, survival, adverse events and their plots."""

from reviewflow.cli import job
from reviewflow.cohort import compare_cohort
from reviewflow.io import read_input_csv, write_table
from reviewflow.km_plot import draw_km_plots, draw_response
from reviewflow.tables import ADVERSE_EVENTS, COHORT_AE, COHORT_TESTS, PATIENTS, RESPONSE, SURVIVAL

with job(snakemake.log[0]):
    patients = read_input_csv(snakemake.input.patients, PATIENTS)
    adverse_events = None
    if snakemake.input.adverse_events:
        adverse_events = read_input_csv(snakemake.input.adverse_events, ADVERSE_EVENTS)
    comparison = compare_cohort(
        patients, adverse_events, snakemake.params.arms, snakemake.params.endpoints
    )
    write_table(comparison.response, snakemake.output.response, RESPONSE)
    write_table(comparison.tests, snakemake.output.tests, COHORT_TESTS)
    write_table(comparison.survival, snakemake.output.survival, SURVIVAL)
    write_table(comparison.adverse_events, snakemake.output.adverse_events, COHORT_AE)
    draw_km_plots(comparison, snakemake.output.km)
    draw_response(comparison.response, snakemake.output.response_plot)
