"""Title/abstract and full-text screening logs from reviewers' decision files.

Every row of a stage log is one duplicate group (``record_id`` = its ``group_id``). A
decision on any member record counts for the group, so decisions carry forward by
record_id when a search update adds members to a group, and a group that is new in
the update waits for its reviewers. The workflow only reads decision files; all it
derives is written to the stage logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from reviewflow.errors import DecisionError
from reviewflow.sheets import screening_sheet

logger = logging.getLogger(__name__)

Stage = Literal["title_abstract", "full_text"]
ConflictOn = Literal["", "decision", "reason", "study"]

ALLOWED: dict[str, tuple[str, ...]] = {
    "title_abstract": ("include", "exclude", "maybe"),
    "full_text": ("include", "exclude", "not_retrieved"),
}
PASSES = frozenset({"include", "maybe"})
"""Title/abstract: reviewers who both pass a record on (include or maybe) agree."""
STAGE_NAMES = {"title_abstract": "title/abstract", "full_text": "full-text"}
REVIEWER_NAME = re.compile(r"^[^=;:]+$")
"""Reviewer names are written as ``name=decision`` in the log: no '=', ';' or ':'."""
DECIDED_BY_RESOLUTION = "resolution"
DECIDED_BY_AGREEMENT = "agreement"
DECIDED_BY_SINGLE = "single reviewer"


@dataclass(frozen=True)
class Decision:
    """One row of a decision file, mapped to its duplicate group."""

    reviewer: str
    group_id: str
    record_id: str
    decision: str
    reason: str
    study: str
    path: str
    line: int

    def outcome(self, stage: Stage) -> tuple[str, ...]:
        """What two decisions must share to agree (title/abstract reasons are notes)."""
        if stage == "title_abstract":
            return (self.decision,)
        return (self.decision, self.reason, self.study)

    def label(self) -> str:
        """``A=exclude:wrong population`` as the log's ``decisions`` column shows it."""
        detail = self.reason or self.study
        return f"{self.reviewer}={self.decision}" + (f":{detail}" if detail else "")


@dataclass(frozen=True)
class StageResult:
    """The title/abstract log (``STAGE_LOG``) and the sheet for reviewers to fill."""

    log: pd.DataFrame
    sheet: pd.DataFrame


@dataclass(frozen=True)
class FullTextResult:
    """The full-text log (``STAGE_LOG``), included reports (``INCLUDED``) and sheet."""

    log: pd.DataFrame
    included: pd.DataFrame
    sheet: pd.DataFrame


@dataclass(frozen=True)
class Verdict:
    """What a group's decisions add up to, before resolutions and missing reviewers."""

    decision: str
    reason: str
    study: str
    conflict_on: ConflictOn


def route_of(sources: str, other_sources: Sequence[str]) -> str:
    """'database' if any member came from a search export, else 'other'.

    Notes
    -----
    PRISMA 2020 counts records from other methods (citation searching, registers,
    websites) on their own route; they skip title/abstract screening.
    """
    members = [source for source in sources.split("; ") if source]
    if members and all(source in other_sources for source in members):
        return "other"
    return "database"


