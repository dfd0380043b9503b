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
    params:
        sources=source_catalogue(),
        search_order=SEARCH_IDS,
    log:
        "results/logs/prisma/prisma_counts.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/prisma_counts.py"


rule prisma_diagram:
    input:
        counts="results/prisma/counts.tsv",
    output:
        diagram=multiext("results/prisma/prisma", ".svg", ".png", ".pdf"),
    log:
        "results/logs/prisma/prisma_diagram.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/prisma_diagram.py"
