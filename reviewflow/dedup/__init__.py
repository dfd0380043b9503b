"""Deduplication across databases and search runs: prep -> block -> match -> cluster -> merge.

``group_duplicates`` is the one entry point. ``match_rule`` in ``groups.tsv`` says why
a record joined its group (the pair that first reached it from the group's id record)
and in ``log.tsv`` why each pair was joined:

``doi``
    the same normalised DOI;
``pmid``
    the same PubMed ID;
``accession``
    the same accession number within one database (the record exported twice);
``title_year_page``
    the same normalised title, year and first page;
``fuzzy``
    rapidfuzz title similarity at or above ``title_same`` with no disagreeing
    evidence, or between the thresholds with first author, year, first page and
    volume or journal agreeing;
``override``
    a reviewer said so in the overrides file;
``unique``
    (``groups.tsv`` only) the group's id record: a record alone, or the member every
    other member was reached from;
``bridge``
    (``log.tsv`` only) records of a later search joined two groups that earlier
    searches kept apart; ``record_id`` names the absorbed group, ``other_record_id``
    the group that absorbed it.

A pair is listed in ``review.tsv`` when it is neither clearly one report nor clearly
two: similar titles with conflicting evidence, a shared identifier with a guard
against it, a conference abstract beside its full paper (kept apart: a different
report of the same trial), or a join refused because it would put two DOIs, kinds of
report or trial phases into one group.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reviewflow.dedup.block import candidate_pairs
from reviewflow.dedup.cluster import Clustering, DisjointSets, cluster_pairs
from reviewflow.dedup.match import (
    RULE_ORDER,
    DedupSettings,
    PairVerdict,
    decide_pair,
    exact_pairs,
    score_titles,
    worth_deciding,
)
from reviewflow.dedup.merge import merge_groups
from reviewflow.dedup.prep import Prepared, prepare_records
from reviewflow.errors import InputTableError

__all__ = ["DedupSettings", "Deduplication", "group_duplicates"]

logger = logging.getLogger(__name__)

YES = frozenset({"yes", "y", "true", "1", "same"})
NO = frozenset({"no", "n", "false", "0", "different"})
GROUP_COLUMNS = ["record_id", "group_id", "match_rule", "score"]
LOG_COLUMNS = ["record_id", "other_record_id", "group_id", "match_rule", "score", "note"]
REVIEW_COLUMNS = [
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


@dataclass(frozen=True)
class Deduplication:
    """Frames of the GROUPS, UNIQUE, DEDUP_REVIEW and DEDUP_LOG tables."""

    groups: pd.DataFrame
    unique: pd.DataFrame
    review: pd.DataFrame
    merges: pd.DataFrame


def _ordered(records: pd.DataFrame, search_order: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Records by search (oldest first) then record_id, and each one's search rank."""
    rank = {search: index for index, search in enumerate(search_order)}
    unknown = sorted(set(records["search_id"]) - set(rank))
    if unknown:
        logger.warning("searches %s are not in the search order; ranked last", unknown)
    ranks = records["search_id"].map(rank).fillna(len(rank)).astype(int)
    ordered = (
        records.assign(_rank=ranks)
        .sort_values(["_rank", "record_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    return ordered.drop(columns="_rank"), ordered["_rank"].to_numpy()


def _read_overrides(
    overrides: pd.DataFrame | None, position: dict[str, int]
) -> tuple[list[PairVerdict], set[tuple[int, int]]]:
    """Pairs a reviewer joined (as verdicts) and kept apart (as position pairs)."""
    same: list[PairVerdict] = []
    apart: set[tuple[int, int]] = set()
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
                    "use a record_id from results/dedup/review.tsv or groups.tsv",
                    column=column,
                )
        first, second = position[row["record_id_a"]], position[row["record_id_b"]]
        a, b = min(first, second), max(first, second)
        answer = str(row["same"]).strip().lower()
        note = str(row.get("note", "") or "") or "reviewer override"
        if answer in YES:
            same.append(PairVerdict(a, b, "same", "override", 1.0, note))
        elif answer in NO:
            apart.add((a, b))
        else:
            raise InputTableError(
                path, int(line), f"'{row['same']}' is not yes or no", "write yes or no", "same"
            )
    return same, apart


def group_duplicates(
    records: pd.DataFrame,
    overrides: pd.DataFrame | None,
    search_order: Sequence[str],
    settings: DedupSettings | None = None,
) -> Deduplication:
    """Group the records of every search into duplicate groups.

    Parameters
    ----------
    records
        The ``RECORDS`` table.
    overrides
        A reviewer's ``DEDUP_OVERRIDES`` (from ``io.read_input_csv``) or None.
    search_order
        Search ids, oldest first.
    settings
        Thresholds; see ``DedupSettings``.

    Notes
    -----
    Records are ordered by search (oldest first) then record_id, and a group's root
    is its lowest position, so ``group_id`` is the member from the earliest search
    (ties: smallest record_id) and never changes when a later search adds members.
    """
    settings = settings or DedupSettings()
    ordered, rank = _ordered(records, search_order)
    prepared = prepare_records(ordered, rank)
    position = {record_id: index for index, record_id in enumerate(prepared.record_id)}
    forced, apart = _read_overrides(overrides, position)
    verdicts = exact_pairs(prepared, settings.workers)
    first, second = candidate_pairs(prepared)
    scores = score_titles(prepared, first, second, settings.workers)
    keep = worth_deciding(prepared, first, second, scores, settings)
    logger.info(
        "%d records: %d identifier pairs, %d candidate pairs, %d with similar titles",
        len(ordered),
        len(verdicts),
        len(first),
        int(keep.sum()),
    )
    for a, b, score in zip(
        first[keep].tolist(), second[keep].tolist(), scores[keep].tolist(), strict=True
    ):
        verdicts.append(decide_pair(prepared, a, b, score, settings))
    same = [v for v in verdicts if v.verdict == "same" and (v.a, v.b) not in apart] + forced
    clustering = cluster_pairs(prepared, same, apart, settings.year_tolerance)
    group_of = [prepared.record_id[root] for root in clustering.roots]
    groups = _group_rows(prepared, clustering, group_of)
    merges = pd.DataFrame(
        [
            {
                "record_id": prepared.record_id[pair.b],
                "other_record_id": prepared.record_id[pair.a],
                "group_id": group_of[pair.a],
                "match_rule": pair.rule,
                "score": pair.score,
                "note": pair.reason,
            }
            for pair in clustering.joined
        ]
        + _bridges(ordered, prepared, clustering, group_of),
        columns=LOG_COLUMNS,
    )
    settled = apart | {(pair.a, pair.b) for pair in forced}
    review = _review_rows(ordered, verdicts + clustering.refused, clustering.roots, settled)
    unique = merge_groups(ordered, clustering.roots)
    logger.info(
        "%d records in %d groups: %d duplicates, %d pairs for review",
        len(ordered),
        len(unique),
        len(ordered) - len(unique),
        len(review),
    )
    return Deduplication(groups=groups, unique=unique, review=review, merges=merges)


def _group_rows(prepared: Prepared, clustering: Clustering, group_of: list[str]) -> pd.DataFrame:
    """Each record with the rule and score of the pair that first reached it."""
    size = len(prepared.record_id)
    edges: dict[int, list[tuple[int, PairVerdict]]] = {}
    for pair in clustering.joined:
        edges.setdefault(pair.a, []).append((pair.b, pair))
        edges.setdefault(pair.b, []).append((pair.a, pair))
    rules = ["unique"] * size
    scores: list[float] = [np.nan] * size
    reached = [False] * size
    for root in sorted(set(clustering.roots)):
        reached[root] = True
        queue = deque([root])
        while queue:
            current = queue.popleft()
            for neighbour, pair in sorted(edges.get(current, ()), key=_edge_order):
                if not reached[neighbour]:
                    reached[neighbour] = True
                    rules[neighbour], scores[neighbour] = pair.rule, pair.score
                    queue.append(neighbour)
    return pd.DataFrame(
        {
            "record_id": prepared.record_id,
            "group_id": group_of,
            "match_rule": rules,
            "score": scores,
        },
        columns=GROUP_COLUMNS,
    )


def _edge_order(edge: tuple[int, PairVerdict]) -> tuple[int, int, float]:
    neighbour, pair = edge
    return (neighbour, RULE_ORDER[pair.rule], -pair.score)


def _review_rows(
    ordered: pd.DataFrame,
    verdicts: list[PairVerdict],
    roots: list[int],
    settled: set[tuple[int, int]],
) -> pd.DataFrame:
    """Uncertain pairs still in different groups that no override has settled."""
    seen: set[tuple[int, int]] = set()
    rows = []
    columns = {name: ordered[name].tolist() for name in ("record_id", "title", "year", "doi")}
    for pair in verdicts:
        key = (pair.a, pair.b)
        if pair.verdict != "review" or key in settled or key in seen:
            continue
        if roots[pair.a] == roots[pair.b]:
            continue
        seen.add(key)
        rows.append(
            {
                "record_id_a": columns["record_id"][pair.a],
                "record_id_b": columns["record_id"][pair.b],
                "score": pair.score,
                "reason": pair.reason,
                "title_a": columns["title"][pair.a],
                "title_b": columns["title"][pair.b],
                "year_a": columns["year"][pair.a],
                "year_b": columns["year"][pair.b],
                "doi_a": columns["doi"][pair.a],
                "doi_b": columns["doi"][pair.b],
            }
        )
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def _bridges(
    ordered: pd.DataFrame, prepared: Prepared, clustering: Clustering, group_of: list[str]
) -> list[dict]:
    """Log rows for groups of earlier searches that a later search's records joined."""
    rank = prepared.rank
    searches = ordered["search_id"].tolist()
    rows = []
    for level in sorted(set(rank.tolist()))[1:]:
        before, after = DisjointSets(len(rank)), DisjointSets(len(rank))
        for pair in clustering.joined:
            latest = max(rank[pair.a], rank[pair.b])
            if latest < level:
                before.union(pair.a, pair.b)
            if latest <= level:
                after.union(pair.a, pair.b)
        parts: dict[int, set[int]] = {}
        newcomers: dict[int, list[str]] = {}
        for index in np.flatnonzero(rank <= level).tolist():
            root = after.find(index)
            if rank[index] < level:
                parts.setdefault(root, set()).add(before.find(index))
            else:
                newcomers.setdefault(root, []).append(prepared.record_id[index])
        search = searches[int(np.flatnonzero(rank == level)[0])]
        for root, old_roots in sorted(parts.items()):
            if len(old_roots) < 2:
                continue
            absorbing = min(old_roots)
            bridge = ", ".join(sorted(newcomers.get(root, []))[:3])
            for absorbed in sorted(old_roots - {absorbing}):
                kept, lost = prepared.record_id[absorbing], prepared.record_id[absorbed]
                note = (
                    f"search {search} record(s) {bridge} joined groups {kept} and {lost}: "
                    f"{kept} absorbed {lost}"
                )
                logger.info("%s", note)
                rows.append(
                    {
                        "record_id": lost,
                        "other_record_id": kept,
                        "group_id": group_of[absorbing],
                        "match_rule": "bridge",
                        "score": np.nan,
                        "note": note,
                    }
                )
    return rows
