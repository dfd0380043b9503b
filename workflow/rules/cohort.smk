rule cohort_compare:
    input:
        patients=lookup(dpath="cohort/patients", within=config),
        adverse_events=lookup(dpath="cohort/adverse_events", within=config, default=[]),
    output:
        response="results/cohort/response.tsv",
        tests="results/cohort/tests.tsv",
        survival="results/cohort/survival.tsv",
        adverse_events="results/cohort/adverse_events.tsv",
        km_pfs=multiext("results/cohort/km_pfs", ".png", ".svg", ".pdf"),
        response_plot=multiext("results/cohort/response", ".png", ".svg", ".pdf"),
    params:
        arms=lookup(dpath="cohort/arms", within=config, default=[]),
    log:
        "results/logs/cohort/cohort_compare.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/cohort_compare.py"
