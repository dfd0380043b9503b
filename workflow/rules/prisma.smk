rule prisma_counts:
    input:
        records="results/ingest/records.tsv",
        groups="results/dedup/groups.tsv",
        title_abstract="results/screening/title_abstract.tsv",
        full_text="results/screening/full_text.tsv",
        included="results/screening/included.tsv",
    output:
        counts="results/prisma/counts.tsv",
        prisma2020="results/prisma/PRISMA2020.csv",
    log:
        "results/logs/prisma/prisma_counts.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        reasons=stage_files("full_text", "reasons"),
        sources=source_catalogue(),
        search_order=SEARCH_IDS,
    script:
        "../../scripts/prisma_counts.py"


rule prisma_diagram:
    input:
        counts="results/prisma/counts.tsv",
    output:
        diagram=report(
            multiext("results/prisma/prisma", ".svg", ".png", ".pdf"),
            caption="../report/prisma.rst",
            category="PRISMA 2020",
        ),
    log:
        "results/logs/prisma/prisma_diagram.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/prisma_diagram.py"