def read_decisions(
    frame: pd.DataFrame,
    group_of: Mapping[str, str],
    stage: Stage,
    reasons: Sequence[str] = (),
) -> list[Decision]:
    """Validate one decision file (``DECISIONS``, index = file line) row by row.

    The reviewer is the row's ``reviewer`` cell, or else the file's stem. Raises
    ``DecisionError`` naming file and line for an unknown record_id, an unknown
    decision, a full-text exclusion without a configured reason, or a full-text
    inclusion without a study.
    """
    path = str(frame.attrs.get("path", ""))
    stem = Path(path).stem if path else "reviewer"
    allowed = ALLOWED[stage]
    decisions = []
    for index, row in frame.iterrows():
        line = int(str(index))
        record_id = row["record_id"]
        value = row["decision"].strip().lower()
        reason = " ".join(row.get("reason", "").split())
        study = " ".join(row.get("study", "").split())
        reviewer = row.get("reviewer", "").strip() or stem

        def fail(problem: str, fix: str, column: str | None, at: int = line) -> DecisionError:
            return DecisionError(path, at, problem, fix, column=column)

        if record_id not in group_of:
            raise fail(
                f"unknown record_id '{record_id}'",
                "copy record_ids from results/screening/to_screen_*.csv",
                "record_id",
            )
        if value not in allowed:
            raise fail(
                f"decision '{row['decision']}' is not {'/'.join(allowed)}",
                "fix the spelling",
                "decision",
            )
        if not REVIEWER_NAME.match(reviewer):
            raise fail(
                f"reviewer name '{reviewer}' contains '=', ';' or ':'",
                "use initials or a plain name",
                "reviewer",
            )
        if stage == "full_text" and value == "exclude" and reason not in reasons:
            raise fail(
                f"reason '{reason}' is not one of the configured reasons ({', '.join(reasons)})",
                "use a reason listed under screening.full_text.reasons",
                "reason",
            )
        if stage == "full_text" and value == "include" and not study:
            raise fail(
                "an included report needs a study",
                "name the study it reports, e.g. KEYNOTE-590",
                "study",
            )
        decisions.append(
            Decision(
                reviewer=reviewer,
                group_id=group_of[record_id],
                record_id=record_id,
                decision=value,
                reason=reason if value == "exclude" else "",
                study=study if value == "include" else "",
                path=path,
                line=line,
            )
        )
    return decisions


def _contradiction(earlier: Decision, later: Decision, who: str) -> DecisionError:
    via = (
        ""
        if earlier.record_id == later.record_id
        else f" (via member records {earlier.record_id} and {later.record_id})"
    )
    where = (
        f"line {earlier.line}" if earlier.path == later.path else f"{earlier.path}:{earlier.line}"
    )
    return DecisionError(
        later.path,
        later.line,
        f"{who} decided group {earlier.group_id} twice{via}: "
        f"'{earlier.label().partition('=')[2]}' on {where} and "
        f"'{later.label().partition('=')[2]}' here",
        "keep one decision per record (duplicates count as one record)",
    )


def collect_decisions(
    files: Sequence[pd.DataFrame],
    group_of: Mapping[str, str],
    stage: Stage,
    reasons: Sequence[str] = (),
) -> dict[str, dict[str, Decision]]:
    """group_id -> reviewer -> decision, across every reviewer's file.

    A reviewer repeating the same decision (e.g. on two members of one group) is
    fine; two different decisions by one reviewer for one group raise
    ``DecisionError`` at the later row.
    """
    by_group: dict[str, dict[str, Decision]] = {}
    for frame in files:
        for decision in read_decisions(frame, group_of, stage, reasons):
            given = by_group.setdefault(decision.group_id, {})
            earlier = given.get(decision.reviewer)
            if earlier is None:
                given[decision.reviewer] = decision
            elif earlier.outcome(stage) != decision.outcome(stage):
                raise _contradiction(earlier, decision, f"reviewer {decision.reviewer}")
    return by_group


def collect_resolutions(
    frame: pd.DataFrame | None,
    group_of: Mapping[str, str],
    stage: Stage,
    reasons: Sequence[str] = (),
) -> dict[str, Decision]:
    """group_id -> the resolution file's decision, which is final."""
    resolved: dict[str, Decision] = {}
    if frame is None:
        return resolved
    for decision in read_decisions(frame, group_of, stage, reasons):
        earlier = resolved.setdefault(decision.group_id, decision)
        if earlier.outcome(stage) != decision.outcome(stage):
            raise _contradiction(earlier, decision, "the resolution file")
    return resolved


def expected_reviewers(files: Sequence[pd.DataFrame]) -> list[str]:
    """Every reviewer named in the files; the file stem stands for an empty file."""
    names: set[str] = set()
    for frame in files:
        stem = Path(str(frame.attrs.get("path", "reviewer"))).stem
        named = {cell.strip() or stem for cell in frame["reviewer"]}
        names |= named or {stem}
    return sorted(names)


