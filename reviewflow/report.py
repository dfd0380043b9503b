"""One self-contained HTML page that audits a whole run, stage by stage.

Every number on the page is read from a result file; every string that came from an
input (titles, reasons, reviewer names, config values) is HTML-escaped, because a
title can contain ``<script>``. Images are embedded as base64 so the page reads
offline, and tables sort with a few lines of inline JavaScript (no external assets).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.metadata
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reviewflow import io

MAX_ROWS = 500
"""Longest table printed in full; longer ones show their first rows and say so."""

SOFTWARE = (
    "reviewflow",
    "snakemake",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "rapidfuzz",
    "biopython",
    "rispy",
)


@dataclass(frozen=True)
class Figure:
    """An image to embed: its caption and its PNG bytes."""

    caption: str
    png: bytes


@dataclass(frozen=True)
class InputFile:
    """A file a person provided, with the checksum that identifies its exact content."""

    role: str
    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows; absent stages are ``None`` or empty."""

    title: str
    config_text: str
    inputs: tuple[InputFile, ...] = ()
    records: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    dedup_review: pd.DataFrame | None = None
    title_abstract: pd.DataFrame | None = None
    full_text: pd.DataFrame | None = None
    included: pd.DataFrame | None = None
    pending: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    counts: pd.DataFrame | None = None
    prisma: Figure | None = None
    checks: pd.DataFrame | None = None
    summary: pd.DataFrame | None = None
    analyses: tuple[tuple[str, pd.DataFrame, pd.DataFrame | None, Figure | None], ...] = ()
    cohort_tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    cohort_figures: tuple[Figure, ...] = ()
    versions: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def software_versions(names: Iterable[str] = SOFTWARE) -> tuple[tuple[str, str], ...]:
    """Installed versions of the packages that produced the results."""
    versions = [("python", platform.python_version())]
    for name in names:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if value is pd.NA:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def _number(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]


