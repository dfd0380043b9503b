"""Generate the example cohort: 40 made-up patients whose summaries match the seed study.

The study's patient-level data are not public. This script draws patients at random
(numpy ``default_rng``, fixed seeds) and keeps the first seed whose cohort reproduces
the published summaries: best responses give ORR 6/20 vs 5/20 and DCR 15/20 vs 14/20
by construction; PFS times are drawn, scaled so each arm's Kaplan–Meier median is the
reported 4.9 and 4.7 months, rounded to 0.1 month, and the seed is accepted when the
rounded data still give those medians, a log-rank p within 0.01 of 0.673 and a
Cox HR below 1 (the longer median in the first arm).

Run from the repository root: ``python resources/example/cohort/make_cohort.py``.
It rewrites ``patients.csv`` and ``adverse_events.csv`` beside this file, byte for
byte the same on every run.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from reviewflow.survival import cox_hazard_ratio, kaplan_meier, log_rank_test

HERE = Path(__file__).parent
ARMS = ("PD-1 inhibitor + anlotinib", "anlotinib + S-1")
PER_ARM = 20
RESPONSES = {
    ARMS[0]: {"CR": 1, "PR": 5, "SD": 9, "PD": 5, "NE": 0},
    ARMS[1]: {"CR": 0, "PR": 5, "SD": 9, "PD": 5, "NE": 1},
}
"""ORR (CR + PR) 6/20 vs 5/20; DCR (CR + PR + SD) 15/20 vs 14/20."""
TARGET_MEDIAN = {ARMS[0]: 4.9, ARMS[1]: 4.7}
TARGET_P = 0.673
P_TOLERANCE = 0.01
CENSORED_SHARE = 0.15
FIRST_SEED = 20190901
"""Seeds are tried in order from this one (the month enrolment began)."""
ADVERSE_EVENT_RATES = {
    "hypertension": (0.45, 0.40),
    "hand-foot skin reaction": (0.30, 0.35),
    "fatigue": (0.40, 0.45),
    "proteinuria": (0.30, 0.25),
    "anorexia": (0.25, 0.35),
    "hypothyroidism": (0.25, 0.10),
    "diarrhoea": (0.15, 0.30),
    "nausea": (0.15, 0.35),
    "neutropenia": (0.10, 0.30),
    "anaemia": (0.15, 0.30),
    "thrombocytopenia": (0.10, 0.20),
    "oral mucositis": (0.10, 0.20),
    "rash": (0.20, 0.05),
    "ALT increased": (0.15, 0.10),
    "pneumonitis": (0.05, 0.00),
}
"""Share of patients per arm with each term: anlotinib's class effects in both arms,
immune-related events (hypothyroidism, rash, pneumonitis) with the PD-1 inhibitor,
gastrointestinal and marrow toxicity with S-1."""
GRADE_SHARES = (0.55, 0.30, 0.12, 0.03)
"""CTCAE grade 1-4 among patients with an event; no grade 5 events."""
RESPONSE_ORDER = {"PD": 0, "NE": 0, "SD": 1, "PR": 2, "CR": 3}
"""PFS rank follows response: progression first, responders last (with noise)."""


def draw_arm(rng: np.random.Generator, arm: str) -> list[dict[str, object]]:
    """One arm's patients: responses, PFS times ordered roughly by response, censoring."""
    responses = [code for code, count in RESPONSES[arm].items() for _ in range(count)]
    rng.shuffle(responses)
    times = np.sort(rng.weibull(1.4, PER_ARM) * 7.0)
    noisy_rank = np.array([RESPONSE_ORDER[code] for code in responses]) + rng.normal(
        0, 0.8, PER_ARM
    )
    order = np.argsort(noisy_rank, kind="stable")
    pfs = np.empty(PER_ARM)
    pfs[order] = times
    censored = rng.random(PER_ARM) < CENSORED_SHARE
    return [
        {"arm": arm, "best_response": code, "pfs_months": float(time), "pfs_event": int(not cut)}
        for code, time, cut in zip(responses, pfs, censored, strict=True)
    ]


def scale_to_median(patients: list[dict[str, object]], target: float) -> None:
    """Stretch an arm's times so its Kaplan–Meier median is ``target``, to 0.1 month."""
    times = np.array([patient["pfs_months"] for patient in patients])
    events = np.array([patient["pfs_event"] for patient in patients])
    factor = target / kaplan_meier(times, events).median
    for patient in patients:
        patient["pfs_months"] = max(0.1, round(patient["pfs_months"] * factor, 1))


def summaries(patients: list[dict[str, object]]) -> tuple[dict[str, float], float, float]:
    """Median PFS per arm, log-rank p and the Cox HR of the first arm vs the second."""
    times = np.array([patient["pfs_months"] for patient in patients])
    events = np.array([patient["pfs_event"] for patient in patients])
    arms = np.array([patient["arm"] for patient in patients])
    medians = {arm: kaplan_meier(times[arms == arm], events[arms == arm]).median for arm in ARMS}
    ratio = cox_hazard_ratio(times, events, (arms == ARMS[0]).astype(int)).estimate
    return medians, log_rank_test(times, events, arms).p_value, ratio


def draw_cohort() -> tuple[int, list[dict[str, object]]]:
    """The first seed from ``FIRST_SEED`` whose cohort matches the study's summaries."""
    for seed in range(FIRST_SEED, FIRST_SEED + 100_000):
        rng = np.random.default_rng(seed)
        patients = []
        for arm in ARMS:
            arm_patients = draw_arm(rng, arm)
            scale_to_median(arm_patients, TARGET_MEDIAN[arm])
            patients += arm_patients
        medians, p_value, ratio = summaries(patients)
        if (
            all(abs(medians[arm] - TARGET_MEDIAN[arm]) < 1e-9 for arm in ARMS)
            and abs(p_value - TARGET_P) <= P_TOLERANCE
            and ratio < 1
        ):
            return seed, patients
    raise RuntimeError("no seed matched the study's summaries")


def draw_adverse_events(seed: int, patients: list[dict[str, object]]) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    events = []
    for patient in patients:
        arm_index = ARMS.index(patient["arm"])
        for term, rates in ADVERSE_EVENT_RATES.items():
            if rng.random() < rates[arm_index]:
                grade = int(rng.choice(4, p=GRADE_SHARES)) + 1
                events.append({"patient_id": patient["patient_id"], "term": term, "grade": grade})
    return events


def write_rows(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    seed, patients = draw_cohort()
    order = np.random.default_rng(seed).permutation(len(patients))
    patients = [patients[index] for index in order]
    for number, patient in enumerate(patients, start=1):
        patient["patient_id"] = f"P{number:02d}"
    columns = ("patient_id", "arm", "best_response", "pfs_months", "pfs_event")
    write_rows(
        HERE / "patients.csv", [{name: patient[name] for name in columns} for patient in patients]
    )
    write_rows(HERE / "adverse_events.csv", draw_adverse_events(seed, patients))
    medians, p_value, ratio = summaries(patients)
    print(f"seed {seed}: medians {medians}, log-rank p = {p_value:.4f}, HR = {ratio:.3f}")


if __name__ == "__main__":
    main()
