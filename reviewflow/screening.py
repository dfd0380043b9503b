"""Title/abstract and full-text screening logs from reviewers' decision files.

Every row of a stage log is one duplicate group (``record_id`` = its ``group_id``): a
decision on any member counts for the group, so decisions carry forward by record_id
when a search update adds members to a group. The workflow only reads decision
files; everything it derives is in the stage logs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reviewflow.errors import DecisionError

logger = logging.getLogger(__name__)

TA_DECISIONS = ("include", "exclude", "maybe")
FT_DECISIONS = ("include", "exclude", "not_retrieved")
PASSES = {"include", "maybe"}
"""Title/abstract: both reviewers passing a record on (include or maybe) agree."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Decision:
    reviewer: str
    group_id: str
    decision: str
    reason: str
    study: str
    path: str
    line: int


@dataclass(frozen=True)
class StageResult:
    """A stage log (``STAGE_LOG``) and the sheet for reviewers to fill."""

    log: pd.DataFrame
    sheet: pd.DataFrame


@dataclass(frozen=True)
class FullTextResult:
    log: pd.DataFrame
    included: pd.DataFrame
    sheet: pd.DataFrame


def group_lookup(groups: pd.DataFrame) -> dict[str, str]:
    """record_id -> group_id for every record."""
    return dict(zip(groups["record_id"], groups["group_id"], strict=True))


def route_of(sources: str, other_sources: Sequence[str]) -> str:
    """'other' when every member came from other methods (citations, websites, ...)."""
    members = [source for source in sources.split("; ") if source]
    return "other" if members and all(s in other_sources for s in members) else "database"


def read_decisions(
    frame: pd.DataFrame,
    lookup: dict[str, str],
    allowed: Sequence[str],
    stage: str,
    reasons: Sequence[str] = (),
) -> list[Decision]:
    """Validate one reviewer's file and return its decisions, one per group.

    Raises ``DecisionError`` naming the file and line of an unknown record, an unknown
    decision or reason, a full-text include without a study, or two different
    decisions by the same reviewer for one group (possibly via two member records).
    """
    path = frame.attrs.get("path", "")
    stem = Path(path).stem if path else "reviewer"
    decided: dict[str, Decision] = {}
    for line, row in frame.iterrows():
        line_number = int(line)  # type: ignore[arg-type]
        record_id, value = row["record_id"], row["decision"].strip().lower()
        if record_id not in lookup:
            raise DecisionError(
                path,
                line_number,
                f"unknown record_id '{record_id}'",
                "copy record_ids from results/screening/to_screen_*.csv",
                column="record_id",
            )
        if value not in allowed:
            raise DecisionError(
                path,
                line_number,
                f"decision '{row['decision']}' is not {'/'.join(allowed)}",
                "fix the spelling",
                column="decision",
            )
        reason, study = row.get("reason", "").strip(), row.get("study", "").strip()
        if stage == "full_text" and value == "exclude" and reason not in reasons:
            raise DecisionError(
                path,
                line_number,
                f"reason '{reason}' is not one of the configured reasons ({', '.join(reasons)})",
                "use a reason listed under screening.full_text.reasons",
                column="reason",
            )
        if stage == "full_text" and value == "include" and not study:
            raise DecisionError(
                path,
                line_number,
                "an included report needs a study",
                "name the study it reports, e.g. KEYNOTE-590",
                column="study",
            )
        reviewer = row.get("reviewer", "").strip() or stem
        decision = Decision(
            reviewer,
            lookup[record_id],
            value,
            reason if value == "exclude" else "",
            study if value == "include" else "",
            path,
            line_number,
        )
        key = f"{reviewer}\t{decision.group_id}"
        earlier = decided.get(key)
        if earlier and (earlier.decision, earlier.reason, earlier.study) != (
            decision.decision,
            decision.reason,
            decision.study,
        ):
            raise DecisionError(
                path,
                line_number,
                f"reviewer {reviewer} decided group {decision.group_id} twice: "
                f"'{earlier.decision}' on line {earlier.line} and '{decision.decision}' here",
                "keep one decision per record (duplicates count as one record)",
            )
        decided[key] = decision
    return list(decided.values())


def _label(decision: Decision) -> str:
    detail = decision.reason or decision.study
    return f"{decision.reviewer}={decision.decision}" + (f":{detail}" if detail else "")


