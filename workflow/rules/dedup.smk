rule dedup_groups:
    input:
        records="results/ingest/records.tsv",
        overrides=dedup_overrides(),
    output:
        groups="results/dedup/groups.tsv",
        unique="results/dedup/unique.tsv",
        review="results/dedup/review.tsv",
        merges="results/dedup/log.tsv",
    log:
        "results/logs/dedup/dedup_groups.log",
    benchmark:
        "results/benchmarks/dedup_groups.tsv"
    conda:
        "../../envs/reviewflow.yaml"
    threads: 2
    resources:
        mem_mb=4000,
    params:
        search_order=SEARCH_IDS,
        title_same=lookup(dpath="dedup/title_same", within=config),
        title_review=lookup(dpath="dedup/title_review", within=config),
        year_tolerance=lookup(dpath="dedup/year_tolerance", within=config),
    script:
        "../../scripts/dedup_groups.py"
