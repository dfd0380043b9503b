"""One merged row per duplicate group: the most complete value of each field."""

from __future__ import annotations

import pandas as pd

from reviewflow.tables import RECORD_FIELDS

LIST_SEPARATOR = "; "


def merge_groups(
    records: pd.DataFrame, group_of: pd.Series, search_rank: pd.Series
) -> pd.DataFrame:
    """Rows of the ``UNIQUE`` table.

    Notes
    -----
    Within a group, members are ordered by how many fields they fill (most first), then
    by search and record_id; each field takes the first non-empty value in that order,
    except the abstract, which takes the longest (databases truncate abstracts).
    """
    members = records.assign(
        group_id=group_of.to_numpy(),
        _rank=search_rank.to_numpy(),
        _filled=(records[list(RECORD_FIELDS)] != "").sum(axis=1),
    ).sort_values(
        ["group_id", "_filled", "_rank", "record_id"], ascending=[True, False, True, True]
    )
    rows = []
    for group_id, group in members.groupby("group_id", sort=True):
        row = {
            "group_id": group_id,
            "search_id": group.sort_values("_rank").iloc[0]["search_id"],
            "sources": LIST_SEPARATOR.join(sorted(set(group["source"]))),
            "record_ids": LIST_SEPARATOR.join(sorted(group["record_id"])),
            "n_records": len(group),
        }
        for field in RECORD_FIELDS:
            values = [value for value in group[field] if value]
            if field == "abstract" and values:
                row[field] = max(values, key=len)
            else:
                row[field] = values[0] if values else ""
        rows.append(row)
    return pd.DataFrame(rows)
