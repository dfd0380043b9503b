rule report:
    input:
        unpack(report_inputs),
    output:
        report=report(
            "results/report.html",
            caption="../report/audit.rst",
            category="Audit report",
        ),
    log:
        "results/logs/report/report.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        title=lookup(dpath="review/title", within=config),
        analysis_ids=analysis_ids(),
        input_files=report_input_files(),
        config=config,
    script:
        "../../scripts/report.py"
