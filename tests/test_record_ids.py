"""Record IDs follow the contract and stay stable across re-imports and updates."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.ingest import combine_searches, ingest_exports
from reviewflow.record_ids import assign_record_ids, content_hash

DATA = Path(__file__).parent / "data" / "ingest"

NATIVE_CASES = [
    ("pubmed.nbib", "pubmed", "pubmed:34320289"),
    ("pubmed.xml", "pubmed", "pubmed:33789012"),
    ("embase.ris", "embase", "embase:L2001234567"),
    ("cochrane_central.ris", "cochrane", "cochrane:CN-02012345"),
    ("wos_tagged.txt", "wos", "wos:WOS:000699999900012"),
    ("wos.ris", "wos", "wos:WOS:000699999900012"),
    ("scopus.csv", "scopus", "scopus:2-s2.0-85117654321"),
    ("scopus.ris", "scopus", "scopus:2-s2.0-85117654321"),
    ("ovid_medline.ris", "medline", "medline:33026938"),
    ("ebsco.ris", "cinahl", "cinahl:150283000"),
]


@pytest.mark.parametrize(("name", "source", "expected"), NATIVE_CASES)
def test_record_id_is_source_and_native_id(name, source, expected):
    records = ingest_exports([str(DATA / name)], [""], source, "s1")
    assert records["record_id"].iloc[0] == expected


def test_record_without_accession_gets_content_hash():
    records = ingest_exports([str(DATA / "zotero.ris")], [""], "zotero", "s1")
    expected = content_hash(
        "Serplulimab plus chemotherapy in PD-L1 positive disease", "2023", "Song"
    )
    assert records["record_id"].iloc[0] == f"zotero:h{expected}"
    assert len(expected) == 12


def test_hash_ignores_case_accents_and_punctuation():
    assert content_hash("Éfficacy of X.", "2020", "Müller, K") == content_hash(
        "efficacy of x", "2020", "Muller, KJ"
    )


def test_different_records_that_hash_alike_get_suffixes_in_file_order():
    base = {"title": "Same title", "year": "2020", "authors": "Lee, K", "accession": "", "pmid": ""}
    records = [
        {**base, "volume": "1"},
        {**base, "volume": "2"},
        {**base, "volume": "1"},
        {**base, "volume": "3"},
    ]
    ids = assign_record_ids("x", records, [False] * 4)
    stem = f"x:h{content_hash('Same title', '2020', 'Lee, K')}"
    assert ids == [stem, f"{stem}-2", stem, f"{stem}-3"]


def test_reimport_gives_same_ids(tmp_path):
    first = ingest_exports([str(DATA / "cochrane_central.ris")], [""], "cochrane", "s1")
    copy = tmp_path / "again.ris"
    copy.write_bytes((DATA / "cochrane_central.ris").read_bytes())
    second = ingest_exports([str(copy)], [""], "cochrane", "s1")
    assert first["record_id"].tolist() == second["record_id"].tolist()


def test_updated_export_keeps_ids_of_same_records(tmp_path):
    """An update that adds a record first and re-orders the rest keeps every old ID."""
    for name, source in [("zotero.ris", "zotero"), ("cochrane_central.ris", "cochrane")]:
        text = (DATA / name).read_text(encoding="utf-8")
        blocks = [block for block in text.split("ER  - \n") if block.strip()]
        new = "TY  - JOUR\nTI  - A newly published trial\nAU  - New, A\nPY  - 2022\n"
        updated = tmp_path / f"updated_{name}"
        updated.write_text("ER  - \n".join([new, *reversed(blocks)]) + "ER  - \n", encoding="utf-8")
        old_ids = set(ingest_exports([str(DATA / name)], [""], source, "s1")["record_id"])
        new_ids = set(ingest_exports([str(updated)], [""], source, "s2")["record_id"])
        assert old_ids < new_ids


def test_split_export_keeps_repeated_record_once(tmp_path, caplog):
    part = tmp_path / "part2.ris"
    part.write_bytes((DATA / "cochrane_central.ris").read_bytes())
    records = ingest_exports(
        [str(DATA / "cochrane_central.ris"), str(part)], ["", "ris"], "cochrane", "s1"
    )
    assert len(records) == 2
    assert set(records["source_file"]) == {str(DATA / "cochrane_central.ris")}
    assert "kept once" in caplog.text


def test_combine_searches_keeps_earliest_search_row(caplog):
    caplog.set_level(logging.INFO)
    first = ingest_exports([str(DATA / "pubmed.nbib")], [""], "pubmed", "2021-11-30")
    update = ingest_exports([str(DATA / "pubmed.nbib")], [""], "pubmed", "2022-06-01")
    records = combine_searches([update, first], ["2021-11-30", "2022-06-01"])
    assert records["record_id"].is_unique
    assert set(records["search_id"]) == {"2021-11-30"}
    assert "search 2022-06-01: 2 records re-found" in caplog.text
    assert list(records.columns) == list(first.columns)


def test_combine_searches_of_nothing_is_empty_records_table():
    assert combine_searches([], ["s1"]).empty
    assert isinstance(combine_searches([], ["s1"]), pd.DataFrame)
