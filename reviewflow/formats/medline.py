"""MEDLINE text exports (PubMed ``.nbib``, ERIC ``.nbib``), read with ``Bio.Medline``.

Notes
-----
Records are separated by blank lines and start with ``PMID-``. A file cut short is
recognised when its last record lacks the ``SO`` (source) field that PubMed writes
last in every record, while the records before it have one.
"""

from __future__ import annotations

import io
import re

from Bio import Medline

from reviewflow.errors import ExportFormatError
from reviewflow.normalise import RawRecord, as_list

_FIRST_TAGS = ("PMID- ", "OWN - ")
"""The tag a record starts with. ERIC writes MEDLINE-format files whose records start
with ``OWN - ERIC`` and have no PMID; PubMed's start with ``PMID-``, ``OWN -`` second."""
_BAD_LINE = re.compile(r"\n(?!      |[A-Z][A-Z0-9 ]{3,4}- |[^\S\n]*(?:\n|\Z))[^\n]*")
"""A line (after its line break) that is no tag line (``TI  - ``, ERIC's five-letter
``ISSN - ``), continuation or blank line. Anchoring on the line break, not ``^``, lets
the regex engine jump from line break to line break."""
_DOI_SUFFIX = " [doi]"


def _first_tag(text: str) -> str:
    """``PMID- `` in a PubMed file, ``OWN - `` in ERIC's (which has no PMIDs)."""
    pubmed = text.startswith(_FIRST_TAGS[0]) or "\n" + _FIRST_TAGS[0] in text
    return _FIRST_TAGS[0] if pubmed else _FIRST_TAGS[1]


def _start_lines(text: str, path: str) -> list[int]:
    first_tag = _first_tag(text)
    starts = [0] if text.startswith(first_tag) else []
    starts += [found.start() + 1 for found in re.finditer("\n" + re.escape(first_tag), text)]
    lines: list[int] = []
    position = 0
    line = 1
    for start in starts:
        line += text.count("\n", position, start)
        position = start
        lines.append(line)
    if not lines:
        raise ExportFormatError(
            path,
            None,
            "holds no MEDLINE records (no 'PMID- ' or 'OWN - ' line)",
            "export from PubMed with 'Save' > Format: PubMed, or check the file",
        )
    first = text[: text.find(first_tag)]
    if first.strip():
        raise ExportFormatError(
            path,
            1,
            f"has text before the first MEDLINE record ('{first_tag}' line)",
            f"remove the lines above the first '{first_tag}' line",
            unit="line",
        )
    return lines


def _doi(record: dict) -> list[str]:
    ids = as_list(record.get("AID")) + as_list(record.get("LID"))
    dois = [value[: -len(_DOI_SUFFIX)] for value in ids if value.endswith(_DOI_SUFFIX)]
    return dois or [value for value in ids if value.startswith("10.") or "doi.org/10." in value]


def _authors(record: dict) -> list[str]:
    short = as_list(record.get("AU"))
    full = as_list(record.get("FAU"))
    names = short if len(short) >= len(full) else full
    return names + as_list(record.get("CN"))


def _raw_record(record: dict, line: int) -> RawRecord:
    title = record.get("TI") or record.get("BTI") or record.get("TT") or ""
    if isinstance(title, list):
        title = " ".join(title)
    is_book = "BTI" in record
    return {
        "title": title,
        "abstract": record.get("AB", ""),
        "authors": _authors(record),
        "year": [record.get("DP", ""), record.get("DEP", ""), record.get("EDAT", "")],
        "journal": record.get("JT") or (" ".join(as_list(record.get("BTI"))) if is_book else ""),
        "journal_abbrev": record.get("TA", ""),
        "volume": record.get("VI", ""),
        "issue": record.get("IP", ""),
        "pages": record.get("PG", ""),
        "doi": _doi(record) or [record.get("SO", "")],
        "pmid": record.get("PMID", ""),
        "accession": next(iter(as_list(record.get("PMID")) + as_list(record.get("OID"))), ""),
        "issn": as_list(record.get("IS"))
        + [value.replace("ISSN-", "") for value in as_list(record.get("ISSN"))],
        "language": as_list(record.get("LA")),
        "publication_type": as_list(record.get("PT")),
        "keywords": as_list(record.get("MH")) + as_list(record.get("OT")),
        "url": "",
        "line": line,  # type: ignore[dict-item]
    }


def parse_medline(text: str, path: str) -> list[RawRecord]:
    """Records of a MEDLINE/nbib export, in file order.

    Raises
    ------
    ExportFormatError
        No ``PMID-`` line, text that is neither a tag line nor a continuation,
        a record without a PMID, or a last record cut short.
    """
    starts = _start_lines(text, path)
    bad = _BAD_LINE.search(text)
    if bad is not None:
        raise ExportFormatError(
            path,
            text.count("\n", 0, bad.start()) + 2,
            f"line is neither a MEDLINE tag ('XXXX- ') nor a continuation: {bad.group()[1:41]!r}",
            "the file is damaged or not a MEDLINE export; export it again",
            unit="line",
        )
    parsed = list(Medline.parse(io.StringIO(text)))
    tag = _first_tag(text)
    if len(parsed) != len(starts):
        raise ExportFormatError(
            path,
            None,
            f"has {len(starts)} '{tag}' lines but {len(parsed)} records separated by blank lines",
            f"each record must start with '{tag}' after a blank line; export it again",
        )
    if len(parsed) > 1 and "SO" not in parsed[-1] and all("SO" in r for r in parsed[:-1]):
        raise ExportFormatError(
            path,
            starts[-1],
            f"record {len(parsed)} is truncated: it lacks the 'SO' field that ends "
            "every PubMed record",
            "the export was cut short; export it again",
            unit="line",
        )
    return [_raw_record(record, line) for record, line in zip(parsed, starts, strict=True)]