def _agree(stage: str, decisions: list[Decision]) -> Decision | None:
    """The agreed decision, or None when reviewers conflict."""
    if stage == "title_abstract":
        values = {d.decision for d in decisions}
        if values <= PASSES:
            return Decision("", decisions[0].group_id, "include", "", "", "", 0)
        if values == {"exclude"}:
            return decisions[0]
        return None
    outcomes = {(d.decision, d.reason, d.study) for d in decisions}
    return decisions[0] if len(outcomes) == 1 else None


def _stage_log(
    entering: pd.DataFrame,
    stage: str,
    reviewer_decisions: list[list[Decision]],
    resolutions: list[Decision],
) -> pd.DataFrame:
    by_group: dict[str, list[Decision]] = {}
    for decisions in reviewer_decisions:
        for decision in decisions:
            by_group.setdefault(decision.group_id, []).append(decision)
    resolved = {decision.group_id: decision for decision in resolutions}
    reviewers = sorted({d.reviewer for decisions in reviewer_decisions for d in decisions})
    single = len(reviewer_decisions) == 1
    rows = []
    for group in entering.itertuples(index=False):
        decisions = sorted(by_group.get(group.group_id, []), key=lambda d: d.reviewer)
        agreed = _agree(stage, decisions) if decisions else None
        complete = len(decisions) == len(reviewer_decisions) and bool(decisions)
        conflict = complete and agreed is None and not single
        resolution = resolved.get(group.group_id)
        if resolution is not None:
            final, decided_by = resolution, "resolution"
        elif single and decisions:
            final, decided_by = decisions[0], "single reviewer"
        elif complete and agreed is not None:
            final, decided_by = agreed, "agreement"
        else:
            final, decided_by = None, ""
        value = final.decision if final else "pending"
        if stage == "title_abstract" and value == "maybe":
            value = "include"
        rows.append(
            {
                "record_id": group.group_id,
                "search_id": group.search_id,
                "route": group.route,
                "sources": group.sources,
                "title": group.title,
                "year": group.year,
                "decisions": "; ".join(_label(d) for d in decisions),
                "conflict": "true" if conflict else "false",
                "resolution": resolution.decision if resolution else "",
                "decision": value,
                "reason": final.reason if final else "",
                "decided_by": decided_by,
                "study": final.study if final else "",
                "_waiting": _waiting_for(decisions, reviewers, conflict, single),
            }
        )
    log = pd.DataFrame(rows, columns=[*STAGE_COLUMNS, "_waiting"])
    logger.info(
        "%s: %d groups; %s",
        stage,
        len(log),
        ", ".join(f"{k} {v}" for k, v in log["decision"].value_counts().items()),
    )
    return log


STAGE_COLUMNS = (
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
)


def _waiting_for(
    decisions: list[Decision], reviewers: list[str], conflict: bool, single: bool
) -> str:
    if conflict:
        return "resolution"
    done = {d.reviewer for d in decisions}
    missing = [name for name in reviewers if name not in done]
    if single and not decisions:
        return "a decision"
    return ", ".join(f"reviewer {name}" for name in missing) or "a decision"


def _check_resolution_targets(resolutions: list[Decision], log: pd.DataFrame, stage: str) -> None:
    known = set(log["record_id"])
    for decision in resolutions:
        if decision.group_id not in known:
            raise DecisionError(
                decision.path,
                decision.line,
                f"group {decision.group_id} did not enter {stage.replace('_', '/')} screening",
                "remove the row, or check the record_id",
            )


def _entering(unique: pd.DataFrame, other_sources: Sequence[str]) -> pd.DataFrame:
    return unique.assign(route=[route_of(sources, other_sources) for sources in unique["sources"]])


