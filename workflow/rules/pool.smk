rule pool_analysis:
    input:
        studies=lookup(dpath="extraction/studies", within=config),
        outcomes=lookup(dpath="extraction/outcomes", within=config),
        checks="results/extraction/checks.tsv",
    output:
        effects="results/pooling/{analysis}.tsv",
        pooled="results/pooling/{analysis}.pooled.tsv",
        sensitivity="results/pooling/{analysis}.sensitivity.tsv",
        forest=report(
            multiext("results/pooling/{analysis}.forest", ".png", ".svg", ".pdf"),
            caption="../report/forest.rst",
            category="Meta-analyses",
            subcategory="Forest plots",
        ),
        funnel=report(
            multiext("results/pooling/{analysis}.funnel", ".png", ".svg", ".pdf"),
            caption="../report/funnel.rst",
            category="Meta-analyses",
            subcategory="Funnel plots",
        ),
    log:
        "results/logs/pool/pool_analysis.{analysis}.log",
    benchmark:
        "results/benchmarks/pool_analysis.{analysis}.tsv"
    conda:
        "../../envs/reviewflow.yaml"
    params:
        analysis=analysis_settings,
    script:
        "../../scripts/pool_analysis.py"


rule pool_summary:
    input:
        pooled=expand("results/pooling/{analysis}.pooled.tsv", analysis=analysis_ids()),
    output:
        summary="results/pooling/summary.tsv",
    log:
        "results/logs/pool/pool_summary.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/pool_summary.py"
