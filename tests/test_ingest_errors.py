"""Every malformed or hostile export stops ingestion with one exact, located message.

The bad inputs live in tests/data/bad (written by make_bad_inputs.py there);
expected_errors.tsv gives, per file, the format forced in config ('' = detected)
and the message after the file's path.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reviewflow.errors import ExportFormatError, InputTableError
from reviewflow.formats.decode import MAX_LINE_CHARS
from reviewflow.ingest import ingest_exports, read_export

BAD = Path(__file__).parent / "data" / "bad"
with (BAD / "expected_errors.tsv").open(encoding="utf-8", newline="") as handle:
    CASES = [
        (row["file"], row["format"], row["message"])
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
    ]


def test_bad_corpus_has_at_least_thirty_cases():
    assert len(CASES) >= 30
    on_disk = {path.name for path in BAD.iterdir() if path.suffix not in (".py", ".tsv")}
    assert on_disk == {name for name, _, _ in CASES}


@pytest.mark.parametrize(("name", "format_name", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_export_gives_exact_error(name, format_name, message):
    path = str(BAD / name)
    with pytest.raises(ExportFormatError) as raised:
        read_export(path, format_name)
    assert str(raised.value) == path + message
    assert isinstance(raised.value, InputTableError)


def test_entity_expansion_is_refused_before_any_expansion():
    with pytest.raises(ExportFormatError, match="entity declarations are refused"):
        read_export(str(BAD / "pubmed_billion_laughs.xml"))


def test_missing_file_names_path(tmp_path):
    path = str(tmp_path / "absent.ris")
    with pytest.raises(ExportFormatError) as raised:
        ingest_exports([path], [""], "embase", "2021")
    assert str(raised.value) == f"{path}: file not found (check the export's path in config.yaml)"


def test_line_longer_than_limit_is_refused(tmp_path):
    path = tmp_path / "long.ris"
    path.write_text("TY  - JOUR\nTI  - " + "x" * MAX_LINE_CHARS + "\nER  - \n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r":line 2: has a line of 1,000,006 characters"):
        read_export(str(path))


def test_unknown_format_name_is_refused():
    with pytest.raises(ExportFormatError, match="unknown format 'nbib'"):
        read_export(str(Path(__file__).parent / "data" / "ingest" / "pubmed.nbib"), "nbib")


def test_error_in_second_file_of_split_export_stops_ingest():
    good = str(Path(__file__).parent / "data" / "ingest" / "embase.ris")
    with pytest.raises(ExportFormatError, match=r"ris_truncated\.ris:line 7"):
        ingest_exports([good, str(BAD / "ris_truncated.ris")], ["", ""], "embase", "2021")


def test_paper_with_thousands_of_authors_is_read(tmp_path):
    """A collaboration paper's 6,000 authors (~150,000 characters) is a real record."""
    authors = "".join(f"AU  - Investigator{number:05d}, A\n" for number in range(6000))
    path = tmp_path / "collaboration.ris"
    path.write_text(f"TY  - JOUR\nTI  - A global cohort study\n{authors}PY  - 2021\nER  - \n")
    _, records = read_export(str(path))
    assert records[0]["authors"].count(";") == 5999
