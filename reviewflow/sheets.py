"""Screening sheets for reviewers, as CSV and as an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reviewflow.io import atomic_path, write_csv


def write_sheets(sheet: pd.DataFrame, csv_path: str | Path, xlsx_path: str | Path) -> None:
    """Write the same sheet as CSV (UTF-8 with BOM) and .xlsx, both atomically.

    Notes
    -----
    Cells were neutralised by ``screening.neutralise_formula`` before this, so
    openpyxl writes every cell as text, never as a formula.
    """
    write_csv(sheet, csv_path)
    widths = (22, 10, 16, 12, 60, 60, 30, 6, 30)
    with (
        atomic_path(xlsx_path) as temporary,
        pd.ExcelWriter(temporary, engine="openpyxl") as writer,
    ):
        sheet.to_excel(writer, index=False, sheet_name="to screen")
        worksheet = writer.sheets["to screen"]
        worksheet.freeze_panes = "B2"
        for column, width in zip("ABCDEFGHI", widths, strict=True):
            worksheet.column_dimensions[column].width = width
