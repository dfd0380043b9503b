"""Deduplication accuracy, speed and memory on the seeded benchmark of ``dedup_data.py``.

Run by hand: ``python benchmarks/dedup.py [--n 10000] [--no-bib-dedupe]``. The records
are written to a temporary ``records.tsv``; each tool then runs in a fresh process
that reads it, so the peak memory printed is that process's maximum resident set
size (interpreter, pandas and the records included), as the workflow's rule would
use. Prints, for reviewflow and bib-dedupe side by side: pairwise precision, recall
and F1 against the true reports, false and missed pairs, pairs left for review,
wall time and peak memory; then the false merges and missed pairs of each tool.
Pairs reviewflow lists for review count as not merged. bib-dedupe (the ``bench``
extra: ``pip install bib-dedupe``) gets the same records as a BibTeX-like frame.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_data import generate
from dedup_real import RECORDS_FILE, labelled_sets, load_labelled

from reviewflow.dedup import DedupSettings, group_duplicates
from reviewflow.io import read_table, write_table
from reviewflow.tables import RECORDS

WORKERS = 2
"""The two cores of the target machine."""


def _pairs(sizes) -> int:
    return int(sum(size * (size - 1) // 2 for size in sizes))


def score(truth: pd.DataFrame, group_of: dict[str, str]) -> dict:
    """Pairwise precision, recall, F1, false-merge groups and missed pairs."""
    frame = truth.assign(group=truth["record_id"].map(group_of))
    true_pairs = _pairs(frame["report"].value_counts())
    found_pairs = _pairs(frame["group"].value_counts())
    correct = _pairs(frame.groupby(["group", "report"]).size())
    reports_per_group = frame.groupby("group")["report"].nunique()
    groups_per_report = frame.groupby("report")["group"].nunique()
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "true_pairs": true_pairs,
        "false_pairs": found_pairs - correct,
        "missed_pairs": true_pairs - correct,
        "false_groups": reports_per_group[reports_per_group > 1].index.tolist(),
        "split_reports": groups_per_report[groups_per_report > 1].index.tolist(),
    }


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _run_reviewflow(path: str, queue) -> None:
    records = read_table(path, RECORDS)
    started = time.perf_counter()
    result = group_duplicates(records, None, ["s1"], DedupSettings(workers=WORKERS))
    seconds = time.perf_counter() - started
    group_of = dict(zip(result.groups["record_id"], result.groups["group_id"], strict=True))
    queue.put((group_of, seconds, _peak_mib(), len(result.review), ""))


def _run_bib_dedupe(path: str, queue) -> None:
    try:
        from bib_dedupe import bib_dedupe
    except ImportError as error:
        queue.put(({}, 0.0, 0.0, 0, f"cannot import bib_dedupe ({error}); pip install bib-dedupe"))
        return
    records = read_table(path, RECORDS)
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
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # its blocking report ignores verbosity
        prepared = bib_dedupe.prep(frame, verbosity_level=0, cpu=WORKERS)
        blocked = bib_dedupe.block(prepared, verbosity_level=0, cpu=WORKERS)
        matched = bib_dedupe.match(blocked, verbosity_level=0, cpu=WORKERS)
        clusters = bib_dedupe.cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - started
    group_of = {record_id: record_id for record_id in records["record_id"]}
    for members in clusters:
        root = min(members)
        for member in members:
            group_of[member] = root
    maybe = (
        int((matched["duplicate_label"] == "maybe").sum()) if "duplicate_label" in matched else 0
    )
    queue.put((group_of, seconds, _peak_mib(), maybe, ""))


def run_isolated(target, path: str, timeout: float):
    """Run ``target(path, queue)`` in a fresh process; (group_of, s, MiB, review, why)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(path, queue))
    process.start()
    try:
        outcome = queue.get(timeout=timeout)
    except Exception as error:  # a benchmark reports any failure and goes on
        process.kill()
        process.join()
        return {}, 0.0, 0.0, 0, f"no result within {timeout:.0f} s ({type(error).__name__})"
    process.join()
    return outcome


def _print_row(name: str, metrics: dict | None, seconds: float, peak: float, review: int):
    if metrics is None:
        return
    print(
        f"{name:11s} {metrics['precision']:9.5f} {metrics['recall']:8.5f} {metrics['f1']:8.5f} "
        f"{metrics['false_pairs']:7,d} {metrics['missed_pairs']:7,d} {review:7,d} "
        f"{seconds:8.2f} {peak:9,.0f}"
    )


