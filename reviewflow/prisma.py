"""PRISMA 2020 counts, computed from the ingest, dedup and screening results only.

Box names are those of the PRISMA2020 R package and Shiny app (Haddaway et al. 2022,
Campbell Syst Rev 18:e1230), so the counts can be carried there; the boxes are those
of the PRISMA 2020 flow diagram (Page et al. 2021, BMJ 372:n71).

Each box is counted from the file that decides it: identification and duplicates
from ``records.tsv`` and ``groups.tsv``, screening from the title/abstract log,
retrieval and eligibility from the full-text log, studies and reports from
``included.tsv``. The PRISMA identities between boxes therefore check these files
against each other (``reconcile_counts``).

Two boxes are ours: ``awaiting_screening`` and ``awaiting_full_text`` hold records
still without a final decision ("awaiting classification"), so an unfinished review
still reconciles. Their detail rows say where the records wait: ``databases and
registers``, ``other methods`` or ``previous version`` (an earlier search run's
records, outside this version's flow). ``PRISMA2020.csv`` leaves both out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from reviewflow.errors import ReconciliationError

IDENTIFICATION_BOXES = {
    "database": "database_results",
    "register": "register_results",
    "websites": "website_results",
    "organisations": "organisation_results",
    "citations": "citations_results",
}
LEFT_KINDS = ("database", "register")
OTHER_KINDS = ("websites", "organisations", "citations")
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
WAITING_LEFT = "databases and registers"
WAITING_OTHER = "other methods"
WAITING_PREVIOUS = "previous version"
NO_REASON = "no reason given"


def _rows(box: str, total: int, details: Mapping[str, int] | None = None) -> list[dict]:
    rows = [{"box": box, "detail": "", "count": int(total)}]
    rows += [
        {"box": box, "detail": detail, "count": int(count)}
        for detail, count in (details or {}).items()
    ]
    return rows


def _kind_and_name(sources: Mapping[str, Mapping[str, str]], slug: str) -> tuple[str, str]:
    entry = sources.get(slug, {})
    return entry.get("kind", "database"), entry.get("name", slug)


def _per_name(found: pd.DataFrame, sources: Mapping[str, Mapping[str, str]]) -> dict[str, int]:
    """Records per source name, in the config's order of sources (then by name)."""
    order = {slug: index for index, slug in enumerate(sources)}
    slugs = sorted(set(found["source"]), key=lambda slug: (order.get(slug, len(order)), slug))
    per_name: dict[str, int] = {}
    for slug in slugs:
        name = _kind_and_name(sources, slug)[1]
        per_name[name] = per_name.get(name, 0) + int((found["source"] == slug).sum())
    return per_name


def _by_reason(excluded: pd.DataFrame, reasons: Sequence[str]) -> dict[str, int]:
    """Exclusions per reason: configured reasons in their order, then others by name."""
    given = excluded["reason"].where(excluded["reason"] != "", NO_REASON)
    tally = given.value_counts()
    ordered = [reason for reason in reasons if reason in tally.index]
    ordered += sorted(reason for reason in tally.index if reason not in reasons)
    return {reason: int(tally[reason]) for reason in ordered}


def _group_first_search(
    records: pd.DataFrame, groups: pd.DataFrame, search_order: Sequence[str]
) -> pd.DataFrame:
    """``records`` with the group of each record and the group's earliest search."""
    rank = {search: index for index, search in enumerate(search_order)}
    group_of = dict(zip(groups["record_id"], groups["group_id"], strict=True))
    ungrouped = sorted(set(records["record_id"]) - set(group_of))
    if ungrouped:
        raise ReconciliationError(
            f"records.tsv has {len(ungrouped):,} record(s) that groups.tsv does not place in "
            f"a duplicate group, e.g. {ungrouped[0]}: rerun deduplication"
        )
    placed = records.assign(
        _group=records["record_id"].map(group_of),
        _rank=records["search_id"].map(rank).fillna(len(rank)),
    )
    first = placed.groupby("_group")["_rank"].transform("min")
    return placed.assign(_first=first)


