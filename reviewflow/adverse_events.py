"""Adverse events per arm: patients with each term at any grade and at grade 3 or more."""

from __future__ import annotations

import pandas as pd

from reviewflow.errors import InputTableError

CTCAE_GRADES = ("1", "2", "3", "4", "5")
SEVERE_GRADE = 3
ANY_EVENT = "any adverse event"
"""The first row of the table: patients with at least one event of any term."""


def check_adverse_events(adverse_events: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Check ``adverse_events.csv`` against the checked patients; grades become ints.

    Raises ``InputTableError`` naming file, line and column for an unknown
    ``patient_id``, an empty term, or a grade that is not a CTCAE grade 1-5.
    """
    path = adverse_events.attrs.get("path")
    known = set(patients["patient_id"])
    rows = []
    for line, row in adverse_events.iterrows():
        patient = str(row["patient_id"]).strip()
        term = str(row["term"]).strip()
        grade = str(row["grade"]).strip()
        if patient not in known:
            raise InputTableError(
                path,
                int(line),
                f"patient '{patient}' is not in patients.csv",
                "correct the patient_id or add the patient to patients.csv",
                column="patient_id",
            )
        if term == "":
            raise InputTableError(
                path, int(line), "is empty", "name the event (CTCAE term)", column="term"
            )
        if grade.removesuffix(".0") not in CTCAE_GRADES:
            raise InputTableError(
                path,
                int(line),
                f"'{grade}' is not a CTCAE grade",
                "write a whole number from 1 to 5",
                column="grade",
            )
        rows.append({"patient_id": patient, "term": term, "grade": int(float(grade))})
    return pd.DataFrame(rows, columns=["patient_id", "term", "grade"])


def tabulate_adverse_events(
    adverse_events: pd.DataFrame | None, patients: pd.DataFrame, arms: tuple[str, str]
) -> pd.DataFrame:
    """Patients with each term (any grade, grade >= 3) per arm, rows as ``COHORT_AE``.

    Notes
    -----
    Each patient counts once per term, at their worst grade (CTCAE v5 convention for
    incidence tables); percentages use every patient of the arm as denominator. The
    first row counts patients with any event; terms follow by patients affected in
    both arms together, then alphabetically.
    """
    columns = ["term", "arm", "n", "any_grade", "grade_3plus"]
    arm_of = dict(zip(patients["patient_id"], patients["arm"], strict=True))
    sizes = {arm: int((patients["arm"] == arm).sum()) for arm in arms}
    if adverse_events is None or adverse_events.empty:
        table = pd.DataFrame(columns=columns)
    else:
        worst = adverse_events.groupby(["term", "patient_id"], as_index=False)["grade"].max()
        overall = adverse_events.groupby("patient_id", as_index=False)["grade"].max()
        overall.insert(0, "term", ANY_EVENT)
        worst = pd.concat([overall, worst], ignore_index=True)
        worst["arm"] = worst["patient_id"].map(arm_of)
        totals = worst[worst["term"] != ANY_EVENT].groupby("term").size()
        terms = [ANY_EVENT] + sorted(totals.index, key=lambda term: (-totals[term], term))
        rows = []
        for term in terms:
            for arm in arms:
                grades = worst.loc[(worst["term"] == term) & (worst["arm"] == arm), "grade"]
                rows.append(
                    {
                        "term": term,
                        "arm": arm,
                        "n": sizes[arm],
                        "any_grade": len(grades),
                        "grade_3plus": int((grades >= SEVERE_GRADE).sum()),
                    }
                )
        table = pd.DataFrame(rows, columns=columns)
    for count in ("any_grade", "grade_3plus"):
        table[f"{count}_percent"] = 100 * table[count].astype(float) / table["n"].astype(float)
    return table
