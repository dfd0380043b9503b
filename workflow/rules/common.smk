from pathlib import Path

from snakemake.utils import validate

from reviewflow.configuration import check_config, load_schema

SCHEMA = Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml"

check_config(config, load_schema(SCHEMA), Path.cwd())
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
