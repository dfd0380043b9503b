"""PRISMA 2020 counts, computed from the ingest, dedup and screening results only.

Box names are those of the PRISMA2020 R package and Shiny app (Haddaway et al. 2022,
Campbell Syst Rev 18:e1230), so the counts can be carried there. Two boxes are ours:
``awaiting_screening`` and ``awaiting_full_text`` hold records still without a final
decision, so an unfinished review still reconciles (they are left out of
``PRISMA2020.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from reviewflow.errors import ReconciliationError

IDENTIFICATION_KINDS = {
    "database": "database_results",
    "register": "register_results",
    "websites": "website_results",
    "organisations": "organisation_results",
    "citations": "citations_results",
}
BOX_ORDER = (
    "previous_studies",
    "previous_reports",
    "database_results",
    "register_results",
    "website_results",
    "organisation_results",
    "citations_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "awaiting_screening",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "dbr_excluded",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "other_excluded",
    "awaiting_full_text",
    "new_studies",
    "new_reports",
    "total_studies",
    "total_reports",
)
OUR_BOXES = ("awaiting_screening", "awaiting_full_text")


def _rows(box: str, total: int, details: Mapping[str, int] | None = None) -> list[dict]:
    rows = [{"box": box, "detail": "", "count": int(total)}]
    for detail, count in (details or {}).items():
        rows.append({"box": box, "detail": detail, "count": int(count)})
    return rows


def stack_records(tables: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """One frame of the records identified by several exports."""
    return pd.concat(list(tables), ignore_index=True)


def count_prisma(
    records: pd.DataFrame,
    title_abstract: pd.DataFrame,
    full_text: pd.DataFrame,
    reasons: Sequence[str],
    sources: Mapping[str, Mapping[str, str]],
    search_order: Sequence[str],
) -> pd.DataFrame:
    """The ``COUNTS`` table of one review, new or updated.

    ``records`` are the records the latest search run exported (every row of its
    normalised exports, including records an earlier run already found).

    Notes
    -----
    With more than one search run, the latest is the update: identification counts
    every record it exported, screening only the groups first found in it (records
    already screened in an earlier run count as duplicates), and the studies
    included from earlier runs are the "previous studies" (Page et al. 2021, BMJ
    372:n71, updated-review template). Records of a later run that duplicate an
    earlier group count as duplicates. Reasons are listed in the configured order.
    """
    latest = search_order[-1]
    kinds = {slug: entry.get("kind", "database") for slug, entry in sources.items()}
    names = {slug: entry.get("name", slug) for slug, entry in sources.items()}
    new_records = records[records["search_id"] == latest]
    rows: list[dict] = []
    previous = full_text[(full_text["search_id"] != latest) & (full_text["decision"] == "include")]
    if len(search_order) > 1:
        rows += _rows("previous_studies", previous["study"].nunique())
        rows += _rows("previous_reports", len(previous))
    left_total = 0
    for kind, box in IDENTIFICATION_KINDS.items():
        found = new_records[new_records["source"].map(kinds) == kind]
        per_source = {
            names[slug]: int((found["source"] == slug).sum())
            for slug in sorted(set(found["source"]), key=lambda slug: names[slug])
        }
        if kind in ("database", "register"):
            left_total += len(found)
            rows += _rows(box, len(found), per_source)
        elif len(found):
            rows += _rows(box, len(found), per_source)
    screened = title_abstract[title_abstract["search_id"] == latest]
    left_groups = screened["record_id"].nunique()
    rows += _rows("duplicates", left_total - left_groups)
    rows += _rows("excluded_automatic", 0)
    rows += _rows("excluded_other", 0)
    rows += _rows("records_screened", len(screened))
    rows += _rows("records_excluded", int((screened["decision"] == "exclude").sum()))
    rows += _rows("awaiting_screening", int((screened["decision"] == "pending").sum()))
    current = full_text[full_text["search_id"] == latest]
    awaiting_full_text = 0
    for route, prefix in (("database", "dbr"), ("other", "other")):
        reports = current[current["route"] == route]
        if route == "other" and reports.empty and not _has_other(kinds):
            continue
        excluded = reports[reports["decision"] == "exclude"]
        by_reason = {reason: int((excluded["reason"] == reason).sum()) for reason in reasons}
        pending = int((reports["decision"] == "pending").sum())
        awaiting_full_text += pending
        not_retrieved = int((reports["decision"] == "not_retrieved").sum())
        rows += _rows(f"{prefix}_sought_reports", len(reports))
        rows += _rows(f"{prefix}_notretrieved_reports", not_retrieved)
        rows += _rows(f"{prefix}_assessed", len(reports) - not_retrieved - pending)
        rows += _rows(f"{prefix}_excluded", len(excluded), by_reason)
    rows += _rows("awaiting_full_text", awaiting_full_text)
    new = current[current["decision"] == "include"]
    previous_studies = set(previous["study"])
    rows += _rows("new_studies", len(set(new["study"]) - previous_studies))
    rows += _rows("new_reports", len(new))
    included = full_text[full_text["decision"] == "include"]
    rows += _rows("total_studies", included["study"].nunique())
    rows += _rows("total_reports", len(included))
    counts = pd.DataFrame(rows, columns=["box", "detail", "count"])
    order = {box: index for index, box in enumerate(BOX_ORDER)}
    counts = counts.assign(_order=counts["box"].map(order)).sort_values("_order", kind="mergesort")
    return counts.drop(columns="_order").reset_index(drop=True)


def _has_other(kinds: Mapping[str, str]) -> bool:
    return any(kind in ("websites", "organisations", "citations") for kind in kinds.values())


def box_totals(counts: pd.DataFrame) -> dict[str, int]:
    """Box name -> total (the row with an empty detail)."""
    totals = counts[counts["detail"] == ""]
    return dict(zip(totals["box"], totals["count"].astype(int), strict=True))


def reconcile_counts(counts: pd.DataFrame) -> None:
    """Fail with the two numbers that disagree if any PRISMA identity does not hold."""
    total = box_totals(counts)

    def get(box: str) -> int:
        return total.get(box, 0)

    checks = []
    for box in counts.loc[counts["detail"] != "", "box"].unique():
        details = int(counts.loc[(counts["box"] == box) & (counts["detail"] != ""), "count"].sum())
        checks.append((f"{box} (total)", get(box), f"sum of {box} details", details))
    identified = get("database_results") + get("register_results")
    removed = get("duplicates") + get("excluded_automatic") + get("excluded_other")
    checks += [
        (
            "records_screened",
            get("records_screened"),
            "identified - removed before screening",
            identified - removed,
        ),
        (
            "dbr_sought_reports",
            get("dbr_sought_reports"),
            "records_screened - records_excluded - awaiting_screening",
            get("records_screened") - get("records_excluded") - get("awaiting_screening"),
        ),
        (
            "total_reports",
            get("total_reports"),
            "previous_reports + new_reports",
            get("previous_reports") + get("new_reports"),
        ),
    ]
    included = 0
    for prefix in ("dbr", "other"):
        if f"{prefix}_sought_reports" in total:
            included += get(f"{prefix}_assessed") - get(f"{prefix}_excluded")
    checks.append(
        ("new_reports", get("new_reports"), "reports assessed - reports excluded", included)
    )
    if get("duplicates") < 0:
        checks.append(("duplicates", get("duplicates"), "at least", 0))
    for name, value, other_name, other_value in checks:
        if value != other_value:
            raise ReconciliationError(
                f"PRISMA counts do not reconcile: {name} = {value:,} but "
                f"{other_name} = {other_value:,}"
            )


PACKAGE_TEXT = {
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "database_results": "Databases",
    "register_results": "Registers",
    "website_results": "Websites",
    "organisation_results": "Organisations",
    "citations_results": "Citation searching",
    "duplicates": "Duplicate records",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded",
    "other_sought_reports": "Reports sought for retrieval",
    "other_notretrieved_reports": "Reports not retrieved",
    "other_assessed": "Reports assessed for eligibility",
    "other_excluded": "Reports excluded",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}


def to_prisma2020_csv(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts in the PRISMA2020 package's input template.

    Notes
    -----
    Columns ``data, node, box, description, boxtext, tooltips, url, n`` as in the
    package's template CSV; ``n`` holds the count, and for boxes broken down by
    database or reason, ``"name, count; name, count"`` as the package reads them.
    """
    rows = []
    for box, text in PACKAGE_TEXT.items():
        part = counts[counts["box"] == box]
        if part.empty:
            continue
        details = part[part["detail"] != ""]
        total = int(part.loc[part["detail"] == "", "count"].iloc[0])
        value = (
            "; ".join(f"{row.detail}, {row.count}" for row in details.itertuples())
            if box in ("database_results", "register_results", "dbr_excluded", "other_excluded")
            and not details.empty
            else str(total)
        )
        rows.append(
            {
                "data": box,
                "node": "",
                "box": "",
                "description": text,
                "boxtext": text,
                "tooltips": "",
                "url": "",
                "n": value,
            }
        )
    return pd.DataFrame(rows)
