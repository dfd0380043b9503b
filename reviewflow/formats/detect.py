"""Recognise an export's format from its content (the file name is not trusted)."""

from __future__ import annotations

import re

from reviewflow.errors import ExportFormatError

_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)
_MEDLINE_START = re.compile(r"^PMID- ", re.MULTILINE)
_WOS_START = re.compile(r"^(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_BIBTEX_ENTRY = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_SCOPUS_HEADER = ("source title", "eid", "link", "art. no.")
_EMBASE_HEADER = ("author names", "open url link", "emtree", "embase")


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
    header = first_line.lower()
    if "," in header and "title" in header:
        if any(name in header for name in _EMBASE_HEADER):
            return "embase_csv"
        if any(name in header for name in _SCOPUS_HEADER) or "authors" in header:
            return "scopus_csv"
    raise ExportFormatError(
        path,
        1,
        f"is not a recognised export format (first line: {first_line[:60]!r})",
        "export as RIS, PubMed MEDLINE/XML, Web of Science text, CSV, EndNote XML or "
        "BibTeX, or set 'format:' for this export in config.yaml",
        unit="line",
    )
