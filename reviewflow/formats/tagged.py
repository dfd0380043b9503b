"""Tagged text formats (RIS, WoS plain text): rispy parsers that keep every tag, and
record boundaries with line numbers.

``rispy`` reads the fields but forgives a file cut short (a last record without its
end tag is silently dropped). ``record_start_lines`` finds where each record starts
and refuses a record that never ends, so a truncated export is reported, not
half-read.
"""

from __future__ import annotations

import re

import rispy

from reviewflow.errors import ExportFormatError

_RIS_TAG = re.compile(r"\n(..)  -")
_WOS_TAG = re.compile(r"\n(?!  )(.{0,2})")


def tag_keeping_parser(text: str, wos: bool = False) -> rispy.RisParser:
    """A rispy parser that keeps every tag of ``text`` under its own name, as a list.

    Notes
    -----
    rispy maps tags to names and reads some as single values; reviewflow maps tags
    per vendor itself, so every tag the file uses is mapped to itself and read as a
    list. The tags are those rispy's own line rule accepts (``RisParser.parse_line``:
    two upper-case characters, a letter first, before ``"  -"``; for Web of Science
    any line start that is not a continuation), collected in one regex pass so each
    line costs a plain dict lookup.
    """
    if wos:
        tags = set(_WOS_TAG.findall("\n" + text))
        parser_class: type[rispy.RisParser] = rispy.WokParser
    else:
        found = set(_RIS_TAG.findall("\n" + text))
        tags = {tag for tag in found if tag.isupper() and tag[:1].isalpha()}
        parser_class = rispy.RisParser
    tags |= {parser_class.START_TAG, parser_class.UNKNOWN_TAG}
    return parser_class(
        mapping={tag: tag for tag in tags},
        list_tags=frozenset(tags),  # type: ignore[arg-type]
        delimiter_tags_mapping={},
    )


def record_start_lines(text: str, path: str, start_tag: str, end_tag: str, label: str) -> list[int]:
    """1-based line number of every record's start tag, checking each has an end tag.

    Raises
    ------
    ExportFormatError
        A record without an end tag (truncated export), an end tag without a start,
        or no record at all.
    """
    boundary = re.compile(rf"\n({start_tag}|{end_tag})(?=[ \t\n]|\Z)")
    starts: list[int] = []
    open_line: int | None = None
    position = 0
    line = 1
    for match in boundary.finditer("\n" + text):  # a tag line follows a line break
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
