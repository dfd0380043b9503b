"""Every contract table, declared once: its columns, their kinds and its row order.

``io`` validates frames against these at the edges, so a column name is spelled in
exactly one place. Tables written by the workflow list every column in order;
tables written by people (``human=True``) name the columns they must have and those
they may have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "int", "float", "bool"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "str"
    required: bool = True
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...] = ()
    human: bool = False
    extra_columns_allowed: bool = False
    doc: str = field(default="", compare=False)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def kind_of(self, name: str) -> Kind:
        for column in self.columns:
            if column.name == name:
                return column.kind
        return "str"


def _cols(*names: str, kind: Kind = "str", required: bool = True) -> tuple[Column, ...]:
    return tuple(Column(name, kind, required) for name in names)


# --- ingest -----------------------------------------------------------------------
RECORD_FIELDS = (
    "title",
    "abstract",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "accession",
    "issn",
    "language",
    "publication_type",
    "keywords",
    "url",
    "journal_abbrev",
)
"""Bibliographic fields every parser fills (empty string when the export lacks one)."""

RECORDS = Table(
    "records",
    _cols("record_id", "search_id", "source", "source_file")
    + (Column("source_index", "int"),)
    + _cols(*RECORD_FIELDS),
    sort_by=("search_id", "source", "source_file", "source_index"),
    doc="results/ingest/records.tsv: one row per exported record",
)

# --- dedup ------------------------------------------------------------------------
GROUPS = Table(
    "groups",
    _cols("record_id", "group_id", "match_rule") + (Column("score", "float"),),
    sort_by=("group_id", "record_id"),
    doc="results/dedup/groups.tsv: which duplicate group each record belongs to",
)
UNIQUE = Table(
    "unique",
    _cols("group_id", "search_id", "sources", "record_ids")
    + (Column("n_records", "int"),)
    + _cols(*RECORD_FIELDS),
    sort_by=("group_id",),
    doc="results/dedup/unique.tsv: one merged row per duplicate group",
)
DEDUP_REVIEW = Table(
    "dedup_review",
    _cols("record_id_a", "record_id_b")
    + (Column("score", "float"),)
    + _cols("reason", "title_a", "title_b", "year_a", "year_b", "doi_a", "doi_b"),
    sort_by=("record_id_a", "record_id_b"),
    doc="results/dedup/review.tsv: uncertain pairs awaiting a person",
)
DEDUP_LOG = Table(
    "dedup_log",
    _cols("record_id", "other_record_id", "group_id", "match_rule")
    + (Column("score", "float"),)
    + _cols("note"),
    sort_by=("group_id", "record_id", "other_record_id"),
    doc="results/dedup/log.tsv: every merge with the rule and score that made it",
)
DEDUP_OVERRIDES = Table(
    "dedup_overrides",
    _cols("record_id_a", "record_id_b", "same") + _cols("note", required=False),
    human=True,
    doc="dedup_overrides.csv, written by a reviewer: settles uncertain pairs",
)

# --- screening --------------------------------------------------------------------
DECISIONS = Table(
    "decisions",
    _cols("record_id", "decision")
    + _cols("reason", "reviewer", "date", "note", "study", required=False),
    human=True,
    doc="one reviewer's decision file (title/abstract or full text)",
)
STAGE_LOG = Table(
    "stage_log",
    _cols(
        "record_id",
        "search_id",
        "route",
        "sources",
        "title",
        "year",
        "decisions",
        "conflict",
        "resolution",
        "decision",
        "reason",
        "decided_by",
        "study",
        "conflict_on",
        "waiting_for",
        "record_ids",
    ),
    sort_by=("record_id",),
    doc="results/screening/<stage>.tsv: every duplicate group entering the stage and its "
    "fate (conflict_on: decision/reason/study; waiting_for: whom a pending row waits for; "
    "record_ids: the group's members)",
)
PENDING = Table(
    "pending",
    _cols("stage", "record_id", "search_id", "title", "waiting_for"),
    sort_by=("stage", "record_id"),
    doc="results/screening/pending.tsv: records that still await a decision",
)
AGREEMENT = Table(
    "agreement",
    _cols("stage", "reviewer_a", "reviewer_b")
    + _cols("n", "agreed", "conflicts", kind="int")
    + _cols("raw_agreement", "kappa", kind="float")
    + _cols("pairs"),
    sort_by=("stage", "reviewer_a", "reviewer_b"),
    doc="results/screening/agreement.tsv: Cohen's kappa per pair of reviewers; pairs "
    "counts each label pair, e.g. 'exclude/exclude=12; include/maybe=2'",
)
INCLUDED = Table(
    "included",
    _cols("study", "record_id", "search_id", "title", "year", "doi", "pmid"),
    sort_by=("study", "record_id"),
    doc="results/screening/included.tsv: included reports, grouped into studies",
)

# --- extraction -------------------------------------------------------------------
STUDIES = Table(
    "studies",
    _cols("study", "label", "year"),
    human=True,
    extra_columns_allowed=True,
    doc="studies.csv: one row per included study, covariates as extra columns",
)
OUTCOMES = Table(
    "outcomes",
    _cols("study", "outcome", "population", "measure", "source")
    + _cols("estimate", "ci_lower", "ci_upper", "ci_level", kind="float", required=False)
    + _cols("events_exp", "total_exp", "events_ctl", "total_ctl", kind="float", required=False)
    + _cols("p_value", "o_minus_e", "variance", kind="float", required=False)
    + _cols("note", required=False),
    human=True,
    doc="outcomes.csv: one row per study x outcome x population",
)
CHECKS = Table(
    "checks",
    _cols("check", "file")
    + (Column("row", "int"),)
    + _cols("subject")
    + (Column("status", allowed=("fail", "warn", "pass")),)
    + _cols("message"),
    sort_by=("status", "check", "file", "row", "subject"),
    doc="results/extraction/checks.tsv: what was checked and what failed",
)

# --- pooling ----------------------------------------------------------------------
EFFECTS = Table(
    "effects",
    _cols("analysis", "study", "label", "subgroup", "measure")
    + _cols("events_exp", "total_exp", "events_ctl", "total_ctl", kind="float", required=False)
    + _cols("yi", "vi", "estimate", "ci_lower", "ci_upper", kind="float")
    + _cols("weight_fixed", "weight_random", kind="float")
    + _cols("note", required=False),
    sort_by=("analysis", "subgroup", "study"),
    doc="results/pooling/<analysis>.tsv: per-study effects and weights",
)
SUMMARY = Table(
    "summary",
    _cols("analysis", "outcome", "population", "subgroup", "measure", "model", "method")
    + (Column("k", "int"),)
    + _cols("estimate", "ci_lower", "ci_upper", "z", "p_value", kind="float")
    + _cols("tau2", "i2", "h2", "q", "q_df", "q_p", "pi_lower", "pi_upper", kind="float"),
    sort_by=("analysis", "subgroup", "model"),
    doc="results/pooling/summary.tsv: one row per analysis x subgroup x model",
)

SENSITIVITY = Table(
    "sensitivity",
    _cols("analysis", "kind", "study")
    + (Column("k", "int"),)
    + _cols("estimate", "ci_lower", "ci_upper", "statistic", "df", "p_value", kind="float")
    + _cols("tau2", "i2", kind="float")
    + _cols("note"),
    sort_by=("analysis", "kind", "study"),
    doc="results/pooling/<analysis>.sensitivity.tsv: leave-one-out, small-study tests, "
    "subgroup differences",
)

# --- PRISMA -----------------------------------------------------------------------
COUNTS = Table(
    "counts",
    _cols("box", "detail") + (Column("count", "int"),),
    doc="results/prisma/counts.tsv: PRISMA 2020 box counts (PRISMA2020 field names)",
)

# --- cohort -----------------------------------------------------------------------
RESPONSE_CODES = ("CR", "PR", "SD", "PD", "NE")
PATIENTS = Table(
    "patients",
    _cols("patient_id", "arm", "best_response", "pfs_months", "pfs_event")
    + _cols("os_months", "os_event", required=False),
    human=True,
    extra_columns_allowed=True,
    doc="patients.csv: one row per cohort patient",
)
ADVERSE_EVENTS = Table(
    "adverse_events",
    _cols("patient_id", "term", "grade"),
    human=True,
    doc="adverse_events.csv: one row per patient x adverse event (CTCAE grade 1-5)",
)
COHORT_ENDPOINTS = ("PFS", "OS")
COHORT_TEST_NAMES = ("pearson", "yates", "fisher", "logrank", "cox")
RESPONSE = Table(
    "response",
    _cols("arm")
    + _cols("n", *RESPONSE_CODES, kind="int")
    + _cols("ORR", "ORR_lower", "ORR_upper", "DCR", "DCR_lower", "DCR_upper", kind="float"),
    doc="results/cohort/response.tsv: best response per arm, ORR and DCR (proportions) "
    "with Clopper-Pearson 95% CIs; rows in arm order",
)
COHORT_TESTS = Table(
    "cohort_tests",
    _cols("endpoint")
    + (Column("test", allowed=COHORT_TEST_NAMES),)
    + _cols("statistic", "df", "p_value", "estimate", "ci_lower", "ci_upper", kind="float")
    + _cols("note"),
    sort_by=("endpoint",),
    doc="results/cohort/tests.tsv: chi-squared, Yates, Fisher (estimate = conditional "
    "OR) for ORR/DCR; log-rank and Cox (estimate = HR, first arm vs second) per endpoint",
)
SURVIVAL = Table(
    "survival",
    _cols("endpoint", "arm")
    + _cols("n", "events", "censored", kind="int")
    + _cols("median", "ci_lower", "ci_upper", kind="float")
    + _cols("ci_method"),
    sort_by=("endpoint",),
    doc="results/cohort/survival.tsv: Kaplan-Meier median (empty = not reached) with "
    "95% CI per endpoint and arm; rows in arm order",
)
COHORT_AE = Table(
    "cohort_adverse_events",
    _cols("term", "arm")
    + _cols("n", "any_grade", "grade_3plus", kind="int")
    + _cols("any_grade_percent", "grade_3plus_percent", kind="float"),
    doc="results/cohort/adverse_events.tsv: patients with each term (worst grade) per "
    "arm; 'any adverse event' first, then terms by patients affected",
)
