"""Agreement between reviewers and the list of work still pending.

Both come from the stage logs alone: their ``decisions`` column keeps every
reviewer's decision as ``A=include:KEYNOTE-590; B=exclude:wrong population`` and
``waiting_for`` says whom a pending group waits for.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

LABEL = re.compile(
    r"(?:^|; )(?P<reviewer>[^=;:]+)=(?P<decision>include|exclude|maybe|not_retrieved)"
    r"(?=:|; |$)"
)
"""One reviewer's entry in a log's ``decisions`` column; details may hold ';'."""
AGREEMENT_COLUMNS = (
    "stage",
    "reviewer_a",
    "reviewer_b",
    "n",
    "agreed",
    "conflicts",
    "raw_agreement",
    "kappa",
    "pairs",
)
PENDING_COLUMNS = ("stage", "record_id", "search_id", "title", "waiting_for")


@dataclass(frozen=True)
class ScreeningSummary:
    """Frames of the ``PENDING`` and ``AGREEMENT`` tables."""

    pending: pd.DataFrame
    agreement: pd.DataFrame


def parse_decisions(text: str) -> dict[str, tuple[str, str]]:
    """``"A=include:X; B=exclude:wrong population"`` -> {A: (include, X), B: (exclude, ...)}."""
    matches = list(LABEL.finditer(text))
    parsed = {}
    for match, following in itertools.zip_longest(matches, matches[1:]):
        end = following.start() if following else len(text)
        detail = text[match.end() : end].removeprefix(":")
        parsed[match["reviewer"].strip()] = (match["decision"], detail)
    return parsed


def cohens_kappa(first: list[str], second: list[str]) -> float:
    """Cohen's kappa of two raters' labels of the same items.

    Notes
    -----
    kappa = (p_o - p_e) / (1 - p_e), with p_o the proportion of items both raters
    labelled alike and p_e the agreement expected from each rater's marginal
    proportions (Cohen 1960, Educ Psychol Meas 20:37-46). When p_e = 1 (both raters
    used the same single label) kappa is undefined: NaN.
    """
    n = len(first)
    if n == 0 or n != len(second):
        return float("nan")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_first, counts_second = Counter(first), Counter(second)
    expected = sum(counts_first[label] * counts_second[label] for label in counts_first) / n**2
    if expected >= 1:
        return float("nan")
    return (observed - expected) / (1 - expected)


def _conflicting(stage: str, a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two decisions need a resolution (see ``screening.judge``)."""
    if stage == "title_abstract":
        return (a[0] == "exclude") != (b[0] == "exclude")
    return a != b


def agreement_table(log: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Raw agreement and Cohen's kappa for each pair of reviewers.

    Notes
    -----
    Over the groups both reviewers decided: ``agreed`` counts identical labels
    (include/exclude/maybe, or include/exclude/not_retrieved), so ``raw_agreement``
    is kappa's p_o; ``conflicts`` counts the pairs that need a resolution (title/
    abstract: exclude against include or maybe; full text: any difference in
    decision, exclusion reason or study). ``pairs`` lists the count of each label
    pair (reviewer_a's label first).
    """
    decided = [parse_decisions(text) for text in log["decisions"]]
    reviewers = sorted({name for entry in decided for name in entry})
    rows = []
    for a, b in itertools.combinations(reviewers, 2):
        both = [(entry[a], entry[b]) for entry in decided if a in entry and b in entry]
        first = [x[0] for x, _ in both]
        second = [y[0] for _, y in both]
        agreed = sum(x == y for x, y in zip(first, second, strict=True))
        pairs = Counter(f"{x}/{y}" for x, y in zip(first, second, strict=True))
        rows.append(
            {
                "stage": stage,
                "reviewer_a": a,
                "reviewer_b": b,
                "n": len(both),
                "agreed": agreed,
                "conflicts": sum(_conflicting(stage, x, y) for x, y in both),
                "raw_agreement": agreed / len(both) if both else float("nan"),
                "kappa": cohens_kappa(first, second),
                "pairs": "; ".join(f"{pair}={count}" for pair, count in sorted(pairs.items())),
            }
        )
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def pending_table(log: pd.DataFrame, stage: str) -> pd.DataFrame:
    """Groups of one stage still without a final decision, and whom they wait for."""
    waiting = log[log["decision"] == "pending"]
    return pd.DataFrame(
        {
            "stage": stage,
            "record_id": waiting["record_id"],
            "search_id": waiting["search_id"],
            "title": waiting["title"],
            "waiting_for": waiting["waiting_for"],
        },
        columns=list(PENDING_COLUMNS),
    ).reset_index(drop=True)


def summarise_screening(title_abstract: pd.DataFrame, full_text: pd.DataFrame) -> ScreeningSummary:
    """Pending work and reviewer agreement across both stages (``STAGE_LOG`` frames)."""
    stages = (("title_abstract", title_abstract), ("full_text", full_text))
    return ScreeningSummary(
        pending=_stack([pending_table(log, stage) for stage, log in stages]),
        agreement=_stack([agreement_table(log, stage) for stage, log in stages]),
    )


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    filled = [frame for frame in frames if not frame.empty]
    return pd.concat(filled, ignore_index=True) if filled else frames[0]
