"""Stable record IDs: ``"<source>:<native id>"`` or a content hash (DESIGN.md contract).

Notes
-----
The native ID is the PMID for PubMed and the database's accession number otherwise
(Embase ``L…``, CENTRAL ``CN-…``, WoS ``WOS:…``, Scopus EID, Ovid/EBSCO ``AN``),
exactly as exported, so an updated export gives the same IDs. Without one the ID is
``"<source>:h"`` plus the first 12 hex digits of the SHA-1 of the folded title,
year and first author's surname; records that hash alike but differ get ``-2``,
``-3``, … in file order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from reviewflow.normalise import fold_text

HASH_DIGITS = 12


def content_hash(title: str, year: str, authors: str) -> str:
    """First 12 hex digits of SHA-1 of ``folded title|year|folded first surname``."""
    first_author = authors.split(";", 1)[0].split(",", 1)[0]
    key = f"{fold_text(title)}|{year.strip()}|{fold_text(first_author)}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def native_id(source: str, accession: str, pmid: str, pubmed_source: bool) -> str:
    """``source:PMID`` for PubMed formats, ``source:accession`` otherwise; '' if none."""
    value = pmid if pubmed_source and pmid else accession
    value = value.strip()
    return f"{source}:{value}" if value else ""


def assign_record_ids(
    source: str,
    records: Sequence[dict[str, str]],
    pubmed_source: Iterable[bool],
) -> list[str]:
    """Record IDs for records in file order (native, else hash with collision suffix).

    ``records`` are normalised records; a hash shared by records whose normalised
    fields are identical is the same record (it gets the same ID and is merged later
    as a duplicate), one shared by different records gets ``-2``, ``-3``, ….
    """
    ids: list[str] = []
    seen: dict[str, dict[tuple[tuple[str, str], ...], int]] = {}
    for record, from_pubmed in zip(records, pubmed_source, strict=True):
        native = native_id(source, record["accession"], record["pmid"], from_pubmed)
        if native:
            ids.append(native)
            continue
        base = f"{source}:h{content_hash(record['title'], record['year'], record['authors'])}"
        fingerprint = tuple(sorted(record.items()))
        variants = seen.setdefault(base, {})
        position = variants.setdefault(fingerprint, len(variants))
        ids.append(base if position == 0 else f"{base}-{position + 1}")
    return ids
