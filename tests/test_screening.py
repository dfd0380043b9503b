"""Screening logs: agreement, conflicts, resolutions, routes, updates, exact errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from reviewflow.errors import DecisionError
from reviewflow.io import read_input_csv
from reviewflow.screening import screen_full_text, screen_title_abstract
from reviewflow.tables import DECISIONS

DATA = Path(__file__).parent / "data" / "screening"
REASONS = ["wrong population", "not randomised"]
OTHER = ["refs"]
UNIQUE_COLUMNS = ["group_id", "search_id", "sources", "record_ids", "title", "abstract"]


def unique_table(extra: list[tuple] = ()) -> pd.DataFrame:
    rows = [
        ("pubmed:1", "s1", "embase; pubmed", "embase:L1; pubmed:1", "Trial A", "10.5555/a"),
        ("pubmed:2", "s1", "pubmed", "pubmed:2", "Trial B", ""),
        ("pubmed:3", "s1", "pubmed", "pubmed:3", "Cohort C", ""),
        ("refs:h1", "s1", "refs", "refs:h1", "Trial D", ""),
        *extra,
    ]
    frame = pd.DataFrame(
        rows, columns=["group_id", "search_id", "sources", "record_ids", "title", "doi"]
    )
    return frame.assign(abstract="", journal="J", year="2020", pmid="")


def groups_table(unique: pd.DataFrame) -> pd.DataFrame:
    rows = [
        (record_id, group.group_id)
        for group in unique.itertuples()
        for record_id in group.record_ids.split("; ")
    ]
    return pd.DataFrame(rows, columns=["record_id", "group_id"]).assign(match_rule="", score=1.0)


def decision_file(path: str, rows: list[tuple]) -> pd.DataFrame:
    """A DECISIONS frame as read_input_csv gives it: index = file line (header = 1)."""
    columns = ["record_id", "decision", "reason", "study", "reviewer"]
    padded = [tuple(row) + ("",) * (len(columns) - len(row)) for row in rows]
    frame = pd.DataFrame(padded, columns=columns, index=range(2, 2 + len(rows)), dtype=object)
    frame = frame.assign(date="", note="")
    frame.attrs["path"] = path
    return frame


def title_abstract(a_rows, b_rows=None, resolved=None, unique=None):
    unique = unique_table() if unique is None else unique
    files = [decision_file("ta_A.csv", a_rows)]
    if b_rows is not None:
        files.append(decision_file("ta_B.csv", b_rows))
    return screen_title_abstract(
        unique,
        groups_table(unique),
        files,
        decision_file("ta_resolved.csv", resolved) if resolved else None,
        other_sources=OTHER,
        search_order=["s1", "s2"],
    )


def row_of(log: pd.DataFrame, record_id: str) -> dict:
    return log.set_index("record_id").loc[record_id].to_dict()


FATE = ("decision", "conflict", "decided_by", "conflict_on", "waiting_for")


@pytest.mark.parametrize(
    ("a", "b", "resolved", "fate"),
    [
        pytest.param("include", "include", None, ("include", "false", "agreement", "", "")),
        pytest.param("exclude", "exclude", None, ("exclude", "false", "agreement", "", "")),
        pytest.param("include", "maybe", None, ("include", "false", "agreement", "", ""),
                     id="include+maybe-pass-it-on"),
        pytest.param("maybe", "maybe", None, ("include", "false", "agreement", "", "")),
        pytest.param("include", "exclude", None,
                     ("pending", "true", "", "decision", "resolution")),
        pytest.param("maybe", "exclude", None, ("pending", "true", "", "decision", "resolution"),
                     id="maybe-vs-exclude-is-a-conflict"),
        pytest.param("maybe", "exclude", "exclude",
                     ("exclude", "true", "resolution", "decision", "")),
        pytest.param("include", "exclude", "maybe",
                     ("include", "true", "resolution", "decision", ""),
                     id="resolved-maybe-passes-on"),
        pytest.param("include", None, None, ("pending", "false", "", "", "reviewer ta_B")),
        pytest.param(None, None, None,
                     ("pending", "false", "", "", "reviewer ta_A, reviewer ta_B")),
    ],
)  # fmt: skip
def test_title_abstract_agreement_conflicts_and_resolutions(a, b, resolved, fate):
    result = title_abstract(
        [("pubmed:1", a)] if a else [],
        [("embase:L1", b)] if b else [],  # a decision on any member counts for the group
        [("pubmed:1", resolved)] if resolved else None,
    )
    row = row_of(result.log, "pubmed:1")
    assert tuple(row[column] for column in FATE) == fate
    assert row["resolution"] == (resolved or "")


def test_title_abstract_log_lists_every_database_group_with_its_decisions():
    result = title_abstract(
        [("pubmed:1", "exclude", "registry record"), ("pubmed:2", "include")],
        [("pubmed:1", "exclude", "conference abstract"), ("pubmed:2", "maybe")],
    )
    log = result.log.set_index("record_id")
    assert log.index.tolist() == ["pubmed:1", "pubmed:2", "pubmed:3"]  # refs:h1 skips TA
    assert log.loc["pubmed:1", "decisions"] == (
        "ta_A=exclude:registry record; ta_B=exclude:conference abstract"
    )
    assert log.loc["pubmed:1", "reason"] == "conference abstract; registry record"
    assert log.loc["pubmed:1", "record_ids"] == "embase:L1; pubmed:1"
    assert log.loc["pubmed:2", "route"] == "database"


def test_reviewer_column_names_the_reviewer_over_the_file_name():
    result = title_abstract(
        [("pubmed:1", "include", "", "", "Ana")], [("pubmed:1", "include", "", "", "Ben")]
    )
    assert row_of(result.log, "pubmed:1")["decisions"] == "Ana=include; Ben=include"


def test_same_decision_on_two_members_counts_once():
    result = title_abstract(
        [("pubmed:1", "include"), ("embase:L1", "include")], [("pubmed:1", "include")]
    )
    row = row_of(result.log, "pubmed:1")
    assert (row["decisions"], row["decision"]) == ("ta_A=include; ta_B=include", "include")


@pytest.mark.parametrize(
    ("decision", "final"), [("maybe", "include"), ("exclude", "exclude"), ("include", "include")]
)
def test_single_reviewer_decides_alone(decision, final):
    result = title_abstract([("pubmed:1", decision)])
    row = row_of(result.log, "pubmed:1")
    assert (row["decision"], row["decided_by"]) == (final, "single reviewer")
    assert row_of(result.log, "pubmed:2")["waiting_for"] == "reviewer ta_A"


def full_text(rows_a, rows_b=None, resolved=None, ta=None):
    unique = unique_table()
    ta_log = ta or title_abstract(
        [("pubmed:1", "include"), ("pubmed:2", "exclude"), ("pubmed:3", "include")]
    )
    files = [decision_file("ft_A.csv", rows_a)]
    if rows_b is not None:
        files.append(decision_file("ft_B.csv", rows_b))
    return screen_full_text(
        ta_log.log,
        unique,
        groups_table(unique),
        files,
        decision_file("ft_resolved.csv", resolved) if resolved else None,
        REASONS,
        other_sources=OTHER,
    )


@pytest.mark.parametrize(
    ("a", "b", "resolved", "fate", "reason", "study"),
    [
        pytest.param(("include", "", "TRIAL-A"), ("include", "", "TRIAL-A"), None,
                     ("include", "false", "agreement", "", ""), "", "TRIAL-A"),
        pytest.param(("exclude", "not randomised"), ("exclude", "not randomised"), None,
                     ("exclude", "false", "agreement", "", ""), "not randomised", ""),
        pytest.param(("not_retrieved",), ("not_retrieved",), None,
                     ("not_retrieved", "false", "agreement", "", ""), "", ""),
        pytest.param(("include", "", "TRIAL-A"), ("exclude", "not randomised"), None,
                     ("pending", "true", "", "decision", "resolution"), "", ""),
        pytest.param(("exclude", "wrong population"), ("exclude", "not randomised"), None,
                     ("pending", "true", "", "reason", "resolution"), "", "",
                     id="reasons-differ"),
        pytest.param(("include", "", "TRIAL-A"), ("include", "", "TRIAL A1"), None,
                     ("pending", "true", "", "study", "resolution"), "", "",
                     id="studies-differ"),
        pytest.param(("exclude", "wrong population"), ("exclude", "not randomised"),
                     ("exclude", "not randomised"),
                     ("exclude", "true", "resolution", "reason", ""), "not randomised", ""),
        pytest.param(("include", "", "TRIAL-A"), None, None,
                     ("pending", "false", "", "", "reviewer ft_B"), "", ""),
    ],
)  # fmt: skip
def test_full_text_agreement_conflicts_and_resolutions(a, b, resolved, fate, reason, study):
    result = full_text(
        [("pubmed:1", *a)],
        [("embase:L1", *b)] if b else [],
        [("pubmed:1", *resolved)] if resolved else None,
    )
    row = row_of(result.log, "pubmed:1")
    assert tuple(row[column] for column in FATE) == fate
    assert (row["reason"], row["study"]) == (reason, study)


def test_full_text_takes_passed_and_other_source_groups_and_groups_reports_into_studies():
    result = full_text(
        [
            ("pubmed:1", "include", "", "TRIAL-A"),
            ("pubmed:3", "include", "", "TRIAL-A"),
            ("refs:h1", "exclude", "not randomised"),
        ]
    )
    log = result.log.set_index("record_id")
    assert log.index.tolist() == ["pubmed:1", "pubmed:3", "refs:h1"]
    assert log["route"].tolist() == ["database", "database", "other"]
    assert log["decided_by"].tolist() == ["single reviewer"] * 3
    included = result.included
    assert included[["study", "record_id"]].values.tolist() == [
        ["TRIAL-A", "pubmed:1"],
        ["TRIAL-A", "pubmed:3"],
    ]
    assert included["doi"].tolist() == ["10.5555/a", ""]


ERROR_FIX_UNKNOWN = "(copy record_ids from results/screening/to_screen_*.csv)"
ERROR_FIX_TWICE = "(keep one decision per record (duplicates count as one record))"


@pytest.mark.parametrize(
    ("a_rows", "b_rows", "resolved", "message"),
    [
        pytest.param(
            [("pubmed:9", "include")], [], None,
            f"ta_A.csv:2: column 'record_id': unknown record_id 'pubmed:9' {ERROR_FIX_UNKNOWN}",
            id="unknown-record",
        ),
        pytest.param(
            [("pubmed:1", "inclde")], [], None,
            "ta_A.csv:2: column 'decision': decision 'inclde' is not include/exclude/maybe "
            "(fix the spelling)",
            id="unknown-decision",
        ),
        pytest.param(
            [("pubmed:1", "include"), ("embase:L1", "exclude")], [], None,
            "ta_A.csv:3: reviewer ta_A decided group pubmed:1 twice (via member records "
            f"pubmed:1 and embase:L1): 'include' on line 2 and 'exclude' here {ERROR_FIX_TWICE}",
            id="twice-via-two-members",
        ),
        pytest.param(
            [("pubmed:1", "include", "", "", "A")], [("pubmed:1", "maybe", "", "", "A")], None,
            "ta_B.csv:2: reviewer A decided group pubmed:1 twice: 'include' on ta_A.csv:2 and "
            f"'maybe' here {ERROR_FIX_TWICE}",
            id="twice-across-files",
        ),
        pytest.param(
            [("refs:h1", "include")], [], None,
            "ta_A.csv:2: group refs:h1 did not enter title/abstract screening (it comes from "
            "other sources, which go straight to full text) (decide it in the full-text files "
            "instead)",
            id="other-source-at-title-abstract",
        ),
        pytest.param(
            [("pubmed:1", "include", "", "", "A=B")], [], None,
            "ta_A.csv:2: column 'reviewer': reviewer name 'A=B' contains '=', ';' or ':' "
            "(use initials or a plain name)",
            id="reviewer-name",
        ),
        pytest.param(
            [], [], [("pubmed:1", "include", "", "", "C"), ("pubmed:1", "exclude", "", "", "D")],
            "ta_resolved.csv:3: the resolution file decided group pubmed:1 twice: 'include' on "
            f"line 2 and 'exclude' here {ERROR_FIX_TWICE}",
            id="two-resolutions",
        ),
    ],
)  # fmt: skip
def test_bad_title_abstract_decisions_name_file_and_line(a_rows, b_rows, resolved, message):
    with pytest.raises(DecisionError) as error:
        title_abstract(a_rows, b_rows, resolved)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param(
            [("pubmed:1", "exclude", "wrong drug")],
            "ft_A.csv:2: column 'reason': reason 'wrong drug' is not one of the configured "
            "reasons (wrong population, not randomised) (use a reason listed under "
            "screening.full_text.reasons)",
            id="unknown-reason",
        ),
        pytest.param(
            [("pubmed:1", "exclude")],
            "ft_A.csv:2: column 'reason': reason '' is not one of the configured reasons "
            "(wrong population, not randomised) (use a reason listed under "
            "screening.full_text.reasons)",
            id="exclusion-without-reason",
        ),
        pytest.param(
            [("pubmed:1", "maybe")],
            "ft_A.csv:2: column 'decision': decision 'maybe' is not "
            "include/exclude/not_retrieved (fix the spelling)",
            id="maybe-at-full-text",
        ),
        pytest.param(
            [("pubmed:1", "include")],
            "ft_A.csv:2: column 'study': an included report needs a study (name the study it "
            "reports, e.g. KEYNOTE-590)",
            id="include-without-study",
        ),
        pytest.param(
            [("pubmed:1", "include", "", "X"), ("pubmed:2", "include", "", "TRIAL-B")],
            "ft_A.csv:3: full-text decision for group pubmed:2, which is 'exclude' at "
            "title/abstract (only records included at title/abstract (or from other sources) "
            "reach full text)",
            id="excluded-at-title-abstract",
        ),
        pytest.param(
            [("pubmed:1", "include", "", "X"), ("pubmed:1", "include", "", "Y")],
            "ft_A.csv:3: reviewer ft_A decided group pubmed:1 twice: 'include:X' on line 2 and "
            f"'include:Y' here {ERROR_FIX_TWICE}",
            id="two-studies-by-one-reviewer",
        ),
    ],
)
def test_bad_full_text_decisions_name_file_and_line(rows, message):
    with pytest.raises(DecisionError) as error:
        full_text(rows)
    assert str(error.value) == message


def test_full_text_decision_for_a_record_pending_at_title_abstract_is_an_error():
    ta = title_abstract([("pubmed:1", "include")], [])
    with pytest.raises(DecisionError) as error:
        full_text([("pubmed:1", "include", "", "TRIAL-A")], ta=ta)
    assert str(error.value).startswith(
        "ft_A.csv:2: full-text decision for group pubmed:1, which is 'pending' at title/abstract"
    )


def test_search_update_carries_decisions_forward_and_new_groups_wait():
    a_rows = [("pubmed:1", "include"), ("pubmed:2", "exclude"), ("pubmed:3", "exclude")]
    b_rows = [("pubmed:1", "maybe"), ("pubmed:2", "exclude"), ("pubmed:3", "exclude")]
    before = title_abstract(a_rows, b_rows).log
    updated = unique_table([("pubmed:7", "s2", "pubmed", "pubmed:7", "Trial E", "")])
    updated.loc[0, ["sources", "record_ids"]] = ["embase; pubmed", "embase:L1; pubmed:1; wos:9"]
    after = title_abstract(a_rows, b_rows, unique=updated).log.set_index("record_id")
    kept = before.set_index("record_id")[["search_id", "decisions", "decision", "decided_by"]]
    pd.testing.assert_frame_equal(after.loc[kept.index, kept.columns], kept)
    assert after.loc["pubmed:1", "record_ids"].endswith("wos:9")
    new = after.loc["pubmed:7"]
    assert (new["search_id"], new["decision"], new["waiting_for"]) == (
        "s2",
        "pending",
        "reviewer ta_A, reviewer ta_B",
    )


def test_errors_in_a_real_file_name_its_line():
    # ta_reviewer.csv: a BOM, a quoted reason with a comma, a blank line 4, and on line 6
    # a decision spelt with a question mark.
    path = DATA / "ta_reviewer.csv"
    frame = read_input_csv(path, DECISIONS)
    with pytest.raises(DecisionError) as error:
        screen_title_abstract(unique_table(), groups_table(unique_table()), [frame], None, OTHER)
    assert str(error.value) == (
        f"{path}:6: column 'decision': decision 'exclude?' is not include/exclude/maybe "
        "(fix the spelling)"
    )
