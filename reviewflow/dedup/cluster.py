"""Union-find over 'same' pairs, honouring a reviewer's overrides."""

from __future__ import annotations


class DisjointSets:
    """Union-find with path halving; roots chosen by a caller-given rank."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        self.parent[max(root_a, root_b)] = min(root_a, root_b)
        return True


def cluster_pairs(
    size: int, same: list[tuple[int, int]], apart: set[frozenset[int]]
) -> DisjointSets:
    """Join every ``same`` pair except those a person kept ``apart``.

    Notes
    -----
    A pair kept apart is never joined directly; if other pairs still chain its two
    records together the caller reports it (``overrides_broken``).
    """
    sets = DisjointSets(size)
    for a, b in same:
        if frozenset((a, b)) not in apart:
            sets.union(a, b)
    return sets
