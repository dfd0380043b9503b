"""Contract tables round-trip exactly; people's CSVs give errors with file and line."""

from __future__ import annotations

import pandas as pd
import pytest

from reviewflow import io
from reviewflow.errors import InputTableError
from reviewflow.tables import COUNTS, DECISIONS, GROUPS, OUTCOMES


def test_write_table_sorts_rows_and_never_writes_nan(tmp_path):
    groups = pd.DataFrame(
        {
            "record_id": ["pubmed:2", "pubmed:1", "embase:L1"],
            "group_id": ["pubmed:1", "pubmed:1", "embase:L1"],
            "match_rule": ["doi", "unique", "unique"],
            "score": [1.0, float("nan"), None],
        }
    )
    path = tmp_path / "groups.tsv"
    io.write_table(groups, path, GROUPS)
    text = path.read_text()
    assert "nan" not in text.lower()
    assert text.splitlines() == [
        "record_id\tgroup_id\tmatch_rule\tscore",
        "embase:L1\tembase:L1\tunique\t",
        "pubmed:1\tpubmed:1\tunique\t",
        "pubmed:2\tpubmed:1\tdoi\t1",
    ]


def test_write_then_read_round_trips(tmp_path):
    counts = pd.DataFrame({"box": ["duplicates"], "detail": [""], "count": [407]})
    path = tmp_path / "counts.tsv"
    io.write_table(counts, path, COUNTS)
    again = io.read_table(path, COUNTS)
    assert again.loc[0, "count"] == 407
    assert again.loc[0, "detail"] == ""


def test_failed_write_leaves_earlier_file_intact(tmp_path):
    path = tmp_path / "counts.tsv"
    path.write_text("earlier result\n")
    with pytest.raises(ValueError), io.atomic_path(path) as temporary:
        temporary.write_text("half written")
        raise ValueError("the job failed")
    assert path.read_text() == "earlier result\n"
    assert list(tmp_path.iterdir()) == [path]


def test_read_input_csv_indexes_rows_by_file_line(tmp_path):
    path = tmp_path / "ta_A.csv"
    path.write_text("\ufeffrecord_id,decision\r\npubmed:1,include\r\n\r\npubmed:2, exclude \r\n")
    decisions = io.read_input_csv(path, DECISIONS)
    assert decisions.index.tolist() == [2, 4]
    assert decisions.loc[4, "decision"] == "exclude"
    assert decisions.loc[2, "reviewer"] == ""
    assert decisions.attrs["path"] == str(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("record_id\npubmed:1\n", "ta.csv:1: lacks required column(s) decision"),
        ("record_id,decision,colour\n", "ta.csv:1: has unknown column(s) colour"),
        ("record_id,decision\na,b,c\n", "ta.csv:2: has 3 cells but the header has 2"),
        ("", "ta.csv:1: has no header row"),
    ],
)
def test_read_input_csv_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "ta.csv"
    path.write_text(content)
    with pytest.raises(InputTableError) as error:
        io.read_input_csv(path, DECISIONS)
    assert str(error.value).startswith(str(tmp_path / message.split(":")[0]) + ":")
    assert message.split(":", 1)[1] in str(error.value)


def test_read_input_csv_rejects_text_in_number_columns(tmp_path):
    path = tmp_path / "outcomes.csv"
    path.write_text("study,outcome,population,measure,source,estimate\nA,OS,all,HR,p1,0.7o\n")
    with pytest.raises(InputTableError, match=r"outcomes.csv:2: column 'estimate': '0.7o'"):
        io.read_input_csv(path, OUTCOMES)


def test_read_input_csv_rejects_non_utf8(tmp_path):
    path = tmp_path / "ta.csv"
    path.write_bytes("record_id,decision,note\npubmed:1,include,Müller\n".encode("cp1252"))
    with pytest.raises(InputTableError, match="is not UTF-8"):
        io.read_input_csv(path, DECISIONS)
