import sys
from pathlib import Path

from snakemake.utils import validate

from reviewflow.configuration import check_config, input_paths, load_schema
from reviewflow.errors import ConfigError

SCHEMA = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"

try:
    check_config(config, load_schema(SCHEMA), Path.cwd())
except ConfigError as error:
    sys.exit(f"reviewflow: the config has errors:\n{error}")
validate(config, str(SCHEMA))

SEARCH_IDS = [search["id"] for search in config.get("searches", [])]
DISPLAY_NAMES = {
    "pubmed": "PubMed",
    "medline": "MEDLINE",
    "embase": "Embase",
    "cochrane": "Cochrane CENTRAL",
    "wos": "Web of Science",
    "scopus": "Scopus",
    "cinahl": "CINAHL",
    "psycinfo": "PsycINFO",
}


def export_entries():
    """Every export as (search id, entry), other sources attached to their search."""
    entries = []
    for search in config.get("searches", []):
        entries += [(search["id"], export) for export in search["exports"]]
    for other in config.get("other_sources", []):
        entries.append((other.get("search", SEARCH_IDS[-1]), other))
    return entries


def ingested_tables():
    keys = sorted({(search, entry["source"]) for search, entry in export_entries()})
    return [f"results/ingest/exports/{search}/{source}.tsv" for search, source in keys]


def export_files(wildcards):
    return [
        entry["path"]
        for search, entry in export_entries()
        if search == wildcards.search and entry["source"] == wildcards.source
    ]


def export_formats(wildcards):
    return [
        entry.get("format", "")
        for search, entry in export_entries()
        if search == wildcards.search and entry["source"] == wildcards.source
    ]


def source_catalogue():
    """Per source: the name PRISMA prints and its PRISMA kind (database, citations, ...)."""
    catalogue = {}
    for search, entry in export_entries():
        name = entry.get("name", DISPLAY_NAMES.get(entry["source"], entry["source"]))
        catalogue[entry["source"]] = {"name": name, "kind": entry["kind"]}
    return catalogue


def other_source_ids():
    return sorted({other["source"] for other in config.get("other_sources", [])})


def dedup_overrides():
    return [config["dedup"]["overrides"]] if "overrides" in config["dedup"] else []


def stage_files(stage, key):
    settings = config.get("screening", {}).get(stage, {})
    value = settings.get(key, [])
    return value if isinstance(value, list) else [value]


def analysis_ids():
    return [analysis["id"] for analysis in config.get("analyses", [])]


def analysis_settings(wildcards):
    return next(a for a in config["analyses"] if a["id"] == wildcards.analysis)


def included_reports():
    return ["results/screening/included.tsv"] if "screening" in config else []


def final_outputs():
    outputs = []
    if "searches" in config:
        outputs += ["results/ingest/records.tsv", "results/dedup/groups.tsv"]
    if "screening" in config:
        outputs += [
            "results/screening/included.tsv",
            "results/screening/pending.tsv",
            "results/screening/agreement.tsv",
            "results/prisma/prisma.svg",
            "results/prisma/PRISMA2020.csv",
        ]
    if "extraction" in config:
        outputs.append("results/extraction/checks.tsv")
    if config.get("analyses"):
        outputs.append("results/pooling/summary.tsv")
    if "cohort" in config:
        outputs.append("results/cohort/tests.tsv")
    outputs.append("results/report.html")
    return outputs


def report_inputs(wildcards):
    """Result files the report reads, by role (see reviewflow.report.load_report_data)."""
    paths = {}
    if "searches" in config:
        paths["records"] = "results/ingest/records.tsv"
        paths["groups"] = "results/dedup/groups.tsv"
        paths["dedup_review"] = "results/dedup/review.tsv"
    if "screening" in config:
        for stage in (
            "title_abstract",
            "full_text",
            "included",
            "pending",
            "agreement",
        ):
            paths[stage] = f"results/screening/{stage}.tsv"
        paths["counts"] = "results/prisma/counts.tsv"
        paths["prisma"] = "results/prisma/prisma.png"
    if "extraction" in config:
        paths["checks"] = "results/extraction/checks.tsv"
    if config.get("analyses"):
        paths["summary"] = "results/pooling/summary.tsv"
        ids = analysis_ids()
        paths["effects"] = expand("results/pooling/{analysis}.tsv", analysis=ids)
        paths["sensitivity"] = expand(
            "results/pooling/{analysis}.sensitivity.tsv", analysis=ids
        )
        paths["forest"] = expand("results/pooling/{analysis}.forest.png", analysis=ids)
    if "cohort" in config:
        for table in ("response", "tests", "survival", "adverse_events"):
            paths[f"cohort_{table}"] = f"results/cohort/{table}.tsv"
        endpoints = [
            name.lower() for name in config["cohort"].get("endpoints", ["PFS"])
        ]
        paths["cohort_figures"] = [
            f"results/cohort/km_{name}.png" for name in endpoints
        ]
        paths["cohort_figures"].append("results/cohort/response.png")
    return paths


def report_input_files():
    """(config key, path) of every file a person provided, for checksums."""
    return [list(pair) for pair in input_paths(config)]
