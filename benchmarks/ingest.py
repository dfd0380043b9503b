"""Ingest speed: real exports replicated to 100,000 distinct records, per format.

Run by hand: ``python benchmarks/ingest.py [--records 100000] [--runs 3]``. For each
format the records of a real export from the shared corpus (``../shared/formats``;
this repository's small samples in ``tests/data/ingest`` when the corpus is absent)
are copied until there are ``--records`` of them. Every copy is made a distinct
record: each run of five or more digits (PMIDs, accession numbers, DOIs, EIDs) and
each BibTeX key gets the copy's number, so record IDs differ and nothing is "kept
once". Each format runs in its own process, so peak memory (max RSS) is its own.
Prints the median records per second of ``--runs`` runs of the whole of
``ingest_exports`` (read, decode, detect, parse, normalise, check, record IDs, table)
on one core, the peak memory, and how fast the parsing library alone (Bio.Medline,
rispy, pandas, ElementTree, bibtexparser) reads the same file: the bound on the rest.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "data" / "ingest"
CORPUS = REPO.parent / "shared" / "formats"

FILES = {
    "ris": ("ris_ovid_medline_citesource_84.ris", "cochrane_central.ris"),
    "medline": ("pubmed_nbib_reflib_cancer.nbib", "pubmed.nbib"),
    "pubmed_xml": ("pubmed_xml_asreview_pubmed.xml", "pubmed.xml"),
    "wos_tagged": ("wos_tagged_knh_public_health_r4001-4012.txt", "wos_tagged.txt"),
    "wos_tab": ("wos_tab_wosfile_win_utf8.txt", "wos_tab.txt"),
    "scopus_csv": ("scopus_csv_pfas_umbrella.csv", "scopus.csv"),
    "embase_csv": ("embase_csv_asreview.csv", "embase.csv"),
    "pubmed_csv": (None, "pubmed.csv"),
    "zotero_csv": (None, "zotero.csv"),
    "endnote_xml": ("endnote_xml_reflib_blue_light.xml", "endnote.xml"),
    "bibtex": ("bibtex_scopus_pfas_umbrella.bib", "scopus.bib"),
}
"""Per format: the corpus export used, and the sample used without the corpus."""

RECORD_PATTERNS = {
    "ris": r"^TY  - .*?^ER  -[^\n]*\n",
    "medline": r"^PMID- .*?(?:\n\s*\n|\Z)",
    "pubmed_xml": r"<PubmedArticle>.*?</PubmedArticle>\s*",
    "wos_tagged": r"^PT .*?^ER\s*\n",
    "endnote_xml": r"<record>.*?</record>",
    "bibtex": r"^@.*?(?=^@|\Z)",
}
"""Regular expressions that cut one record out of each text format (DOTALL)."""
TABLE_FORMATS = {"wos_tab": "\t", "scopus_csv": ",", "embase_csv": ",", "pubmed_csv": ","}
TABLE_FORMATS["zotero_csv"] = ","

_LONG_NUMBER = re.compile(r"\d{5,}")
_BIBTEX_KEY = re.compile(r"^(@\s*\w+\s*[{(]\s*)([^,\s]+)", re.MULTILINE)
TITLE_STARTS = {
    "ris": r"^(?:TI|T1)  - ",
    "medline": r"^TI  - ",
    "wos_tagged": r"^TI ",
    "pubmed_xml": r"<ArticleTitle[^>]*>",
    "endnote_xml": r"<titles><title>(?:<style[^>]*>)?",
    "bibtex": r"^\s*title\s*=\s*[{\"]",
}
"""Where each text format's title starts: copies get their number in the title too,
so records without identifiers also differ (as the records of a real search do)."""
TITLE_COLUMNS = {"wos_tab": "TI"}
ID_COLUMNS = {"zotero_csv": "Key"}
"""Identifier columns without long numbers, which copies number too."""


def source_file(format_name: str) -> Path:
    """The corpus export of the format, or the repository's sample."""
    corpus, sample = FILES[format_name]
    if corpus and (CORPUS / corpus).is_file():
        return CORPUS / corpus
    return SAMPLES / sample


def _distinct(text: str, copy: int, title: re.Pattern[str] | None = None) -> str:
    """A copy of records whose long numbers, BibTeX keys and titles carry the copy number."""
    tag = f"{copy:06d}"
    text = _LONG_NUMBER.sub(lambda found: found.group() + tag, text)
    if title is not None:
        text = title.sub(lambda found: f"{found.group()}{copy} ", text)
    return _BIBTEX_KEY.sub(lambda found: found.group(1) + found.group(2) + tag, text)


