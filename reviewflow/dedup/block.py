"""Blocking: candidate pairs from sorted neighbourhoods, so cost grows near-linearly.

Notes
-----
Records are sorted by several keys and each is paired with the next few records in
that order (the sorted-neighbourhood method; Hernández and Stolfo 1995). Copies of one
report that differ in one place of the title meet in the forward sort when the
difference is late and in the reversed sort when it is early; the sort by title words
meets reordered words; sorts by first author, year and page, and by year, volume and
page find copies whose titles differ more (translations, truncations). Each pass costs
``n * window`` pairs, and equal keys sort together, so identical titles always meet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reviewflow.dedup.prep import STOP_WORDS, Prepared

TITLE_WINDOW = 8
"""Neighbours compared in the title sort: up to this many identical titles all meet."""
OTHER_WINDOW = 4
"""Neighbours compared in the other sorts."""


def _neighbours(keys: Sequence[str], window: int) -> np.ndarray:
    """Pairs (as ``a * n + b``, a < b) of records within ``window`` in ``keys`` order."""
    size = len(keys)
    usable = [position for position, key in enumerate(keys) if key]
    order = np.array(sorted(usable, key=keys.__getitem__), dtype=np.int64)
    chunks = []
    for distance in range(1, min(window, len(order) - 1) + 1):
        first, second = order[:-distance], order[distance:]
        chunks.append(np.minimum(first, second) * size + np.maximum(first, second))
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)


def sort_keys(prepared: Prepared) -> dict[str, list[str]]:
    """The keys each blocking pass sorts by (empty = record not sorted in that pass)."""
    years = [str(year) if year >= 0 else "" for year in prepared.year.tolist()]
    titles = prepared.title_key
    return {
        "title": [
            f"{title}\t{year}\t{author}" if title else ""
            for title, year, author in zip(titles, years, prepared.first_author, strict=True)
        ],
        "reversed_title": [title[::-1] for title in titles],
        "title_words": [
            " ".join(sorted({word for word in title.split() if word not in STOP_WORDS}))
            for title in titles
        ],
        "author_year_page": [
            f"{author}\t{year}\t{page}\t{title}" if author and year else ""
            for author, year, page, title in zip(
                prepared.first_author, years, prepared.first_page, titles, strict=True
            )
        ],
        "year_volume_page": [
            f"{year}\t{volume}\t{page}\t{author}" if volume and page else ""
            for year, volume, page, author in zip(
                years, prepared.volume, prepared.first_page, prepared.first_author, strict=True
            )
        ],
    }


def candidate_pairs(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """Positional index pairs ``(a, b)`` with ``a < b`` worth comparing, sorted."""
    size = len(prepared.record_id)
    if size < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = np.concatenate(
        [
            _neighbours(keys, TITLE_WINDOW if name == "title" else OTHER_WINDOW)
            for name, keys in sort_keys(prepared).items()
        ]
    )
    codes.sort()
    if len(codes):
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
    return codes // size, codes % size
