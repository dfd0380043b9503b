"""RIS exports (Embase.com, Ovid, Cochrane CENTRAL, Scopus, EBSCO, WoS, EndNote, Zotero).

``rispy`` reads the tags; each vendor's own use of them lives in ``VENDOR_MAPS``.
The vendor is recognised from markers in the file (database names, link hosts,
accession shapes), because the same tag means different things per vendor:
``C2`` is the PubMed ID in Scopus but the PMC ID in EndNote, ``C5`` the PubMed ID
in Embase, and ``AN`` an accession number that for PubMed records is the PMID.
"""

from __future__ import annotations

import re

from reviewflow.errors import ExportFormatError
from reviewflow.formats.tagged import record_start_lines, tag_keeping_parser
from reviewflow.normalise import RawRecord, as_list

Tags = dict[str, list[str]]


BASE_MAP: dict[str, tuple[str, ...]] = {
    "title": ("TI", "T1", "CT", "BT"),
    "abstract": ("AB", "N2"),
    "authors": ("AU", "A1"),
    "year": ("PY", "Y1", "DA", "Y2"),
    "journal": ("JF", "T2", "JO", "JA", "J2", "SO"),
    "journal_abbrev": ("JI", "J2", "JA", "JO", "J9"),
    "volume": ("VL",),
    "issue": ("IS", "CP"),
    "doi": ("DO", "DI", "L3", "UR", "L2", "LK"),
    "issn": ("SN",),
    "language": ("LA",),
    "publication_type": ("PT", "M3"),
    "keywords": ("KW", "DE"),
    "url": ("UR", "L2", "LK"),
}
"""Fields every vendor fills the same way: field -> tags, first non-empty wins."""

VENDOR_MAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "generic": {},
    "embase": {"pmid": ("C5",), "abstract": ("N2", "AB")},
    "scopus": {"pmid": ("C2",), "journal": ("T2", "JF", "JO"), "journal_abbrev": ("J2",)},
    "wos": {"pmid": ("PM",), "journal_abbrev": ("JI", "J9")},
    "ovid": {
        "abstract": ("N2", "AB"),
        "journal": ("JF", "T2", "JO"),
        "journal_abbrev": ("JA", "J2"),
    },
    "ebsco": {"doi": ("DO", "L3", "UR"), "journal_abbrev": ("JA",)},
    "cochrane": {"journal": ("SO", "JO", "T2", "JF"), "pmid": ("PM",), "doi": ("DO",)},
    "endnote": {"journal": ("T2", "JF", "JO"), "journal_abbrev": ("J2", "JA")},
}
"""Per vendor, the fields whose tags differ from ``BASE_MAP``."""

TYPE_NAMES = {
    "JOUR": "Journal Article",
    "JFULL": "Journal Article",
    "ABST": "Abstract",
    "CONF": "Conference Proceeding",
    "CPAPER": "Conference Paper",
    "BOOK": "Book",
    "CHAP": "Book Chapter",
    "EDBOOK": "Edited Book",
    "RPRT": "Report",
    "THES": "Thesis",
    "GEN": "Generic",
    "ELEC": "Web Page",
    "NEWS": "Newspaper Article",
    "MGZN": "Magazine Article",
    "SER": "Serial",
}

_VENDOR_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cochrane", re.compile(r"^(?:ID|AN)  - CN-\d|cochranelibrary\.com", re.MULTILINE)),
    ("ovid", re.compile(r"ovidsp\.ovid\.com|ovid\.com/|^DB  - Ovid|\A\s*\d+\.\s*\n", re.MULTILINE)),
    ("embase", re.compile(r"^DB  - Embase|^U2  - L\d|embase\.com", re.MULTILINE)),
    ("scopus", re.compile(r"^DB  - Scopus|scopus\.com/", re.MULTILINE)),
    ("ebsco", re.compile(r"EBSCOhost|ebscohost\.com", re.MULTILINE)),
    ("endnote", re.compile(r"^DP  - NLM", re.MULTILINE)),
    ("wos", re.compile(r"^AN  - WOS:|^N1  - Times Cited in Web of Science|^WE  - ", re.MULTILINE)),
)
_OVID_AN = re.compile(r"[?&]AN=([^&\s]+)")
_OVID_MEDLINE = re.compile(r"[?&]D=(?:med|prem|mesx|mesz)", re.IGNORECASE)
_EMBASE_ID = re.compile(r"^L\d{6,}$")
_EMBASE_URL_ID = re.compile(r"[?&]id=(L\d{6,})")
_SCOPUS_EID = re.compile(r"eid=(2-s2\.0-\d+)")
_CENTRAL_ID = re.compile(r"^CN-\d+$")
_ACCESSION_NOTE = re.compile(r"Accession Number:\s*([\w-]+?)\.?(?:;|\s|$)")
_DOI_LINK = re.compile(r"doi\.org/|[?&](?:doi|id)=(?:doi:)?10\.", re.IGNORECASE)
_URL_TAGS = frozenset({"UR", "L2", "LK"})
_PMID_NOTE = re.compile(r"PMID:?\s*(\d{1,9})")


