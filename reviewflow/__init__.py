"""reviewflow: a reproducible systematic review and meta-analysis as a Snakemake workflow."""

__version__ = "0.1.0"
