"""Deduplication: named record pairs with a verdict, guards, overrides, stable group ids."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from reviewflow.dedup import DedupSettings, group_duplicates
from reviewflow.dedup.match import journals_compare
from reviewflow.dedup.prep import first_author_keys, journal_names, title_keys
from reviewflow.errors import InputTableError
from reviewflow.io import read_input_csv, read_table, write_table
from reviewflow.tables import (
    DEDUP_LOG,
    DEDUP_OVERRIDES,
    DEDUP_REVIEW,
    GROUPS,
    RECORD_FIELDS,
    RECORDS,
    UNIQUE,
)

DATA = Path(__file__).parent / "data" / "dedup"
PAIRS = json.loads((DATA / "pairs.json").read_text(encoding="utf-8"))
BASE = PAIRS["base"]
RULES = {"doi", "pmid", "accession", "title_year_page", "fuzzy", "override", "unique", "bridge"}


def record(record_id: str, search: str = "s1", **fields: str) -> dict[str, str | int]:
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


def group_of(result) -> dict[str, str]:
    return dict(zip(result.groups["record_id"], result.groups["group_id"], strict=True))


def reviewed(result) -> set[frozenset[str]]:
    return {
        frozenset(pair)
        for pair in zip(result.review["record_id_a"], result.review["record_id_b"], strict=True)
    }


def overrides(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["record_id_a", "record_id_b", "same"], index=range(2, 2 + len(rows))
    )
    frame["note"] = ""
    frame.attrs["path"] = "review/dedup_overrides.csv"
    return frame


@pytest.mark.parametrize("case", PAIRS["cases"], ids=[case["name"] for case in PAIRS["cases"]])
def test_named_pair_gets_its_verdict(case):
    result = grouped(
        record("pubmed:1", **case.get("a", {})), record("embase:L1", **case.get("b", {}))
    )
    groups = group_of(result)
    merged = groups["pubmed:1"] == groups["embase:L1"]
    assert merged == (case["verdict"] == "same"), case["note"]
    listed = frozenset(("pubmed:1", "embase:L1")) in reviewed(result)
    assert listed == (case["verdict"] == "review"), case["note"]


def test_abstract_beside_paper_is_marked_with_its_reason():
    result = grouped(
        record("pubmed:1"),
        record("embase:L1", doi="", pmid="", publication_type="Conference Abstract"),
    )
    assert result.review["reason"].tolist() == ["conference abstract vs full paper"]


def test_chain_across_two_dois_is_refused():
    """A (DOI x) ~ B (no DOI) ~ C (DOI y): pairwise fine, one group would hold two DOIs."""
    result = grouped(
        record("pubmed:1", pmid=""),
        record("embase:L1", doi="", pmid=""),
        record("wos:W1", doi="10.1016/other", pmid=""),
    )
    groups = group_of(result)
    assert groups["pubmed:1"] != groups["wos:W1"]
    assert len(result.review) >= 1


def test_chain_across_two_volumes_is_refused():
    """A and C disagree on volume and page; B, with neither, matches both by title."""
    result = grouped(
        record("pubmed:1", doi="", pmid=""),
        record("embase:L1", doi="", pmid="", volume="", issue="", pages=""),
        record("wos:W1", doi="", pmid="", year="2020", volume="21", pages="99-108"),
    )
    groups = group_of(result)
    assert groups["pubmed:1"] != groups["wos:W1"]
    assert result.review["reason"].str.contains("two volumes").any()


def test_overrides_win_both_ways_and_on_every_rerun():
    rows = [record("pubmed:1"), record("embase:L1")]
    keep_apart = overrides([("embase:L1", "pubmed:1", "no")])
    for _ in range(2):
        apart = grouped(*rows, overrides=keep_apart)
        assert group_of(apart)["pubmed:1"] != group_of(apart)["embase:L1"]
        assert apart.review.empty
    joined = grouped(
        record("pubmed:1"),
        record("embase:L1", doi="10.1/other", pmid="", title="Another title", year="2010"),
        overrides=overrides([("pubmed:1", "embase:L1", "yes")]),
    )
    assert group_of(joined)["pubmed:1"] == group_of(joined)["embase:L1"]
    assert set(joined.groups["match_rule"]) == {"unique", "override"}


def test_override_keeps_apart_even_through_a_third_record():
    result = grouped(
        record("pubmed:1"),
        record("embase:L1", pmid=""),
        record("wos:W1", pmid=""),
        overrides=overrides([("pubmed:1", "wos:W1", "no")]),
    )
    groups = group_of(result)
    assert groups["pubmed:1"] != groups["wos:W1"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("pubmed:1", "embase:L9", "yes"),
            r"dedup_overrides.csv:2: column 'record_id_b': unknown record_id 'embase:L9'",
        ),
        (
            ("pubmed:1", "embase:L1", "perhaps"),
            r"dedup_overrides.csv:2: column 'same': 'perhaps' is not yes or no",
        ),
    ],
    ids=["unknown record", "not yes or no"],
)
def test_bad_override_names_file_line_and_column(row, message):
    with pytest.raises(InputTableError, match=message):
        grouped(record("pubmed:1"), record("embase:L1"), overrides=overrides([row]))


def test_group_id_is_the_earliest_search_member():
    result = grouped(record("wos:W1", search="s2"), record("cochrane:CN-9", search="s1"))
    assert set(result.groups["group_id"]) == {"cochrane:CN-9"}
    assert result.unique["search_id"].tolist() == ["s1"]


def test_update_keeps_group_ids_and_logs_a_bridge():
    """s1: A (DOI only) and B (PMID only, print year two years on) stay apart; C has both."""
    a = record("embase:L1", pmid="")
    b = record("pubmed:2", doi="", year="2021")
    c = record("wos:W3", search="s2", pmid=BASE["pmid"])
    first = grouped(a, b, order=("s1", "s2"))
    assert group_of(first)["embase:L1"] != group_of(first)["pubmed:2"]
    second = grouped(a, b, c, order=("s1", "s2"))
    groups = group_of(second)
    assert groups["embase:L1"] == group_of(first)["embase:L1"] == groups["wos:W3"]
    assert groups["pubmed:2"] == groups["embase:L1"]
    bridge = second.merges[second.merges["match_rule"] == "bridge"]
    assert bridge[["record_id", "other_record_id"]].values.tolist() == [["pubmed:2", "embase:L1"]]
    assert "embase:L1 absorbed pubmed:2" in bridge["note"].iloc[0]


def test_update_adds_a_member_without_renaming():
    earlier = [record("pubmed:1"), record("embase:L1")]
    first = group_of(grouped(*earlier))
    second = group_of(grouped(*earlier, record("cochrane:CN-1", search="s2")))
    assert {key: second[key] for key in first} == first
    assert second["cochrane:CN-1"] == first["pubmed:1"] == "embase:L1"


def test_unique_row_merges_the_most_complete_values():
    result = grouped(
        record("wos:W1", title=BASE["title"].upper(), abstract="short", issue="", issn=""),
        record("pubmed:1", abstract="a much longer abstract", issn="1470-2045", search="s2"),
    )
    row = result.unique.iloc[0]
    assert row["group_id"] == "wos:W1"
    assert row["search_id"] == "s1"
    assert row["sources"] == "pubmed; wos"
    assert row["record_ids"] == "pubmed:1; wos:W1"
    assert row["n_records"] == 2
    assert row["abstract"] == "a much longer abstract"
    assert row["title"] == BASE["title"]
    assert row["issn"] == "1470-2045"
    assert row["issue"] == "11"


def test_every_rule_is_in_the_documented_vocabulary():
    result = grouped(
        record("pubmed:1"),
        record("embase:L1", pmid=""),
        record("wos:W1", doi=""),
        record("scopus:S1", doi="", pmid="", title=BASE["title"] + "."),
    )
    assert set(result.groups["match_rule"]) | set(result.merges["match_rule"]) <= RULES


def write_all(result, folder: Path) -> list[bytes]:
    tables = [
        (result.groups, GROUPS),
        (result.unique, UNIQUE),
        (result.review, DEDUP_REVIEW),
        (result.merges, DEDUP_LOG),
    ]
    folder.mkdir()
    contents = []
    for frame, table in tables:
        write_table(frame, folder / f"{table.name}.tsv", table)
        contents.append((folder / f"{table.name}.tsv").read_bytes())
    return contents


def labelled() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "labelled.tsv", sep="\t", dtype=str, keep_default_na=False)
    frame["source_index"] = frame["source_index"].astype(int)
    return frame


def test_same_input_in_any_order_gives_identical_files(tmp_path):
    records = labelled().drop(columns="report")
    first = group_duplicates(records, None, ["s1"])
    second = group_duplicates(records.sample(frac=1.0, random_state=3), None, ["s1"])
    assert write_all(first, tmp_path / "first") == write_all(second, tmp_path / "second")


def test_labelled_set_has_no_false_merges_and_finds_the_duplicates(tmp_path):
    """Pairwise precision and recall against the generator's true reports."""
    records = labelled()
    path = tmp_path / "records.tsv"
    write_table(records, path, RECORDS)
    result = group_duplicates(read_table(path, RECORDS), None, ["s1"])
    groups = group_of(result)
    pairs = records.assign(group=records["record_id"].map(groups))

    def count(columns: list[str]) -> int:
        return int(sum(size * (size - 1) // 2 for size in pairs.groupby(columns).size()))

    correct, found, true = count(["group", "report"]), count(["group"]), count(["report"])
    assert correct == found, "a false merge"
    assert correct / true >= 0.99


EXAMPLE = Path(__file__).parents[1] / "resources" / "example"
SEARCH = "2021-11-30"


@pytest.fixture(scope="module")
def example_records() -> pd.DataFrame:
    from reviewflow.ingest import combine_searches, ingest_exports

    folder = EXAMPLE / "searches" / SEARCH
    exports = {"pubmed": "pubmed.nbib", "embase": "embase.ris", "cochrane": "cochrane.ris"}
    exports["wos"] = "wos.txt"
    tables = [
        ingest_exports([str(folder / name)], [""], source=source, search_id=SEARCH)
        for source, name in exports.items()
    ]
    return combine_searches(tables, [SEARCH])


@pytest.fixture(scope="module")
def example_truth() -> pd.DataFrame:
    """record_id -> report, from the example's generator (not a file the workflow reads)."""
    output = subprocess.run(
        [sys.executable, str(EXAMPLE / "make_review.py"), "--truth"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return pd.read_csv(io.StringIO(output), sep="\t", dtype=str)


@pytest.mark.parametrize("with_overrides", [False, True], ids=["without", "with overrides"])
def test_example_review_groups_every_report_once(example_records, example_truth, with_overrides):
    """The example's 1,364 records are 705 reports (resources/example/README.md)."""
    overrides = (
        read_input_csv(EXAMPLE / "review" / "dedup_overrides.csv", DEDUP_OVERRIDES)
        if with_overrides
        else None
    )
    result = group_duplicates(example_records, overrides, [SEARCH])
    truth = example_truth.assign(group=example_truth["record_id"].map(group_of(result)))
    assert truth["group"].notna().all()
    assert (truth.groupby("group")["report"].nunique() == 1).all(), "a false merge"
    assert (truth.groupby("report")["group"].nunique() == 1).all(), "a missed duplicate"
    assert len(result.unique) == 705


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("The Lancet Oncology", "Lancet Oncol", 1),
        ("Journal of clinical oncology : official journal of the ASCO", "J Clin Oncol", 1),
        ("Lancet (London, England)", "LANCET", 1),
        ("NEW ENGLAND JOURNAL OF MEDICINE", "N Engl J Med", 1),
        ("Alimentary Pharmacology & Therapeutics", "Aliment Pharmacol Ther", 1),
        ("Proceedings of the National Academy of Sciences of the USA", "Proc Natl Acad Sci USA", 1),
        ("Cancer", "Cancer Research", -1),
        ("International Conference on Information Systems", "ICIS 2018 Proceedings", -1),
        (
            "International Conference on Information Systems",
            "International Conference on Information Systems: Bridging the Internet ICIS",
            1,
        ),
        ("Americas Conference on Information Systems", "AMCIS Americas Conference on IS", -1),
        ("Journal of Thrombosis and Haemostasis. Conference", "J Thromb Haemost", 1),
        ("American Journal of Medicine", "American Journal of the Medical Sciences", -1),
        ("Annals of Oncology", "Annals of Surgical Oncology", -1),
        ("", "Lancet", 0),
    ],
    ids=lambda value: str(value)[:24],
)
def test_journal_names_agree_with_their_abbreviations(first, second, expected):
    assert journals_compare(journal_names(first, ""), journal_names(second, "")) == expected


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ("Kato, K; Cho, BC", "kato"),
        ("Kato K; Cho BC", "kato"),
        ("Kato K.; Cho B.C.", "kato"),
        ("van der Berg, Anna", "vanderberg"),
        ("van der Berg AB", "vanderberg"),
        ("O'Brien, S.", "obrien"),
        ("Müller, J.-M.", "muller"),
        ("KEYNOTE-590 Investigators; Sun, JM", ""),
        ("", ""),
    ],
)
def test_first_author_is_the_folded_surname(authors, expected):
    assert first_author_keys([authors]) == [expected]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("TGF-β in ESCC", "TGF-&beta; in ESCC"),
        ("ERα and PI3Kδ", "ERalpha and PI3Kdelta"),
        ("Health\u2010related quality of life.", "HEALTH-RELATED QUALITY OF LIFE"),
        ("A <i>phase III</i> trial", "A phase 3 trial"),
        ("Oesophageal tumour, randomised", "esophageal tumor, randomized"),
        ("PD1 & PD-L1", "PD-1 and PD-L1"),
        ("[Translated title]", "Translated title"),
    ],
)
def test_title_variants_fold_to_one_key(first, second):
    first_key, second_key = title_keys([first, second])
    assert first_key == second_key
