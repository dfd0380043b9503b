"""Every export format and vendor shape imports with the right count and fields.

Two case tables: our own small samples of each vendor's shape (tests/data/ingest,
always run) and the shared corpus of real exports (../shared/formats, checked
against its expected.json, which was written by a reader of the files, not by us).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewflow.formats.detect import detect_format
from reviewflow.ingest import ingest_exports, read_export

DATA = Path(__file__).parent / "data" / "ingest"
REPO = Path(__file__).resolve().parents[1]
CORPUS_CANDIDATES = (Path("/work/shared/formats"), REPO.parent / "shared" / "formats")
CORPUS = next((path for path in CORPUS_CANDIDATES if (path / "expected.json").is_file()), None)
EXPECTED = json.loads((CORPUS / "expected.json").read_text()) if CORPUS else {}
needs_corpus = pytest.mark.skipif(
    CORPUS is None, reason="shared export corpus ../shared/formats is absent on this machine"
)

# file, format, count, index (0-based), field -> expected value
SAMPLE_CASES = [
    (
        "cochrane_central.ris",
        "ris",
        2,
        0,
        {
            "accession": "CN-02012345",
            "pages": "123-129",
            "doi": "10.1016/j.jtho.2021.01.001",
            "authors": "Tanaka, K; van der Berg, AM",
            "journal": "Journal of Thoracic Oncology",
            "year": "2021",
        },
    ),
    (
        "cochrane_central.ris",
        "ris",
        2,
        1,
        {
            "title": 'Toripalimab as second-line therapy: "real world" outcomes',
            "journal": "Annals of Oncology",
            "pages": "1404-1412",
            "doi": "",
            "publication_type": "Conference Proceeding",
        },
    ),
    (
        "embase.ris",
        "ris",
        1,
        0,
        {
            "accession": "L2001234567",
            "pmid": "31234567",
            "authors": "Kato, K; Shah, MA",
            "doi": "10.1016/s1470-2045(19)30001-1",
            "journal_abbrev": "Lancet Oncol.",
        },
    ),
    (
        "ovid_medline.ris",
        "ris",
        2,
        0,
        {
            "title": "Pembrolizumab for advanced oesophageal cancer",
            "pmid": "33026938",
            "doi": "10.1200/jco.20.01888",
            "journal_abbrev": "J Clin Oncol",
        },
    ),
    (
        "scopus.ris",
        "ris",
        1,
        0,
        {
            "pmid": "34774158",
            "accession": "2-s2.0-85117654321",
            "issn": "1470-2045",
            "pages": "1547-1557",
        },
    ),
    (
        "ebsco.ris",
        "ris",
        1,
        0,
        {
            "title": "Immunotherapy uptake in rural clinics",
            "accession": "150283000",
            "doi": "10.1080/16066359.2020.1111111",
            "year": "2021",
        },
    ),
    (
        "wos.ris",
        "ris",
        1,
        0,
        {
            "accession": "WOS:000699999900012",
            "journal_abbrev": "JAMA-J. Am. Med. Assoc.",
            "abstract": "Importance Camrelizumab may improve survival. Objective To assess efficacy.",  # noqa: E501
        },
    ),
    (
        "endnote.ris",
        "ris",
        1,
        0,
        {
            "pmid": "34554213",
            "keywords": "Esophageal Neoplasms; Nivolumab; Ipilimumab",
            "pages": "449-462",
            "authors": "Doki, Y; Ajani, JA",
        },
    ),
    (
        "zotero.ris",
        "ris",
        1,
        0,
        {
            "title": "Serplulimab plus chemotherapy in PD-L1 positive disease",
            "pmid": "",
            "journal_abbrev": "Nat Med",
            "issn": "1546-170X",
        },
    ),
    (
        "pubmed.nbib",
        "medline",
        2,
        0,
        {
            "title": "First-line camrelizumab plus chemotherapy for oesophageal squamous cell "
            "carcinoma (ESCORT-1st)",
            "authors": "Lu, Z; de la Cruz, MJ",
            "pages": "1051-1062",
            "doi": "10.1016/s1470-2045(21)00001-1",
            "issn": "1470-2045; 1474-5488",
            "journal": "The Lancet. Oncology",
            "journal_abbrev": "Lancet Oncol",
        },
    ),
    (
        "pubmed.nbib",
        "medline",
        2,
        1,
        {"title": "Oesophageal Cancer: A Clinical Handbook", "publication_type": "Book"},
    ),
    (
        "pubmed.xml",
        "pubmed_xml",
        2,
        0,
        {
            "title": "Anti-PD-1 therapy in PD-L1-positive oesophageal cancer: CPS≥10",
            "abstract": "BACKGROUND: Survival is poor. METHODS: Patients with p<0.05 were included.",  # noqa: E501
            "authors": "Sun, JM; KEYNOTE-590 Investigators",
            "pages": "623-631",
        },
    ),
    (
        "pubmed.xml",
        "pubmed_xml",
        2,
        1,
        {
            "title": "TP53-related cancer predisposition",
            "journal": "GeneReviews",
            "year": "1993",
            "pmid": "20301500",
        },
    ),
    (
        "wos_tagged.txt",
        "wos_tagged",
        2,
        0,
        {
            "title": "Effect of camrelizumab vs placebo added to chemotherapy on survival in "
            "advanced oesophageal cancer",
            "pmid": "34519801",
            "keywords": "camrelizumab; oesophageal cancer",
            "accession": "WOS:000699999900012",
        },
    ),
    ("wos_tagged.txt", "wos_tagged", 2, 1, {"pages": "277", "year": "2022"}),
    (
        "wos_tab.txt",
        "wos_tab",
        2,
        0,
        {"authors": "Luo, HY; Lu, J", "pmid": "34519801", "pages": "916-925"},
    ),
    (
        "scopus.csv",
        "scopus_csv",
        2,
        0,
        {
            "authors": "Shen, L; Kato, K; Kim, SB",
            "accession": "2-s2.0-85117654321",
            "pmid": "34774158",
            "journal_abbrev": "Lancet Oncol.",
        },
    ),
    (
        "embase.csv",
        "embase_csv",
        2,
        0,
        {
            "doi": "10.1016/s1470-2045(19)30626-6",
            "journal": "The Lancet Oncology",
            "volume": "20",
            "issue": "11",
            "pages": "1506-1517",
            "journal_abbrev": "Lancet Oncol.",
            "keywords": "nivolumab; esophagus carcinoma (drug therapy, surgery)",
        },
    ),
    (
        "eric.nbib",
        "medline",
        2,
        0,
        {
            "accession": "EJ1301234",
            "doi": "10.1080/19345747.2021.1234567",
            "issn": "1934-5747",
            "pages": "301-327",
            "pmid": "",
            "authors": "Okafor, N; Lindqvist, P",
        },
    ),
    (
        "pubmed.csv",
        "pubmed_csv",
        2,
        0,
        {
            "authors": "Kato, K; Cho, BC; Takahashi, M; Okada, M; Lin, CY",
            "volume": "20",
            "issue": "11",
            "pages": "1506-1517",
            "pmid": "31582355",
            "doi": "10.1016/s1470-2045(19)30626-6",
        },
    ),
    ("pubmed.csv", "pubmed_csv", 2, 1, {"year": "2020", "doi": "", "journal": "J Clin Oncol"}),
    (
        "zotero.csv",
        "zotero_csv",
        2,
        0,
        {
            "authors": "Kato, K; Cho, BC; Takahashi, M",
            "year": "2019",
            "pmid": "31582355",
            "accession": "7QXJ2ZK4",
            "journal_abbrev": "Lancet Oncol",
            "keywords": "Nivolumab; Esophageal Neoplasms; Humans",
        },
    ),
    (
        "zotero.csv",
        "zotero_csv",
        2,
        1,
        {"publication_type": "Conference Paper", "pages": "S1234", "pmid": "", "year": "2021"},
    ),
    (
        "endnote.xml",
        "endnote_xml",
        2,
        0,
        {
            "title": "Nivolumab Combination Therapy in Advanced Esophageal Squamous-Cell Carcinoma",
            "pmid": "35108470",
            "journal": "New England Journal of Medicine",
            "journal_abbrev": "N Engl J Med",
        },
    ),
    (
        "scopus.bib",
        "bibtex",
        2,
        0,
        {"pmid": "34774158", "accession": "2-s2.0-85117654321", "journal_abbrev": "Lancet Oncol."},
    ),
    (
        "scopus.bib",
        "bibtex",
        2,
        1,
        {"title": "Toripalimab plus chemotherapy in ösophageal cancer", "pages": "277"},
    ),
]


@pytest.mark.parametrize(
    ("name", "format_name", "count", "index", "fields"),
    SAMPLE_CASES,
    ids=[f"{case[0]}#{case[3]}" for case in SAMPLE_CASES],
)
def test_sample_export_reads_vendor_fields(name, format_name, count, index, fields):
    found, records = read_export(str(DATA / name))
    assert found == format_name
    assert len(records) == count
    assert {key: records[index][key] for key in fields} == fields


@pytest.mark.parametrize("name", sorted(path.name for path in DATA.iterdir()))
def test_sample_export_same_records_in_any_encoding(name, tmp_path):
    """UTF-8 with BOM, UTF-16 with BOM and CRLF give the same records as UTF-8/LF."""
    text = (DATA / name).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    _, reference = read_export(str(DATA / name))
    variants = {
        "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf16.txt": text.encode("utf-16"),
        "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
    }
    for variant, data in variants.items():
        if name.endswith(".xml") and variant == "utf16.txt":
            continue  # the XML declaration names UTF-8; a UTF-16 copy would contradict it
        path = tmp_path / variant
        path.write_bytes(data)
        assert read_export(str(path))[1] == reference, variant


def test_windows_1252_export_is_decoded(tmp_path):
    text = (DATA / "zotero.ris").read_text(encoding="utf-8").replace("Song, Yong", "Müller, Zoë")
    path = tmp_path / "cp1252.ris"
    path.write_bytes(text.encode("cp1252"))
    assert read_export(str(path))[1][0]["authors"].startswith("Müller, Z")


def test_ingest_exports_fills_contract_columns():
    records = ingest_exports([str(DATA / "cochrane_central.ris")], [""], "cochrane", "2021-11-30")
    assert records["record_id"].tolist() == ["cochrane:CN-02012345", "cochrane:CN-02098765"]
    assert records["source_index"].tolist() == [1, 2]
    assert set(records["source_file"]) == {str(DATA / "cochrane_central.ris")}
    assert not records.isna().any().any()


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_export_matches_expected(name):
    expected = EXPECTED[name]
    text = (CORPUS / name).read_bytes().decode("utf-8-sig", errors="replace")
    assert detect_format(text, name) == expected["kind"]
    _, records = read_export(str(CORPUS / name))
    assert len(records) == expected["records"]
    for checked in expected["records_checked"]:
        record = records[checked["index"]]
        got = {
            # expected.json keeps the exporter's double spaces; we collapse blanks
            "title": record["title"],
            "year": record["year"],
            "doi": record["doi"] or None,
            "pmid": record["pmid"] or None,
            "first_author_surname": record["authors"].split(";")[0].split(",")[0],
        }
        want = {key: checked[key] for key in got}
        want["title"] = " ".join(want["title"].split())
        assert got == want, f"record {checked['index']}"


# quirk, BibTeX entries, field -> expected value of the first record
BIBTEX_CASES = [
    (
        "accents in braces",
        r"author={M{\"u}ller, J. and Garc{\'\i}a, M.}",
        {"authors": "Müller, J; García, M"},
    ),
    (
        "escaped ampersand and percent",
        r"title={PD-1 \& CTLA-4 in 50\% of cases}",
        {"title": "PD-1 & CTLA-4 in 50% of cases"},
    ),
    (
        "unescaped percent is text",
        r"abstract={Survival rose by 50% in arm A & B}",
        {"abstract": "Survival rose by 50% in arm A & B"},
    ),
    ("inline math", r"title={Role of $\alpha$-cells}", {"title": "Role of α-cells"}),
    (
        "protected capitals",
        r"title={Effects of {PD-1} blockade}",
        {"title": "Effects of PD-1 blockade"},
    ),
    (
        "url keeps its query",
        r"url={https://x.org/r?eid=2-s2.0-1&doi=10.1%2fa&p=40}",
        {"accession": "2-s2.0-1", "url": "https://x.org/r?eid=2-s2.0-1&doi=10.1%2fa&p=40"},
    ),
    ("repeated field keeps the first", "title={First},\ntitle={Second}", {"title": "First"}),
    (
        "Zotero's comparison signs",
        r"abstract={risk fell (p \textless 0.001) in dogs \textgreater= 8 years}",
        {"abstract": "risk fell (p <0.001) in dogs >= 8 years"},
    ),
]


@pytest.mark.parametrize(
    ("case", "fields", "expected"), BIBTEX_CASES, ids=[c[0] for c in BIBTEX_CASES]
)
def test_bibtex_field_quirks(case, fields, expected, tmp_path):
    path = tmp_path / "export.bib"
    path.write_text(
        f"@ARTICLE{{Key1,\n{fields},\nyear={{2020}},\ntitle={{Fallback}}\n}}\n", encoding="utf-8"
    )
    _, records = read_export(str(path), "bibtex")
    assert {name: records[0][name] for name in expected} == expected


def test_bibtex_entries_sharing_a_key_are_both_read(tmp_path):
    path = tmp_path / "export.bib"
    entry = "@ARTICLE{{Gao2021,\ntitle={{{title}}},\njournal=jco,\nyear={{2021}}\n}}\n\n"
    text = (
        '@string{jco = "J Clin Oncol"}\n\n' + entry.format(title="One") + entry.format(title="Two")
    )
    path.write_text(text, encoding="utf-8")
    _, records = read_export(str(path), "bibtex")
    assert [(r["title"], r["journal"]) for r in records] == [
        ("One", "J Clin Oncol"),
        ("Two", "J Clin Oncol"),
    ]
