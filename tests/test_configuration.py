"""A wrong config is one clear message per problem, before anything runs."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from reviewflow.configuration import check_config, load_schema
from reviewflow.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = load_schema(ROOT / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture
def review(tmp_path):
    (tmp_path / "pubmed.nbib").write_text("PMID- 1\nTI  - A title.\n")
    config = {
        "review": {"title": "A small review"},
        "searches": [
            {"id": "2021-11-30", "exports": [{"source": "pubmed", "path": "pubmed.nbib"}]}
        ],
    }
    return config, tmp_path


def test_example_config_is_valid():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    check_config(config, SCHEMA, ROOT)


def test_minimal_config_is_valid(review):
    config, workdir = review
    check_config(config, SCHEMA, workdir)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["searches"][0]["exports"][0].update(fromat="ris"),
            "searches[0].exports[0]: unknown key(s) 'fromat' (allowed: format, kind, name, "
            "path, source)",
        ),
        (
            lambda c: c["searches"][0]["exports"][0].update(format="endnote"),
            "searches[0].exports[0].format: 'endnote' is not one of medline, pubmed_xml",
        ),
        (
            lambda c: c["searches"][0]["exports"][0].update(path="missing.ris"),
            "searches[0].exports[0].path: file 'missing.ris' not found",
        ),
        (lambda c: c.pop("review"), "(top level): 'review' is a required property"),
        (
            lambda c: c["searches"].append(copy.deepcopy(c["searches"][0])),
            "searches: id '2021-11-30' is used twice",
        ),
    ],
)
def test_bad_config_names_the_key(review, change, message):
    config, workdir = review
    change(config)
    with pytest.raises(ConfigError) as error:
        check_config(config, SCHEMA, workdir)
    assert message in str(error.value)
    assert str(error.value).startswith("config/config.yaml: ")
