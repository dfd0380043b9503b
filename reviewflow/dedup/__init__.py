"""Deduplication across databases: prep -> block -> match -> cluster -> merge.

``match_rule`` in ``groups.tsv`` and ``log.tsv`` says why a record joined its group:
``doi``, ``pmid``, ``accession`` (the same record twice in one database),
``title_year_page`` (exact normalised title, year and first page), ``fuzzy``
(rapidfuzz title similarity with agreeing evidence), ``override`` (a person said so);
the group's representative has ``representative`` and a record alone ``unique``.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from reviewflow.dedup.block import candidate_pairs
from reviewflow.dedup.cluster import DisjointSets, cluster_pairs
from reviewflow.dedup.match import PairVerdict, Thresholds, compare_pair, exact_pairs
from reviewflow.dedup.merge import merge_groups
from reviewflow.dedup.prep import prepare_records
from reviewflow.errors import InputTableError

logger = logging.getLogger(__name__)

DedupSettings = Thresholds
YES = {"yes", "y", "true", "1", "same"}
NO = {"no", "n", "false", "0", "different"}


@dataclass(frozen=True)
class Deduplication:
    """Frames of the GROUPS, UNIQUE, DEDUP_REVIEW and DEDUP_LOG tables."""

    groups: pd.DataFrame
    unique: pd.DataFrame
    review: pd.DataFrame
    merges: pd.DataFrame


def _ordered(records: pd.DataFrame, search_order: Sequence[str]) -> pd.DataFrame:
    rank = {search: index for index, search in enumerate(search_order)}
    ordered = records.assign(_rank=records["search_id"].map(rank).fillna(len(rank)))
    return ordered.sort_values(["_rank", "record_id"], kind="mergesort").reset_index(drop=True)


def _read_overrides(
    overrides: pd.DataFrame | None, position: dict[str, int]
) -> tuple[list[PairVerdict], set[frozenset[int]]]:
    same, apart = [], set()
    if overrides is None:
        return same, apart
    path = overrides.attrs.get("path")
    for line, row in overrides.iterrows():
        for column in ("record_id_a", "record_id_b"):
            if row[column] not in position:
                raise InputTableError(
                    path,
                    int(line),
                    f"unknown record_id '{row[column]}'",
                    "use a record_id from results/dedup/review.tsv",
                    column=column,
                )
        a, b = position[row["record_id_a"]], position[row["record_id_b"]]
        answer = row["same"].strip().lower()
        if answer in YES:
            same.append(PairVerdict(min(a, b), max(a, b), "same", "override", 1.0, row["note"]))
        elif answer in NO:
            apart.add(frozenset((a, b)))
        else:
            raise InputTableError(
                path,
                int(line),
                f"'{row['same']}' is not yes or no",
                "write yes or no",
                column="same",
            )
    return same, apart


def group_duplicates(
    records: pd.DataFrame,
    overrides: pd.DataFrame | None,
    search_order: Sequence[str],
    settings: DedupSettings | None = None,
) -> Deduplication:
    """Group the records of every search into duplicate groups.

    Notes
    -----
    Records are ordered by search (oldest first) then record_id, and union-find keeps
    the lowest position as root, so ``group_id`` is the member from the earliest search
    (ties: smallest record_id) and never changes when a later search adds members.
    """
    thresholds = settings or Thresholds()
    ordered = _ordered(records, search_order)
    prepared = prepare_records(ordered)
    position = {record_id: index for index, record_id in enumerate(ordered["record_id"])}
    forced, apart = _read_overrides(overrides, position)
    verdicts = exact_pairs(prepared)
    exact = {(v.a, v.b) for v in verdicts}
    for a, b in candidate_pairs(prepared):
        if (a, b) not in exact:
            verdict = compare_pair(prepared, a, b, thresholds)
            if verdict.verdict != "different":
                verdicts.append(verdict)
    verdicts += forced
    same = [v for v in verdicts if v.verdict == "same"]
    sets = cluster_pairs(len(ordered), [(v.a, v.b) for v in same], apart)
    roots = [sets.find(index) for index in range(len(ordered))]
    group_of = pd.Series([ordered.at[root, "record_id"] for root in roots])
    _log_bridges(ordered, same, apart, roots)
    for pair in apart:
        a, b = sorted(pair)
        if roots[a] == roots[b]:
            logger.warning(
                "override keeps %s and %s apart, but other matches join them in group %s",
                ordered.at[a, "record_id"],
                ordered.at[b, "record_id"],
                group_of[a],
            )
    groups = _group_rows(ordered, same, apart, roots, group_of)
    merges = pd.DataFrame(
        [
            {
                "record_id": ordered.at[v.b, "record_id"],
                "other_record_id": ordered.at[v.a, "record_id"],
                "group_id": group_of[v.a],
                "match_rule": v.rule,
                "score": v.score,
                "note": v.reason,
            }
            for v in same
            if frozenset((v.a, v.b)) not in apart
        ],
        columns=["record_id", "other_record_id", "group_id", "match_rule", "score", "note"],
    )
    review = _review_rows(ordered, verdicts, roots, apart)
    unique = merge_groups(ordered.drop(columns="_rank"), group_of, ordered["_rank"])
    logger.info(
        "%d records in %d groups: %d duplicates, %d pairs for review",
        len(ordered),
        unique.shape[0],
        len(ordered) - unique.shape[0],
        len(review),
    )
    return Deduplication(groups=groups, unique=unique, review=review, merges=merges)


def _group_rows(ordered, same, apart, roots, group_of) -> pd.DataFrame:
    """Each record with the rule and score of the edge that first reached it."""
    edges: dict[int, list[tuple[int, PairVerdict]]] = defaultdict(list)
    for verdict in same:
        if frozenset((verdict.a, verdict.b)) not in apart:
            edges[verdict.a].append((verdict.b, verdict))
            edges[verdict.b].append((verdict.a, verdict))
    sizes = pd.Series(roots).value_counts()
    reached: dict[int, tuple[str, float | None]] = {}
    for root in sorted(set(roots)):
        reached[root] = ("representative" if sizes[root] > 1 else "unique", None)
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for neighbour, verdict in sorted(edges[current], key=lambda edge: edge[0]):
                if neighbour not in reached:
                    reached[neighbour] = (verdict.rule, verdict.score)
                    queue.append(neighbour)
    return pd.DataFrame(
        {
            "record_id": ordered["record_id"],
            "group_id": group_of,
            "match_rule": [reached[index][0] for index in range(len(ordered))],
            "score": [reached[index][1] for index in range(len(ordered))],
        }
    )


def _review_rows(ordered, verdicts, roots, apart) -> pd.DataFrame:
    rows = []
    for verdict in verdicts:
        settled = frozenset((verdict.a, verdict.b)) in apart
        if verdict.verdict != "review" or settled or roots[verdict.a] == roots[verdict.b]:
            continue
        first, second = ordered.iloc[verdict.a], ordered.iloc[verdict.b]
        rows.append(
            {
                "record_id_a": first["record_id"],
                "record_id_b": second["record_id"],
                "score": verdict.score,
                "reason": verdict.reason,
                "title_a": first["title"],
                "title_b": second["title"],
                "year_a": first["year"],
                "year_b": second["year"],
                "doi_a": first["doi"],
                "doi_b": second["doi"],
            }
        )
    columns = [
        "record_id_a",
        "record_id_b",
        "score",
        "reason",
        "title_a",
        "title_b",
        "year_a",
        "year_b",
        "doi_a",
        "doi_b",
    ]
    return pd.DataFrame(rows, columns=columns).drop_duplicates(["record_id_a", "record_id_b"])


def _log_bridges(ordered, same, apart, roots) -> None:
    """Log when records of a later search join groups that earlier searches kept apart."""
    latest = ordered["_rank"].max()
    earlier = DisjointSets(len(ordered))
    for verdict in same:
        both_old = (
            ordered.at[verdict.a, "_rank"] < latest and ordered.at[verdict.b, "_rank"] < latest
        )
        if both_old and frozenset((verdict.a, verdict.b)) not in apart:
            earlier.union(verdict.a, verdict.b)
    old_groups: dict[int, set[int]] = defaultdict(set)
    for index in range(len(ordered)):
        if ordered.at[index, "_rank"] < latest:
            old_groups[roots[index]].add(earlier.find(index))
    for root, parts in old_groups.items():
        for absorbed in sorted(parts - {root}):
            logger.info(
                "a new record bridges groups: group %s absorbed group %s",
                ordered.at[root, "record_id"],
                ordered.at[absorbed, "record_id"],
            )
