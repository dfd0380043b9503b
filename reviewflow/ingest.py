"""Ingestion: exports of one source in one search run -> rows of ``records.tsv``.

``ingest_exports`` reads, decodes, detects, parses and normalises every export file
of one source in one search run and assigns record IDs; ``combine_searches`` joins
the per-source tables of every search run into ``records.tsv``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import pandas as pd

from reviewflow import io
from reviewflow.errors import ExportFormatError
from reviewflow.formats import FORMATS
from reviewflow.formats.bibtex import parse_bibtex
from reviewflow.formats.csv_exports import parse_embase_csv, parse_scopus_csv
from reviewflow.formats.decode import decode_export
from reviewflow.formats.detect import detect_format
from reviewflow.formats.endnote_xml import parse_endnote_xml
from reviewflow.formats.medline import parse_medline
from reviewflow.formats.pubmed_xml import parse_pubmed_xml
from reviewflow.formats.reference_csv import parse_pubmed_csv, parse_zotero_csv
from reviewflow.formats.ris import parse_ris
from reviewflow.formats.wos import parse_wos_tab, parse_wos_tagged
from reviewflow.normalise import RawRecord, normalise_record
from reviewflow.record_ids import assign_record_ids
from reviewflow.tables import RECORD_FIELDS, RECORDS

logger = logging.getLogger(__name__)

TEXT_PARSERS: dict[str, Callable[[str, str], list[RawRecord]]] = {
    "medline": parse_medline,
    "ris": parse_ris,
    "wos_tagged": parse_wos_tagged,
    "wos_tab": parse_wos_tab,
    "embase_csv": parse_embase_csv,
    "scopus_csv": parse_scopus_csv,
    "pubmed_csv": parse_pubmed_csv,
    "zotero_csv": parse_zotero_csv,
    "bibtex": parse_bibtex,
}
"""Parsers that read decoded text."""

XML_PARSERS: dict[str, Callable[[bytes, str], list[RawRecord]]] = {
    "pubmed_xml": parse_pubmed_xml,
    "endnote_xml": parse_endnote_xml,
}
"""Parsers that read the raw bytes (the XML declaration names the encoding)."""

PUBMED_FORMATS = frozenset({"medline", "pubmed_xml", "pubmed_csv"})
"""Formats whose native record ID is the PMID."""

MAX_FIELD_CHARS = 100_000
"""Longest field accepted: ten times the longest abstract PubMed allows."""
FIELD_LIMITS = {"authors": 1_000_000}
"""Fields allowed to be longer: a physics collaboration or a COVIDSurg-style paper lists
several thousand authors (about 130,000 characters for 5,000 names)."""


def read_export(path: str, format_name: str = "") -> tuple[str, list[dict[str, str]]]:
    """The format and normalised records of one export file, in file order.

    Raises
    ------
    ExportFormatError
        Missing, binary, badly encoded or malformed file; unknown format; no
        records; a record without a title; a field longer than ``MAX_FIELD_CHARS``
        (``FIELD_LIMITS`` for authors).
    """
    try:
        data = io.read_bytes(path)
    except FileNotFoundError:
        raise ExportFormatError(
            path, None, "file not found", "check the export's path in config.yaml"
        ) from None
    text = decode_export(data, path)
    found = format_name or detect_format(text, path)
    if found not in FORMATS:
        raise ExportFormatError(
            path, None, f"unknown format '{found}'", f"use one of {', '.join(FORMATS)}"
        )
    if found in XML_PARSERS:
        raw_records = XML_PARSERS[found](data, path)
    else:
        raw_records = TEXT_PARSERS[found](text, path)
    if not raw_records:
        raise ExportFormatError(
            path,
            None,
            f"holds no records (read as {found})",
            "check that this is the export file and that the search found records",
        )
    records = []
    for number, raw in enumerate(raw_records, start=1):
        record = normalise_record(raw)
        _check_record(record, path, number, found)
        records.append(record)
    logger.info("%s: %d records read as %s", path, len(records), found)
    return found, records


def _check_record(record: dict[str, str], path: str, number: int, format_name: str) -> None:
    if not record["title"]:
        where = record["pmid"] or record["accession"] or record["doi"]
        raise ExportFormatError(
            path,
            number,
            f"record has no title{f' (id {where})' if where else ''}",
            "remove the record from the export or add its title",
            unit="record",
        )
    for name, value in record.items():
        limit = FIELD_LIMITS.get(name, MAX_FIELD_CHARS)
        if len(value) > limit:
            raise ExportFormatError(
                path,
                number,
                f"field '{name}' is {len(value):,} characters long (limit {limit:,})",
                "the export is damaged or not a bibliographic export; export it again",
                unit="record",
            )


def ingest_exports(
    paths: Sequence[str], formats: Sequence[str], source: str, search_id: str
) -> pd.DataFrame:
    """The ``RECORDS`` rows of every export of one source in one search run.

    ``formats[i]`` is the format of ``paths[i]`` or ``""`` to detect it from the
    content. Files of a split export are combined: a record ID seen in an earlier
    file (or earlier in the same file) is the same record and is kept once.

    Notes
    -----
    ``source_index`` is the 1-based position of the record in its file, so a record
    can be found in the export by number.
    """
    if len(paths) != len(formats):
        raise ValueError("paths and formats must have the same length")
    rows: list[dict[str, object]] = []
    seen: dict[str, tuple[str, int]] = {}
    for path, format_name in zip(paths, formats, strict=True):
        found, records = read_export(str(path), format_name)
        ids = assign_record_ids(source, records, [found in PUBMED_FORMATS] * len(records))
        repeated = 0
        for index, (record_id, record) in enumerate(zip(ids, records, strict=True), start=1):
            if record_id in seen:
                repeated += 1
                first_path, first_index = seen[record_id]
                logger.info(
                    "%s record %d is %s, already read from %s record %d: kept once",
                    path,
                    index,
                    record_id,
                    first_path,
                    first_index,
                )
                continue
            seen[record_id] = (str(path), index)
            rows.append(
                {
                    "record_id": record_id,
                    "search_id": search_id,
                    "source": source,
                    "source_file": str(path),
                    "source_index": index,
                    **record,
                }
            )
        if repeated:
            logger.warning(
                "%s: %d records seen before in this search were kept once", path, repeated
            )
    frame = pd.DataFrame(rows, columns=RECORDS.names)
    frame["source_index"] = frame["source_index"].astype("Int64")
    logger.info("%s / %s: %d records from %d files", search_id, source, len(frame), len(paths))
    return frame


def combine_searches(tables: Sequence[pd.DataFrame], search_order: Sequence[str]) -> pd.DataFrame:
    """``records.tsv``: every table joined, each record_id once, at its earliest search.

    A record re-found by a later search run (an update) keeps the row of the search
    that first found it; how many were re-found per search is logged.
    """
    columns = RECORDS.names
    if not tables:
        return pd.DataFrame(columns=columns)
    combined = pd.concat([table[columns] for table in tables], ignore_index=True)
    rank = {search_id: position for position, search_id in enumerate(search_order)}
    unknown = sorted(set(combined["search_id"]) - set(rank))
    if unknown:
        raise ValueError(f"search ids {unknown} are not in the search order")
    combined["_rank"] = combined["search_id"].map(rank)
    combined = combined.sort_values(
        ["_rank", "source", "source_file", "source_index"], kind="mergesort"
    )
    repeated = combined["record_id"].duplicated(keep="first")
    for search_id in search_order:
        count = int((repeated & combined["search_id"].eq(search_id)).sum())
        if count:
            logger.info("search %s: %d records re-found from an earlier search", search_id, count)
    records = combined.loc[~repeated, columns].reset_index(drop=True)
    for name in RECORD_FIELDS:
        records[name] = records[name].fillna("")
    return records
