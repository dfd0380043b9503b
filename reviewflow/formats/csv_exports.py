"""Embase and Scopus CSV exports, read with pandas; formula cells are refused.

Column names differ between the vendors and between their export versions, so each
field has a tuple of aliases (first present column wins). Cells are read as text
and never evaluated; a cell that is a spreadsheet formula (``=HYPERLINK(...)``,
``=cmd|...``) means the file passed through a spreadsheet program or was tampered
with, and is refused with its record number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from reviewflow.errors import ExportFormatError
from reviewflow.normalise import RawRecord

_FORMULA = re.compile(r"^\s*(?:=|[+\-@]\s*(?:[A-Za-z_][\w.]*\s*\(|cmd\s*\|))", re.IGNORECASE)

SCOPUS_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract",),
    "authors": ("authors", "author full names"),
    "year": ("year",),
    "journal": ("source title",),
    "journal_abbrev": ("abbreviated source title",),
    "volume": ("volume",),
    "issue": ("issue",),
    "page_start": ("page start",),
    "page_end": ("page end",),
    "article_number": ("art. no.",),
    "doi": ("doi", "link"),
    "pmid": ("pubmed id",),
    "accession": ("eid",),
    "issn": ("issn",),
    "language": ("language of original document",),
    "publication_type": ("document type",),
    "keywords": ("author keywords", "index keywords"),
    "url": ("link",),
}
"""Scopus CSV column aliases (lower-case) per field; keywords take every alias."""

EMBASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract",),
    "authors": ("author names",),
    "year": ("publication year", "date of publication"),
    "journal": ("source title",),
    "journal_abbrev": ("abbreviated source title",),
    "volume": ("volume",),
    "issue": ("issue",),
    "page_start": ("first page",),
    "page_end": ("last page",),
    "doi": ("doi", "full text link"),
    "pmid": ("medline pmid", "pubmed id", "pmid"),
    "accession": ("embase accession id", "accession number"),
    "issn": ("issn",),
    "language": ("language of article", "article language"),
    "publication_type": ("publication type",),
    "keywords": ("author keywords", "keywords", "emtree medical index terms"),
    "url": ("embase link", "full text link"),
    "source": ("source",),
    "open_url": ("open url link",),
}
"""Embase CSV column aliases (lower-case): old exports pack journal, year, volume,
issue and pages into one ``Source`` cell and the DOI into the ``Open URL Link``."""

_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.*?)\s*\((?P<year>\d{4})\)\s*(?P<volume>[^:(\s]*)(?::(?P<issue>[^\s(]*))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)


def check_formula_cells(rows: pd.DataFrame, path: str) -> None:
    """Refuse a cell that is a spreadsheet formula (never evaluated, never kept)."""
    for column in rows.columns:
        values = rows[column]
        flagged = values.str.match(_FORMULA)
        if flagged.any():
            position = int(flagged.to_numpy().argmax())
            raise ExportFormatError(
                path,
                position + 1,
                f"column '{column}': cell holds a spreadsheet formula "
                f"({values.iloc[position][:30]!r}); it is not evaluated",
                "export the search results again and do not edit the export in a "
                "spreadsheet program",
                unit="record",
            )


def wanted_columns(text: str, aliases: Iterable[str]) -> list[str]:
    """The header's names (as written) of the columns whose lower-case name is wanted.

    Reading only these lets pandas skip the rest: a Scopus export's references and
    affiliations are most of its bytes, and reviewflow never uses them.
    """
    header = next(csv.reader([text.split("\n", 1)[0]]), [])
    wanted = {alias.lower() for alias in aliases}
    return [name for name in header if name.strip().lstrip("\ufeff").lower() in wanted]


def _read_csv(
    text: str, path: str, required: str, columns: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    aliases = [alias for names in columns.values() for alias in names]
    try:
        rows = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=[],
            usecols=wanted_columns(text, [*aliases, required]),
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ExportFormatError(
            path, None, f"is not a well-formed CSV file ({error})", "export it again as CSV"
        ) from None
    rows.columns = [str(name).strip().lstrip("\ufeff").lower() for name in rows.columns]
    if required not in rows.columns:
        raise ExportFormatError(
            path,
            1,
            f"header has no '{required.title()}' column",
            "export with the title field included, as CSV",
            unit="line",
        )
    check_formula_cells(rows, path)
    return rows


def _column(row: dict[str, str], aliases: tuple[str, ...]) -> str:
    for alias in aliases:
        value = row.get(alias, "")
        if value:
            return value
    return ""


def _all_columns(row: dict[str, str], aliases: tuple[str, ...]) -> list[str]:
    return [row[alias] for alias in aliases if row.get(alias)]


def _split_authors(value: str) -> list[str]:
    separator = ";" if ";" in value else ","
    return [name.strip() for name in value.split(separator) if name.strip()]


def _split_keywords(values: list[str]) -> list[str]:
    return [piece for value in values for piece in re.split(r";|,\s(?![^()]*\))", value)]


def parse_scopus_csv(text: str, path: str) -> list[RawRecord]:
    """Records of a Scopus CSV export, in file order."""
    rows = _read_csv(text, path, "title", SCOPUS_COLUMNS)
    records = []
    for number, row in enumerate(rows.to_dict("records"), start=1):
        start = _column(row, SCOPUS_COLUMNS["page_start"])
        pages: str | list[str] = [start, _column(row, SCOPUS_COLUMNS["page_end"])]
        if not start:
            pages = _column(row, SCOPUS_COLUMNS["article_number"])
        fields = {name: _column(row, aliases) for name, aliases in SCOPUS_COLUMNS.items()}
        records.append(
            {
                **fields,
                "authors": _split_authors(fields["authors"]),
                "pages": pages,
                "doi": _all_columns(row, SCOPUS_COLUMNS["doi"]),
                "keywords": _split_keywords(_all_columns(row, ("author keywords",)))
                + _split_keywords(_all_columns(row, ("index keywords",))),
                "line": number,
            }
        )
    return records


def _embase_source(source: str) -> dict[str, str]:
    match = _EMBASE_SOURCE.match(source)
    if not match:
        return {}
    return {name: value or "" for name, value in match.groupdict().items()}


def _open_url(link: str) -> dict[str, str]:
    if not link:
        return {}
    query = parse_qs(urlsplit(link).query)
    return {name: values[0] for name, values in query.items() if values}


def parse_embase_csv(text: str, path: str) -> list[RawRecord]:
    """Records of an Embase CSV export, in file order."""
    rows = _read_csv(text, path, "title", EMBASE_COLUMNS)
    records = []
    for number, row in enumerate(rows.to_dict("records"), start=1):
        fields = {name: _column(row, aliases) for name, aliases in EMBASE_COLUMNS.items()}
        source = _embase_source(fields["source"])
        link = _open_url(fields["open_url"])
        pages: str | list[str] = [fields["page_start"], fields["page_end"]]
        if not fields["page_start"]:
            pages = source.get("pages", "") or link.get("spage", "")
        records.append(
            {
                "title": fields["title"],
                "abstract": fields["abstract"],
                "authors": _split_authors(fields["authors"]),
                "year": [fields["year"], source.get("year", ""), link.get("date", "")],
                "journal": fields["journal"] or source.get("journal", "") or link.get("title", ""),
                "journal_abbrev": fields["journal_abbrev"] or link.get("stitle", ""),
                "volume": fields["volume"] or source.get("volume", "") or link.get("volume", ""),
                "issue": fields["issue"] or source.get("issue", "") or link.get("issue", ""),
                "pages": pages,
                "doi": _all_columns(row, EMBASE_COLUMNS["doi"]) + [link.get("id", "")],
                "pmid": fields["pmid"],
                "accession": fields["accession"],
                "issn": [fields["issn"], link.get("issn", "")],
                "language": fields["language"],
                "publication_type": fields["publication_type"],
                "keywords": _split_keywords(_all_columns(row, ("author keywords", "keywords"))),
                "url": fields["url"],
                "line": number,
            }
        )
    return records