def judge(stage: Stage, decisions: Sequence[Decision]) -> Verdict:
    """What reviewers' decisions on one group add up to.

    Notes
    -----
    Title/abstract: include and maybe both pass a record on, so include + maybe and
    maybe + maybe agree on include; exclude against include or maybe is a conflict.
    Full text: reviewers must agree on the decision, on the reason of an exclusion
    and on the study an included report belongs to; ``conflict_on`` names the first
    of these that differs.
    """
    if not decisions:
        return Verdict("pending", "", "", "")
    values = {d.decision for d in decisions}
    if stage == "title_abstract":
        if values <= PASSES:
            return Verdict("include", "", "", "")
        if values == {"exclude"}:
            reasons = sorted({d.reason for d in decisions if d.reason})
            return Verdict("exclude", "; ".join(reasons), "", "")
        return Verdict("pending", "", "", "decision")
    first = decisions[0]
    if len(values) > 1:
        conflict: ConflictOn = "decision"
    elif len({d.reason for d in decisions}) > 1:
        conflict = "reason"
    elif len({d.study for d in decisions}) > 1:
        conflict = "study"
    else:
        return Verdict(first.decision, first.reason, first.study, "")
    return Verdict("pending", "", "", conflict)


def _final_value(stage: Stage, decision: str) -> str:
    return "include" if stage == "title_abstract" and decision == "maybe" else decision


def stage_log(
    entering: pd.DataFrame,
    stage: Stage,
    decisions: Mapping[str, Mapping[str, Decision]],
    resolutions: Mapping[str, Decision],
    reviewers: Sequence[str],
) -> pd.DataFrame:
    """One ``STAGE_LOG`` row per entering group: decisions, conflict and final fate."""
    single = len(reviewers) == 1
    rows = []
    for group in entering.itertuples(index=False):
        by_reviewer = decisions.get(group.group_id, {})
        given = [by_reviewer[name] for name in sorted(by_reviewer)]
        verdict = judge(stage, given)
        missing = [name for name in reviewers if name not in {d.reviewer for d in given}]
        resolution = resolutions.get(group.group_id)
        decided_by, waiting_for = "", ""
        final = Verdict("pending", "", "", "")
        if resolution is not None:
            final = Verdict(resolution.decision, resolution.reason, resolution.study, "")
            decided_by = DECIDED_BY_RESOLUTION
        elif single and given:
            final = Verdict(given[0].decision, given[0].reason, given[0].study, "")
            decided_by = DECIDED_BY_SINGLE
        elif given and not missing and not verdict.conflict_on:
            final, decided_by = verdict, DECIDED_BY_AGREEMENT
        elif verdict.conflict_on:
            waiting_for = "resolution"
        else:
            waiting_for = ", ".join(f"reviewer {name}" for name in missing) or "a reviewer"
        rows.append(
            {
                "record_id": group.group_id,
                "search_id": group.search_id,
                "route": group.route,
                "sources": group.sources,
                "title": group.title,
                "year": group.year,
                "decisions": "; ".join(d.label() for d in given),
                "conflict": "true" if verdict.conflict_on else "false",
                "resolution": resolution.decision if resolution else "",
                "decision": _final_value(stage, final.decision),
                "reason": final.reason,
                "decided_by": decided_by,
                "study": final.study,
                "conflict_on": verdict.conflict_on,
                "waiting_for": waiting_for,
                "record_ids": group.record_ids,
            }
        )
    log = pd.DataFrame(rows, columns=STAGE_COLUMNS)
    counts = log["decision"].value_counts().sort_index()
    logger.info(
        "%s: %d groups (%s); %d conflicts",
        stage,
        len(log),
        ", ".join(f"{value} {count}" for value, count in counts.items()),
        int((log["conflict"] == "true").sum()),
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
    "conflict_on",
    "waiting_for",
    "record_ids",
)


def _with_routes(unique: pd.DataFrame, other_sources: Sequence[str]) -> pd.DataFrame:
    routes = [route_of(sources, other_sources) for sources in unique["sources"]]
    return unique.assign(route=routes)


def _group_lookup(groups: pd.DataFrame) -> dict[str, str]:
    return dict(zip(groups["record_id"], groups["group_id"], strict=True))


