"""Screening logs: agreement, conflicts, resolutions, errors with file and line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

from reviewflow.agreement import cohens_kappa, summarise_screening
from reviewflow.errors import DecisionError
from reviewflow.screening import neutralise_formula, screen_full_text, screen_title_abstract

REASONS = ["wrong population", "not randomised"]


def unique_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group_id": ["pubmed:1", "pubmed:2", "pubmed:3", "refs:h1"],
            "search_id": ["s1", "s1", "s2", "s1"],
            "sources": ["embase; pubmed", "pubmed", "pubmed", "refs"],
            "title": ["Trial A", '=HYPERLINK("http://x")', "Cohort C", "Trial D"],
            "abstract": ["", "", "", ""],
            "journal": ["J", "J", "J", "J"],
            "year": ["2020", "2021", "2022", "2020"],
            "doi": ["10.5555/a", "", "", ""],
            "pmid": ["1", "2", "3", ""],
        }
    )


def groups_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ["pubmed:1", "embase:L1", "pubmed:2", "pubmed:3", "refs:h1"],
            "group_id": ["pubmed:1", "pubmed:1", "pubmed:2", "pubmed:3", "refs:h1"],
        }
    )


def decisions(path: str, rows: list[tuple], columns=("record_id", "decision", "reason", "study")):
    frame = pd.DataFrame(rows, columns=list(columns), index=range(2, 2 + len(rows)))
    for column in ("reason", "reviewer", "date", "note", "study"):
        if column not in frame:
            frame[column] = ""
    frame.attrs["path"] = path
    return frame


def title_abstract(a_rows, b_rows, resolutions=None):
    return screen_title_abstract(
        unique_table(),
        groups_table(),
        [decisions("ta_A.csv", a_rows), decisions("ta_B.csv", b_rows)],
        decisions("ta_resolved.csv", resolutions) if resolutions else None,
        other_sources=["refs"],
    )


def test_agreement_conflict_and_resolution():
    result = title_abstract(
        [
            ("pubmed:1", "include", "", ""),
            ("pubmed:2", "maybe", "", ""),
            ("pubmed:3", "include", "", ""),
        ],
        [("embase:L1", "maybe", "", ""), ("pubmed:2", "exclude", "", "")],
        [("pubmed:2", "exclude", "", "")],
    )
    log = result.log.set_index("record_id")
    assert log.loc["pubmed:1", "decision"] == "include"  # include + maybe both pass it on
    assert log.loc["pubmed:1", "decided_by"] == "agreement"
    assert log.loc["pubmed:2", "conflict"] == "true"  # maybe vs exclude is a conflict
    assert (log.loc["pubmed:2", "decision"], log.loc["pubmed:2", "decided_by"]) == (
        "exclude",
        "resolution",
    )
    assert log.loc["pubmed:3", "decision"] == "pending"
    assert "refs:h1" not in log.index  # other methods skip title/abstract screening


def test_unresolved_conflict_waits_for_a_resolution():
    result = title_abstract([("pubmed:2", "include", "", "")], [("pubmed:2", "exclude", "", "")])
    summary = summarise_screening(result.log, result.log.iloc[0:0])
    pending = summary.pending.set_index("record_id")
    assert pending.loc["pubmed:2", "waiting_for"] == "resolution"
    assert pending.loc["pubmed:1", "waiting_for"] == "reviewer ta_A, reviewer ta_B"


def test_single_reviewer_decides_alone():
    result = screen_title_abstract(
        unique_table(),
        groups_table(),
        [decisions("ta.csv", [("pubmed:1", "maybe", "", "")])],
        None,
        other_sources=["refs"],
    )
    row = result.log.set_index("record_id").loc["pubmed:1"]
    assert (row["decision"], row["decided_by"]) == ("include", "single reviewer")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("pubmed:9", "include", "", "")],
            "ta_A.csv:2: column 'record_id': unknown record_id 'pubmed:9'",
        ),
        (
            [("pubmed:1", "inclde", "", "")],
            "ta_A.csv:2: column 'decision': decision 'inclde' is not include/exclude/maybe",
        ),
        (
            [("pubmed:1", "include", "", ""), ("embase:L1", "exclude", "", "")],
            "ta_A.csv:3: reviewer ta_A decided group pubmed:1 twice: "
            "'include' on line 2 and 'exclude' here",
        ),
        (
            [("refs:h1", "include", "", "")],
            "ta_A.csv:2: group refs:h1 did not enter title/abstract screening",
        ),
    ],
)
def test_bad_title_abstract_decisions_name_file_and_line(rows, message):
    with pytest.raises(DecisionError) as error:
        title_abstract(rows, [])
    assert str(error.value).startswith(message)


def full_text(rows, ta_rows=None):
    ta = title_abstract(
        ta_rows or [("pubmed:1", "include", "", ""), ("pubmed:2", "exclude", "", "")],
        ta_rows or [("pubmed:1", "include", "", ""), ("pubmed:2", "exclude", "", "")],
    )
    return screen_full_text(
        ta.log,
        unique_table(),
        groups_table(),
        [decisions("ft_A.csv", rows)],
        None,
        REASONS,
        other_sources=["refs"],
    )


def test_full_text_takes_passed_and_other_method_records():
    result = full_text(
        [("pubmed:1", "include", "", "TRIAL-A"), ("refs:h1", "exclude", "not randomised", "")]
    )
    log = result.log.set_index("record_id")
    assert sorted(log.index) == ["pubmed:1", "refs:h1"]
    assert log.loc["refs:h1", "route"] == "other"
    assert result.included["study"].tolist() == ["TRIAL-A"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("pubmed:1", "exclude", "wrong drug", "")],
            "ft_A.csv:2: column 'reason': reason 'wrong drug' is not one of the configured reasons",
        ),
        (
            [("pubmed:1", "include", "", "")],
            "ft_A.csv:2: column 'study': an included report needs a study",
        ),
        (
            [("pubmed:2", "include", "", "TRIAL-B")],
            "ft_A.csv:2: full-text decision for group pubmed:2, "
            "which is 'exclude' at title/abstract",
        ),
    ],
)
def test_bad_full_text_decisions_name_file_and_line(rows, message):
    with pytest.raises(DecisionError) as error:
        full_text(rows)
    assert str(error.value).startswith(message)


def test_kappa_matches_a_published_example_and_statsmodels():
    # Cohen's kappa worked example (Wikipedia "Cohen's kappa"): 50 proposals, both
    # "yes" 20, A yes/B no 5, A no/B yes 10, both "no" 15 -> kappa = 0.4.
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohens_kappa(a, b) == pytest.approx(0.4, rel=1e-12)
    three = (
        ["include"] * 7 + ["maybe"] * 3 + ["exclude"] * 10,
        ["include"] * 6 + ["exclude"] * 4 + ["maybe"] * 2 + ["exclude"] * 8,
    )
    labels = ["include", "maybe", "exclude"]
    table = np.array(
        [
            [sum(x == r and y == c for x, y in zip(*three, strict=True)) for c in labels]
            for r in labels
        ]
    )
    assert cohens_kappa(*three) == pytest.approx(statsmodels_kappa(table).kappa, rel=1e-12)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("Trial", "Trial"),
    ],
)
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise_formula(cell) == safe


def test_sheet_lists_pending_first_and_defuses_titles():
    result = title_abstract([("pubmed:1", "include", "", "")], [("pubmed:1", "include", "", "")])
    sheet = result.sheet
    assert sheet["status"].iloc[0] == "pending"
    assert sheet["search_id"].iloc[0] == "s2"  # newest search first among pending
    assert sheet.loc[sheet["record_id"] == "pubmed:2", "title"].iloc[0].startswith("'=")
