"""PubMed XML (efetch ``PubmedArticleSet``): articles and books/chapters.

Parsed with ``defusedxml`` (no entity expansion, no external entities) rather than
``Bio.Entrez``, whose parser fetches DTDs and expands entities. Inline markup in
titles (``<i>``, ``<sup>``) and CDATA are flattened to text; structured abstracts
keep their section labels (``BACKGROUND: ...``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from reviewflow.formats.xml_safety import element_text, iter_elements
from reviewflow.normalise import RawRecord

_RECORD_TAGS = frozenset({"PubmedArticle", "PubmedBookArticle"})


def _texts(parent: ElementTree.Element | None, path: str) -> list[str]:
    if parent is None:
        return []
    return [text for text in (element_text(item) for item in parent.iterfind(path)) if text]


def _authors(parent: ElementTree.Element | None) -> list[str]:
    names = []
    if parent is None:
        return names
    for author in parent.iterfind(".//AuthorList/Author"):
        last = element_text(author.find("LastName"))
        initials = element_text(author.find("Initials")) or element_text(author.find("ForeName"))
        collective = element_text(author.find("CollectiveName"))
        if last:
            names.append(f"{last}, {initials}" if initials else last)
        elif collective:
            names.append(collective)
    return names


def _abstract(parent: ElementTree.Element | None) -> str:
    if parent is None:
        return ""
    parts = []
    for section in parent.iterfind(".//Abstract/AbstractText"):
        text = element_text(section)
        label = section.get("Label")
        parts.append(f"{label}: {text}" if label and text else text)
    return " ".join(part for part in parts if part)


def _date_year(parent: ElementTree.Element | None) -> list[str]:
    if parent is None:
        return []
    return _texts(parent, ".//PubDate/Year") + _texts(parent, ".//PubDate/MedlineDate")


def _article(element: ElementTree.Element) -> RawRecord:
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    journal = article.find("Journal") if article is not None else None
    pmid = element_text(citation.find("PMID")) if citation is not None else ""
    ids = element.find("PubmedData/ArticleIdList")
    dois = [
        element_text(item)
        for item in (ids if ids is not None else [])
        if item.get("IdType") == "doi"
    ]
    if article is not None:
        dois += [
            element_text(item)
            for item in article.iterfind("ELocationID")
            if item.get("EIdType") == "doi"
        ]
    title = element_text(article.find("ArticleTitle")) if article is not None else ""
    if not title and article is not None:
        title = element_text(article.find("VernacularTitle"))
    keywords = _texts(citation, ".//MeshHeadingList/MeshHeading/DescriptorName")
    keywords += _texts(citation, ".//KeywordList/Keyword")
    abbrev = _texts(journal, "ISOAbbreviation") or _texts(citation, "MedlineJournalInfo/MedlineTA")
    return {
        "title": title,
        "abstract": _abstract(article),
        "authors": _authors(article),
        "year": _date_year(journal) + _texts(article, "ArticleDate/Year"),
        "journal": element_text(journal.find("Title")) if journal is not None else "",
        "journal_abbrev": abbrev[:1],
        "volume": _texts(journal, "JournalIssue/Volume")[:1],
        "issue": _texts(journal, "JournalIssue/Issue")[:1],
        "pages": _texts(article, "Pagination/MedlinePgn")[:1],
        "doi": dois,
        "pmid": pmid,
        "accession": pmid,
        "issn": _texts(journal, "ISSN"),
        "language": _texts(article, "Language"),
        "publication_type": _texts(article, "PublicationTypeList/PublicationType"),
        "keywords": keywords,
        "url": "",
        "line": None,
    }


def _book(element: ElementTree.Element) -> RawRecord:
    document = element.find("BookDocument")
    book = document.find("Book") if document is not None else None
    pmid = element_text(document.find("PMID")) if document is not None else ""
    ids = element.find("PubmedBookData/ArticleIdList")
    dois = [
        element_text(item)
        for item in (ids if ids is not None else [])
        if item.get("IdType") == "doi"
    ]
    if document is not None:
        dois += [
            element_text(item)
            for item in document.iterfind("ELocationID")
            if item.get("EIdType") == "doi"
        ]
    chapter = element_text(document.find("ArticleTitle")) if document is not None else ""
    book_title = element_text(book.find("BookTitle")) if book is not None else ""
    authors = _authors(document)
    if not authors and book is not None:
        authors = _authors(book)
    return {
        "title": chapter or book_title,
        "abstract": _abstract(document),
        "authors": authors,
        "year": _date_year(book),
        "journal": book_title if chapter else "",
        "journal_abbrev": "",
        "volume": _texts(book, "Volume")[:1],
        "issue": "",
        "pages": _texts(document, "Pagination/MedlinePgn")[:1],
        "doi": dois,
        "pmid": pmid,
        "accession": pmid,
        "issn": [],
        "language": _texts(document, "Language"),
        "publication_type": _texts(document, "PublicationType") or ["Book"],
        "keywords": _texts(document, ".//KeywordList/Keyword"),
        "url": "",
        "line": None,
    }


def parse_pubmed_xml(data: bytes, path: str) -> list[RawRecord]:
    """Records of a PubMed XML export (articles and book documents), in file order."""
    return [
        _article(element) if element.tag == "PubmedArticle" else _book(element)
        for element in iter_elements(data, path, _RECORD_TAGS)
    ]
