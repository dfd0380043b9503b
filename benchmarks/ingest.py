"""Ingest speed: replicate each format's sample to 100,000 records and time reading it.

Run by hand: ``python benchmarks/ingest.py [--records 100000]``. Each format runs in
its own process so its peak memory (max RSS) is its own. Prints records per second
(decode + detect + parse + normalise + record IDs, one core) and peak memory.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "ingest"

SAMPLES = {
    "ris": ("cochrane_central.ris", None, None),
    "medline": ("pubmed.nbib", None, None),
    "pubmed_xml": ("pubmed.xml", r"<PubmedArticleSet>\n", r"</PubmedArticleSet>"),
    "wos_tagged": ("wos_tagged.txt", r"VR 1.0\n", r"EF\n"),
    "wos_tab": ("wos_tab.txt", r"\n", None),
    "scopus_csv": ("scopus.csv", r"\n", None),
    "embase_csv": ("embase.csv", r"\n", None),
    "endnote_xml": ("endnote.xml", r"<records>", r"</records>"),
    "bibtex": ("scopus.bib", None, None),
}
"""Per format: sample file, end of its header and start of its footer (regex)."""


def replicate(format_name: str, target: int, folder: Path) -> tuple[Path, int]:
    """Write the sample's records repeated until at least ``target`` records."""
    from reviewflow.ingest import read_export

    name, header_end, footer_start = SAMPLES[format_name]
    text = (DATA / name).read_text(encoding="utf-8-sig")
    per_copy = len(read_export(str(DATA / name))[1])
    head = ""
    tail = ""
    if header_end:
        match = re.search(header_end, text)
        head, text = text[: match.end()], text[match.end() :]
    if footer_start:
        match = re.search(footer_start, text)
        text, tail = text[: match.start()], text[match.start() :]
    if format_name == "medline":
        text = text.strip() + "\n\n"
    copies = -(-target // per_copy)
    path = folder / f"bench_{format_name}{Path(name).suffix}"
    path.write_text(head + text * copies + tail, encoding="utf-8")
    return path, copies * per_copy


def run_one(format_name: str, target: int) -> None:
    from reviewflow.ingest import ingest_exports

    with tempfile.TemporaryDirectory() as folder:
        path, expected = replicate(format_name, target, Path(folder))
        started = time.perf_counter()
        records = ingest_exports([str(path)], [format_name], "bench", "s1")
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # identical copies share record IDs and are kept once: count what was read
    print(
        f"{format_name:12s} {expected:>8,d} records {seconds:7.2f} s "
        f"{expected / seconds:>10,.0f} records/s  peak {peak_mb:7.0f} MB  ({len(records)} unique)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--format", choices=sorted(SAMPLES))
    arguments = parser.parse_args()
    if arguments.format:
        run_one(arguments.format, arguments.records)
        return
    for format_name in SAMPLES:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--format",
                format_name,
                "--records",
                str(arguments.records),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
