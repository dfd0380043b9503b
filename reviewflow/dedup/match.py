"""Decide, for each candidate pair, whether two records are one report.

Stage 1 joins records sharing an identifier (DOI, PMID, or the same accession in one
database) or the exact title key + year + first page. Stage 2 scores the remaining
candidate pairs with rapidfuzz and weighs the other fields as evidence. Guards veto a
merge that would lose a report: conflicting DOIs, an erratum or comment against its
article, a conference abstract against the full paper, different trial phases,
different numbers in the title (follow-up reports), years beyond tolerance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from rapidfuzz import fuzz

Verdict = Literal["same", "review", "different"]
_NUMBER = re.compile(r"\b\d+\b")
_RULE_ORDER = {"doi": 0, "pmid": 1, "accession": 2, "title_year_page": 3}


@dataclass(frozen=True)
class Thresholds:
    """Fuzzy title similarity (0-1) to merge, and to ask a person."""

    title_same: float = 0.95
    title_review: float = 0.85
    year_tolerance: int = 1


@dataclass(frozen=True)
class PairVerdict:
    a: int
    b: int
    verdict: Verdict
    rule: str
    score: float
    reason: str


def exact_pairs(prepared: pd.DataFrame) -> list[PairVerdict]:
    """Pairs sharing DOI, PMID, accession within one source, or exact title+year+page."""
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, row in enumerate(prepared.itertuples(index=False)):
        if row.doi:
            keys[("doi", row.doi)].append(position)
        if row.pmid:
            keys[("pmid", row.pmid)].append(position)
        if row.accession:
            keys[("accession", f"{row.source}|{row.accession}")].append(position)
        if row.title_key and row.year and row.first_page:
            keys[("title_year_page", f"{row.title_key}|{row.year}|{row.first_page}")].append(
                position
            )
    verdicts = []
    seen: set[tuple[int, int]] = set()
    for (rule, _), members in sorted(keys.items(), key=lambda item: _RULE_ORDER[item[0][0]]):
        for other in members[1:]:
            a, b = members[0], other
            if (a, b) in seen:
                continue
            seen.add((a, b))
            veto = _identifier_veto(prepared, a, b, rule)
            verdicts.append(
                PairVerdict(a, b, "review" if veto else "same", rule, 1.0, veto or rule)
            )
    return verdicts


def _identifier_veto(prepared: pd.DataFrame, a: int, b: int, rule: str) -> str:
    first, second = prepared.iloc[a], prepared.iloc[b]
    if rule != "doi" and first["doi"] and second["doi"] and first["doi"] != second["doi"]:
        return f"same {rule} but different DOIs"
    if first["kind"] != second["kind"] and "notice" in (first["kind"], second["kind"]):
        return f"same {rule} but one is an erratum or comment"
    if rule == "title_year_page" and {first["kind"], second["kind"]} == {"abstract", "article"}:
        return "conference abstract vs full paper"
    return ""


def compare_pair(prepared: pd.DataFrame, a: int, b: int, thresholds: Thresholds) -> PairVerdict:
    """Fuzzy verdict on one candidate pair, with the evidence in ``reason``."""
    first, second = prepared.iloc[a], prepared.iloc[b]
    score = fuzz.ratio(first["title_key"], second["title_key"]) / 100.0
    if score < thresholds.title_review:
        return PairVerdict(a, b, "different", "fuzzy", score, "titles differ")
    guard = _guard(first, second, thresholds)
    if guard:
        verdict: Verdict = "review" if score >= thresholds.title_same else "different"
        return PairVerdict(a, b, verdict, "fuzzy", score, guard)
    agree, disagree = _evidence(first, second)
    if score >= thresholds.title_same and not disagree:
        return PairVerdict(a, b, "same", "fuzzy", score, "; ".join(agree) or "title")
    if score >= thresholds.title_same and len(agree) > len(disagree):
        return PairVerdict(a, b, "same", "fuzzy", score, "; ".join(agree))
    reason = "similar titles; " + "; ".join(f"{item} differs" for item in disagree)
    return PairVerdict(a, b, "review", "fuzzy", score, reason.rstrip("; "))


def _guard(first: pd.Series, second: pd.Series, thresholds: Thresholds) -> str:
    if first["doi"] and second["doi"] and first["doi"] != second["doi"]:
        return "different DOIs"
    if first["kind"] != second["kind"] and "notice" in (first["kind"], second["kind"]):
        return "erratum or comment vs article"
    if {first["kind"], second["kind"]} == {"abstract", "article"}:
        return "conference abstract vs full paper"
    if first["phase"] and second["phase"] and first["phase"] != second["phase"]:
        return "different trial phases"
    years = (first["year_number"], second["year_number"])
    if not any(pd.isna(year) for year in years) and abs(years[0] - years[1]) > (
        thresholds.year_tolerance
    ):
        return "years beyond tolerance"
    if set(_NUMBER.findall(first["title_key"])) != set(_NUMBER.findall(second["title_key"])):
        return "different numbers in the titles (follow-up report?)"
    return ""


def _evidence(first: pd.Series, second: pd.Series) -> tuple[list[str], list[str]]:
    agree, disagree = [], []
    for field in ("first_author", "first_page", "volume"):
        if first[field] and second[field]:
            (agree if first[field] == second[field] else disagree).append(field)
    if first["journal_key"] and second["journal_key"]:
        journal = fuzz.token_set_ratio(first["journal_key"], second["journal_key"]) >= 80 or (
            _initials(first["journal_key"]) == _initials(second["journal_key"])
        )
        (agree if journal else disagree).append("journal")
    return agree, disagree


def _initials(journal_key: str) -> str:
    return "".join(word[0] for word in journal_key.split() if word not in {"of", "the", "and"})