def detect_vendor(text: str) -> str:
    """Which vendor's tag conventions a RIS file follows (``generic`` if unsure)."""
    head = text[:200_000]
    for vendor, marker in _VENDOR_MARKERS:
        if marker.search(head):
            return vendor
    return "generic"


def _first(tags: Tags, names: tuple[str, ...]) -> list[str]:
    for name in names:
        values = tags.get(name)
        if values:
            kept = [value for value in values if value]
            if kept:
                return kept
    return []


def _every(tags: Tags, names: tuple[str, ...]) -> list[str]:
    return [value for name in names for value in tags.get(name, ()) if value]


def _accession_and_pmid(tags: Tags, vendor: str) -> tuple[str, str]:
    """The vendor's accession number and PubMed ID of one record."""
    an = _first(tags, ("AN",))
    accession = an[0] if an else ""
    pmid = ""
    if vendor == "embase":
        ids = [value for value in _every(tags, ("U2", "AN")) if _EMBASE_ID.match(value)]
        urls = [m.group(1) for m in map(_EMBASE_URL_ID.search, _every(tags, ("UR",))) if m]
        accession = (ids or urls or [accession])[0]
    elif vendor == "scopus":
        eids = [m.group(1) for m in map(_SCOPUS_EID.search, _every(tags, ("UR", "L2"))) if m]
        accession = eids[0] if eids else accession
    elif vendor == "cochrane":
        ids = [value for value in _every(tags, ("ID", "AN")) if _CENTRAL_ID.match(value)]
        accession = ids[0] if ids else accession
    elif vendor == "wos":
        ids = [value for value in _every(tags, ("AN", "UT")) if value.startswith("WOS:")]
        accession = ids[0] if ids else ""
    elif vendor == "ovid":
        links = _every(tags, ("L2", "UR"))
        from_link = [m.group(1) for m in map(_OVID_AN.search, links) if m]
        accession = (
            accession or (from_link[0] if from_link else "") or "".join(tags.get("ID", [])[:1])
        )
        if any(_OVID_MEDLINE.search(link) for link in links) or "MEDLINE" in " ".join(
            tags.get("DB", [])
        ):
            pmid = accession if accession.isdigit() else ""
    elif vendor == "ebsco":
        if not accession:
            notes = [m.group(1) for m in map(_ACCESSION_NOTE.search, _every(tags, ("N1",))) if m]
            accession = notes[0] if notes else ""
    elif vendor == "endnote" and accession.isdigit():
        pmid = accession
    if not pmid and vendor not in ("embase", "scopus"):
        notes = [m.group(1) for m in map(_PMID_NOTE.search, _every(tags, ("N1", "M1"))) if m]
        pmid = notes[0] if notes and vendor in ("generic", "endnote", "ebsco") else ""
    return accession, pmid


FIELD_MAPS = {vendor: {**BASE_MAP, **changes} for vendor, changes in VENDOR_MAPS.items()}
"""Per vendor, field -> tags: ``BASE_MAP`` with the vendor's own changes."""


def _record_from_tags(tags: Tags, vendor: str, line: int) -> RawRecord:
    fields = FIELD_MAPS[vendor]
    record: RawRecord = {name: _first(tags, names) for name, names in fields.items()}
    record.pop("pmid", None)
    joined = ("title", "abstract", "journal", "journal_abbrev", "volume", "issue", "year")
    for name in joined:
        record[name] = " ".join(as_list(record.get(name)))
    record["doi"] = [
        value
        for name in fields["doi"]
        for value in tags.get(name, ())
        if value and (name not in _URL_TAGS or _DOI_LINK.search(value))
    ]
    record["issn"] = _every(tags, ("SN",))
    start = _first(tags, ("SP", "PG"))
    end = _first(tags, ("EP",))
    record["pages"] = [start[0] if start else "", end[0] if end else ""]
    accession, pmid = _accession_and_pmid(tags, vendor)
    if "pmid" in fields and not pmid:
        pmid_values = _first(tags, fields["pmid"])
        pmid = pmid_values[0] if pmid_values else ""
    record["accession"] = accession
    record["pmid"] = pmid
    if not record["publication_type"]:
        kind = str(tags.get("TY") or "").strip()
        record["publication_type"] = [TYPE_NAMES.get(kind, kind)] if kind else []
    record["line"] = line  # type: ignore[assignment]
    return record


def parse_ris(text: str, path: str) -> list[RawRecord]:
    """Records of a RIS export, in file order, read with ``rispy``.

    Raises
    ------
    ExportFormatError
        A truncated record (no ``ER``), an ``ER`` without ``TY``, or no records.
    """
    starts = record_start_lines(text, path, "TY  -", "ER  -", "RIS")
    entries = tag_keeping_parser(text).parse(text)
    if len(entries) != len(starts):
        raise ExportFormatError(
            path,
            None,
            f"has {len(starts)} 'TY' lines but {len(entries)} readable RIS records",
            "the file is damaged; export the RIS file again",
        )
    vendor = detect_vendor(text)
    return [
        _record_from_tags(tags, vendor, line) for tags, line in zip(entries, starts, strict=True)
    ]
