rule ingest_export:
    input:
        exports=export_files,
    output:
        records="results/ingest/exports/{search}/{source}.tsv",
    log:
        "results/logs/ingest/ingest_export.{search}.{source}.log",
    benchmark:
        "results/benchmarks/ingest_export.{search}.{source}.tsv"
    conda:
        "../../envs/reviewflow.yaml"
    resources:
        mem_mb=2000,
    params:
        formats=export_formats,
    script:
        "../../scripts/ingest_export.py"


rule ingest_records:
    input:
        tables=ingested_tables(),
    output:
        records="results/ingest/records.tsv",
    log:
        "results/logs/ingest/ingest_records.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        search_order=SEARCH_IDS,
    script:
        "../../scripts/ingest_records.py"
