from snakemake.utils import min_version

min_version("8.20")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


if "searches" in config:

    include: "workflow/rules/ingest.smk"
    include: "workflow/rules/dedup.smk"


if "screening" in config:

    include: "workflow/rules/screen.smk"
    include: "workflow/rules/prisma.smk"


if "extraction" in config:

    include: "workflow/rules/extract.smk"


if config.get("analyses"):

    include: "workflow/rules/pool.smk"


if "cohort" in config:

    include: "workflow/rules/cohort.smk"


include: "workflow/rules/report.smk"


localrules:
    all,
    report,


rule all:
    default_target: True
    input:
        final_outputs(),
