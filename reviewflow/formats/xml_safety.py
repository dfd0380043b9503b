"""XML parsing that refuses entity declarations and external references.

``defusedxml`` raises on an ``<!ENTITY`` declaration (billion laughs, quadratic
blow-up) and on external entities or DTD fetches, so a hostile export fails with a
clear message instead of expanding or reaching the network.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from reviewflow.errors import ExportFormatError


def iter_elements(data: bytes, path: str, tags: frozenset[str]) -> Iterator[ElementTree.Element]:
    """Yield each complete element whose tag is in ``tags``, then free it.

    Raises
    ------
    ExportFormatError
        Malformed XML (with its line), entity declarations, external references.
    """
    try:
        for _event, element in SafeElementTree.iterparse(io.BytesIO(data), events=("end",)):
            if element.tag in tags:
                yield element
                element.clear()
    except defusedxml.EntitiesForbidden as error:
        raise ExportFormatError(
            path,
            None,
            f"declares XML entity '{error.name}'; entity declarations are refused "
            "(they can expand without bound)",
            "export the file again from the database; do not edit it",
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden) as error:
        raise ExportFormatError(
            path,
            None,
            f"refers to an external XML resource ({error.sysid or error.pubid}); "
            "external references are refused",
            "export the file again from the database; do not edit it",
        ) from None
    except ElementTree.ParseError as error:
        line, column = error.position
        raise ExportFormatError(
            path,
            line,
            f"is not well-formed XML ({str(error).split(':')[0]}, column {column})",
            "the file is damaged or cut short; export it again",
            unit="line",
        ) from None


def element_text(element: ElementTree.Element | None) -> str:
    """All text inside ``element`` (inline markup such as ``<i>`` flattened)."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()
