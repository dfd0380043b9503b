"""PRISMA 2020 counts follow the stage logs; the diagram shows them without clipping.

Oracle: the stage-log frames built here, counted by hand per the box definitions of
the PRISMA 2020 statement (Page et al. 2021, BMJ 372:n71).
"""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from reviewflow.errors import ReconciliationError
from reviewflow.prisma import box_totals, count_prisma, reconcile_counts, to_prisma2020_csv
from reviewflow.prisma_draw import draw_prisma, figure_prisma, layout_prisma

matplotlib.use("Agg")

LOG_COLUMNS = [
    "record_id",
    "search_id",
    "route",
    "sources",
    "title",
    "year",
    "decisions",
    "conflict",
    "resolution",
    "decision",
    "reason",
    "decided_by",
    "study",
]
REASONS = ["wrong population", "not randomised"]
SOURCES = {
    "pubmed": {"name": "PubMed", "kind": "database"},
    "embase": {"name": "Embase", "kind": "database"},
    "trials": {"name": "ClinicalTrials.gov", "kind": "register"},
    "refs": {"name": "Citation searching", "kind": "citations"},
}


def stage_log(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    """rows of (record_id, search_id, route, decision, reason, study)."""
    full = [
        {
            "record_id": r,
            "search_id": s,
            "route": route,
            "sources": "",
            "title": "t",
            "year": "2020",
            "decisions": "",
            "conflict": "false",
            "resolution": "",
            "decision": d,
            "reason": reason,
            "decided_by": "",
            "study": study,
        }
        for r, s, route, d, reason, study in rows
    ]
    return pd.DataFrame(full, columns=LOG_COLUMNS)


def records(per_source: dict[str, int], search: str = "s1") -> pd.DataFrame:
    ids = [(f"{source}:{i}", source) for source, n in per_source.items() for i in range(n)]
    return pd.DataFrame(
        {"record_id": [i for i, _ in ids], "search_id": search, "source": [s for _, s in ids]}
    )


def new_review() -> dict:
    """9 records from two databases, 2 duplicates, 7 screened, 4 excluded, 3 sought,
    1 not retrieved, 2 assessed, 1 excluded (not randomised), 1 report of 1 study."""
    ta = stage_log(
        [(f"g{i}", "s1", "database", "exclude", "", "") for i in range(4)]
        + [
            ("g4", "s1", "database", "include", "", ""),
            ("g5", "s1", "database", "include", "", ""),
            ("g6", "s1", "database", "include", "", ""),
        ]
    )
    ft = stage_log(
        [
            ("g4", "s1", "database", "include", "", "TRIAL-A"),
            ("g5", "s1", "database", "not_retrieved", "", ""),
            ("g6", "s1", "database", "exclude", "not randomised", ""),
        ]
    )
    return {"records": records({"pubmed": 5, "embase": 4}), "title_abstract": ta, "full_text": ft}


def counts_of(review: dict, search_order=("s1",)) -> pd.DataFrame:
    return count_prisma(
        review["records"],
        review["title_abstract"],
        review["full_text"],
        REASONS,
        SOURCES,
        list(search_order),
    )


def test_new_review_counts_follow_the_logs():
    counts = counts_of(new_review())
    totals = box_totals(counts)
    assert totals["database_results"] == 9
    assert totals["duplicates"] == 2
    assert totals["records_screened"] == 7
    assert totals["records_excluded"] == 4
    assert totals["dbr_sought_reports"] == 3
    assert totals["dbr_notretrieved_reports"] == 1
    assert totals["dbr_assessed"] == 2
    assert totals["dbr_excluded"] == 1
    assert (totals["new_studies"], totals["new_reports"]) == (1, 1)
    details = counts[(counts["box"] == "database_results") & (counts["detail"] != "")]
    assert dict(zip(details["detail"], details["count"], strict=True)) == {"Embase": 4, "PubMed": 5}
    reasons = counts[(counts["box"] == "dbr_excluded") & (counts["detail"] != "")]
    assert reasons["detail"].tolist() == REASONS
    reconcile_counts(counts)


def test_other_methods_fill_the_right_hand_column():
    review = new_review()
    review["records"] = pd.concat([review["records"], records({"refs": 2})], ignore_index=True)
    review["full_text"] = pd.concat(
        [
            review["full_text"],
            stage_log(
                [
                    ("c1", "s1", "other", "include", "", "TRIAL-B"),
                    ("c2", "s1", "other", "exclude", "wrong population", ""),
                ]
            ),
        ],
        ignore_index=True,
    )
    totals = box_totals(counts_of(review))
    assert totals["citations_results"] == 2
    assert totals["other_sought_reports"] == 2
    assert totals["other_assessed"] == 2
    assert totals["other_excluded"] == 1
    assert totals["new_studies"] == 2
    assert totals["database_results"] == 9  # citations are not databases
    reconcile_counts(counts_of(review))


def test_updated_review_separates_previous_and_new_studies():
    review = new_review()
    review["records"] = pd.concat(
        [review["records"], records({"pubmed": 3}, search="s2")], ignore_index=True
    )
    review["title_abstract"] = pd.concat(
        [
            review["title_abstract"],
            stage_log(
                [
                    ("n1", "s2", "database", "include", "", ""),
                    ("n2", "s2", "database", "exclude", "", ""),
                ]
            ),
        ],
        ignore_index=True,
    )
    review["full_text"] = pd.concat(
        [review["full_text"], stage_log([("n1", "s2", "database", "include", "", "TRIAL-A")])],
        ignore_index=True,
    )
    counts = counts_of(review, ("s1", "s2"))
    totals = box_totals(counts)
    assert (totals["previous_studies"], totals["previous_reports"]) == (1, 1)
    assert totals["database_results"] == 3
    assert totals["duplicates"] == 1
    assert totals["records_screened"] == 2
    assert totals["new_reports"] == 1
    assert totals["new_studies"] == 0  # a new report of a study already included
    assert (totals["total_studies"], totals["total_reports"]) == (1, 2)
    reconcile_counts(counts)


@pytest.mark.parametrize(
    ("name", "ta_decisions", "ft_decisions"),
    [
        ("nothing excluded", ["include"] * 3, ["include"] * 3),
        ("no full text retrieved", ["include"] * 3, ["not_retrieved"] * 3),
        ("pending decisions", ["include", "pending", "exclude"], ["pending"]),
    ],
)
def test_edge_cases_reconcile(name, ta_decisions, ft_decisions):
    ta = stage_log([(f"g{i}", "s1", "database", d, "", "") for i, d in enumerate(ta_decisions)])
    ft = stage_log(
        [
            (f"g{i}", "s1", "database", d, "", f"S{i}" if d == "include" else "")
            for i, d in enumerate(ft_decisions)
        ]
    )
    review = {"records": records({"pubmed": len(ta)}), "title_abstract": ta, "full_text": ft}
    counts = counts_of(review)
    reconcile_counts(counts)
    totals = box_totals(counts)
    assert totals["records_screened"] == len(ta)
    assert totals["dbr_sought_reports"] == len(ft)


def test_mismatch_names_both_numbers():
    counts = counts_of(new_review())
    counts.loc[(counts["box"] == "records_screened") & (counts["detail"] == ""), "count"] = 8
    with pytest.raises(ReconciliationError, match=r"records_screened = 8 but identified"):
        reconcile_counts(counts)


def test_prisma2020_csv_has_the_package_template_columns():
    table = to_prisma2020_csv(counts_of(new_review()))
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
    databases = table.loc[table["data"] == "database_results", "n"].iloc[0]
    assert databases == "Embase, 4; PubMed, 5"


def test_svg_keeps_every_count_as_text(tmp_path):
    counts = counts_of(new_review())
    path = tmp_path / "prisma.svg"
    draw_prisma(counts, [path])
    svg = path.read_text()
    for count in counts["count"]:
        assert f"= {count:,})" in svg.replace("\u00a0", " ")


@pytest.mark.parametrize("scale", [1, 1_000_000])
def test_no_text_leaves_its_box(scale):
    counts = counts_of(new_review())
    counts["count"] = counts["count"] * scale
    layout = layout_prisma(counts)
    figure = figure_prisma(counts)
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    inverse = axes.transData.inverted()
    for text in axes.texts:
        gid = text.get_gid() or ""
        if not gid.startswith("text-"):
            continue
        box = layout.boxes[gid.removeprefix("text-")]
        (x0, y1), (x1, y0) = inverse.transform(text.get_window_extent(renderer).get_points())
        assert box.x <= x0 and x1 <= box.x + box.width, gid
        assert box.y <= y1 and y0 <= box.y + box.height, gid
