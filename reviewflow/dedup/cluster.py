"""Union-find over 'same' pairs, strongest first, refusing joins that break a guard.

Notes
-----
Pairwise guards are not transitive: A (DOI x) may match B (no DOI) and B match C
(DOI y). Each group therefore carries what it holds (its DOI, its kind of report, its
trial phase, the records a reviewer kept apart from it, and its volumes, first pages
and years), and a join that would put two DOIs, two kinds, two phases or an overridden
pair into one group is refused and the pair goes to review; so is a title match that
would join groups with no volume or first page in common, or years beyond tolerance
(a volume or page the pair itself disagrees on was weighed by its verdict and is not
held against it again).
Pairs are joined in ``RULE_ORDER`` then by falling score, so identifiers outrank
titles. The root of a group is always its lowest position: with
records ordered by search then record_id, that is the group's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewflow.dedup.match import RULE_ORDER, PairVerdict
from reviewflow.dedup.prep import Prepared


class DisjointSets:
    """Union-find with path halving; the root of a set is its smallest member."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> int:
        """Join the sets of ``a`` and ``b``; return the root that was absorbed (or -1)."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return -1
        low, high = min(root_a, root_b), max(root_a, root_b)
        self.parent[high] = low
        return high


@dataclass(frozen=True)
class Clustering:
    """Roots by position, the pairs joined, and the pairs refused with the reason."""

    roots: list[int]
    joined: list[PairVerdict]
    refused: list[PairVerdict]


def _values(value: str) -> frozenset[str]:
    return frozenset((value,)) if value else frozenset()


def cluster_pairs(
    prepared: Prepared,
    same: Sequence[PairVerdict],
    apart: set[tuple[int, int]],
    year_tolerance: int,
) -> Clustering:
    """Join ``same`` pairs (overrides regardless of guards) unless a group guard refuses."""
    size = len(prepared.record_id)
    sets = DisjointSets(size)
    doi = list(prepared.doi)
    kind = list(prepared.kind)
    phase = list(prepared.phase)
    volumes = [_values(value) for value in prepared.volume]
    pages = [_values(value) for value in prepared.first_page]
    years = [(year, year) if year >= 0 else None for year in prepared.year.tolist()]
    kept_apart: dict[int, set[int]] = {}
    for first, second in apart:
        kept_apart.setdefault(first, set()).add(second)
        kept_apart.setdefault(second, set()).add(first)
    joined: list[PairVerdict] = []
    refused: list[PairVerdict] = []
    ordered = sorted(same, key=lambda pair: (RULE_ORDER[pair.rule], -pair.score, pair.a, pair.b))
    for pair in ordered:
        root_a, root_b = sets.find(pair.a), sets.find(pair.b)
        if root_a == root_b:
            joined.append(pair)
            continue
        conflict = ""
        if _separated(sets, kept_apart, root_a, root_b):
            conflict = "a reviewer kept members of these groups apart"
        elif pair.rule != "override":
            if doi[root_a] and doi[root_b] and doi[root_a] != doi[root_b]:
                conflict = "joining would put two DOIs in one group"
            elif kind[root_a] != kind[root_b]:
                conflict = f"joining would put {kind[root_a]} and {kind[root_b]} in one group"
            elif phase[root_a] and phase[root_b] and phase[root_a] != phase[root_b]:
                conflict = "joining would put two trial phases in one group"
            elif pair.rule == "fuzzy":
                weighed = _weighed(prepared, pair.a, pair.b)
                conflict = _locator_conflict(
                    (volumes[root_a], volumes[root_b]) if "volume" not in weighed else ((), ()),
                    (pages[root_a], pages[root_b]) if "page" not in weighed else ((), ()),
                    (years[root_a], years[root_b]),
                    year_tolerance,
                )
        if conflict:
            refused.append(PairVerdict(pair.a, pair.b, "review", pair.rule, pair.score, conflict))
            continue
        absorbed = sets.union(root_a, root_b)
        root = root_a if absorbed == root_b else root_b
        doi[root] = doi[root] or doi[absorbed]
        phase[root] = phase[root] or phase[absorbed]
        volumes[root] = volumes[root] | volumes[absorbed]
        pages[root] = pages[root] | pages[absorbed]
        years[root] = _span(years[root], years[absorbed])
        if absorbed in kept_apart:
            kept_apart.setdefault(root, set()).update(kept_apart.pop(absorbed))
        joined.append(pair)
    return Clustering([sets.find(index) for index in range(size)], joined, refused)


def _weighed(prepared: Prepared, a: int, b: int) -> frozenset[str]:
    """Locators the pair itself disagrees on: its verdict already weighed them."""
    weighed = set()
    for name, values in (("volume", prepared.volume), ("page", prepared.first_page)):
        if values[a] and values[b] and values[a] != values[b]:
            weighed.add(name)
    return frozenset(weighed)


def _span(first: tuple[int, int] | None, second: tuple[int, int] | None):
    if first is None or second is None:
        return first or second
    return (min(first[0], second[0]), max(first[1], second[1]))


def _locator_conflict(volumes, pages, years, year_tolerance: int) -> str:
    """Why two groups joined by a title match cannot be one report ('' if they can)."""
    if all(volumes) and not volumes[0] & volumes[1]:
        return "joining would put two volumes in one group"
    if all(pages) and not pages[0] & pages[1]:
        return "joining would put two first pages in one group"
    span = _span(*years)
    if span is not None and span[1] - span[0] > year_tolerance:
        return "joining would put years beyond tolerance in one group"
    return ""


def _separated(
    sets: DisjointSets, kept_apart: dict[int, set[int]], root_a: int, root_b: int
) -> bool:
    for root, other in ((root_a, root_b), (root_b, root_a)):
        if any(sets.find(member) == other for member in kept_apart.get(root, ())):
            return True
    return False
