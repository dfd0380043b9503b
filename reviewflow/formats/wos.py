"""Web of Science exports: plain-text tagged (``FN``/``PT``/``ER``) and tab-delimited.

Both use the same two-letter field tags (``TI`` title, ``SO`` source, ``JI`` ISO
abbreviation, ``DI`` DOI, ``PM`` PubMed ID, ``UT`` accession number). The tagged
file is read with ``rispy``'s ``WokParser``; the tab-delimited one with pandas.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from reviewflow.errors import ExportFormatError
from reviewflow.formats.csv_exports import check_formula_cells
from reviewflow.formats.tagged import record_start_lines, tag_keeping_parser
from reviewflow.normalise import RawRecord, as_list


def _split(values: list[str], separator: str = ";") -> list[str]:
    return [piece.strip() for value in values for piece in value.split(separator) if piece.strip()]


def _raw_record(fields: dict[str, list[str]], line: int | None, multiline: bool) -> RawRecord:
    def text(tag: str) -> str:
        return " ".join(as_list(fields.get(tag)))

    authors = as_list(fields.get("AU")) or as_list(fields.get("AF"))
    if not multiline:
        authors = _split(authors)
    authors += _split(as_list(fields.get("CA")))
    pages: str | list[str] = [text("BP"), text("EP")]
    if not text("BP"):
        pages = text("AR")
    return {
        "title": text("TI"),
        "abstract": text("AB"),
        "authors": authors,
        "year": [text("PY"), text("PD"), text("EA")],
        "journal": text("SO"),
        "journal_abbrev": text("JI") or text("J9"),
        "volume": text("VL"),
        "issue": text("IS"),
        "pages": pages,
        "doi": [text("DI"), text("D2")],
        "pmid": text("PM"),
        "accession": text("UT"),
        "issn": [text("SN"), text("EI")],
        "language": text("LA"),
        "publication_type": _split(as_list(fields.get("DT"))),
        "keywords": _split([text("DE")]) + _split([text("ID")]),
        "url": "",
        "line": line,  # type: ignore[dict-item]
    }


def parse_wos_tagged(text: str, path: str) -> list[RawRecord]:
    """Records of a WoS plain-text export, in file order.

    Raises
    ------
    ExportFormatError
        A record without ``ER`` (truncated), ``ER`` without ``PT``, or no records.
    """
    starts = record_start_lines(text, path, "PT", "ER", "Web of Science")
    entries = tag_keeping_parser(text, wos=True).parse(text)
    if len(entries) != len(starts):
        raise ExportFormatError(
            path,
            None,
            f"has {len(starts)} 'PT' lines but {len(entries)} readable records",
            "the file is damaged; export it from Web of Science again",
        )
    return [_raw_record(tags, line, True) for tags, line in zip(entries, starts, strict=True)]


def parse_wos_tab(text: str, path: str) -> list[RawRecord]:
    """Records of a WoS tab-delimited export (one row per record, header of tags)."""
    header = text.split("\n", 1)[0].split("\t")
    if "TI" not in header or "PT" not in header:
        raise ExportFormatError(
            path,
            1,
            "header lacks the 'PT' and 'TI' columns of a Web of Science tab-delimited export",
            "export from Web of Science as 'Tab delimited file'",
            unit="line",
        )
    try:
        rows = pd.read_csv(
            io.StringIO(text),
            sep="\t",
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_NONE,
            index_col=False,
            on_bad_lines="error",
        )
    except pd.errors.ParserError as error:
        raise ExportFormatError(
            path, None, f"is not a well-formed tab-delimited file ({error})", "export it again"
        ) from None
    check_formula_cells(rows, path)
    records = []
    for number, row in enumerate(rows.to_dict("records"), start=2):
        fields = {tag: [value] for tag, value in row.items() if value}
        records.append(_raw_record(fields, number, False))
    return records
