rule screen_title_abstract:
    input:
        unique="results/dedup/unique.tsv",
        groups="results/dedup/groups.tsv",
        decisions=stage_files("title_abstract", "decisions"),
        resolutions=stage_files("title_abstract", "resolutions"),
    output:
        log="results/screening/title_abstract.tsv",
        sheet_csv="results/screening/to_screen_title_abstract.csv",
        sheet_xlsx="results/screening/to_screen_title_abstract.xlsx",
    log:
        "results/logs/screen/screen_title_abstract.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        other_sources=other_source_ids(),
        search_order=SEARCH_IDS,
    script:
        "../../scripts/screen_title_abstract.py"


rule screen_full_text:
    input:
        title_abstract="results/screening/title_abstract.tsv",
        unique="results/dedup/unique.tsv",
        groups="results/dedup/groups.tsv",
        decisions=stage_files("full_text", "decisions"),
        resolutions=stage_files("full_text", "resolutions"),
    output:
        log="results/screening/full_text.tsv",
        included="results/screening/included.tsv",
        sheet_csv="results/screening/to_screen_full_text.csv",
        sheet_xlsx="results/screening/to_screen_full_text.xlsx",
    log:
        "results/logs/screen/screen_full_text.log",
    conda:
        "../../envs/reviewflow.yaml"
    params:
        reasons=stage_files("full_text", "reasons"),
        other_sources=other_source_ids(),
        search_order=SEARCH_IDS,
    script:
        "../../scripts/screen_full_text.py"


rule screen_summary:
    input:
        title_abstract="results/screening/title_abstract.tsv",
        full_text="results/screening/full_text.tsv",
    output:
        pending="results/screening/pending.tsv",
        agreement="results/screening/agreement.tsv",
    log:
        "results/logs/screen/screen_summary.log",
    conda:
        "../../envs/reviewflow.yaml"
    script:
        "../../scripts/screen_summary.py"