def _awaiting(details: Mapping[str, int]) -> dict[str, int]:
    return {detail: count for detail, count in details.items() if count}


def count_prisma(
    records: pd.DataFrame,
    groups: pd.DataFrame,
    title_abstract: pd.DataFrame,
    full_text: pd.DataFrame,
    included: pd.DataFrame,
    sources: Mapping[str, Mapping[str, str]],
    search_order: Sequence[str],
    reasons: Sequence[str] = (),
) -> pd.DataFrame:
    """The ``COUNTS`` table of one review, new or updated.

    Parameters
    ----------
    records, groups
        ``RECORDS`` (every search run) and ``GROUPS``.
    title_abstract, full_text
        The ``STAGE_LOG`` of each screening stage (one row per duplicate group).
    included
        ``INCLUDED``: the included reports and the study each belongs to.
    sources
        Source slug -> ``{"name": printed name, "kind": database | register |
        citations | websites | organisations}``.
    search_order
        Search run ids, oldest first; the last is the one this diagram reports.
    reasons
        The configured full-text exclusion reasons, the order reasons are listed in.

    Notes
    -----
    Definitions of Page et al. 2021 (BMJ 372:n71), with these conventions:

    - Identification counts the records the latest search run exported (each export
      row is a record, PRISMA's "records identified"), per database or register name.
    - Duplicates are the latest run's database/register records that are not the first
      record of a new duplicate group: copies found by several databases, and, in an
      update, records an earlier run found (already screened in the previous version).
      No automation tool marks records ineligible and nothing else is removed, so
      ``excluded_automatic`` and ``excluded_other`` are 0.
    - Records from other methods (citation searching, websites, organisations) whose
      group holds no database record skip title/abstract screening and enter the
      right-hand column at "reports sought for retrieval".
    - A pending decision is neither excluded nor passed: it waits in
      ``awaiting_screening`` / ``awaiting_full_text``, and "reports assessed" counts
      only reports with a full-text decision.
    - Updated review: included reports whose duplicate group an earlier run found
      (``search_id`` in ``included.tsv``) are the previous version's
      (``previous_reports``; ``previous_studies`` their studies). ``new_studies``
      counts studies with no report in the previous version, so a new report of a
      known study adds to ``new_reports`` but not to ``new_studies``.
    """
    latest = search_order[-1]
    rows: list[dict] = []
    placed = _group_first_search(records, groups, search_order)
    placed = placed.assign(_kind=[_kind_and_name(sources, slug)[0] for slug in placed["source"]])
    new_records = placed[placed["search_id"] == latest]
    latest_rank = len(search_order) - 1
    searched = {_kind_and_name(sources, slug)[0] for slug in sources} | set(placed["_kind"])
    has_other = bool(searched & set(OTHER_KINDS)) or bool((full_text["route"] == "other").any())

    new_included = included[included["search_id"] == latest]
    previous_included = included[included["search_id"] != latest]
    previous_studies = set(previous_included["study"])
    if len(search_order) > 1:
        rows += _rows("previous_studies", len(previous_studies))
        rows += _rows("previous_reports", len(previous_included))

    for kind, box in IDENTIFICATION_BOXES.items():
        found = new_records[new_records["_kind"] == kind]
        if kind in LEFT_KINDS or kind in searched:
            rows += _rows(box, len(found), _per_name(found, sources))

    left = new_records[new_records["_kind"].isin(LEFT_KINDS)]
    new_left_groups = left.loc[left["_first"] == latest_rank, "_group"].nunique()
    rows += _rows("duplicates", len(left) - new_left_groups)
    rows += _rows("excluded_automatic", 0)
    rows += _rows("excluded_other", 0)

    screened = title_abstract[title_abstract["search_id"] == latest]
    earlier_screened = title_abstract[title_abstract["search_id"] != latest]
    rows += _rows("records_screened", len(screened))
    rows += _rows("records_excluded", int((screened["decision"] == "exclude").sum()))
    waiting = {
        WAITING_LEFT: int((screened["decision"] == "pending").sum()),
        WAITING_PREVIOUS: int((earlier_screened["decision"] == "pending").sum()),
    }
    rows += _rows("awaiting_screening", sum(waiting.values()), _awaiting(waiting))

    current = full_text[full_text["search_id"] == latest]
    waiting = {}
    for route, prefix, label in (
        ("database", "dbr", WAITING_LEFT),
        ("other", "other", WAITING_OTHER),
    ):
        reports = current[current["route"] == route]
        if route == "other":
            if not has_other:
                continue
            _check_other_route(reports, placed, latest_rank)
        excluded = reports[reports["decision"] == "exclude"]
        pending = int((reports["decision"] == "pending").sum())
        not_retrieved = int((reports["decision"] == "not_retrieved").sum())
        waiting[label] = pending
        rows += _rows(f"{prefix}_sought_reports", len(reports))
        rows += _rows(f"{prefix}_notretrieved_reports", not_retrieved)
        rows += _rows(f"{prefix}_assessed", len(reports) - not_retrieved - pending)
        rows += _rows(f"{prefix}_excluded", len(excluded), _by_reason(excluded, reasons))
    earlier = full_text[full_text["search_id"] != latest]
    waiting[WAITING_PREVIOUS] = int((earlier["decision"] == "pending").sum())
    rows += _rows("awaiting_full_text", sum(waiting.values()), _awaiting(waiting))

    _check_included(included, full_text)
    rows += _rows("new_studies", len(set(new_included["study"]) - previous_studies))
    rows += _rows("new_reports", len(new_included))
    rows += _rows("total_studies", included["study"].nunique())
    rows += _rows("total_reports", len(included))
    return _in_box_order(pd.DataFrame(rows, columns=["box", "detail", "count"]))


