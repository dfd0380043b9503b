"""Sheets for reviewers: order, columns, formula neutralisation, reproducible .xlsx."""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from reviewflow.sheets import FIXED_TIME, neutralise_formula, screening_sheet, write_sheets


def stage_log() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "record_id": ["pubmed:1", "pubmed:2", "pubmed:3", "embase:L4"],
            "search_id": ["zeta", "alpha", "zeta", "alpha"],
            "title": ["Trial A", '=HYPERLINK("http://evil.example","x")', "-1 dose", "@SUM(1)"],
            "year": ["2020", "2021", "2022", "2023"],
            "decision": ["pending", "include", "pending", "pending"],
            "waiting_for": ["reviewer B", "", "resolution", "reviewer A, reviewer B"],
        }
    )


def unique_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group_id": ["pubmed:1", "pubmed:2", "pubmed:3", "embase:L4"],
            "abstract": ["+Background", "", "", ""],
            "journal": ["J", "J", "J", "K"],
            "doi": ["10.5555/a", "", "", ""],
        }
    )


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Trial = 1", "Trial = 1"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise_formula(cell) == safe


def test_sheet_puts_pending_and_the_newest_search_first():
    # search ids in config order: zeta (older) then alpha (the update), so text order
    # would put them the wrong way round.
    sheet = screening_sheet(stage_log(), unique_table(), "title_abstract", ["zeta", "alpha"])
    assert sheet["record_id"].tolist() == ["embase:L4", "pubmed:1", "pubmed:3", "pubmed:2"]
    assert sheet["status"].tolist() == ["pending", "pending", "pending", "include"]


def test_sheet_has_what_a_reviewer_needs_and_empty_columns_to_fill():
    sheet = screening_sheet(stage_log(), unique_table(), "full_text", ["zeta", "alpha"])
    assert sheet.columns.tolist() == [
        "record_id",
        "status",
        "waiting_for",
        "search_id",
        "title",
        "abstract",
        "journal",
        "year",
        "doi_link",
        "decision",
        "reason",
        "reviewer",
        "date",
        "note",
        "study",
    ]
    row = sheet.set_index("record_id").loc["pubmed:1"]
    assert row["doi_link"] == "https://doi.org/10.5555/a"
    assert row["abstract"] == "'+Background"
    assert (sheet[["decision", "reason", "reviewer", "date", "note", "study"]] == "").all().all()


def test_sheet_cells_that_look_like_formulas_stay_text(tmp_path):
    sheet = screening_sheet(stage_log(), unique_table(), "title_abstract", ["zeta", "alpha"])
    write_sheets(sheet, tmp_path / "s.csv", tmp_path / "s.xlsx")
    titles = pd.read_csv(tmp_path / "s.csv", dtype=str, keep_default_na=False)["title"]
    assert sorted(titles) == sorted(
        ["Trial A", '\'=HYPERLINK("http://evil.example","x")', "'-1 dose", "'@SUM(1)"]
    )
    worksheet = load_workbook(tmp_path / "s.xlsx")["to screen"]
    cells = [cell for row in worksheet.iter_rows() for cell in row if cell.value]
    assert {cell.data_type for cell in cells} == {"s"}
    assert not [cell.value for cell in cells if str(cell.value).startswith(("=", "+", "-", "@"))]


def test_sheets_are_byte_identical_for_the_same_rows(tmp_path):
    sheet = screening_sheet(stage_log(), unique_table(), "title_abstract", ["zeta", "alpha"])
    write_sheets(sheet, tmp_path / "a.csv", tmp_path / "a.xlsx")
    write_sheets(sheet, tmp_path / "b.csv", tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbfrecord_id,")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {FIXED_TIME}
        properties = archive.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(\w+)[^>]*>([^<]*)<", properties) == [
        ("created", "1980-01-01T00:00:00Z"),
        ("modified", "1980-01-01T00:00:00Z"),
    ]
