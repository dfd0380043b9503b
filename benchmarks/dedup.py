"""Deduplication accuracy and speed on the seeded benchmark of ``dedup_data.py``.

Run by hand: ``python benchmarks/dedup.py [--n 10000] [--bib-dedupe]``. Prints pairwise
precision, recall and F1 against the true reports, the first false merges, the number
of missed pairs, wall time and peak memory (tracemalloc peak of Python allocations and
the process's max RSS) for reviewflow, and with ``--bib-dedupe`` the same for
bib-dedupe on the same records (``pip install bib-dedupe``; the ``bench`` extra).
Pairs reviewflow sends to review count as not merged.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import generate

from reviewflow.dedup import DedupSettings, group_duplicates


def _pairs(sizes) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def score(records: pd.DataFrame, group_of: dict[str, str]) -> dict:
    """Pairwise precision, recall, F1, false-merge groups and missed pairs."""
    frame = pd.DataFrame({"report": records["report"], "group": records["record_id"].map(group_of)})
    true_pairs = _pairs(frame["report"].value_counts())
    found_pairs = _pairs(frame["group"].value_counts())
    correct = _pairs(frame.groupby(["group", "report"]).size())
    reports_per_group = frame.groupby("group")["report"].nunique()
    false_groups = reports_per_group[reports_per_group > 1].index.tolist()
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_pairs": true_pairs,
        "found_pairs": found_pairs,
        "false_pairs": found_pairs - correct,
        "missed_pairs": true_pairs - correct,
        "false_groups": false_groups,
    }


def measure(function, *arguments):
    tracemalloc.start()
    started = time.perf_counter()
    result = function(*arguments)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def run_reviewflow(records: pd.DataFrame) -> dict[str, str]:
    result = group_duplicates(records.drop(columns="report"), None, ["s1"], DedupSettings())
    return dict(zip(result.groups["record_id"], result.groups["group_id"], strict=True))


def run_bib_dedupe(records: pd.DataFrame) -> dict[str, str]:
    from bib_dedupe import bib_dedupe

    frame = pd.DataFrame(
        {
            "ID": records["record_id"],
            "ENTRYTYPE": "article",
            "author": records["authors"].str.replace("; ", " and "),
            "title": records["title"],
            "year": records["year"],
            "journal": records["journal"],
            "volume": records["volume"],
            "number": records["issue"],
            "pages": records["pages"],
            "doi": records["doi"],
            "abstract": records["abstract"],
            "search_set": "",
        }
    )
    prepared = bib_dedupe.prep(frame, verbosity_level=0, cpu=2)
    blocked = bib_dedupe.block(prepared, verbosity_level=0, cpu=2)
    matched = bib_dedupe.match(blocked, verbosity_level=0, cpu=2)
    group_of = {record_id: record_id for record_id in records["record_id"]}
    for members in bib_dedupe.cluster(matched, verbosity_level=0):
        root = min(members)
        for member in members:
            group_of[member] = root
    return group_of


def report(name: str, records: pd.DataFrame, group_of, seconds: float, peak: int) -> dict:
    metrics = score(records, group_of)
    print(
        f"{name:12s} precision {metrics['precision']:.5f}  recall {metrics['recall']:.5f}  "
        f"F1 {metrics['f1']:.5f}  false pairs {metrics['false_pairs']:,}  "
        f"missed pairs {metrics['missed_pairs']:,} of {metrics['true_pairs']:,}  "
        f"{seconds:6.2f} s  peak (tracemalloc) {peak / 2**20:,.0f} MiB"
    )
    titles = dict(zip(records["record_id"], records["title"], strict=True))
    report_of = dict(zip(records["record_id"], records["report"], strict=True))
    members: dict[str, list[str]] = {}
    for record_id, group in group_of.items():
        members.setdefault(group, []).append(record_id)
    for group in metrics["false_groups"][:10]:
        kinds = Counter(report_of[record_id] for record_id in members[group])
        print(f"  false merge {group} ({len(kinds)} reports):")
        for record_id in sorted(members[group], key=report_of.get):
            print(f"    {report_of[record_id]} {record_id}: {titles[record_id][:110]}")
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--bib-dedupe", action="store_true", help="also run bib-dedupe")
    parser.add_argument("--no-tracemalloc", action="store_true", help="time without tracing")
    arguments = parser.parse_args()
    records = generate(arguments.n, arguments.seed)
    duplicates = 1 - records["report"].nunique() / len(records)
    print(f"{len(records):,} records, {duplicates:.1%} duplicates, seed {arguments.seed}")
    if arguments.no_tracemalloc:
        started = time.perf_counter()
        group_of = run_reviewflow(records)
        seconds, peak = time.perf_counter() - started, 0
    else:
        group_of, seconds, peak = measure(run_reviewflow, records)
    report("reviewflow", records, group_of, seconds, peak)
    print(f"  max RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    if arguments.bib_dedupe:
        try:
            import bib_dedupe  # noqa: F401
        except ImportError as error:
            print(f"bib-dedupe   not run: {error} (pip install bib-dedupe)")
            return
        started = time.perf_counter()
        group_of = run_bib_dedupe(records)
        seconds = time.perf_counter() - started
        report("bib-dedupe", records, group_of, seconds, 0)
        print(
            "  (bib-dedupe's memory is in worker processes: max RSS of this process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB)"
        )


if __name__ == "__main__":
    main()