def screen_title_abstract(
    unique: pd.DataFrame,
    groups: pd.DataFrame,
    decisions: Sequence[pd.DataFrame],
    resolutions: pd.DataFrame | None,
    other_sources: Sequence[str] = (),
) -> StageResult:
    """The title/abstract log: every database-route group, its decisions and fate."""
    lookup = group_lookup(groups)
    entering = _entering(unique, other_sources)
    entering = entering[entering["route"] == "database"]
    reviewer_decisions = [
        read_decisions(f, lookup, TA_DECISIONS, "title_abstract") for f in decisions
    ]
    settled = (
        read_decisions(resolutions, lookup, TA_DECISIONS, "title_abstract")
        if resolutions is not None
        else []
    )
    for decisions_of_reviewer in reviewer_decisions:
        _check_entered(decisions_of_reviewer, set(entering["group_id"]), "title_abstract")
    log = _stage_log(entering, "title_abstract", reviewer_decisions, settled)
    _check_resolution_targets(settled, log, "title_abstract")
    return StageResult(
        log=log.drop(columns="_waiting"), sheet=screening_sheet(log, unique, "title_abstract")
    )


def _check_entered(decisions: list[Decision], entered: set[str], stage: str) -> None:
    for decision in decisions:
        if decision.group_id not in entered:
            raise DecisionError(
                decision.path,
                decision.line,
                f"group {decision.group_id} did not enter {stage.replace('_', '/')} screening "
                "(it comes from other sources, which go straight to full text)",
                "decide it in the full-text files instead",
            )


def screen_full_text(
    title_abstract: pd.DataFrame,
    unique: pd.DataFrame,
    groups: pd.DataFrame,
    decisions: Sequence[pd.DataFrame],
    resolutions: pd.DataFrame | None,
    reasons: Sequence[str],
    other_sources: Sequence[str] = (),
) -> FullTextResult:
    """The full-text log: groups passed at title/abstract plus other-route groups."""
    lookup = group_lookup(groups)
    entering = _entering(unique, other_sources)
    passed = set(title_abstract.loc[title_abstract["decision"] == "include", "record_id"])
    entering = entering[(entering["route"] == "other") | entering["group_id"].isin(passed)]
    ta_decision = dict(zip(title_abstract["record_id"], title_abstract["decision"], strict=True))
    reviewer_decisions = [
        read_decisions(f, lookup, FT_DECISIONS, "full_text", reasons) for f in decisions
    ]
    settled = (
        read_decisions(resolutions, lookup, FT_DECISIONS, "full_text", reasons)
        if resolutions is not None
        else []
    )
    entered = set(entering["group_id"])
    for decision in [d for ds in reviewer_decisions for d in ds] + settled:
        if decision.group_id not in entered:
            state = ta_decision.get(decision.group_id, "not screened")
            raise DecisionError(
                decision.path,
                decision.line,
                f"full-text decision for group {decision.group_id}, which is '{state}' at "
                "title/abstract",
                "only records included at title/abstract reach full text",
            )
    log = _stage_log(entering, "full_text", reviewer_decisions, settled)
    included = log[log["decision"] == "include"].merge(
        unique[["group_id", "doi", "pmid"]], left_on="record_id", right_on="group_id"
    )[["study", "record_id", "search_id", "title", "year", "doi", "pmid"]]
    return FullTextResult(
        log=log.drop(columns="_waiting"),
        included=included,
        sheet=screening_sheet(log, unique, "full_text"),
    )


def neutralise_formula(value: str) -> str:
    """Prefix cells a spreadsheet would run as a formula with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def screening_sheet(log: pd.DataFrame, unique: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Rows for reviewers: pending first, newest search first, formula cells defused."""
    details = unique.set_index("group_id")
    sheet = pd.DataFrame(
        {
            "record_id": log["record_id"],
            "status": log["decision"],
            "waiting_for": log["_waiting"].where(log["decision"] == "pending", ""),
            "search_id": log["search_id"],
            "title": log["title"],
            "abstract": log["record_id"].map(details["abstract"]),
            "journal": log["record_id"].map(details["journal"]),
            "year": log["year"],
            "doi_link": log["record_id"]
            .map(details["doi"])
            .map(lambda doi: f"https://doi.org/{doi}" if doi else ""),
            "decision": "",
            "reason": "",
            "reviewer": "",
            "date": "",
            "note": "",
        }
    )
    if stage == "full_text":
        sheet["study"] = ""
    sheet = sheet.assign(_pending=sheet["status"] != "pending").sort_values(
        ["_pending", "search_id", "record_id"], ascending=[True, False, True], kind="mergesort"
    )
    sheet = sheet.drop(columns="_pending").reset_index(drop=True)
    return sheet.map(
        lambda value: neutralise_formula(str(value)) if isinstance(value, str) else value
    )
