"""Gather every analysis's pooled rows into results/pooling/summary.tsv."""

import pandas as pd

from reviewflow.cli import job
from reviewflow.io import read_table, write_table
from reviewflow.tables import SUMMARY

with job(snakemake.log[0]):
    pooled = [read_table(path, SUMMARY) for path in snakemake.input.pooled]
    write_table(pd.concat(pooled, ignore_index=True), snakemake.output.summary, SUMMARY)
