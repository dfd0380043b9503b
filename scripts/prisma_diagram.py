"""Draw the PRISMA 2020 flow diagram (SVG, PNG, PDF) from the counts."""

from reviewflow.cli import job
from reviewflow.io import read_table
from reviewflow.prisma_draw import draw_prisma
from reviewflow.tables import COUNTS

with job(snakemake.log[0]):
    draw_prisma(read_table(snakemake.input.counts, COUNTS), snakemake.output.diagram)