def _check_entered(
    stage: Stage,
    decisions: Mapping[str, Mapping[str, Decision]],
    resolutions: Mapping[str, Decision],
    entered: set[str],
    why: Mapping[str, str],
) -> None:
    """Every decision names a group that entered the stage; the first stray one raises."""
    stray = [
        decision
        for given in decisions.values()
        for decision in given.values()
        if decision.group_id not in entered
    ] + [decision for decision in resolutions.values() if decision.group_id not in entered]
    if not stray:
        return
    first = min(stray, key=lambda d: (d.path, d.line))
    if stage == "title_abstract":
        raise DecisionError(
            first.path,
            first.line,
            f"group {first.group_id} did not enter title/abstract screening "
            "(it comes from other sources, which go straight to full text)",
            "decide it in the full-text files instead",
        )
    raise DecisionError(
        first.path,
        first.line,
        f"full-text decision for group {first.group_id}, which is "
        f"'{why.get(first.group_id, 'not screened')}' at title/abstract",
        "only records included at title/abstract (or from other sources) reach full text",
    )


def screen_title_abstract(
    unique: pd.DataFrame,
    groups: pd.DataFrame,
    decisions: Sequence[pd.DataFrame],
    resolutions: pd.DataFrame | None,
    other_sources: Sequence[str] = (),
    search_order: Sequence[str] = (),
) -> StageResult:
    """The title/abstract log: every database-route group, its decisions and fate.

    Parameters
    ----------
    unique, groups
        ``UNIQUE`` and ``GROUPS`` from deduplication.
    decisions
        One ``DECISIONS`` frame per reviewer file (index = file line, attrs["path"]).
    resolutions
        The resolution file, whose decision is final, or None.
    other_sources
        Sources of other methods (their records skip this stage).
    search_order
        Search ids, oldest first: the sheet lists the newest search first.
    """
    group_of = _group_lookup(groups)
    entering = _with_routes(unique, other_sources)
    entering = entering[entering["route"] == "database"]
    given = collect_decisions(decisions, group_of, "title_abstract")
    resolved = collect_resolutions(resolutions, group_of, "title_abstract")
    _check_entered("title_abstract", given, resolved, set(entering["group_id"]), {})
    log = stage_log(entering, "title_abstract", given, resolved, expected_reviewers(decisions))
    return StageResult(log=log, sheet=screening_sheet(log, unique, "title_abstract", search_order))


def screen_full_text(
    title_abstract: pd.DataFrame,
    unique: pd.DataFrame,
    groups: pd.DataFrame,
    decisions: Sequence[pd.DataFrame],
    resolutions: pd.DataFrame | None,
    reasons: Sequence[str],
    other_sources: Sequence[str] = (),
    search_order: Sequence[str] = (),
) -> FullTextResult:
    """The full-text log: groups included at title/abstract plus other-route groups.

    ``title_abstract`` is that stage's log. ``reasons`` lists the exclusion reasons a
    full-text exclusion may give. Included reports are grouped into studies by the
    ``study`` their decision names.
    """
    group_of = _group_lookup(groups)
    entering = _with_routes(unique, other_sources)
    passed = set(title_abstract.loc[title_abstract["decision"] == "include", "record_id"])
    entering = entering[(entering["route"] == "other") | entering["group_id"].isin(passed)]
    given = collect_decisions(decisions, group_of, "full_text", reasons)
    resolved = collect_resolutions(resolutions, group_of, "full_text", reasons)
    ta_state = dict(zip(title_abstract["record_id"], title_abstract["decision"], strict=True))
    _check_entered("full_text", given, resolved, set(entering["group_id"]), ta_state)
    log = stage_log(entering, "full_text", given, resolved, expected_reviewers(decisions))
    return FullTextResult(
        log=log,
        included=included_reports(log, unique),
        sheet=screening_sheet(log, unique, "full_text", search_order),
    )


def included_reports(full_text: pd.DataFrame, unique: pd.DataFrame) -> pd.DataFrame:
    """``INCLUDED``: one row per included report (duplicate group) with its study."""
    included = full_text[full_text["decision"] == "include"]
    identifiers = unique.set_index("group_id")
    return pd.DataFrame(
        {
            "study": included["study"],
            "record_id": included["record_id"],
            "search_id": included["search_id"],
            "title": included["title"],
            "year": included["year"],
            "doi": included["record_id"].map(identifiers["doi"]),
            "pmid": included["record_id"].map(identifiers["pmid"]),
        }
    ).reset_index(drop=True)