def replicate(format_name: str, target: int, folder: Path) -> tuple[Path, int]:
    """Write ``target`` distinct records of the format; return the path and count."""
    source = source_file(format_name)
    text = source.read_bytes().decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    path = folder / f"bench_{format_name}{source.suffix}"
    if format_name in TABLE_FORMATS:
        separator = TABLE_FORMATS[format_name]
        quoting = csv.QUOTE_MINIMAL if separator == "," else csv.QUOTE_NONE
        rows = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, quoting=quoting
        )
        title = TITLE_COLUMNS.get(format_name) or next(
            name for name in rows.columns if name.strip().lower() == "title"
        )
        copies = -(-target // len(rows))
        with path.open("w", encoding="utf-8") as out:
            out.write(text.split("\n", 1)[0] + "\n")
            for copy in range(copies):
                numbered = rows.assign(**{title: f"{copy} " + rows[title]})
                if format_name in ID_COLUMNS:
                    key = ID_COLUMNS[format_name]
                    numbered[key] = numbered[key] + f"{copy:06d}"
                body = numbered.to_csv(sep=separator, header=False, index=False, quoting=quoting)
                out.write(_distinct(body, copy))
        return path, copies * len(rows)
    records = re.findall(RECORD_PATTERNS[format_name], text, re.DOTALL | re.MULTILINE)
    head = text[: text.find(records[0])]
    tail = text[text.rfind(records[-1]) + len(records[-1]) :]
    block = "".join(records)
    if format_name == "medline":
        block = "\n\n".join(record.strip() for record in records) + "\n\n"
    copies = -(-target // len(records))
    title = re.compile(TITLE_STARTS[format_name], re.MULTILINE | re.IGNORECASE)
    body = "".join(_distinct(block, copy, title) for copy in range(copies))
    path.write_text(head + body + tail, encoding="utf-8")
    return path, copies * len(records)


def library_seconds(format_name: str, path: Path) -> float:
    """Seconds the parsing library alone takes to read the file (decoded text in memory)."""
    import bibtexparser
    import defusedxml.ElementTree as SafeElementTree
    import rispy
    from Bio import Medline

    data = path.read_bytes()
    text = data.decode("utf-8")
    started = time.perf_counter()
    if format_name == "medline":
        list(Medline.parse(io.StringIO(text)))
    elif format_name in ("ris", "wos_tagged"):
        parser = rispy.WokParser if format_name == "wos_tagged" else rispy.RisParser
        rispy.loads(text, implementation=parser)
    elif format_name in TABLE_FORMATS:
        quoting = csv.QUOTE_NONE if format_name == "wos_tab" else csv.QUOTE_MINIMAL
        pd.read_csv(io.StringIO(text), sep=TABLE_FORMATS[format_name], dtype=str, quoting=quoting)
    elif format_name in ("pubmed_xml", "endnote_xml"):
        for _event, element in SafeElementTree.iterparse(io.BytesIO(data)):
            if element.tag in ("PubmedArticle", "record"):
                element.clear()
    elif format_name == "bibtex":
        bibtexparser.parse_string(text)
    return time.perf_counter() - started


def run_one(format_name: str, target: int, runs: int) -> None:
    from reviewflow.ingest import ingest_exports

    timings = []
    with tempfile.TemporaryDirectory() as folder:
        path, expected = replicate(format_name, target, Path(folder))
        for _ in range(runs):
            started = time.perf_counter()
            records = ingest_exports([str(path)], [""], "bench", "s1")
            timings.append(time.perf_counter() - started)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        library = library_seconds(format_name, path)
    seconds = statistics.median(timings)
    print(
        f"{format_name:12s} {len(records):>8,d} records {seconds:6.2f} s "
        f"{len(records) / seconds:>9,.0f} records/s  peak {peak_mb:6.0f} MB  "
        f"library alone {len(records) / library:>9,.0f} records/s  "
        f"(median of {runs}; {source_file(format_name).name})",
        flush=True,
    )
    if len(records) != expected:
        print(f"  expected {expected:,} distinct records", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=sorted(FILES), action="append")
    arguments = parser.parse_args()
    formats = arguments.format or list(FILES)
    if len(formats) == 1:
        run_one(formats[0], arguments.records, arguments.runs)
        return
    for format_name in formats:
        command = [sys.executable, __file__, "--records", str(arguments.records)]
        command += ["--runs", str(arguments.runs), "--format", format_name]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
