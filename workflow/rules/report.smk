rule report:
    input:
        unpack(report_inputs),
    output:
        report="results/report.html",
    params:
        title=lookup(dpath="review/title", within=config),
        analysis_ids=analysis_ids(),
        input_files=report_input_files(),
        config=config,
    log:
        "results/logs/report/report.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/report.py"
