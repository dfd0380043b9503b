"""One merged row per duplicate group: the most complete value of each field."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reviewflow.tables import RECORD_FIELDS

LIST_SEPARATOR = "; "


def _first_filled(values: np.ndarray, roots: np.ndarray, order: np.ndarray) -> dict[int, str]:
    """For each root, the first non-empty value in ``order``."""
    ordered_values = values[order]
    filled = ordered_values != ""
    group_roots, first = np.unique(roots[order][filled], return_index=True)
    return dict(zip(group_roots.tolist(), ordered_values[filled][first].tolist(), strict=True))


def merge_groups(records: pd.DataFrame, roots: list[int]) -> pd.DataFrame:
    """Rows of the ``UNIQUE`` table; ``records`` ordered by search then record_id.

    Notes
    -----
    A group's root is its lowest position, so its own ``search_id`` is the group's
    earliest search. Within a group, members are ordered by how many fields they fill
    (most first), then by position; each field takes the first non-empty value in
    that order, except the abstract, which takes the longest (databases truncate
    abstracts), and the title, which prefers one not in capitals (old Web of Science
    records).
    """
    fields = list(RECORD_FIELDS)
    root_array = np.asarray(roots, dtype=np.int64)
    positions = np.arange(len(root_array))
    columns = {field: records[field].to_numpy(dtype=object) for field in fields}
    filled = sum((column != "").astype(np.int64) for column in columns.values())
    by_completeness = np.lexsort((positions, -filled, root_array))
    group_roots = np.unique(root_array)
    merged: dict[str, list] = {}
    for field in fields:
        order = by_completeness
        if field == "abstract":
            lengths = np.fromiter((len(text) for text in columns[field]), dtype=np.int64)
            order = np.lexsort((positions, -lengths, root_array))
        elif field == "title":
            capitals = np.fromiter((text.isupper() for text in columns[field]), dtype=bool)
            order = np.lexsort((positions, -filled, capitals, root_array))
        first = _first_filled(columns[field], root_array, order)
        merged[field] = [first.get(root, "") for root in group_roots.tolist()]
    record_ids = records["record_id"].to_numpy(dtype=object)
    sources = records["source"].to_numpy(dtype=object)
    search_ids = records["search_id"].to_numpy(dtype=object)
    sizes = np.bincount(root_array, minlength=len(root_array))[group_roots]
    source_lists = sources[group_roots].tolist()
    id_lists = record_ids[group_roots].tolist()
    by_root = np.argsort(root_array, kind="stable")
    starts = np.searchsorted(root_array[by_root], group_roots)
    for index in np.flatnonzero(sizes > 1).tolist():
        members = by_root[starts[index] : starts[index] + sizes[index]]
        source_lists[index] = LIST_SEPARATOR.join(sorted(set(sources[members].tolist())))
        id_lists[index] = LIST_SEPARATOR.join(sorted(record_ids[members].tolist()))
    return pd.DataFrame(
        {
            "group_id": record_ids[group_roots].tolist(),
            "search_id": search_ids[group_roots].tolist(),
            "sources": source_lists,
            "record_ids": id_lists,
            "n_records": sizes.tolist(),
            **merged,
        }
    )
