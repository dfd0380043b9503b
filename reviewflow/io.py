"""The only module that touches files: contract tables in and out, atomically.

Workflow tables are TSV, UTF-8, with missing values as empty cells (never "nan"),
rows sorted by the table's key and floats in one fixed format, so the same inputs
give byte-identical files. Every write goes to a temporary file in the target's
folder and is renamed into place, so a failed run leaves earlier results intact.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from reviewflow.errors import InputTableError
from reviewflow.tables import Table

RESULT_MODE = 0o644
"""mkstemp creates files only their owner can read; results are for the whole team."""
FLOAT_FORMAT = "%.10g"
"""Ten significant digits: more than any printed statistic, stable across platforms."""


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    Use for files written by other libraries (matplotlib, openpyxl). The temporary
    name keeps the suffix so writers that pick a format from it still work.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=suffix or target.suffix
    )
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        yield temporary_path
        os.chmod(temporary_path, RESULT_MODE)
        os.replace(temporary_path, target)
    finally:
        if temporary_path.exists():
            temporary_path.unlink()


def write_text(text: str, path: str | Path) -> None:
    """Write ``text`` as UTF-8, atomically."""
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _frame_for_writing(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    missing = [name for name in table.names if name not in frame.columns]
    if missing:
        raise ValueError(f"table '{table.name}' lacks columns {missing}")
    ordered = frame[table.names].copy()
    for column in table.columns:
        values = ordered[column.name]
        if column.kind == "int":
            ordered[column.name] = pd.array(pd.to_numeric(values, errors="raise"), dtype="Int64")
        elif column.kind == "float":
            ordered[column.name] = pd.to_numeric(values, errors="raise").astype(float)
        elif column.kind == "bool":
            ordered[column.name] = values.map(
                lambda value: "" if pd.isna(value) else ("true" if value else "false")
            )
        else:
            ordered[column.name] = values.map(lambda value: "" if pd.isna(value) else str(value))
    if table.sort_by:
        ordered = ordered.sort_values(list(table.sort_by), kind="mergesort")
    return ordered.reset_index(drop=True)


def write_table(frame: pd.DataFrame, path: str | Path, table: Table) -> None:
    """Write a contract table as sorted TSV, atomically."""
    ordered = _frame_for_writing(frame, table)
    with atomic_path(path) as temporary:
        ordered.to_csv(
            temporary,
            sep="\t",
            index=False,
            na_rep="",
            float_format=FLOAT_FORMAT,
            quoting=csv.QUOTE_MINIMAL,
            lineterminator="\n",
        )


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a sheet for people (CSV, UTF-8 with BOM so spreadsheet programs read it)."""
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False, na_rep="", encoding="utf-8-sig", lineterminator="\n")


def read_table(path: str | Path, table: Table) -> pd.DataFrame:
    """Read a TSV the workflow wrote; text columns stay text, empty cells stay ''."""
    frame = pd.read_csv(
        path,
        sep="\t",
        dtype=str,
        keep_default_na=False,
        na_values=[],
        quoting=csv.QUOTE_MINIMAL,
    )
    missing = [name for name in table.names if name not in frame.columns]
    if missing:
        raise InputTableError(
            path, None, f"lacks columns {missing}", "delete results/ and run again"
        )
    for column in table.columns:
        if column.kind in ("int", "float"):
            numbers = pd.to_numeric(frame[column.name].replace("", None))
            frame[column.name] = numbers.astype("Int64") if column.kind == "int" else numbers
        elif column.kind == "bool":
            frame[column.name] = frame[column.name].map({"true": True, "false": False, "": None})
    frame.attrs["path"] = str(path)
    return frame


HEADER_LINE = 1
"""Rows of a person's CSV are numbered by file line: the header is line 1."""


def read_input_csv(path: str | Path, table: Table) -> pd.DataFrame:
    """Read a CSV a person wrote, so that later errors can name its file and line.

    The frame's index is the line number of each row in the file and
    ``frame.attrs["path"]`` the path, which library functions put in the errors they
    raise. Cells are text with surrounding blanks stripped; numeric columns are
    parsed here and a value that is not a number is an error naming line and column.
    Optional columns that are absent are added empty.
    """
    location = Path(path)
    if not location.is_file():
        raise InputTableError(path, None, "file not found", "check the path in config.yaml")
    try:
        text = location.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputTableError(
            path, None, f"is not UTF-8 ({error.reason} at byte {error.start})", "save it as UTF-8"
        ) from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputTableError(path, HEADER_LINE, "has no header row", f"start with {table.names}")
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    missing = [name for name in table.required if name not in header]
    if missing:
        raise InputTableError(
            path,
            HEADER_LINE,
            f"lacks required column(s) {', '.join(missing)}",
            f"the header must name {', '.join(table.required)}",
        )
    unknown = [name for name in header if name and name not in table.names]
    if unknown and not table.extra_columns_allowed:
        raise InputTableError(
            path,
            HEADER_LINE,
            f"has unknown column(s) {', '.join(unknown)}",
            f"allowed columns are {', '.join(table.names)}",
        )
    records: dict[int, list[str]] = {}
    for line_number, cells in enumerate(rows[1:], start=HEADER_LINE + 1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise InputTableError(
                path,
                line_number,
                f"has {len(cells)} cells but the header has {len(header)}",
                "quote cells that contain commas",
            )
        records[line_number] = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
    frame = pd.DataFrame.from_dict(records, orient="index", columns=header, dtype=str)
    if frame.empty:
        frame = pd.DataFrame(columns=header, dtype=str)
    for name in table.names:
        if name not in frame.columns:
            frame[name] = ""
    for column in table.columns:
        if column.kind in ("int", "float"):
            parsed = pd.to_numeric(frame[column.name].replace("", None), errors="coerce")
            bad = frame[column.name].ne("") & parsed.isna()
            if bad.any():
                line_number = int(bad.idxmax())
                raise InputTableError(
                    path,
                    line_number,
                    f"'{frame.at[line_number, column.name]}' is not a number",
                    "write a plain number, or leave the cell empty",
                    column=column.name,
                )
            frame[column.name] = parsed.astype(float)
    frame.attrs["path"] = str(path)
    return frame


def read_bytes(path: str | Path) -> bytes:
    """The raw bytes of a file (images to embed, inputs to checksum)."""
    return Path(path).read_bytes()


def read_result(path: str | Path) -> pd.DataFrame:
    """Read any TSV the workflow wrote, for display: numeric columns become numbers.

    Unlike ``read_table`` this needs no declared table, so a report can show tables of
    every stage without depending on their exact columns.
    """
    frame = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[])
    for name in frame.columns:
        filled = frame[name][frame[name] != ""]
        numbers = pd.to_numeric(filled, errors="coerce")
        if len(filled) and numbers.notna().all():
            frame[name] = pd.to_numeric(frame[name].replace("", None))
    frame.attrs["path"] = str(path)
    return frame