def _in_box_order(counts: pd.DataFrame) -> pd.DataFrame:
    order = {box: index for index, box in enumerate(BOX_ORDER)}
    counts = counts.assign(_order=counts["box"].map(order)).sort_values("_order", kind="mergesort")
    return counts.drop(columns="_order").reset_index(drop=True)


def _check_other_route(reports: pd.DataFrame, placed: pd.DataFrame, latest_rank: int) -> None:
    """The other-methods groups of the latest run are the ones the full-text log holds."""
    first_new = placed[placed["_first"] == latest_rank]
    kinds = first_new.groupby("_group")["_kind"].agg(lambda kind: set(kind) <= set(OTHER_KINDS))
    expected = int(kinds.sum())
    if len(reports) != expected:
        raise ReconciliationError(
            "PRISMA counts do not reconcile: other_sought_reports = "
            f"{len(reports):,} (other-route rows of full_text.tsv) but groups.tsv has "
            f"{expected:,} new group(s) found only by other methods"
        )


def _check_included(included: pd.DataFrame, full_text: pd.DataFrame) -> None:
    """included.tsv lists exactly the reports the full-text log includes."""
    in_log = int((full_text["decision"] == "include").sum())
    if len(included) != in_log:
        raise ReconciliationError(
            f"PRISMA counts do not reconcile: included.tsv lists {len(included):,} report(s) "
            f"but full_text.tsv includes {in_log:,}"
        )


def box_totals(counts: pd.DataFrame) -> dict[str, int]:
    """Box name -> total (the row with an empty detail)."""
    totals = counts[counts["detail"] == ""]
    return dict(zip(totals["box"], totals["count"].astype(int), strict=True))


def box_details(counts: pd.DataFrame, box: str) -> dict[str, int]:
    """Detail -> count of one box's breakdown rows, in table order."""
    rows = counts[(counts["box"] == box) & (counts["detail"] != "")]
    return dict(zip(rows["detail"], rows["count"].astype(int), strict=True))


