"""Agreement between reviewers and the list of work still pending.

Both are derived from the stage logs alone, whose ``decisions`` column keeps every
reviewer's decision as ``A=include; B=exclude:wrong population``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class ScreeningSummary:
    """Frames of the PENDING and AGREEMENT tables."""

    pending: pd.DataFrame
    agreement: pd.DataFrame


def parse_decisions(text: str) -> dict[str, str]:
    """``"A=include; B=exclude:wrong population"`` -> {"A": "include", "B": "exclude"}."""
    parsed = {}
    for part in filter(None, (item.strip() for item in text.split("; "))):
        reviewer, _, value = part.partition("=")
        parsed[reviewer] = value.split(":", 1)[0]
    return parsed


def cohens_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two raters' labels of the same items.

    Notes
    -----
    kappa = (p_o - p_e) / (1 - p_e), with p_o the observed agreement and p_e the
    agreement expected from each rater's marginal proportions (Cohen 1960). When
    p_e = 1 (both raters used one category only) kappa is undefined: NaN.
    """
    n = len(first)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    categories = set(first) | set(second)
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in categories)
    if expected == 1:
        return float("nan")
    return (observed - expected) / (1 - expected)


def agreement_table(log: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Raw agreement and kappa for each pair of reviewers on the groups both decided."""
    decisions = [parse_decisions(text) for text in log["decisions"]]
    reviewers = sorted({name for decided in decisions for name in decided})
    rows = []
    for a, b in itertools.combinations(reviewers, 2):
        pairs = [(d[a], d[b]) for d in decisions if a in d and b in d]
        first, second = [x for x, _ in pairs], [y for _, y in pairs]
        agreed = sum(x == y for x, y in pairs)
        rows.append(
            {
                "stage": stage,
                "reviewer_a": a,
                "reviewer_b": b,
                "n": len(pairs),
                "agreed": agreed,
                "conflicts": len(pairs) - agreed,
                "raw_agreement": agreed / len(pairs) if pairs else float("nan"),
                "kappa": cohens_kappa(first, second),
            }
        )
    columns = [
        "stage",
        "reviewer_a",
        "reviewer_b",
        "n",
        "agreed",
        "conflicts",
        "raw_agreement",
        "kappa",
    ]
    return pd.DataFrame(rows, columns=columns)


def pending_table(log: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Groups still without a final decision, and whom they wait for."""
    reviewers = sorted({name for text in log["decisions"] for name in parse_decisions(text)})
    waiting = log[log["decision"] == "pending"]
    rows = []
    for row in waiting.itertuples(index=False):
        if row.conflict == "true":
            waits = "resolution"
        else:
            done = parse_decisions(row.decisions)
            missing = [name for name in reviewers if name not in done]
            waits = ", ".join(f"reviewer {name}" for name in missing) or "a decision"
        rows.append(
            {
                "stage": stage,
                "record_id": row.record_id,
                "search_id": row.search_id,
                "title": row.title,
                "waiting_for": waits,
            }
        )
    return pd.DataFrame(rows, columns=["stage", "record_id", "search_id", "title", "waiting_for"])


def summarise_screening(title_abstract: pd.DataFrame, full_text: pd.DataFrame) -> ScreeningSummary:
    """Pending work and reviewer agreement across both stages."""
    stages = (("title_abstract", title_abstract), ("full_text", full_text))
    pending = [pending_table(log, stage) for stage, log in stages]
    agreement = [agreement_table(log, stage) for stage, log in stages]
    return ScreeningSummary(pending=_stack(pending), agreement=_stack(agreement))


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [frame for frame in frames if not frame.empty]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]
