"""Normalise the fields of one exported record, whatever database it came from.

Parsers in ``reviewflow.formats`` return *raw records*: dicts keyed by the
``RECORD_FIELDS`` of ``reviewflow.tables`` whose values are the text exactly as
exported (a string, or a list of strings for repeated fields such as authors).
``normalise_record`` turns one into the contract's plain strings.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote

from reviewflow.tables import RECORD_FIELDS

RawValue = str | list[str] | None
RawRecord = dict[str, RawValue]

LIST_SEPARATOR = "; "
"""Authors, keywords, ISSNs and publication types are joined with this."""

_ODD_BLANKS = ("  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")
"""ASCII whitespace other than a single space (with ``\\s``'s separators 0x1c-0x1f)."""
_MARKUP = re.compile(
    r"</?(?:i|b|u|em|strong|sup|sub|sc|span|p|br|div|font|mml:[a-z]+|math|inf|scp|"
    r"italic|bold|underline|up|smallcaps)\b[^<>]{0,200}>",
    re.IGNORECASE,
)
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_DOI_TAIL = ".,;:)]}'"
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")
_PMID = re.compile(r"^\D{0,12}?(\d{1,9})(?:\D|$)")
_ISSN = re.compile(r"(?<![\dX-])(\d{4})-?(\d{3}[\dXx])(?![\dX])")
_PAGE_RANGE = re.compile(r"^([A-Za-z]*)(\d+)\s*[-\u2010-\u2015]+\s*([A-Za-z]*)(\d+)$")
_PAGE_PREFIX = re.compile(r"^(?:pp?\.?\s*)", re.IGNORECASE)
_INITIALS_ONLY = re.compile(r"^(?:[A-Z][a-z]?\.?-?\s?){1,4}$")


def clean_text(value: RawValue) -> str:
    """Text with HTML entities decoded, inline markup removed and blanks collapsed.

    Notes
    -----
    Only known inline tags (``<i>``, ``<sup>``, MathML, JATS) are removed, so an
    abstract's ``p<0.05`` survives. Entities are decoded after the tags are removed,
    so an encoded ``&lt;i&gt;`` stays visible as text.
    """
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    if "<" in value:
        value = _MARKUP.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    return collapse_spaces(value)


def collapse_spaces(value: str) -> str:
    """Runs of whitespace as one space, no leading or trailing space.

    Notes
    -----
    ``str.split()`` splits on exactly the characters ``\\s`` matches; plain ASCII text
    without doubled spaces, tabs or line breaks (most fields) only needs ``strip``.
    """
    if value.isascii() and not any(blank in value for blank in _ODD_BLANKS):
        return value.strip()
    return " ".join(value.split())


def normalise_title(value: RawValue) -> str:
    """Clean a title and drop one final period.

    Notes
    -----
    PubMed, Ovid, EBSCO and Zotero (from PubMed) end every title with a period as a
    terminator; other databases never do. Dropping it everywhere makes titles of
    the same article comparable across databases. An ellipsis stays.
    """
    title = clean_text(value)
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title


def normalise_doi(value: RawValue) -> str:
    """The first DOI in ``value``, lower-case, without URL or ``doi:`` prefix.

    Handles URL-encoded DOIs inside links (``id=doi:10.4103%2F2303-9027.138783``).
    """
    for text in _as_list(value):
        if "%2" in text or "%2" in text.upper():
            text = unquote(text)
        match = _DOI.search(text)
        if match:
            doi = match.group()
            if "=" in text[: match.start()]:
                doi = doi.split("&", 1)[0]  # a DOI inside a URL query ends at the next '&'
            return doi.rstrip(_DOI_TAIL).lower()
    return ""


def normalise_pmid(value: RawValue) -> str:
    """PMID digits only (``"PMID: 123"`` and ``"123 [pubmed]"`` give ``"123"``)."""
    for text in _as_list(value):
        match = _PMID.match(text.strip())
        if match:
            return match.group(1).lstrip("0")
    return ""


def normalise_year(*values: RawValue) -> str:
    """The first four-digit year found in the date fields, in the order given."""
    for value in values:
        for text in _as_list(value):
            match = _YEAR.search(text)
            if match:
                return match.group(1)
    return ""


def normalise_author(name: str) -> str:
    """One author as ``"Last, Initials"``.

    Accepts ``"Smith, John A."``, ``"Smith, J.A."``, ``"Smith JA"`` (MEDLINE),
    ``"Liu R."`` and ``"Adler D.G."`` (Embase, Scopus). A name that is neither
    (a group or corporate author) is kept as written.
    """
    name = clean_text(name).strip(" ,;")
    if not name:
        return ""
    if "," in name:
        last, _, given = name.partition(",")
        given = given.strip()
        if not given:
            return last.strip()
        return f"{last.strip()}, {_initials(given)}"
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and _INITIALS_ONLY.match(parts[1]) and parts[1][:1].isupper():
        tail = parts[1]
        if tail.isupper() or "." in tail:
            return f"{parts[0]}, {_initials(tail)}"
    return name


def _initials(given: str) -> str:
    """``"John A."`` -> ``"JA"``; ``"J.-P."`` -> ``"JP"``; ``"JA"`` stays ``"JA"``."""
    parts = given.replace("-", " ").replace(".", " ").split()
    if len(parts) == 1 and parts[0].isupper() and len(parts[0]) <= 4:
        return parts[0]
    return "".join(part[0].upper() for part in parts if part[0].isalpha())


def normalise_authors(names: RawValue) -> str:
    """Authors in order as ``"Last, Initials; Last, Initials"``."""
    authors = (normalise_author(name) for name in _as_list(names))
    return LIST_SEPARATOR.join(author for author in authors if author)


def normalise_pages(start: RawValue, end: RawValue = None) -> str:
    """Pages as a full range: ``123-9`` and ``123-129`` both give ``123-129``."""
    first = _PAGE_PREFIX.sub("", clean_text(start))
    last = clean_text(end)
    if last and first and last != first and "-" not in first:
        first = f"{first}-{last}"
    match = _PAGE_RANGE.match(first)
    if not match:
        return first
    prefix, begin, end_prefix, finish = match.groups()
    if len(finish) < len(begin):
        finish = begin[: len(begin) - len(finish)] + finish
    if begin == finish and prefix == (end_prefix or prefix):
        return f"{prefix}{begin}"
    return f"{prefix}{begin}-{end_prefix or prefix}{finish}"


def normalise_issn(values: RawValue) -> str:
    """Every ISSN once, as ``NNNN-NNNX``."""
    found: list[str] = []
    for text in _as_list(values):
        for first, second in _ISSN.findall(text):
            issn = f"{first}-{second.upper()}"
            if issn not in found:
                found.append(issn)
    return LIST_SEPARATOR.join(found)


def join_values(values: RawValue, split: str = "") -> str:
    """Clean, de-duplicate (keeping order) and join repeated values."""
    seen: dict[str, None] = {}
    for text in _as_list(values):
        pieces = text.split(split) if split else [text]
        for piece in pieces:
            cleaned = clean_text(piece)
            if cleaned:
                seen.setdefault(cleaned, None)
    return LIST_SEPARATOR.join(seen)


def normalise_url(values: RawValue) -> str:
    """The first URL given."""
    for text in _as_list(values):
        cleaned = text.strip()
        if cleaned.lower().startswith(("http://", "https://", "www.")):
            return cleaned.split()[0]
    return ""


def fold_text(value: str) -> str:
    """Lower-case ASCII letters and digits only, single spaces: for hashing and matching."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def _as_list(value: RawValue) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [item for item in value if item]


def first_of(record: RawRecord, *names: str) -> RawValue:
    """The first non-empty raw value among ``names``."""
    for name in names:
        value = record.get(name)
        if value:
            return value
    return None


def normalise_record(raw: RawRecord) -> dict[str, str]:
    """The contract's fields of one record, each a plain string ('' when absent)."""
    journal = clean_text(raw.get("journal"))
    abbrev = clean_text(raw.get("journal_abbrev"))
    record = {
        "title": normalise_title(raw.get("title")),
        "abstract": clean_text(raw.get("abstract")),
        "authors": normalise_authors(raw.get("authors")),
        "year": normalise_year(raw.get("year")),
        "journal": journal,
        "volume": clean_text(raw.get("volume")),
        "issue": clean_text(raw.get("issue")),
        "pages": _pages_of(raw.get("pages")),
        "doi": normalise_doi(raw.get("doi")),
        "pmid": normalise_pmid(raw.get("pmid")),
        "accession": clean_text(raw.get("accession")),
        "issn": normalise_issn(raw.get("issn")),
        "language": join_values(raw.get("language")),
        "publication_type": join_values(raw.get("publication_type")),
        "keywords": join_values(raw.get("keywords")),
        "url": normalise_url(raw.get("url")),
        "journal_abbrev": "" if abbrev.lower() == journal.lower() else abbrev,
    }
    return record


def _pages_of(value: RawValue) -> str:
    if isinstance(value, list):
        parts = [part for part in value if part]
        return normalise_pages(parts[0], parts[1] if len(parts) > 1 else None) if parts else ""
    return normalise_pages(value)


def empty_record() -> dict[str, str]:
    """A record with every field empty."""
    return dict.fromkeys(RECORD_FIELDS, "")


def as_list(value: RawValue) -> list[str]:
    """A raw value as a list of non-empty strings."""
    return _as_list(value)


def iter_nonempty(values: Iterable[str]) -> list[str]:
    """Stripped, non-empty strings."""
    return [value.strip() for value in values if value and value.strip()]