def reconcile_counts(counts: pd.DataFrame) -> None:
    """Fail with the two numbers that disagree if any PRISMA identity does not hold.

    Notes
    -----
    Checked, for the latest search run (Page et al. 2021, flow of the diagram):

    - every box's detail rows sum to its total; no count is negative;
    - identified (databases + registers) - duplicates - automation - other removed =
      records screened;
    - screened - excluded - awaiting screening = reports sought (databases/registers);
    - sought - not retrieved - awaiting full text = assessed (each column);
    - assessed - excluded, summed over both columns = reports of new included studies;
    - previous + new = total, for reports and for studies; studies <= reports.

    The boxes come from different files (see the module docstring), so these
    identities are checks of the files against each other.
    """
    total = box_totals(counts)

    def get(box: str) -> int:
        return total.get(box, 0)

    def waiting(box: str, detail: str) -> int:
        return box_details(counts, box).get(detail, 0)

    for row in counts.itertuples():
        if row.count < 0:
            _fail(f"{row.box} {row.detail}".strip(), int(row.count), "at least", 0)
    for box in counts.loc[counts["detail"] != "", "box"].unique():
        _equal(
            f"{box} (total)",
            get(box),
            f"the sum of its {box} details",
            sum(box_details(counts, box).values()),
        )
    identified = get("database_results") + get("register_results")
    removed = (get("duplicates"), get("excluded_automatic"), get("excluded_other"))
    _equal(
        "records_screened",
        get("records_screened"),
        f"identified - duplicates - automation - other removed "
        f"({identified:,} - {removed[0]:,} - {removed[1]:,} - {removed[2]:,})",
        identified - sum(removed),
    )
    _equal(
        "dbr_sought_reports",
        get("dbr_sought_reports"),
        "records_screened - records_excluded - awaiting screening "
        f"({get('records_screened'):,} - {get('records_excluded'):,} - "
        f"{waiting('awaiting_screening', WAITING_LEFT):,})",
        get("records_screened")
        - get("records_excluded")
        - waiting("awaiting_screening", WAITING_LEFT),
    )
    included = 0
    for prefix, label in (("dbr", WAITING_LEFT), ("other", WAITING_OTHER)):
        if f"{prefix}_sought_reports" not in total:
            continue
        sought = get(f"{prefix}_sought_reports")
        missing = get(f"{prefix}_notretrieved_reports")
        pending = waiting("awaiting_full_text", label)
        _equal(
            f"{prefix}_assessed",
            get(f"{prefix}_assessed"),
            f"{prefix}_sought_reports - {prefix}_notretrieved_reports - awaiting full text "
            f"({sought:,} - {missing:,} - {pending:,})",
            sought - missing - pending,
        )
        included += get(f"{prefix}_assessed") - get(f"{prefix}_excluded")
    _equal("new_reports", get("new_reports"), "reports assessed - reports excluded", included)
    for kind in ("reports", "studies"):
        _equal(
            f"total_{kind}",
            get(f"total_{kind}"),
            f"previous_{kind} + new_{kind} ({get(f'previous_{kind}'):,} + {get(f'new_{kind}'):,})",
            get(f"previous_{kind}") + get(f"new_{kind}"),
        )
    for prefix in ("new", "total"):
        studies, reports = get(f"{prefix}_studies"), get(f"{prefix}_reports")
        if studies > reports:
            _fail(f"{prefix}_studies", studies, f"at most {prefix}_reports", reports)


def _equal(name: str, value: int, other_name: str, other_value: int) -> None:
    if value != other_value:
        _fail(name, value, other_name, other_value)


def _fail(name: str, value: int, other_name: str, other_value: int) -> None:
    raise ReconciliationError(
        f"PRISMA counts do not reconcile: {name} = {value:,} but {other_name} = {other_value:,}"
    )


