rule extract_checks:
    input:
        studies=lookup(dpath="extraction/studies", within=config),
        outcomes=lookup(dpath="extraction/outcomes", within=config),
        included=included_reports(),
    output:
        checks="results/extraction/checks.tsv",
    log:
        "results/logs/extract/extract_checks.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        analyses=lookup(dpath="analyses", within=config),
    script:
        "../../scripts/extract_checks.py"
