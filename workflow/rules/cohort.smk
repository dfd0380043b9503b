COHORT_ENDPOINTS = [name.lower() for name in config["cohort"].get("endpoints", ["PFS"])]


rule cohort_compare:
    input:
        patients=lookup(dpath="cohort/patients", within=config),
        adverse_events=lookup(dpath="cohort/adverse_events", within=config, default=[]),
    output:
        response="results/cohort/response.tsv",
        tests="results/cohort/tests.tsv",
        survival="results/cohort/survival.tsv",
        adverse_events="results/cohort/adverse_events.tsv",
        km=report(
            expand(
                "results/cohort/km_{endpoint}.{ext}",
                endpoint=COHORT_ENDPOINTS,
                ext=["png", "svg", "pdf"],
            ),
            caption="../report/km.rst",
            category="Cohort",
        ),
        response_plot=report(
            multiext("results/cohort/response", ".png", ".svg", ".pdf"),
            caption="../report/response.rst",
            category="Cohort",
        ),
    log:
        "results/logs/cohort/cohort_compare.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        arms=lookup(dpath="cohort/arms", within=config, default=[]),
        endpoints=lookup(dpath="cohort/endpoints", within=config, default=["PFS"]),
    script:
        "../../scripts/cohort_compare.py"
