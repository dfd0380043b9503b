"""PRISMA 2020 counts follow the ingest, dedup and screening files.

Oracle: the frames built here, whose every box is known by construction (the literal
numbers in each test are counted from the ``Group`` specs, not from our output), and
the box definitions of the PRISMA 2020 statement (Page et al. 2021, BMJ 372:n71). The
PRISMA2020.csv test reads our file the way the PRISMA2020 R package's
``PRISMA_data()`` does (split ``reason, n`` items at ``;`` and the first ``,``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pandas as pd
import pytest

from reviewflow.errors import ReconciliationError
from reviewflow.prisma import (
    box_details,
    box_totals,
    count_prisma,
    reconcile_counts,
    to_prisma2020_csv,
)

REASONS = ["wrong population", "wrong intervention", "not randomised", "duplicate report"]
SOURCES = {
    "pubmed": {"name": "PubMed", "kind": "database"},
    "embase": {"name": "Embase", "kind": "database"},
    "cochrane": {"name": "Cochrane CENTRAL", "kind": "database"},
    "wos": {"name": "Web of Science", "kind": "database"},
    "ctgov": {"name": "ClinicalTrials.gov", "kind": "register"},
    "refs": {"name": "Citation searching", "kind": "citations"},
}
OTHER = {"refs"}
DATABASES = {slug: entry for slug, entry in SOURCES.items() if slug not in OTHER}


@dataclass(frozen=True)
class Group:
    """One duplicate group: its members (source, search) earliest first, and its fate."""

    members: tuple[tuple[str, str], ...]
    ta: str = ""  # title/abstract decision ("" for groups found only by other methods)
    ft: str = ""  # full-text decision ("" when it never reaches full text)
    reason: str = ""
    study: str = ""


def groups_of(n, members, ta="", ft="", reason="", study=""):
    return [Group(tuple(members), ta, ft, reason, study) for _ in range(n)]


def build(spec: list[Group]) -> dict[str, pd.DataFrame]:
    """records, groups, title_abstract, full_text and included frames of a review."""
    records, groups, ta, ft, included = [], [], [], [], []
    serial = 0
    for group in spec:
        ids = []
        for source, search in group.members:
            serial += 1
            ids.append(f"{source}:{serial}")
            records.append({"record_id": ids[-1], "search_id": search, "source": source})
        group_id, search = ids[0], group.members[0][1]
        groups += [{"record_id": i, "group_id": group_id} for i in ids]
        other = all(source in OTHER for source, _ in group.members)
        route = "other" if other else "database"
        row = {"record_id": group_id, "search_id": search, "route": route}
        if not other:
            ta.append({**row, "decision": group.ta, "reason": "", "study": ""})
        if other or group.ta == "include":
            ft.append({**row, "decision": group.ft, "reason": group.reason, "study": group.study})
        if group.ft == "include":
            included.append({"study": group.study, "record_id": group_id, "search_id": search})
    log = ["record_id", "search_id", "route", "decision", "reason", "study"]
    return {
        "records": pd.DataFrame(records, columns=["record_id", "search_id", "source"]),
        "groups": pd.DataFrame(groups, columns=["record_id", "group_id"]),
        "title_abstract": pd.DataFrame(ta, columns=log),
        "full_text": pd.DataFrame(ft, columns=log),
        "included": pd.DataFrame(included, columns=["study", "record_id", "search_id"]),
    }


def count(frames, search_order=("s1",), sources=DATABASES):
    return count_prisma(
        frames["records"],
        frames["groups"],
        frames["title_abstract"],
        frames["full_text"],
        frames["included"],
        sources,
        list(search_order),
        reasons=REASONS,
    )


def example_spec() -> list[Group]:
    """1,100 records from four databases -> 705 groups screened -> 11 reports, 9 studies.

    PubMed 300, Embase 400, Cochrane 150, Web of Science 250; 395 duplicates.
    Title/abstract: 680 excluded, 25 sought. Full text: 2 not retrieved, 23 assessed,
    12 excluded (wrong population 4, not randomised 5, duplicate report 3), 11 reports
    of 9 studies (S1 and S2 have two reports each).
    """
    one = ("s1",)
    spec = []
    # 395 groups found twice (Embase first, then PubMed/WoS), 310 found once.
    spec += groups_of(150, [("embase", *one), ("pubmed", *one)], ta="exclude")
    spec += groups_of(150, [("embase", *one), ("wos", *one)], ta="exclude")
    spec += groups_of(95, [("cochrane", *one), ("pubmed", *one)], ta="exclude")
    spec += groups_of(100, [("embase", *one)], ta="exclude")
    spec += groups_of(55, [("cochrane", *one)], ta="exclude")
    spec += groups_of(55, [("pubmed", *one)], ta="exclude")
    spec += groups_of(75, [("wos", *one)], ta="exclude")
    assert len(spec) == 680
    found = [("wos", "s1")]
    spec += groups_of(2, found, ta="include", ft="not_retrieved")
    spec += groups_of(4, found, ta="include", ft="exclude", reason="wrong population")
    spec += groups_of(5, found, ta="include", ft="exclude", reason="not randomised")
    spec += groups_of(3, found, ta="include", ft="exclude", reason="duplicate report")
    spec += groups_of(2, found, ta="include", ft="include", study="S1")
    spec += groups_of(2, found, ta="include", ft="include", study="S2")
    for study in range(3, 10):
        spec += groups_of(1, found, ta="include", ft="include", study=f"S{study}")
    return spec


def test_example_review_counts_705_screened_to_9_studies():
    counts = count(build(example_spec()))
    assert box_totals(counts) == {
        "database_results": 1100,
        "register_results": 0,
        "duplicates": 395,
        "excluded_automatic": 0,
        "excluded_other": 0,
        "records_screened": 705,
        "records_excluded": 680,
        "awaiting_screening": 0,
        "dbr_sought_reports": 25,
        "dbr_notretrieved_reports": 2,
        "dbr_assessed": 23,
        "dbr_excluded": 12,
        "awaiting_full_text": 0,
        "new_studies": 9,
        "new_reports": 11,
        "total_studies": 9,
        "total_reports": 11,
    }
    assert box_details(counts, "database_results") == {
        "PubMed": 300,
        "Embase": 400,
        "Cochrane CENTRAL": 150,
        "Web of Science": 250,
    }
    assert box_details(counts, "dbr_excluded") == {
        "wrong population": 4,
        "not randomised": 5,
        "duplicate report": 3,
    }
    assert list(box_details(counts, "dbr_excluded")) == [
        r for r in REASONS if r != "wrong intervention"
    ]
    reconcile_counts(counts)


def test_other_methods_fill_the_right_hand_column():
    """6 citation records: 5 in 4 citation-only groups, 1 in a database group."""
    spec = example_spec()
    spec += groups_of(1, [("pubmed", "s1"), ("refs", "s1")], ta="exclude")
    spec += groups_of(1, [("refs", "s1"), ("refs", "s1")], ft="not_retrieved")
    spec += groups_of(1, [("refs", "s1")], ft="exclude", reason="wrong population")
    spec += groups_of(1, [("refs", "s1")], ft="include", study="S10")
    spec += groups_of(1, [("refs", "s1")], ft="include", study="S1")
    spec += groups_of(1, [("ctgov", "s1")], ta="exclude")
    totals = box_totals(counts := count(build(spec), sources=SOURCES))
    assert totals["database_results"] == 1101
    assert totals["register_results"] == 1
    assert box_details(counts, "register_results") == {"ClinicalTrials.gov": 1}
    assert totals["citations_results"] == 6
    assert "website_results" not in totals  # not searched: no line in the diagram
    assert totals["records_screened"] == 707
    assert totals["records_excluded"] == 682
    assert totals["other_sought_reports"] == 4
    assert totals["other_notretrieved_reports"] == 1
    assert totals["other_assessed"] == 3
    assert totals["other_excluded"] == 1
    assert box_details(counts, "other_excluded") == {"wrong population": 1}
    assert (totals["new_studies"], totals["new_reports"]) == (10, 13)
    reconcile_counts(counts)


def updated_spec() -> list[Group]:
    """Previous run s1: 50 groups, 3 reports of studies A and B. Update s2: 40 records,
    10 re-finding s1 groups, 30 forming 25 new groups; 20 excluded, 5 assessed, 2
    excluded, 3 new reports: one more of A, two of the new study C."""
    spec = groups_of(8, [("pubmed", "s1"), ("embase", "s2")], ta="exclude")
    spec += groups_of(2, [("pubmed", "s1"), ("pubmed", "s2")], ta="exclude")
    spec += groups_of(35, [("pubmed", "s1")], ta="exclude")
    spec += groups_of(2, [("embase", "s1")], ta="include", ft="exclude", reason="wrong population")
    spec += groups_of(2, [("embase", "s1")], ta="include", ft="include", study="A")
    spec += groups_of(1, [("embase", "s1")], ta="include", ft="include", study="B")
    spec += groups_of(5, [("pubmed", "s2"), ("embase", "s2")], ta="exclude")
    spec += groups_of(15, [("pubmed", "s2")], ta="exclude")
    spec += groups_of(2, [("embase", "s2")], ta="include", ft="exclude", reason="not randomised")
    spec += groups_of(1, [("embase", "s2")], ta="include", ft="include", study="A")
    spec += groups_of(2, [("embase", "s2")], ta="include", ft="include", study="C")
    return spec


def test_updated_review_separates_previous_and_new_studies():
    counts = count(build(updated_spec()), search_order=("s1", "s2"))
    totals = box_totals(counts)
    assert (totals["previous_studies"], totals["previous_reports"]) == (2, 3)
    assert totals["database_results"] == 40  # only the latest run's records
    assert box_details(counts, "database_results") == {"PubMed": 22, "Embase": 18}
    assert totals["duplicates"] == 15  # 10 found in s1 + 5 copies within s2
    assert totals["records_screened"] == 25
    assert totals["records_excluded"] == 20
    assert totals["dbr_assessed"] == 5
    assert box_details(counts, "dbr_excluded") == {"not randomised": 2}
    assert (totals["new_studies"], totals["new_reports"]) == (1, 3)
    assert (totals["total_studies"], totals["total_reports"]) == (3, 6)
    reconcile_counts(counts)


def test_new_review_has_no_previous_boxes():
    totals = box_totals(count(build(example_spec())))
    assert "previous_studies" not in totals and "other_sought_reports" not in totals


EDGE_CASES = {
    "nothing excluded": (
        groups_of(3, [("pubmed", "s1")], ta="include", ft="include", study="S"),
        {"records_excluded": 0, "dbr_excluded": 0, "new_reports": 3, "new_studies": 1},
    ),
    "no full text retrieved": (
        groups_of(2, [("pubmed", "s1")], ta="exclude")
        + groups_of(3, [("embase", "s1")], ta="include", ft="not_retrieved"),
        {"dbr_sought_reports": 3, "dbr_notretrieved_reports": 3, "dbr_assessed": 0},
    ),
    "one database": (
        groups_of(4, [("pubmed", "s1")], ta="exclude")
        + groups_of(1, [("pubmed", "s1")], ta="include", ft="include", study="S"),
        {"database_results": 5, "duplicates": 0, "records_screened": 5, "new_studies": 1},
    ),
    "pending records": (
        groups_of(2, [("pubmed", "s1")], ta="pending")
        + groups_of(1, [("pubmed", "s1")], ta="exclude")
        + groups_of(1, [("pubmed", "s1")], ta="include", ft="pending")
        + groups_of(1, [("pubmed", "s1")], ta="include", ft="include", study="S"),
        {
            "records_screened": 5,
            "records_excluded": 1,
            "awaiting_screening": 2,
            "dbr_sought_reports": 2,
            "dbr_assessed": 1,
            "awaiting_full_text": 1,
            "new_reports": 1,
        },
    ),
    "nothing found": ([], {"database_results": 0, "records_screened": 0, "total_studies": 0}),
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_edge_cases_count_and_reconcile(name):
    spec, expected = EDGE_CASES[name]
    counts = count(build(spec))
    totals = box_totals(counts)
    assert {box: totals[box] for box in expected} == expected
    reconcile_counts(counts)


def test_pending_records_say_where_they_wait():
    spec = groups_of(1, [("pubmed", "s1")], ta="pending")
    spec += groups_of(1, [("pubmed", "s1")], ta="include", ft="pending")
    spec += groups_of(1, [("refs", "s1")], ft="pending")
    counts = count(build(spec), sources=SOURCES)
    assert box_details(counts, "awaiting_screening") == {"databases and registers": 1}
    assert box_details(counts, "awaiting_full_text") == {
        "databases and registers": 1,
        "other methods": 1,
    }
    assert box_totals(counts)["other_assessed"] == 0
    reconcile_counts(counts)


def set_total(counts, box, value):
    counts = counts.copy()
    counts.loc[(counts["box"] == box) & (counts["detail"] == ""), "count"] = value
    return counts


@pytest.mark.parametrize(
    ("box", "value", "message"),
    [
        ("records_screened", 706, "records_screened = 706 but identified - duplicates"),
        ("dbr_assessed", 22, "dbr_assessed = 22 but dbr_sought_reports"),
        ("database_results", 1101, "database_results (total) = 1,101 but the sum"),
        ("new_reports", 10, "new_reports = 10 but reports assessed - reports excluded = 11"),
        ("total_studies", 8, "total_studies = 8 but previous_studies + new_studies"),
    ],
)
def test_mismatch_names_both_numbers(box, value, message):
    counts = set_total(count(build(example_spec())), box, value)
    with pytest.raises(ReconciliationError, match=re.escape(message)):
        reconcile_counts(counts)


def test_a_group_missing_from_the_title_abstract_log_fails_reconciliation():
    frames = build(example_spec())
    frames["title_abstract"] = frames["title_abstract"].iloc[1:]
    with pytest.raises(ReconciliationError, match=r"records_screened = 704 but .* = 705"):
        reconcile_counts(count(frames))


def test_included_table_disagreeing_with_full_text_log_names_both_numbers():
    frames = build(example_spec())
    frames["included"] = frames["included"].iloc[1:]
    with pytest.raises(ReconciliationError, match=r"included\.tsv lists 10 .* includes 11"):
        count(frames)


def package_reasons(text: str) -> dict[str, int]:
    """Parse ``reason, n; reason, n`` as PRISMA2020's PRISMA_data() does."""
    items = [item for item in text.split(";") if item.strip()]
    return {
        item.split(",", 1)[0].strip(): int(item.split(",", 1)[1].replace(",", "").strip())
        for item in items
    }