# The PRISMA2020 package's template: (data, node, box, boxtext). Page et al. 2021 wording.
TEMPLATE_ROWS = (
    ("NA", "node4", "prevstud", "Previous studies"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review"),
    ("NA", "node6", "newstud", "Identification of new studies via databases and registers"),
    ("database_results", "node7", "box2", "Databases"),
    ("database_specific_results", "NA", "box2", "Databases"),
    ("register_results", "NA", "box2", "Registers"),
    ("register_specific_results", "NA", "box2", "Registers"),
    ("NA", "node16", "othstud", "Identification of new studies via other methods"),
    ("website_results", "node17", "box11", "Websites"),
    ("organisation_results", "NA", "box11", "Organisations"),
    ("citations_results", "NA", "box11", "Citation searching"),
    ("duplicates", "node8", "box3", "Duplicate records"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons"),
    ("records_screened", "node9", "box4", "Records screened"),
    ("records_excluded", "node10", "box5", "Records excluded"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility"),
    ("dbr_excluded", "node14", "box9", "Reports excluded"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility"),
    ("other_excluded", "node21", "box15", "Reports excluded"),
    ("new_studies", "node15", "box10", "New studies included in review"),
    ("new_reports", "NA", "box10", "Reports of new included studies"),
    ("total_studies", "node22", "box16", "Total studies included in review"),
    ("total_reports", "NA", "box16", "Reports of total included studies"),
    ("identification", "node1", "identification", "Identification"),
    ("screening", "node2", "screening", "Screening"),
    ("included", "node3", "included", "Included"),
)
TEMPLATE_COLUMNS = ["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"]
SPECIFIC = {
    "database_specific_results": "database_results",
    "register_specific_results": "register_results",
}
LISTED = ("dbr_excluded", "other_excluded")
NEW_REVIEW_TEXT = {
    "new_studies": "Studies included in review",
    "new_reports": "Reports of included studies",
}


def _package_name(text: str) -> str:
    """The package splits ``name, n; name, n`` at ';' and the first ','."""
    return text.replace(";", " -").replace(",", " -")


def _listing(details: Mapping[str, int]) -> str:
    return "; ".join(f"{_package_name(name)}, {count}" for name, count in details.items())


def to_prisma2020_csv(counts: pd.DataFrame) -> str:
    """The counts as the PRISMA2020 package's template CSV (text, no byte-order mark).

    Notes
    -----
    Rows and the columns ``data, node, box, description, boxtext, tooltips, url, n``
    follow the package's ``inst/extdata/PRISMA.csv``, so ``PRISMA_data(read.csv(...))``
    and the Shiny app read it: ``NA`` where the template has NA, numbers without
    thousands separators, the per-database breakdown in ``database_specific_results``
    and exclusion reasons as ``reason, n; reason, n`` (commas and semicolons in a name
    become " -", the package's separators). Boxes this review has no count for are
    0; ``awaiting_*`` boxes are ours and left out. No byte-order mark: R's
    ``read.csv`` would otherwise misname the first column.
    """
    total = box_totals(counts)
    updated = "previous_studies" in total
    rows = []
    for data, node, box, boxtext in TEMPLATE_ROWS:
        if not updated:
            boxtext = NEW_REVIEW_TEXT.get(data, boxtext).replace("new studies", "studies")
        if data in SPECIFIC:
            value = _listing(box_details(counts, SPECIFIC[data]))
        elif data in LISTED:
            details = box_details(counts, data)
            value = _listing(details) if details else str(total.get(data, 0))
        else:
            value = str(total.get(data, 0))
        rows.append(
            {
                "data": data,
                "node": node,
                "box": box,
                "description": boxtext,
                "boxtext": boxtext,
                "tooltips": boxtext if node != "NA" else "NA",
                "url": "NA",
                "n": value,
            }
        )
    return pd.DataFrame(rows, columns=TEMPLATE_COLUMNS).to_csv(index=False, lineterminator="\n")
