from snakemake.utils import min_version


min_version("8.20")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/dedup.smk"
include: "workflow/rules/screen.smk"
include: "workflow/rules/extract.smk"
include: "workflow/rules/pool.smk"
include: "workflow/rules/prisma.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/report.smk"


localrules:
    all,
    prisma_counts,
    report,


rule all:
    input:
        final_outputs(),
    default_target: True
