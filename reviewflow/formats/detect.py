"""Recognise an export's format from its content (the file name is not trusted)."""

from __future__ import annotations

import csv
import re

from reviewflow.errors import ExportFormatError
from reviewflow.formats.reference_csv import PUBMED_CSV_COLUMNS, ZOTERO_CSV_COLUMNS

_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
_MEDLINE_START = re.compile(r"^(?:PMID- |OWN - )", re.MULTILINE)
_WOS_START = re.compile(r"^(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_SCOPUS_HEADER = frozenset({"eid", "source title", "art. no.", "author(s) id"})
"""Columns only Scopus CSV exports have (lower-case)."""
_EMBASE_HEADER = frozenset(
    {
        "author names",
        "open url link",
        "embase accession id",
        "embase link",
        "emtree medical index terms",
    }
)
"""Columns only Embase CSV exports have (lower-case)."""


def detect_format(text: str, path: str) -> str:
    """The format name (config ``format:`` vocabulary) of a decoded export.

    Raises
    ------
    ExportFormatError
        When the content matches no supported format.
    """
    head = text[:100_000]
    stripped = head.lstrip()
    if stripped.startswith("<"):
        if "<PubmedArticle" in head or "<PubmedBookArticle" in head:
            return "pubmed_xml"
        if "<record" in head and ("<ref-type" in head or "<titles>" in head):
            return "endnote_xml"
        raise ExportFormatError(
            path,
            None,
            "is XML but neither PubMed XML (<PubmedArticleSet>) nor EndNote XML (<records>)",
            "export from PubMed as XML or from EndNote as XML, or use RIS",
        )
    first_line = stripped.split("\n", 1)[0]
    if first_line.startswith("PT\t") or "\tUT\t" in first_line or first_line.endswith("\tUT"):
        return "wos_tab"
    if _MEDLINE_START.search(head):
        return "medline"
    if _RIS_START.search(head):
        return "ris"
    if _WOS_START.search(head):
        return "wos_tagged"
    if _BIBTEX_ENTRY.search(head):
        return "bibtex"
    columns = _csv_columns(first_line)
    if "title" in columns:
        if columns & _EMBASE_HEADER:
            return "embase_csv"
        if columns & _SCOPUS_HEADER:
            return "scopus_csv"
        if columns >= PUBMED_CSV_COLUMNS:
            return "pubmed_csv"
        if columns >= ZOTERO_CSV_COLUMNS:
            return "zotero_csv"
        raise ExportFormatError(
            path,
            1,
            f"is a CSV file whose columns ({_listed(columns)}) are not those of a PubMed, "
            "Embase, Scopus or Zotero CSV export",
            "export the search as RIS instead, or as CSV from one of those databases",
            unit="line",
        )
    raise ExportFormatError(
        path,
        1,
        f"is not a recognised export format (first line: {first_line[:60]!r})",
        "export as RIS, PubMed MEDLINE/XML, Web of Science text, CSV, EndNote XML or "
        "BibTeX, or set 'format:' for this export in config.yaml",
        unit="line",
    )


def _csv_columns(first_line: str) -> frozenset[str]:
    """Lower-case column names of a CSV header line (empty if it is not one)."""
    if "," not in first_line:
        return frozenset()
    names = next(csv.reader([first_line]), [])
    return frozenset(name.strip().lstrip("\ufeff").lower() for name in names)


def _listed(columns: frozenset[str], shown: int = 8) -> str:
    names = sorted(columns)
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")
