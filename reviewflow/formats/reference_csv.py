"""CSV exports of PubMed ("Save > CSV") and Zotero ("Export Collection > CSV").

Both are read with pandas, column by column; cells are text and never evaluated
(a formula cell is refused, as in every CSV export). PubMed's CSV has no volume,
issue or pages columns: they are taken from its ``Citation`` cell
(``Lancet Oncol. 2019 Nov;20(11):1506-1517. doi: ...``). Zotero keeps a record's
PubMed ID in ``Extra`` (``PMID: 31582355``) and its authors as ``Last, First; ...``.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from reviewflow.errors import ExportFormatError
from reviewflow.formats.csv_exports import check_formula_cells
from reviewflow.normalise import RawRecord

PUBMED_CSV_COLUMNS = frozenset({"pmid", "title", "authors", "citation", "journal/book"})
"""Columns by which a PubMed CSV export is recognised (lower-case)."""
ZOTERO_CSV_COLUMNS = frozenset({"key", "item type", "publication year", "author", "title"})
"""Columns by which a Zotero CSV export is recognised (lower-case)."""

_CITATION = re.compile(
    r";\s*(?P<volume>[^():;.\s]+)?\s*(?:\((?P<issue>[^)]*)\))?\s*:\s*(?P<pages>[^.;\s]+)"
)
"""Volume, issue and pages of a PubMed citation: ``2019 Nov;20(11):1506-1517.``"""
_ZOTERO_PMID = re.compile(r"PMID:\s*(\d{1,9})", re.IGNORECASE)
_ZOTERO_TYPES = {
    "journalArticle": "Journal Article",
    "conferencePaper": "Conference Paper",
    "book": "Book",
    "bookSection": "Book Chapter",
    "thesis": "Thesis",
    "report": "Report",
    "preprint": "Preprint",
    "webpage": "Web Page",
}


def read_columns(text: str, path: str) -> pd.DataFrame:
    """The cells of a CSV export as text, with lower-case column names."""
    try:
        rows = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ExportFormatError(
            path, None, f"is not a well-formed CSV file ({error})", "export it again as CSV"
        ) from None
    rows.columns = [str(name).strip().lstrip("\ufeff").lower() for name in rows.columns]
    check_formula_cells(rows, path)
    return rows


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    if name in rows:
        return rows[name]
    return pd.Series("", index=rows.index, dtype=object)


def _split(values: pd.Series, separator: str) -> list[list[str]]:
    return [
        [piece.strip() for piece in value.split(separator) if piece.strip()] for value in values
    ]


def parse_pubmed_csv(text: str, path: str) -> list[RawRecord]:
    """Records of a PubMed CSV export, in file order."""
    rows = read_columns(text, path)
    citation = _column(rows, "citation").str.extract(_CITATION).fillna("")
    frame = pd.DataFrame(
        {
            "title": _column(rows, "title"),
            "authors": _split(_column(rows, "authors"), ","),
            "year": _column(rows, "publication year"),
            "journal": _column(rows, "journal/book"),
            "volume": citation["volume"],
            "issue": citation["issue"],
            "pages": citation["pages"],
            "doi": _column(rows, "doi"),
            "pmid": _column(rows, "pmid"),
            "accession": _column(rows, "pmid"),
            "line": range(1, len(rows) + 1),
        }
    )
    return frame.to_dict("records")  # type: ignore[return-value]


def parse_zotero_csv(text: str, path: str) -> list[RawRecord]:
    """Records of a Zotero CSV export, in file order."""
    rows = read_columns(text, path)
    extra = _column(rows, "extra").str.extract(_ZOTERO_PMID, expand=False).fillna("")
    kinds = _column(rows, "item type").map(lambda kind: _ZOTERO_TYPES.get(kind, kind))
    keywords = [
        [piece.strip() for value in pair for piece in value.split(";") if piece.strip()]
        for pair in zip(_column(rows, "manual tags"), _column(rows, "automatic tags"), strict=True)
    ]
    frame = pd.DataFrame(
        {
            "title": _column(rows, "title"),
            "abstract": _column(rows, "abstract note"),
            "authors": _split(_column(rows, "author"), ";"),
            "year": [
                [year, date]
                for year, date in zip(
                    _column(rows, "publication year"), _column(rows, "date"), strict=True
                )
            ],
            "journal": _column(rows, "publication title"),
            "journal_abbrev": _column(rows, "journal abbreviation"),
            "volume": _column(rows, "volume"),
            "issue": _column(rows, "issue"),
            "pages": _column(rows, "pages"),
            "doi": _column(rows, "doi"),
            "pmid": extra,
            "accession": _column(rows, "key"),
            "issn": _column(rows, "issn"),
            "language": _column(rows, "language"),
            "publication_type": kinds,
            "keywords": keywords,
            "url": _column(rows, "url"),
            "line": range(1, len(rows) + 1),
        }
    )
    return frame.to_dict("records")  # type: ignore[return-value]
