"""Screening sheets for reviewers: what to screen, as CSV and as an Excel workbook.

A sheet lists every group of a stage with what a reviewer needs to decide it (title,
abstract, journal, year, DOI link) and empty columns to fill, pending groups first
and, among them, groups from the newest search first, so an update's new records
are on top. Cells are neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from reviewflow.io import atomic_path, write_csv

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""
FILL_COLUMNS = ("decision", "reason", "reviewer", "date", "note")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""Zip entry time and workbook dates: the earliest a zip can hold, so the same sheet
gives the same bytes on every run."""
FIXED_STAMP = "1980-01-01T00:00:00Z"
CORE_PROPERTIES = "docProps/core.xml"
MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
"""openpyxl stamps the save time here whatever the workbook's properties say."""
COLUMN_WIDTHS = {"title": 60, "abstract": 80, "journal": 30, "doi_link": 32, "note": 30}
SHEET_NAME = "to screen"


def neutralise_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    Notes
    -----
    OWASP's advice for CSV injection: a leading ``=``, ``+``, ``-``, ``@``, tab or
    carriage return makes Excel, LibreOffice and Google Sheets evaluate the cell; a
    leading apostrophe keeps it text.
    """
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _search_rank(search_ids: pd.Series, search_order: Sequence[str]) -> pd.Series:
    """Position of each search, newest = 0; ids missing from the order sort last."""
    newest_first = list(reversed(search_order))
    unknown = sorted(set(search_ids) - set(newest_first), reverse=True)
    rank = {search: position for position, search in enumerate(newest_first + unknown)}
    return search_ids.map(rank)


def screening_sheet(
    log: pd.DataFrame, unique: pd.DataFrame, stage: str, search_order: Sequence[str] = ()
) -> pd.DataFrame:
    """Rows for reviewers: pending first, newest search first, formula cells defused.

    ``log`` is a ``STAGE_LOG`` frame, ``unique`` the ``UNIQUE`` table (abstract,
    journal, DOI), ``search_order`` the search ids oldest first (without it, ids sort
    in reverse text order, which suits date-like ids).
    """
    details = unique.set_index("group_id")
    doi = log["record_id"].map(details["doi"]).fillna("")
    sheet = pd.DataFrame(
        {
            "record_id": log["record_id"],
            "status": log["decision"],
            "waiting_for": log["waiting_for"],
            "search_id": log["search_id"],
            "title": log["title"],
            "abstract": log["record_id"].map(details["abstract"]).fillna(""),
            "journal": log["record_id"].map(details["journal"]).fillna(""),
            "year": log["year"],
            "doi_link": doi.map(lambda value: f"https://doi.org/{value}" if value else ""),
        }
    )
    for column in FILL_COLUMNS:
        sheet[column] = ""
    if stage == "full_text":
        sheet["study"] = ""
    order = sheet.assign(
        _decided=sheet["status"] != "pending",
        _search=_search_rank(sheet["search_id"], search_order),
    ).sort_values(["_decided", "_search", "record_id"], kind="mergesort")
    sheet = sheet.loc[order.index].reset_index(drop=True)
    return sheet.map(lambda cell: neutralise_formula(cell) if isinstance(cell, str) else cell)


def _workbook_bytes(sheet: pd.DataFrame) -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = SHEET_NAME
    worksheet.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        worksheet.append(["" if pd.isna(cell) else neutralise_formula(str(cell)) for cell in row])
    for position, name in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[get_column_letter(position)].width = COLUMN_WIDTHS.get(
            name, max(10, len(name) + 2)
        )
    worksheet.freeze_panes = "B2"
    workbook.properties.created = pd.Timestamp(*FIXED_TIME).to_pydatetime()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_fixed_times(archive: bytes) -> bytes:
    """The same zip with every entry dated ``FIXED_TIME``, in the same order."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(entry.filename)
            if entry.filename == CORE_PROPERTIES:
                content = MODIFIED.sub(rf"\g<1>{FIXED_STAMP}\g<2>", content.decode()).encode()
            target.writestr(fixed, content)
    return output.getvalue()


def write_sheets(sheet: pd.DataFrame, csv_path: str | Path, xlsx_path: str | Path) -> None:
    """Write one sheet as CSV (UTF-8 with BOM) and .xlsx, both atomically.

    Notes
    -----
    Every cell is written as text (a neutralised ``'=...`` stays a string, never a
    formula). Workbook dates and zip entry times are fixed, so the same sheet gives a
    byte-identical .xlsx.
    """
    write_csv(sheet, csv_path)
    with atomic_path(xlsx_path) as temporary:
        temporary.write_bytes(_with_fixed_times(_workbook_bytes(sheet)))
