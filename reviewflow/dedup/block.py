"""Blocking: candidate pairs that share a rare title token, so cost grows near-linearly.

Notes
-----
Each record is indexed under the ``TOKENS_PER_RECORD`` rarest tokens of its title key
(document frequency over the whole table). Two copies of one article share almost all
their tokens, so they share at least one of each other's rarest. Tokens that occur in
more than ``MAX_BLOCK`` records carry no information and are not used.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

import pandas as pd

TOKENS_PER_RECORD = 3
MAX_BLOCK = 400
MIN_TOKEN_LENGTH = 3


def candidate_pairs(prepared: pd.DataFrame) -> Iterator[tuple[int, int]]:
    """Positional index pairs (i < j) of records worth comparing."""
    token_lists = [
        sorted({token for token in key.split() if len(token) >= MIN_TOKEN_LENGTH})
        for key in prepared["title_key"]
    ]
    frequency = Counter(token for tokens in token_lists for token in tokens)
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, tokens in enumerate(token_lists):
        useful = [token for token in tokens if frequency[token] <= MAX_BLOCK]
        rarest = sorted(useful, key=lambda token: (frequency[token], token))
        for token in rarest[:TOKENS_PER_RECORD]:
            blocks[token].append(position)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for a_index, a in enumerate(members):
            for b in members[a_index + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair not in seen:
                    seen.add(pair)
                    yield pair
