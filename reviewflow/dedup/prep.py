"""Prepare records for matching: comparable keys for titles, authors, pages, kinds.

Every key is derived once per record, so matching compares short strings only.
"""

from __future__ import annotations

import re

import pandas as pd

from reviewflow.normalise import clean_text, fold_text

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
}
"""Greek letters spelled out, as most databases print them in titles (TNF-α: TNF-alpha)."""

_NOTICE = re.compile(
    r"^(?:erratum|correction|corrigendum|retraction|retracted|expression of concern|"
    r"comment on|reply|response to|letter to|author'?s? reply|in reply)\b",
    re.IGNORECASE,
)
_ABSTRACT_TYPES = re.compile(r"conference|meeting abstract|congress|proceeding", re.I)
_PHASE = re.compile(r"\bphase\s*(i{1,3}|iv|[1-4])\b", re.I)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}

PREPARED_COLUMNS = (
    "title_key",
    "first_author",
    "year_number",
    "first_page",
    "kind",
    "phase",
    "journal_key",
)


_DASHES = re.compile("[\u2010-\u2015\u2212]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_PHASE_ROMAN = re.compile(r"\bphase (iv|iii|ii|i)\b")


def title_key(title: str) -> str:
    """A title folded for comparison.

    Notes
    -----
    Greek letters are spelled out, typographic dashes (Cochrane's U+2010) become
    hyphens, markup, case and punctuation go, letters and digits are split apart
    ("1alpha" = "1 alpha", "pd1" = "pd 1") and Roman trial phases become digits, so
    the same title typed by different databases folds to one key.
    """
    text = _DASHES.sub("-", clean_text(title))
    for letter, name in GREEK.items():
        if letter in text or letter.upper() in text:
            text = text.replace(letter, f" {name} ").replace(letter.upper(), f" {name} ")
    folded = _LETTER_DIGIT.sub(" ", fold_text(text))
    return _PHASE_ROMAN.sub(lambda found: f"phase {_ROMAN[found.group(1)]}", folded)


def record_kind(title: str, publication_type: str, journal: str, issue: str = "") -> str:
    """article, abstract (conference) or notice (erratum, comment, reply, retraction)."""
    if _NOTICE.search(clean_text(title)) or re.search(
        r"erratum|comment|letter|retraction|correction", publication_type, re.I
    ):
        return "notice"
    if _ABSTRACT_TYPES.search(publication_type) or re.search(r"\bsuppl", issue, re.I):
        return "abstract"
    return "article"


def trial_phase(title: str) -> str:
    """The trial phase a title names ('3'), or '' when it names none."""
    found = _PHASE.search(title)
    if not found:
        return ""
    value = found.group(1).lower()
    return _ROMAN.get(value, value)


def prepare_records(records: pd.DataFrame) -> pd.DataFrame:
    """Add the matching keys of ``PREPARED_COLUMNS`` to a copy of ``records``."""
    prepared = records.copy()
    prepared["title_key"] = prepared["title"].map(title_key)
    prepared["first_author"] = prepared["authors"].map(
        lambda authors: fold_text(authors.split(";")[0].split(",")[0]) if authors else ""
    )
    prepared["year_number"] = pd.to_numeric(prepared["year"], errors="coerce")
    prepared["first_page"] = prepared["pages"].map(
        lambda pages: pages.split("-")[0].strip().lower()
    )
    prepared["kind"] = [
        record_kind(title, kind, journal, issue)
        for title, kind, journal, issue in zip(
            prepared["title"],
            prepared["publication_type"],
            prepared["journal"],
            prepared["issue"],
            strict=True,
        )
    ]
    prepared["phase"] = prepared["title"].map(trial_phase)
    prepared["journal_key"] = prepared["journal"].map(fold_text)
    return prepared