def test_prisma2020_csv_follows_the_package_template():
    spec = example_spec() + groups_of(
        1, [("refs", "s1")], ft="exclude", reason="abstract only, no data; conference"
    )
    counts = count(build(spec), sources=SOURCES)
    text = to_prisma2020_csv(counts)
    assert not text.startswith("\ufeff")
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert table.columns.tolist() == [
        "data",
        "node",
        "box",
        "description",
        "boxtext",
        "tooltips",
        "url",
        "n",
    ]
    n = dict(zip(table["data"], table["n"], strict=False))
    assert n["database_results"] == "1100"
    assert package_reasons(n["database_specific_results"]) == {
        "PubMed": 300,
        "Embase": 400,
        "Cochrane CENTRAL": 150,
        "Web of Science": 250,
    }
    assert package_reasons(n["dbr_excluded"]) == box_details(counts, "dbr_excluded")
    assert package_reasons(n["other_excluded"]) == {"abstract only - no data - conference": 1}
    assert (n["records_screened"], n["new_studies"], n["previous_studies"]) == ("705", "9", "0")
    assert "awaiting_screening" not in n and "awaiting_full_text" not in n
    text = dict(zip(table["box"] + "/" + table["data"], table["boxtext"], strict=True))
    assert text["newstud/NA"] == "Identification of studies via databases and registers"
    assert text["box10/new_studies"] == "Studies included in review"  # new-review template


def test_prisma2020_csv_of_an_update_names_new_studies():
    text = to_prisma2020_csv(count(build(updated_spec()), search_order=("s1", "s2")))
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    n = dict(zip(table["data"], table["n"], strict=False))
    assert (n["previous_studies"], n["new_studies"], n["total_reports"]) == ("2", "1", "6")
    text = dict(zip(table["box"] + "/" + table["data"], table["boxtext"], strict=True))
    assert text["newstud/NA"] == "Identification of new studies via databases and registers"
    assert text["box10/new_studies"] == "New studies included in review"