def html_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, caption: str = "") -> str:
    """A sortable HTML table of ``frame`` with every cell escaped."""
    shown = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    note = ""
    if len(shown) > MAX_ROWS:
        note = (
            f'<p class="note">Showing the first {MAX_ROWS:,} of {len(shown):,} rows; '
            "the full table is in the result file.</p>"
        )
        shown = shown.head(MAX_ROWS)
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in shown.columns)
    numeric = [pd.api.types.is_numeric_dtype(shown[name]) for name in shown.columns]
    body = []
    for row in shown.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{_text(value)}</td>' if is_num else f"<td>{_text(value)}</td>"
            for value, is_num in zip(row, numeric, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="sortable">{caption_html}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def _figure(figure: Figure) -> str:
    encoded = base64.b64encode(figure.png).decode("ascii")
    caption = html.escape(figure.caption)
    return (
        f'<figure><img src="data:image/png;base64,{encoded}" alt="{caption}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _counts_of(frame: pd.DataFrame, column: str, label: str) -> pd.DataFrame:
    counted = frame[column].replace("", "(none)").value_counts().rename_axis(label)
    return counted.reset_index(name="records").sort_values(label, kind="mergesort")


@dataclass
class _Page:
    sections: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, anchor: str, heading: str, body: str) -> None:
        self.sections.append((anchor, heading, body))


def _searches_section(data: ReportData) -> str:
    records = data.records if data.records is not None else pd.DataFrame()
    per_source = (
        records.groupby(["search_id", "source"], sort=True).size().reset_index(name="records")
    )
    return (
        f"<p>{len(records):,} records were exported from "
        f"{records['source'].nunique()} sources in {records['search_id'].nunique()} "
        "search run(s).</p>" + html_table(per_source)
    )


def _dedup_section(data: ReportData) -> str:
    groups = data.groups if data.groups is not None else pd.DataFrame()
    n_groups = groups["group_id"].nunique()
    rules = groups[groups["record_id"] != groups["group_id"]]
    body = (
        f"<p>{len(groups):,} records form {n_groups:,} duplicate groups: "
        f"{len(groups) - n_groups:,} duplicates removed.</p>"
    )
    if not rules.empty:
        body += "<h3>Merges by rule</h3>" + html_table(_counts_of(rules, "match_rule", "rule"))
    review = data.dedup_review
    if review is not None and not review.empty:
        body += (
            f"<h3>Pairs awaiting a person ({len(review):,})</h3>"
            "<p>Settle each in the overrides file (<code>record_id_a, record_id_b, same"
            "</code>).</p>" + html_table(review)
        )
    else:
        body += "<p>No uncertain pairs await review.</p>"
    return body


def _stage_section(name: str, log: pd.DataFrame, agreement: pd.DataFrame | None) -> str:
    body = f"<p>{len(log):,} records entered {name} screening.</p>"
    body += "<h3>Final decisions</h3>" + html_table(_counts_of(log, "decision", "decision"))
    if agreement is not None and not agreement.empty:
        body += (
            '<h3>Agreement between reviewers</h3><p class="note">Raw agreement and Cohen\'s '
            "kappa compare the reviewers' labels (include, exclude, maybe), so include against "
            "maybe counts as a disagreement here, though both pass the record on and it needs "
            "no resolution.</p>" + html_table(agreement)
        )
    conflicts = log[log["conflict"].astype(str).str.lower() == "true"]
    if not conflicts.empty:
        body += f"<h3>Conflicts ({len(conflicts):,})</h3>" + html_table(
            conflicts,
            ["record_id", "title", "decisions", "resolution", "decision", "decided_by"],
        )
    excluded = log[(log["decision"] == "exclude") & (log["reason"] != "")]
    if not excluded.empty:
        body += "<h3>Exclusion reasons</h3>" + html_table(_counts_of(excluded, "reason", "reason"))
    return body


def _pooling_section(data: ReportData) -> str:
    body = ""
    if data.summary is not None:
        body += html_table(
            data.summary,
            [
                "analysis",
                "subgroup",
                "model",
                "method",
                "k",
                "estimate",
                "ci_lower",
                "ci_upper",
                "p_value",
                "tau2",
                "i2",
                "q_p",
                "pi_lower",
                "pi_upper",
            ],
            caption="Pooled estimates (natural scale)",
        )
    for analysis, effects, sensitivity, forest in data.analyses:
        body += f'<h3 id="analysis-{html.escape(analysis)}">{html.escape(analysis)}</h3>'
        if forest is not None:
            body += _figure(forest)
        body += html_table(
            effects,
            [
                "study",
                "subgroup",
                "estimate",
                "ci_lower",
                "ci_upper",
                "weight_fixed",
                "weight_random",
                "note",
            ],
        )
        if sensitivity is not None and not sensitivity.empty:
            body += "<h4>Sensitivity and small-study effects</h4>" + html_table(sensitivity)
    return body


def _provenance_section(data: ReportData) -> str:
    inputs = pd.DataFrame(
        [(f.role, f.path, f.size, f.sha256) for f in data.inputs],
        columns=["role", "path", "bytes", "sha256"],
    )
    versions = pd.DataFrame(list(data.versions), columns=["software", "version"])
    return (
        "<h3>Input files</h3>"
        + html_table(inputs)
        + "<h3>Software</h3>"
        + html_table(versions)
        + "<h3>Configuration</h3><pre>"
        + html.escape(data.config_text)
        + "</pre>"
    )


def _status(data: ReportData) -> str:
    pending = data.pending
    if pending is not None and not pending.empty:
        per_stage = ", ".join(
            f"{count:,} at {stage.replace('_', ' ')}"
            for stage, count in pending.groupby("stage").size().items()
        )
        return (
            '<p class="status incomplete"><strong>The review is incomplete: '
            f"{len(pending):,} {'record awaits' if len(pending) == 1 else 'records await'} "
            f"a decision ({html.escape(per_stage)}). "
            'See <a href="#pending">pending work</a>.</strong></p>'
        )
    if data.checks is not None and (data.checks["status"] == "fail").any():
        return '<p class="status incomplete"><strong>Extraction checks failed.</strong></p>'
    return '<p class="status complete">Every record has a final decision.</p>'


def build_page(data: ReportData) -> _Page:
    page = _Page()
    if data.pending is not None and not data.pending.empty:
        page.add("pending", "Pending work", html_table(data.pending))
    if data.records is not None:
        page.add("searches", "Searches", _searches_section(data))
    if data.groups is not None:
        page.add("dedup", "Deduplication", _dedup_section(data))
    if data.title_abstract is not None:
        page.add(
            "title-abstract",
            "Title and abstract screening",
            _stage_section("title/abstract", data.title_abstract, _stage(data, "title_abstract")),
        )
    if data.full_text is not None:
        body = _stage_section("full-text", data.full_text, _stage(data, "full_text"))
        if data.included is not None:
            body += (
                f"<h3>Included: {data.included['study'].nunique():,} studies from "
                f"{len(data.included):,} reports</h3>"
                + html_table(data.included, ["study", "record_id", "title", "year", "doi"])
            )
        page.add("full-text", "Full-text screening", body)
    if data.counts is not None:
        body = _figure(data.prisma) if data.prisma is not None else ""
        page.add("prisma", "PRISMA 2020 flow diagram", body + html_table(data.counts))
    if data.checks is not None:
        failed = int((data.checks["status"] == "fail").sum())
        page.add(
            "extraction",
            "Extraction checks",
            f"<p>{len(data.checks):,} checks, {failed:,} failed.</p>" + html_table(data.checks),
        )
    if data.summary is not None or data.analyses:
        page.add("pooling", "Meta-analyses", _pooling_section(data))
    if data.cohort_tables:
        body = "".join(_figure(figure) for figure in data.cohort_figures)
        for caption, table in data.cohort_tables:
            body += f"<h3>{html.escape(caption)}</h3>" + html_table(table)
        page.add("cohort", "Cohort comparison", body)
    page.add("provenance", "Provenance", _provenance_section(data))
    return page


def _stage(data: ReportData, stage: str) -> pd.DataFrame | None:
    if data.agreement is None:
        return None
    return data.agreement[data.agreement["stage"] == stage]


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;
line-height:1.45}
header{background:#12355b;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.6rem}
main{display:flex;gap:2rem;padding:1rem 2rem}nav{position:sticky;top:1rem;align-self:flex-start;
min-width:13rem;font-size:.95rem}nav ol{padding-left:1.2rem}article{flex:1;min-width:0}
section{margin-bottom:2.5rem}h2{border-bottom:2px solid #12355b;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem;display:block;overflow-x:auto;
max-width:100%}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccd;padding:.25rem .5rem;vertical-align:top;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef2f7;cursor:pointer;white-space:nowrap;position:sticky;top:0}
th.asc::after{content:" \\25B2"}th.desc::after{content:" \\25BC"}
tbody tr:nth-child(even){background:#fafbfd}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;border:1px solid #dde}
figcaption{font-size:.88rem;color:#444}
pre{background:#f5f5f5;padding:.8rem;overflow-x:auto;font-size:.85rem}
.status{padding:.7rem 1rem;border-radius:4px}.incomplete{background:#fde8e8;border:1px solid #c33}
.complete{background:#e8f6ea;border:1px solid #3a3}.note{font-size:.85rem;color:#555}
@media print{nav{display:none}}
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = !th.classList.contains("asc");
    table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
    th.classList.add(ascending ? "asc" : "desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].textContent, y = b.cells[index].textContent;
      var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
      var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? cmp : -cmp;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def render_report(data: ReportData) -> str:
    """The whole page as one string of HTML (UTF-8, no external resources)."""
    page = build_page(data)
    toc = "".join(
        f'<li><a href="#{anchor}">{html.escape(heading)}</a></li>'
        for anchor, heading, _ in page.sections
    )
    sections = "".join(
        f'<section id="{anchor}"><h2>{html.escape(heading)}</h2>{body}</section>'
        for anchor, heading, body in page.sections
    )
    title = html.escape(data.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title} — reviewflow report'
        '</title><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>{title}</h1><div>reviewflow audit report</div></header>"
        f"<main><nav><strong>Contents</strong><ol>{toc}</ol></nav><article>{_status(data)}"
        f"{sections}</article></main><script>{SCRIPT}</script></body></html>\n"
    )


def describe_inputs(files: Mapping[str, Sequence[tuple[str, bytes]]]) -> tuple[InputFile, ...]:
    """Checksums of the input files, by the role they play in the config."""
    described = []
    for role, entries in files.items():
        for path, content in entries:
            described.append(
                InputFile(role, path, hashlib.sha256(content).hexdigest(), len(content))
            )
    return tuple(described)


Paths = Mapping[str, "str | Sequence[str]"]


def _paths(paths: Paths, key: str) -> list[str]:
    found = paths.get(key, [])
    return [found] if isinstance(found, str) else list(found)


def _optional(paths: Paths, key: str) -> pd.DataFrame | None:
    found = _paths(paths, key)
    return io.read_result(found[0]) if found else None


def _optional_figure(paths: Paths, key: str, caption: str) -> Figure | None:
    found = _paths(paths, key)
    return Figure(caption, io.read_bytes(found[0])) if found else None


def load_report_data(
    paths: Paths,
    analysis_ids: Sequence[str],
    title: str,
    config_text: str,
    input_files: Sequence[tuple[str, str]],
) -> ReportData:
    """Read every result file named in ``paths`` (role -> path or paths) for the report.

    Per-analysis files are matched by position: ``effects[i]``, ``sensitivity[i]`` and
    ``forest[i]`` belong to ``analysis_ids[i]``. ``input_files`` are (config key, path)
    pairs of the files people provided, checksummed for the provenance section.
    """
    analyses = []
    effects_paths, sensitivity_paths = _paths(paths, "effects"), _paths(paths, "sensitivity")
    forest_paths = _paths(paths, "forest")
    for index, analysis in enumerate(analysis_ids):
        effects = io.read_result(effects_paths[index])
        sensitivity = io.read_result(sensitivity_paths[index])
        forest = Figure(f"Forest plot: {analysis}", io.read_bytes(forest_paths[index]))
        analyses.append((analysis, effects, sensitivity, forest))
    cohort_tables = tuple(
        (caption, io.read_result(_paths(paths, key)[0]))
        for key, caption in (
            ("cohort_response", "Best overall response"),
            ("cohort_tests", "Tests"),
            ("cohort_survival", "Survival"),
            ("cohort_adverse_events", "Adverse events"),
        )
        if _paths(paths, key)
    )
    cohort_figures = tuple(
        Figure(f"Cohort: {Path(path).stem.replace('_', ' ')}", io.read_bytes(path))
        for path in _paths(paths, "cohort_figures")
    )
    inputs = describe_inputs({role: [(path, io.read_bytes(path))] for role, path in input_files})
    return ReportData(
        title=title,
        config_text=config_text,
        inputs=inputs,
        records=_optional(paths, "records"),
        groups=_optional(paths, "groups"),
        dedup_review=_optional(paths, "dedup_review"),
        title_abstract=_optional(paths, "title_abstract"),
        full_text=_optional(paths, "full_text"),
        included=_optional(paths, "included"),
        pending=_optional(paths, "pending"),
        agreement=_optional(paths, "agreement"),
        counts=_optional(paths, "counts"),
        prisma=_optional_figure(paths, "prisma", "PRISMA 2020 flow diagram"),
        checks=_optional(paths, "checks"),
        summary=_optional(paths, "summary"),
        analyses=tuple(analyses),
        cohort_tables=cohort_tables,
        cohort_figures=cohort_figures,
        versions=software_versions(),
    )
