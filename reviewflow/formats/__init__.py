"""Parsers of bibliographic export formats, one module per format family.

Every parser has the signature ``parse_<format>(text | data, path) -> list[RawRecord]``
and returns raw records (see ``reviewflow.normalise``) in file order, each with a
``"line"`` key (1-based line where it starts, or ``None`` when the format has no
lines worth naming). Structural problems raise ``ExportFormatError``.
"""

from __future__ import annotations

FORMATS = (
    "medline",
    "pubmed_xml",
    "ris",
    "wos_tagged",
    "wos_tab",
    "embase_csv",
    "scopus_csv",
    "pubmed_csv",
    "zotero_csv",
    "endnote_xml",
    "bibtex",
)
"""Format names, as in the ``format:`` key of the config schema."""
