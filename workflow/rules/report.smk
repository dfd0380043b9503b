rule report:
    input:
        outputs=[path for path in final_outputs() if path != "results/report.html"],
    output:
        report="results/report.html",
    log:
        "results/logs/report/report.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/report.py"
