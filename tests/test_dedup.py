"""Deduplication: one named case per quirk, guards against false merges, stable ids."""

from __future__ import annotations

import pandas as pd
import pytest

from reviewflow.dedup import DedupSettings, group_duplicates
from reviewflow.errors import InputTableError
from reviewflow.tables import RECORD_FIELDS

BASE = {
    "title": "Nivolumab versus chemotherapy in advanced oesophageal squamous cell carcinoma",
    "authors": "Kato, K; Cho, BC",
    "year": "2019",
    "journal": "The Lancet Oncology",
    "journal_abbrev": "Lancet Oncol",
    "volume": "20",
    "issue": "11",
    "pages": "1506-1517",
    "doi": "10.1016/s1470-2045(19)30626-6",
    "pmid": "31582355",
    "publication_type": "Journal Article",
}


def record(record_id: str, search: str = "s1", **fields: str) -> dict[str, str]:
    row = dict.fromkeys(RECORD_FIELDS, "")
    row.update(BASE)
    row.update(fields)
    source = record_id.split(":")[0]
    return {
        "record_id": record_id,
        "search_id": search,
        "source": source,
        "source_file": f"{source}.txt",
        "source_index": 1,
        **row,
    }


def grouped(*rows: dict, overrides: pd.DataFrame | None = None, order=("s1", "s2")):
    return group_duplicates(pd.DataFrame(rows), overrides, list(order), DedupSettings())


def same_group(result, a: str, b: str) -> bool:
    group_of = dict(zip(result.groups["record_id"], result.groups["group_id"], strict=True))
    return group_of[a] == group_of[b]


NO_IDS = {"doi": "", "pmid": ""}
CASES = [
    # name, second record's changes, expected: same / different / review
    ("same DOI, different case of title", {"title": BASE["title"].upper()}, "same"),
    ("same PMID, no DOI", {"doi": ""}, "same"),
    (
        "no identifiers, punctuation and trailing period",
        {
            **NO_IDS,
            "title": "Nivolumab versus chemotherapy in advanced oesophageal squamous-cell "
            "carcinoma.",
        },
        "same",
    ),
    (
        "no identifiers, abbreviated journal and short pages",
        {**NO_IDS, "journal": "Lancet Oncol", "pages": "1506-17"},
        "same",
    ),
    (
        "no identifiers, Greek letter spelled out",
        {**NO_IDS, "title": BASE["title"] + " with TGF-β"},
        "different",
    ),
    (
        "different DOIs never merge",
        {"doi": "10.1016/s1470-2045(19)30999-9", "pmid": ""},
        "different",
    ),
    (
        "erratum with the article's title",
        {**NO_IDS, "title": "Erratum: " + BASE["title"], "publication_type": "Published Erratum"},
        "different",
    ),
    (
        "conference abstract beside the full paper",
        {**NO_IDS, "publication_type": "Conference Abstract", "issue": "Suppl 5", "pages": "v873"},
        "different",
    ),
    (
        "different trial phases",
        {**NO_IDS, "title": BASE["title"] + ": a phase 2 trial"},
        "different",
    ),
    (
        "follow-up report with a near-identical title",
        {**NO_IDS, "title": BASE["title"] + ": 3-year follow-up", "year": "2021"},
        "different",
    ),
    ("years beyond tolerance", {**NO_IDS, "year": "2016"}, "different"),
]


@pytest.mark.parametrize(("name", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_pair_verdicts(name, changes, expected):
    result = grouped(record("pubmed:1"), record("embase:L1", **changes))
    assert same_group(result, "pubmed:1", "embase:L1") == (expected == "same"), name


def test_greek_letters_fold_to_their_names():
    result = grouped(
        record("pubmed:1", title="TGF-β signalling and response to nivolumab", **NO_IDS),
        record("embase:L1", title="TGF-beta signalling and response to nivolumab", **NO_IDS),
    )
    assert same_group(result, "pubmed:1", "embase:L1")


def test_abstract_beside_paper_is_kept_and_marked_for_review():
    result = grouped(
        record("pubmed:1"),
        record("embase:L1", **NO_IDS, publication_type="Conference Abstract", issue="Suppl 5"),
    )
    assert not same_group(result, "pubmed:1", "embase:L1")
    assert result.review["reason"].tolist() == ["conference abstract vs full paper"]


def test_group_id_is_the_earliest_search_member():
    result = grouped(record("wos:WOS:1", search="s1"), record("cochrane:CN-1", search="s2"))
    assert set(result.groups["group_id"]) == {"wos:WOS:1"}
    assert result.unique["search_id"].tolist() == ["s1"]


def test_a_search_update_never_renames_groups():
    first = grouped(record("pubmed:1"), record("embase:L1"))
    second = grouped(record("pubmed:1"), record("embase:L1"), record("cochrane:CN-1", search="s2"))
    before = dict(zip(first.groups["record_id"], first.groups["group_id"], strict=True))
    after = dict(zip(second.groups["record_id"], second.groups["group_id"], strict=True))
    assert {key: after[key] for key in before} == before
    assert after["cochrane:CN-1"] == before["pubmed:1"]


def test_unique_row_takes_the_most_complete_values_and_lists_sources():
    result = grouped(
        record("pubmed:1", abstract="short"), record("embase:L1", abstract="a longer one")
    )
    row = result.unique.iloc[0]
    assert row["sources"] == "embase; pubmed"
    assert row["abstract"] == "a longer one"
    assert row["n_records"] == 2


def overrides(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["record_id_a", "record_id_b", "same"], index=range(2, 2 + len(rows))
    )
    frame["note"] = ""
    frame.attrs["path"] = "review/dedup_overrides.csv"
    return frame


def test_overrides_win_both_ways():
    apart = grouped(
        record("pubmed:1"),
        record("embase:L1"),
        overrides=overrides([("pubmed:1", "embase:L1", "no")]),
    )
    assert not same_group(apart, "pubmed:1", "embase:L1")
    joined = grouped(
        record("pubmed:1"),
        record("embase:L1", **NO_IDS, title="Another title", year="2016"),
        overrides=overrides([("pubmed:1", "embase:L1", "yes")]),
    )
    assert same_group(joined, "pubmed:1", "embase:L1")
    assert "override" in set(joined.groups["match_rule"])


def test_override_naming_an_unknown_record_is_an_error_with_its_line():
    with pytest.raises(
        InputTableError,
        match=r"dedup_overrides.csv:2: column 'record_id_b': "
        r"unknown record_id 'embase:L9'",
    ):
        grouped(record("pubmed:1"), overrides=overrides([("pubmed:1", "embase:L9", "yes")]))


def test_same_input_gives_identical_tables():
    rows = [record("pubmed:1"), record("embase:L1", **NO_IDS), record("wos:WOS:2", title="Other")]
    first, second = grouped(*rows), grouped(*reversed(rows))
    assert (
        first.groups.sort_values("record_id")
        .reset_index(drop=True)
        .equals(second.groups.sort_values("record_id").reset_index(drop=True))
    )
