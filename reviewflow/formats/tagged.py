"""Record boundaries of tagged text formats (RIS, WoS plain text), with line numbers.

``rispy`` reads the fields but forgives a file cut short (a last record without its
end tag is silently dropped). This scan finds where each record starts and refuses
a record that never ends, so a truncated export is reported, not half-read.
"""

from __future__ import annotations

import re

from reviewflow.errors import ExportFormatError


def record_start_lines(text: str, path: str, start_tag: str, end_tag: str, label: str) -> list[int]:
    """1-based line number of every record's start tag, checking each has an end tag.

    Raises
    ------
    ExportFormatError
        A record without an end tag (truncated export), an end tag without a start,
        or no record at all.
    """
    boundary = re.compile(rf"^({start_tag}|{end_tag})(?:[ \t]|$)", re.MULTILINE)
    starts: list[int] = []
    open_line: int | None = None
    position = 0
    line = 1
    for match in boundary.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(1) == end_tag:
            if open_line is None:
                raise ExportFormatError(
                    path,
                    line,
                    f"end tag '{end_tag}' without a record start ('{start_tag}')",
                    f"the file is damaged; export the {label} file again",
                    unit="line",
                )
            open_line = None
        else:
            if open_line is not None:
                raise ExportFormatError(
                    path,
                    open_line,
                    f"record {len(starts)} has no end tag '{end_tag}' before the next "
                    f"record at line {line}",
                    f"the file is damaged; export the {label} file again",
                    unit="line",
                )
            open_line = line
            starts.append(line)
    if open_line is not None:
        raise ExportFormatError(
            path,
            open_line,
            f"record {len(starts)} is truncated: the file ends before its end tag '{end_tag}'",
            f"the export was cut short; export the {label} file again",
            unit="line",
        )
    if not starts:
        raise ExportFormatError(
            path,
            None,
            f"holds no {label} records (no '{start_tag}' line)",
            "check that this is the export file and that the search found records",
        )
    return starts