def _print_groups(title: str, labels: list[str], members: dict[str, list[str]], records):
    print(f"{title}: {len(labels)}")
    for label in labels[:10]:
        print(f"  {label}:")
        for record_id in sorted(members[label], key=lambda key: records.at[key, "report"]):
            row = records.loc[record_id]
            print(
                f"    {row['report']} {record_id} {row['year']} {row['publication_type'][:18]}: "
                f"{row['title'][:90]}"
            )


def compare(records: pd.DataFrame, tools, timeout: float, details: bool) -> dict:
    """Run every tool on ``records`` (with ``report``), print the table; scores by tool."""
    truth = records[["record_id", "report"]]
    by_id = records.set_index("record_id")
    outcomes = {}
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "records.tsv")
        write_table(records[RECORDS.names], path, RECORDS)
        for name, target in tools:
            outcomes[name] = run_isolated(target, path, timeout)
    print(
        f"{'tool':11s} {'precision':>9s} {'recall':>8s} {'F1':>8s} {'false':>7s} "
        f"{'missed':>7s} {'review':>7s} {'seconds':>8s} {'peak MiB':>9s}"
    )
    scored = {}
    for name, (group_of, seconds, peak, review, why) in outcomes.items():
        if why:
            print(f"{name:11s} not run: {why}")
            continue
        scored[name] = {**score(truth, group_of), "seconds": seconds, "review": review}
        _print_row(name, scored[name], seconds, peak, review)
    if not details:
        return scored
    print(
        "(pairs: false = merged but different reports, missed = same report not merged; "
        "review = pairs reviewflow lists for a person, bib-dedupe's 'maybe' pairs)"
    )
    for name, metrics in scored.items():
        group_of = outcomes[name][0]
        members: dict[str, list[str]] = {}
        for record_id, group in group_of.items():
            members.setdefault(group, []).append(record_id)
        _print_groups(f"{name} false merges", metrics["false_groups"], members, by_id)
        if name == "reviewflow":
            reports: dict[str, list[str]] = {}
            for record_id, report in zip(truth["record_id"], truth["report"], strict=True):
                reports.setdefault(report, []).append(record_id)
            _print_groups(f"{name} reports split", metrics["split_reports"], reports, by_id)
    return scored


def _print_totals(scored_sets: list[dict]) -> None:
    """Pairwise figures pooled over every labelled search (pairs summed)."""
    print("all searches pooled:")
    for name in scored_sets[0]:
        rows = [scored[name] for scored in scored_sets if name in scored]
        true_pairs = sum(row["true_pairs"] for row in rows)
        false_pairs = sum(row["false_pairs"] for row in rows)
        missed = sum(row["missed_pairs"] for row in rows)
        correct = true_pairs - missed
        precision = correct / (correct + false_pairs) if correct + false_pairs else 1.0
        recall = correct / true_pairs if true_pairs else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(
            f"{name:11s} precision {precision:.5f} recall {recall:.5f} F1 {f1:.5f} "
            f"false {false_pairs:,d} missed {missed:,d} "
            f"seconds {sum(row['seconds'] for row in rows):.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--real",
        type=Path,
        help="a folder of real labelled searches (bib-dedupe's ldd-full-benchmark layout: "
        "records_pre_merged.csv + merged_record_ids.csv) instead of the generated set",
    )
    parser.add_argument("--no-bib-dedupe", action="store_true", help="run reviewflow only")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per tool")
    arguments = parser.parse_args()
    tools = [("reviewflow", _run_reviewflow)]
    if not arguments.no_bib_dedupe:
        tools.append(("bib-dedupe", _run_bib_dedupe))
    if arguments.real:
        folders = labelled_sets(arguments.real)
        if not folders:
            parser.error(f"{arguments.real} holds no {RECORDS_FILE}")
        scored_sets = []
        for folder in folders:
            records = load_labelled(folder)
            duplicates = 1 - records["report"].nunique() / len(records)
            print(f"\n{folder.name}: {len(records):,} records ({duplicates:.1%} duplicates)")
            scored_sets.append(compare(records, tools, arguments.timeout, details=True))
        print()
        _print_totals(scored_sets)
        return
    records = generate(arguments.n, arguments.seed)
    duplicates = 1 - records["report"].nunique() / len(records)
    print(
        f"{len(records):,} records ({duplicates:.1%} duplicates, seed {arguments.seed}), "
        f"{WORKERS} workers"
    )
    compare(records, tools, arguments.timeout, details=True)


if __name__ == "__main__":
    main()
