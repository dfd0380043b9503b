"""Check a review's config before anything runs, with one line per problem.

Snakemake's own ``validate`` prints the whole schema on failure; reviewers need the
key that is wrong and what to write instead, and a missing file named before any job
starts. This module does that and nothing else: the library never reads the config.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from reviewflow.errors import ConfigError

CONFIG_FILE = "config/config.yaml"


def load_schema(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        schema: dict[str, Any] = yaml.safe_load(handle)
    return schema


def _where(error: jsonschema.ValidationError) -> str:
    parts = []
    for part in error.absolute_path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts).lstrip(".") or "(top level)"


def _message(error: jsonschema.ValidationError) -> str:
    where = _where(error)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return (
            f"{CONFIG_FILE}: {where}: unknown key(s) {', '.join(map(repr, unknown))} "
            f"(allowed: {', '.join(allowed)})"
        )
    if error.validator == "required":
        return f"{CONFIG_FILE}: {where}: {error.message}"
    if error.validator == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return f"{CONFIG_FILE}: {where}: {error.instance!r} is not one of {choices}"
    return f"{CONFIG_FILE}: {where}: {error.message}"


def input_paths(config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for s, search in enumerate(config.get("searches", [])):
        for e, export in enumerate(search.get("exports", [])):
            yield f"searches[{s}].exports[{e}].path", export["path"]
    for o, other in enumerate(config.get("other_sources", [])):
        yield f"other_sources[{o}].path", other["path"]
    if "overrides" in config.get("dedup", {}):
        yield "dedup.overrides", config["dedup"]["overrides"]
    for stage, settings in config.get("screening", {}).items():
        for d, path in enumerate(settings.get("decisions", [])):
            yield f"screening.{stage}.decisions[{d}]", path
        if "resolutions" in settings:
            yield f"screening.{stage}.resolutions", settings["resolutions"]
    for key, path in config.get("extraction", {}).items():
        yield f"extraction.{key}", path
    for key in ("patients", "adverse_events"):
        if key in config.get("cohort", {}):
            yield f"cohort.{key}", config["cohort"][key]


def check_config(config: Mapping[str, Any], schema: Mapping[str, Any], workdir: Path) -> None:
    """Raise ``ConfigError`` naming every schema violation and missing input file.

    Notes
    -----
    Paths are relative to the working directory, as everywhere in Snakemake. Search
    ids and analysis ids must be unique because they name output files.
    """
    validator = jsonschema.Draft202012Validator(schema)
    problems = [_message(error) for error in sorted(validator.iter_errors(config), key=_where)]
    if problems:
        raise ConfigError("\n".join(problems))
    for section, key in (("searches", "id"), ("analyses", "id")):
        seen: set[str] = set()
        for entry in config.get(section, []):
            if entry[key] in seen:
                problems.append(f"{CONFIG_FILE}: {section}: id {entry[key]!r} is used twice")
            seen.add(entry[key])
    if "analyses" in config and config["analyses"] and "extraction" not in config:
        problems.append(f"{CONFIG_FILE}: analyses need an 'extraction' section")
    if "screening" in config and "searches" not in config:
        problems.append(f"{CONFIG_FILE}: screening needs a 'searches' section")
    search_ids = {search["id"] for search in config.get("searches", [])}
    for o, other in enumerate(config.get("other_sources", [])):
        if "search" in other and other["search"] not in search_ids:
            problems.append(
                f"{CONFIG_FILE}: other_sources[{o}].search: {other['search']!r} "
                f"is not a search id ({', '.join(sorted(search_ids))})"
            )
    for key, path in input_paths(config):
        if not (workdir / path).is_file():
            problems.append(
                f"{CONFIG_FILE}: {key}: file '{path}' not found (paths are relative to {workdir})"
            )
    if problems:
        raise ConfigError("\n".join(problems))
