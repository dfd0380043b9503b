"""BibTeX exports (Scopus, Web of Science, Zotero), read with ``bibtexparser`` 2.

bibtexparser 2 splits the file into blocks about thirty times faster than 1.x's
grammar. LaTeX in a field (``{\\"o}``, ``\\&``) is turned into Unicode with
``pylatexenc`` (bibtexparser 2's own LaTeX decoder), only for values holding a
backslash; braces are then dropped and the text NFC-normalised, as 1.x's
``convert_to_unicode`` did. Field names differ per exporter (``pubmed_id`` and
``abbrev_source_title`` in Scopus, ``pmid`` and ``journal-iso`` in WoS).
"""

from __future__ import annotations

import re
import unicodedata

import bibtexparser
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, String
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.macrospec import LatexContextDb

from reviewflow.errors import ExportFormatError
from reviewflow.normalise import RawRecord

Fields = dict[str, str]

_ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]", re.MULTILINE)
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_SPACED_FIELD = re.compile(r"^([ \t]*[A-Za-z_]+)[ \u00a0]+(\d+)(\s*=)", re.MULTILINE)
"""Scopus writes ``funding_text 1={...}`` (a space, often no-break): a field name
the BibTeX grammar (and bibtexparser) rejects; it is read as ``funding_text_1``."""
_TEX_SPECIAL = re.compile(r"(?<!\\)([%&#])")
"""Characters exports leave unescaped in text that LaTeX would read as commands
(``%`` starts a comment): escaped before decoding so they stay text."""
_TEXT_SYMBOLS = {"textless": "<", "textgreater": ">", "textbar": "|"}
"""Text-mode symbols pylatexenc does not know and would drop: Zotero writes
``p \\textless 0.001`` for "p < 0.001"."""


def _latex_context() -> LatexContextDb:
    context = get_default_latex_context_db()
    symbols = [MacroTextSpec(name, text) for name, text in _TEXT_SYMBOLS.items()]
    context.add_context_category("reviewflow-text-symbols", macros=symbols, prepend=True)
    return context


_LATEX = LatexNodes2Text(latex_context=_latex_context(), math_mode="text", strict_latex_spaces=True)


def _to_unicode(value: str) -> str:
    """A field value as plain Unicode: LaTeX decoded, braces dropped, NFC."""
    if "\\" in value:
        value = _LATEX.latex_to_text(_TEX_SPECIAL.sub(r"\\\1", value))
    value = value.replace("{", "").replace("}", "")
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def _field(entry: Fields, *names: str) -> str:
    for name in names:
        value = entry.get(name, "")
        if value:
            return _to_unicode(value)
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


def _record(entry: Fields, line: int | None) -> RawRecord:
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
    entries = _read_entries(text)
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


def _read_entries(text: str) -> list[Fields]:
    """Every entry in file order: lower-case field names, values without enclosing braces.

    Notes
    -----
    bibtexparser 2 sets aside an entry that repeats a field or an earlier entry's
    key (Scopus does both); such an entry is still a record, so it is taken back,
    and a repeated field keeps its first value, as bibtexparser 1.x did.
    """
    library = bibtexparser.parse_string(text)
    entries = []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            block = _taken_back(block.ignore_error_block, library.strings)
        if isinstance(block, Entry):
            fields = {"ENTRYTYPE": block.entry_type.lower(), "ID": block.key}
            for field in block.fields:
                fields.setdefault(field.key.lower(), str(field.value))
            entries.append(fields)
    return entries


def _taken_back(entry: Entry, strings: list[String]) -> Entry:
    """A set-aside entry after the middlewares every other entry went through."""
    single = bibtexparser.Library([*strings, entry])
    for middleware in (ResolveStringReferencesMiddleware(), RemoveEnclosingMiddleware()):
        single = middleware.transform(single)
    return single.entries[0]


def _key_at(text: str, line: int) -> str:
    line_text = text.split("\n", line)[line - 1]
    match = re.match(r"\s*@\s*[A-Za-z]+\s*[{(]\s*([^,\s]*)", line_text)
    return match.group(1) if match else ""
