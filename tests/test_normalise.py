"""Field normalisation: one named case per quirk seen in real exports."""

from __future__ import annotations

import pytest

from reviewflow.normalise import (
    clean_text,
    normalise_author,
    normalise_doi,
    normalise_issn,
    normalise_pages,
    normalise_pmid,
    normalise_record,
    normalise_title,
    normalise_year,
)

DOI_CASES = [
    ("plain", "10.1186/1471-2105-7-10", "10.1186/1471-2105-7-10"),
    ("upper case", "10.1056/NEJMoa2111380", "10.1056/nejmoa2111380"),
    ("ovid dx.doi.org url", "http://dx.doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
    ("https doi.org", "https://doi.org/10.1002/cpp.2398", "10.1002/cpp.2398"),
    ("doi: prefix", "doi:10.1002/cpp.2398", "10.1002/cpp.2398"),
    ("embase open url", "id=doi:10.4103%2F2303-9027.138783&atitle=x", "10.4103/2303-9027.138783"),
    ("scopus link", "eid=2&doi=10.3390%2fani15010003&partnerID=40", "10.3390/ani15010003"),
    ("endnote doubled", "10.1089/tmj.2009.0030\r10.1089/tmj.2009.0030.", "10.1089/tmj.2009.0030"),
    (
        "medline source",
        "Lancet. 2021;1:1-2. doi: 10.1016/S0140-6736(21)00001-1.",
        "10.1016/s0140-6736(21)00001-1",
    ),
    ("none", "no identifier here", ""),
]


@pytest.mark.parametrize(("case", "raw", "expected"), DOI_CASES, ids=[c[0] for c in DOI_CASES])
def test_doi_is_lower_case_without_prefix(case, raw, expected):
    assert normalise_doi(raw) == expected


PAGE_CASES = [
    ("abbreviated end", "123-9", None, "123-129"),
    ("full range", "123-129", None, "123-129"),
    ("two fields", "1547", "57", "1547-1557"),
    ("two full fields", "212", "222", "212-222"),
    ("en dash", "830\u20139", None, "830-839"),
    ("letter prefix", "S12-5", None, "S12-S15"),
    ("single page", "e1001", None, "e1001"),
    ("pp prefix", "pp. 15-28", None, "15-28"),
    ("same start and end", "53", "53", "53"),
]


@pytest.mark.parametrize(
    ("case", "start", "end", "expected"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES]
)
def test_pages_are_full_ranges(case, start, end, expected):
    assert normalise_pages(start, end) == expected


AUTHOR_CASES = [
    ("full given names", "Saldiva, Paulo H N", "Saldiva, PHN"),
    ("dotted initials", "Bertolini, F.M.", "Bertolini, FM"),
    ("medline au", "Casbon JA", "Casbon, JA"),
    ("medline particle", "de Hoon MJ", "de Hoon, MJ"),
    ("embase", "Adler D.G.", "Adler, DG"),
    ("hyphenated given", "Lopez-Espinosa M.-J.", "Lopez-Espinosa, MJ"),
    ("wos", "Owen-Smith, J", "Owen-Smith, J"),
    ("corporate", "KEYNOTE-590 Investigators", "KEYNOTE-590 Investigators"),
    ("surname only", "Plato,", "Plato"),
]


@pytest.mark.parametrize(
    ("case", "raw", "expected"), AUTHOR_CASES, ids=[c[0] for c in AUTHOR_CASES]
)
def test_author_is_last_comma_initials(case, raw, expected):
    assert normalise_author(raw) == expected


TITLE_CASES = [
    ("pubmed terminator", "Open source clustering software.", "Open source clustering software"),
    ("ellipsis kept", "Waiting for...", "Waiting for..."),
    ("html entity", "Caf&eacute; &amp; &quot;tea&quot;", 'Café & "tea"'),
    ("inline markup", "Role of <i>TP53</i> in <sup>18</sup>F-PET", "Role of TP53 in 18F-PET"),
    ("line breaks", "A long\n   title", "A long title"),
    ("comparison kept", "Survival when p<0.05 and n>3", "Survival when p<0.05 and n>3"),
]


@pytest.mark.parametrize(("case", "raw", "expected"), TITLE_CASES, ids=[c[0] for c in TITLE_CASES])
def test_title_is_clean_text(case, raw, expected):
    assert normalise_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2021/06//", "2021"), ("SEP 21", ""), ("Jan-Feb 1999", "1999"), ("2019///", "2019")],
)
def test_year_is_four_digits(raw, expected):
    assert normalise_year(raw) == expected


def test_year_falls_back_to_later_date_fields():
    assert normalise_year("", "SEP", "2018 Mar 3") == "2018"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("16403221", "16403221"), ("PMID: 123", "123"), ("31574429 [pubmed]", "31574429"), ("", "")],
)
def test_pmid_is_digits_only(raw, expected):
    assert normalise_pmid(raw) == expected


def test_issn_formatted_and_unique():
    assert normalise_issn(["03064530 (ISSN)", "0306-4530", "1873-3514"]) == "0306-4530; 1873-3514"


def test_clean_text_keeps_encoded_markup_visible():
    assert clean_text("a &lt;i&gt; b") == "a <i> b"


def test_record_drops_abbreviation_equal_to_journal():
    record = normalise_record({"title": "T", "journal": "Cancer", "journal_abbrev": "CANCER"})
    assert record["journal_abbrev"] == ""
    assert all(isinstance(value, str) for value in record.values())
