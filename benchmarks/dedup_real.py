"""Real labelled searches for the dedup benchmark, in the layout bib-dedupe publishes.

Hair et al. (2023) labelled the duplicates of real multi-database searches
(cytology screening, haematology, respiratory, stroke, ...); bib-dedupe's
``ldd-full-benchmark`` keeps each as a folder holding ``records_pre_merged.csv``
(BibTeX-like columns: ``ID``, ``title``, ``author`` joined by `` and ``, ``year``,
``journal``, ``volume``, ``number``, ``pages``, sometimes ``doi`` and ``abstract``) and
``merged_record_ids.csv`` (one ``merged_ids`` row per duplicate group, IDs joined by
``;``). The files are third-party data and stay outside this repository: point
``benchmarks/dedup.py --real DIR`` at a folder of such folders.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.normalise import (
    clean_text,
    normalise_authors,
    normalise_doi,
    normalise_pages,
    normalise_title,
    normalise_year,
)
from reviewflow.tables import RECORDS

RECORDS_FILE = "records_pre_merged.csv"
GROUPS_FILE = "merged_record_ids.csv"
ENTRY_TYPES = {
    "article": "Journal Article",
    "inproceedings": "Conference Paper",
    "book": "Book",
    "incollection": "Book Chapter",
    "misc": "",
}
"""BibTeX entry types as the publication types reviewflow's importers write."""


def labelled_sets(folder: Path) -> list[Path]:
    """Sub-folders of ``folder`` (or ``folder`` itself) that hold a labelled search."""
    if (folder / RECORDS_FILE).is_file():
        return [folder]
    return sorted(path.parent for path in folder.glob(f"*/{RECORDS_FILE}"))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame:
        return frame[name].fillna("").astype(str)
    return pd.Series("", index=frame.index)


def load_labelled(folder: Path) -> pd.DataFrame:
    """One labelled search as ``RECORDS`` rows plus ``report`` (its true group)."""
    raw = pd.read_csv(folder / RECORDS_FILE, dtype=str, keep_default_na=False)
    groups = pd.read_csv(folder / GROUPS_FILE, dtype=str, keep_default_na=False)
    report = {record_id: record_id for record_id in raw["ID"]}
    for members in groups["merged_ids"]:
        ids = [member.strip() for member in members.split(";") if member.strip()]
        for member in ids:
            report[member] = ids[0]
    issue = _column(raw, "number").where(_column(raw, "number") != "", _column(raw, "issue"))
    journal = _column(raw, "journal").where(
        _column(raw, "journal") != "", _column(raw, "booktitle")
    )
    records = pd.DataFrame(
        {
            "record_id": "real:" + raw["ID"],
            "search_id": "s1",
            "source": "real",
            "source_file": str(folder / RECORDS_FILE),
            "source_index": range(1, len(raw) + 1),
            "title": _column(raw, "title").map(normalise_title),
            "abstract": _column(raw, "abstract").map(clean_text),
            "authors": _column(raw, "author").map(
                lambda text: normalise_authors(text.split(" and "))
            ),
            "year": _column(raw, "year").map(normalise_year),
            "journal": journal.map(clean_text),
            "volume": _column(raw, "volume").map(clean_text),
            "issue": issue.map(clean_text),
            "pages": _column(raw, "pages").map(normalise_pages),
            "doi": _column(raw, "doi").map(normalise_doi),
            "publication_type": _column(raw, "ENTRYTYPE").map(
                lambda kind: ENTRY_TYPES.get(kind.lower(), kind)
            ),
            "report": raw["ID"].map(report),
        }
    )
    for name in RECORDS.names:
        if name not in records:
            records[name] = ""
    return records
