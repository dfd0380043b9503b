"""BibTeX exports (Scopus, Web of Science, Zotero), read with ``bibtexparser`` 1.x.

LaTeX accents and braces are converted to Unicode by bibtexparser's
``convert_to_unicode``; field names differ per exporter (``pubmed_id`` and
``abbrev_source_title`` in Scopus, ``pmid`` and ``journal-iso`` in WoS).
"""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode

from reviewflow.errors import ExportFormatError
from reviewflow.normalise import RawRecord

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.MULTILINE)
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_SPACED_FIELD = re.compile(r"^([ \t]*[A-Za-z_]+)[ \u00a0]+(\d+)(\s*=)", re.MULTILINE)
"""Scopus writes ``funding_text 1={...}`` (a space, often no-break): a field name
the BibTeX grammar (and bibtexparser) rejects; it is read as ``funding_text_1``."""


def _field(entry: dict[str, str], *names: str) -> str:
    for name in names:
        value = entry.get(name, "")
        if value:
            return value.replace("{", "").replace("}", "")
    return ""


def _entry_lines(text: str) -> list[int]:
    lines: list[int] = []
    position = 0
    line = 1
    for match in _ENTRY_START.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(1).lower() not in _NON_ENTRIES:
            lines.append(line)
    return lines


def _record(entry: dict[str, str], line: int | None) -> RawRecord:
    url = _field(entry, "url")
    eid = _SCOPUS_EID.search(url)
    keywords = re.split(r"[;,]\s*", _field(entry, "author_keywords", "keywords"))
    return {
        "title": _field(entry, "title"),
        "abstract": _field(entry, "abstract"),
        "authors": [name.strip() for name in _field(entry, "author").split(" and ")],
        "year": [_field(entry, "year", "date")],
        "journal": _field(entry, "journal", "booktitle"),
        "journal_abbrev": _field(entry, "abbrev_source_title", "journal-iso", "shortjournal"),
        "volume": _field(entry, "volume"),
        "issue": _field(entry, "number", "issue"),
        "pages": _field(entry, "pages").replace("--", "-") or _field(entry, "art_number"),
        "doi": [_field(entry, "doi"), url],
        "pmid": _field(entry, "pubmed_id", "pmid"),
        "accession": eid.group(1) if eid else _field(entry, "unique-id", "eid"),
        "issn": [_field(entry, "issn")],
        "language": _field(entry, "language"),
        "publication_type": _field(entry, "document_type", "type") or entry.get("ENTRYTYPE", ""),
        "keywords": keywords,
        "url": url,
        "line": line,
    }


def parse_bibtex(text: str, path: str) -> list[RawRecord]:
    """Records of a BibTeX export, in file order.

    Raises
    ------
    ExportFormatError
        When bibtexparser reads fewer entries than the file starts (a damaged or
        truncated entry).
    """
    text = _SPACED_FIELD.sub(r"\1_\2\3", text)
    starts = _entry_lines(text)
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    parser.customization = convert_to_unicode
    entries = bibtexparser.loads(text, parser=parser).entries
    if len(entries) != len(starts):
        read_keys = {entry.get("ID") for entry in entries}
        missing = next(
            (line for line in starts if _key_at(text, line) not in read_keys),
            starts[-1] if starts else None,
        )
        raise ExportFormatError(
            path,
            missing,
            f"has {len(starts)} BibTeX entries but only {len(entries)} could be read; "
            "the entry here is damaged or cut short",
            "export the BibTeX file again",
            unit="line",
        )
    return [_record(entry, line) for entry, line in zip(entries, starts, strict=True)]


def _key_at(text: str, line: int) -> str:
    line_text = text.split("\n", line)[line - 1]
    match = re.match(r"\s*@\s*[A-Za-z]+\s*[{(]\s*([^,\s]*)", line_text)
    return match.group(1) if match else ""
