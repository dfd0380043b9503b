"""EndNote XML exports (``<xml><records><record>``), parsed with ``defusedxml``.

Field text sits inside ``<style>`` runs; it is flattened. ``accession-num`` is the
PMID when the record came from PubMed (``remote-database-provider`` NLM, or a
record with no provider whose accession is a PMID-shaped number).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from reviewflow.formats.xml_safety import element_text, iter_elements
from reviewflow.normalise import RawRecord

_PMID_SHAPE = re.compile(r"^\d{1,8}$")
_PUBMED_PROVIDERS = ("nlm", "pubmed", "medline")


def _texts(record: ElementTree.Element, path: str) -> list[str]:
    return [text for text in (element_text(item) for item in record.iterfind(path)) if text]


def _text(record: ElementTree.Element, *paths: str) -> str:
    for path in paths:
        texts = _texts(record, path)
        if texts:
            return texts[0]
    return ""


def _record(record: ElementTree.Element, number: int) -> RawRecord:
    accession = _text(record, "accession-num")
    provider = " ".join(
        _texts(record, "remote-database-provider") + _texts(record, "remote-database-name")
    )
    from_pubmed = any(name in provider.lower() for name in _PUBMED_PROVIDERS)
    pmid = accession if _PMID_SHAPE.match(accession) and (from_pubmed or not provider) else ""
    ref_type = record.find("ref-type")
    kind = ref_type.get("name", "") if ref_type is not None else ""
    return {
        "title": _text(record, "titles/title"),
        "abstract": _text(record, "abstract"),
        "authors": _texts(record, "contributors/authors/author"),
        "year": [_text(record, "dates/year"), _text(record, "dates/pub-dates/date")],
        "journal": _text(
            record, "periodical/full-title", "titles/secondary-title", "alt-periodical/full-title"
        ),
        "journal_abbrev": _text(
            record, "periodical/abbr-1", "alt-periodical/abbr-1", "titles/alt-title"
        ),
        "volume": _text(record, "volume"),
        "issue": _text(record, "number"),
        "pages": _text(record, "pages"),
        "doi": _texts(record, "electronic-resource-num"),
        "pmid": pmid,
        "accession": accession,
        "issn": _texts(record, "isbn"),
        "language": _text(record, "language"),
        "publication_type": _texts(record, "work-type") or ([kind] if kind else []),
        "keywords": _texts(record, "keywords/keyword"),
        "url": _texts(record, "urls/related-urls/url") + _texts(record, "urls/web-urls/url"),
        "line": number,
    }


def parse_endnote_xml(data: bytes, path: str) -> list[RawRecord]:
    """Records of an EndNote XML export, in file order."""
    return [
        _record(element, number)
        for number, element in enumerate(iter_elements(data, path, frozenset({"record"})), start=1)
    ]
