"""A seeded, labelled deduplication benchmark: one search exported from four databases.

Run by hand: ``python benchmarks/dedup_data.py --n 10000 --out records.tsv``, or import
``generate(n, seed)``. Every row has the ``RECORDS`` columns plus ``report``, the true
report it is a copy of. About 30 % of records are duplicates (copies of a report found
by another database). Each database prints a copy its own way:

- PubMed: ``Last FM`` authors, abbreviated journal, short pages (``1506-17``), a final
  period on the title, PMID always, Greek letters as printed (``TNF-α``).
- Embase: ``Last F.M.`` authors, full journal, Greek letters spelled out, sometimes the
  PMID, English title of a non-English paper in brackets, epub year (±1).
- Web of Science: ``Last, FM`` authors, UPPER-CASE journal (older titles upper-case),
  typographic dashes, corrections titled ``... (vol 20, pg 1506, 2019)``.
- Scopus: ``Last, F.M.`` or full given names, HTML entities (``&amp;``, ``&alpha;``).

DOIs are missing from 30-50 % of copies (per database); any database's copy may have
a typo in the title (2 %), lose its subtitle (1 %) or its authors (1 %). Hard
negatives, each a report of its own: the conference abstract of a trial beside its
paper, errata and comments, a later follow-up report with a near-identical title,
another phase of the same drug in the same disease, and distinct papers whose titles
differ in one word.
"""

from __future__ import annotations

import argparse
import random
import string

import pandas as pd

from reviewflow.tables import RECORD_FIELDS

DATABASES = ("pubmed", "embase", "wos", "scopus")
TYPO_SHARE = 0.02
"""Copies with one typo in the title (a swapped, dropped or replaced letter)."""
SUBTITLE_DROPPED = 0.01
"""Copies whose title lost its subtitle (the text after the first colon)."""
AUTHORS_MISSING = 0.01
"""Copies without authors."""
DOI_MISSING = {"pubmed": 0.30, "embase": 0.45, "wos": 0.35, "scopus": 0.50}

_SYLLABLES = [
    "ba",
    "be",
    "ca",
    "ce",
    "da",
    "de",
    "fa",
    "ga",
    "li",
    "lo",
    "mi",
    "mo",
    "na",
    "ne",
    "pa",
    "pe",
    "ra",
    "re",
    "sa",
    "se",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "xa",
    "ze",
    "zo",
    "ru",
    "ni",
    "ko",
    "lu",
    "ma",
    "no",
    "sta",
    "tra",
    "pro",
    "vel",
    "cor",
]
_SUFFIXES = ("mab", "zumab", "ximab", "tinib", "ciclib", "parib", "lisib", "rafenib", "stat")
DISEASES = (
    "advanced gastric cancer",
    "metastatic colorectal cancer",
    "non-small-cell lung cancer",
    "hepatocellular carcinoma",
    "oesophageal squamous cell carcinoma",
    "triple-negative breast cancer",
    "HER2-positive breast cancer",
    "metastatic melanoma",
    "renal cell carcinoma",
    "urothelial carcinoma",
    "biliary tract cancer",
    "pancreatic adenocarcinoma",
    "small-cell lung cancer",
    "head and neck squamous cell carcinoma",
    "ovarian cancer",
    "endometrial cancer",
    "cervical cancer",
    "prostate cancer",
    "multiple myeloma",
    "diffuse large B-cell lymphoma",
    "chronic lymphocytic leukaemia",
    "acute myeloid leukaemia",
    "glioblastoma",
    "mesothelioma",
    "type 2 diabetes",
    "heart failure with reduced ejection fraction",
    "rheumatoid arthritis",
    "psoriatic arthritis",
    "ulcerative colitis",
    "Crohn's disease",
    "chronic kidney disease",
    "atrial fibrillation",
    "severe asthma",
    "chronic obstructive pulmonary disease",
    "major depressive disorder",
    "Alzheimer's disease",
    "multiple sclerosis",
    "psoriasis",
    "atopic dermatitis",
    "osteoporosis",
)
COMPARATORS = (
    "placebo",
    "chemotherapy",
    "docetaxel",
    "sorafenib",
    "best supportive care",
    "standard of care",
    "investigator's choice",
    "cisplatin and gemcitabine",
    "methotrexate",
    "usual care",
)
TARGETS = ("TNF-α", "TGF-β", "IFN-γ", "PPAR-δ", "PI3Kδ", "ERα", "IL-1β", "β-catenin")
POPULATIONS = (
    "patients",
    "adults",
    "older adults",
    "Asian patients",
    "previously treated patients",
    "treatment-naive patients",
    "patients with high PD-L1 expression",
    "patients with brain metastases",
)
TEMPLATES = (
    "{drug} versus {comparator} in {population} with {disease}: a randomised, "
    "double-blind, phase {phase} trial",
    "Efficacy and safety of {drug} in {population} with {disease} ({acronym}): "
    "an open-label, randomised, phase {phase} study",
    "{drug} plus {drug2} versus {comparator} for {disease}",
    "{drug} as first-line treatment for {disease}: results of the {acronym} trial",
    "Inhibition of {target} with {drug} in {population} with {disease}",
    "{drug} for {disease} in {population}: a multicentre, randomised controlled trial",
    "Health-related quality of life with {drug} versus {comparator} in {disease}",
    "{drug} maintenance after induction in {population} with {disease} ({acronym})",
    "Long-term safety of {drug} in {disease}: pooled analysis of {count} trials",
    "{target} blockade by {drug} and {drug2} in {population} with {disease}",
)
JOURNALS = (
    ("The Lancet Oncology", "Lancet Oncol"),
    ("The New England Journal of Medicine", "N Engl J Med"),
    ("Journal of Clinical Oncology", "J Clin Oncol"),
    ("Annals of Oncology", "Ann Oncol"),
    ("JAMA Oncology", "JAMA Oncol"),
    ("The Lancet", "Lancet"),
    ("British Journal of Cancer", "Br J Cancer"),
    ("European Journal of Cancer", "Eur J Cancer"),
    ("Clinical Cancer Research", "Clin Cancer Res"),
    ("Cancer", "Cancer"),
    ("Journal of the American College of Cardiology", "J Am Coll Cardiol"),
    ("Annals of the Rheumatic Diseases", "Ann Rheum Dis"),
    ("Alimentary Pharmacology & Therapeutics", "Aliment Pharmacol Ther"),
    ("PLoS ONE", "PLoS One"),
    ("BMJ Open", "BMJ Open"),
    ("Diabetes Care", "Diabetes Care"),
)
MEETINGS = (
    ("Annals of Oncology", "Ann Oncol", "Suppl 5"),
    ("Journal of Clinical Oncology", "J Clin Oncol", "15 Suppl"),
    ("European Journal of Cancer", "Eur J Cancer", "Suppl 2"),
)
SURNAMES = [
    "Kato",
    "Cho",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Wang",
    "Li",
    "Zhang",
    "Chen",
    "Kim",
    "Park",
    "Nguyen",
    "Tanaka",
    "Suzuki",
    "Schmidt",
    "Dubois",
    "Martin",
    "Silva",
    "Santos",
    "Kowalski",
    "Novak",
    "Ivanov",
    "Jensen",
    "Larsen",
    "Andersson",
    "Johansson",
    "O'Brien",
    "McDonald",
    "Fernández",
    "López",
    "Gómez",
    "Özdemir",
    "Yılmaz",
    "Singh",
    "Patel",
    "Sharma",
    "Khan",
    "Ahmed",
    "Ali",
    "Hassan",
    "Cohen",
    "Levi",
    "Rahman",
    "Okafor",
    "Mensah",
] + ["van der Berg", "De Vries", "García-López"]
GIVEN = [
    "Ken",
    "Byoung",
    "Anna",
    "James",
    "Maria",
    "Luca",
    "Wei",
    "Jing",
    "Min",
    "Soo",
    "Hiroshi",
    "Yuki",
    "Peter",
    "Claire",
    "Ana",
    "Pedro",
    "Jan",
    "Olga",
    "Lars",
    "Erik",
    "Sean",
    "Ravi",
    "Priya",
    "Omar",
    "Sara",
    "David",
    "Leila",
    "Kwame",
    "Ama",
]
NOTICE_PREFIXES = ("Erratum: ", "Correction to: ", "Comment on: ", "Reply: ")
FOLLOW_UPS = (": {years}-year follow-up of a phase {phase} trial", ": updated overall survival")
GREEK_NAMES = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta"}
GREEK_ENTITIES = {"α": "&alpha;", "β": "&beta;", "γ": "&gamma;", "δ": "&delta;"}


def _drug_names(rng: random.Random, count: int) -> list[str]:
    names: set[str] = set()
    while len(names) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        names.add((stem + rng.choice(_SUFFIXES)).capitalize())
    return sorted(names)


def _acronym(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(4, 7)))
    return letters + (f"-{rng.randint(1, 300)}" if rng.random() < 0.4 else "")


def _authors(rng: random.Random) -> list[tuple[str, str]]:
    people = []
    for _ in range(rng.randint(1, 8)):
        surname = rng.choice(SURNAMES)
        given = " ".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 1, 2))))
        people.append((surname, given))
    return people


def _report(rng: random.Random, drugs: list[str], index: int) -> dict:
    phase = rng.choice(("1", "2", "3", "3", "2", "1b"))
    values = {
        "drug": rng.choice(drugs),
        "drug2": rng.choice(drugs),
        "comparator": rng.choice(COMPARATORS),
        "population": rng.choice(POPULATIONS),
        "disease": rng.choice(DISEASES),
        "phase": phase,
        "acronym": _acronym(rng),
        "target": rng.choice(TARGETS),
        "count": str(rng.randint(3, 12)),
    }
    template = rng.choice(TEMPLATES)
    journal, abbrev = rng.choice(JOURNALS)
    first = rng.randint(1, 4000)
    return {
        "report": f"R{index:07d}",
        "template": template,
        "values": values,
        "title": template.format(**values),
        "authors": _authors(rng),
        "year": rng.randint(2005, 2024),
        "journal": journal,
        "journal_abbrev": abbrev,
        "volume": str(rng.randint(1, 400)),
        "issue": str(rng.randint(1, 24)),
        "first_page": first,
        "last_page": first + rng.randint(0, 14),
        "doi": f"10.{rng.randint(1000, 9999)}/{_acronym(rng).lower()}.{index}",
        "pmid": str(20_000_000 + index * 7 + rng.randint(0, 6)),
        "kind": "article",
        "abstract": f"Background: {values['drug']} in {values['disease']}. Methods: ...",
    }


def _hard_negatives(rng: random.Random, base: dict, drugs: list[str], next_index) -> list:
    """Reports that look like ``base`` but are not it."""
    choice = rng.random()
    sibling = dict(base, report=f"R{next_index():07d}", pmid="", doi="")
    sibling["authors"] = list(base["authors"])
    if choice < 0.25:  # conference abstract of the same trial, usually a year earlier
        journal, abbrev, issue = rng.choice(MEETINGS)
        number = rng.randint(100, 9999)
        sibling.update(
            kind="abstract",
            journal=journal,
            journal_abbrev=abbrev,
            issue=issue,
            year=base["year"] - rng.choice((0, 1)),
            first_page=f"LBA{number}" if rng.random() < 0.3 else str(number),
            last_page="",
            doi=f"10.1016/annonc.{rng.randint(10**6, 10**7)}" if rng.random() < 0.3 else "",
        )
    elif choice < 0.45:  # erratum or comment
        sibling.update(
            kind="notice",
            title=rng.choice(NOTICE_PREFIXES) + base["title"],
            year=base["year"] + rng.choice((0, 1)),
            first_page=base["first_page"] + rng.randint(50, 900),
            last_page="",
            doi=f"{base['doi']}.err" if rng.random() < 0.5 else "",
            pmid=str(int(base["pmid"]) + 3),
        )
    elif choice < 0.65:  # later follow-up report
        years = rng.choice((2, 3, 5, 10))
        suffix = rng.choice(FOLLOW_UPS).format(years=years, phase=base["values"]["phase"])
        sibling.update(
            title=base["title"].split(":")[0] + suffix,
            year=base["year"] + rng.choice((1, 2, 3, 5)),
            volume=str(int(base["volume"]) + 1),
            first_page=rng.randint(1, 4000),
            doi=f"10.{rng.randint(1000, 9999)}/fu.{sibling['report']}",
            pmid=str(int(base["pmid"]) + 5),
        )
        sibling["last_page"] = sibling["first_page"] + 9
    elif choice < 0.8 and "{phase}" in base["template"]:  # another phase, same drug
        values = dict(base["values"], phase="2" if base["values"]["phase"] != "2" else "3")
        sibling.update(
            title=base["template"].format(**values),
            values=values,
            year=base["year"] + rng.choice((-3, -2, 0, 2, 3)),
            first_page=rng.randint(1, 4000),
            doi=f"10.{rng.randint(1000, 9999)}/ph.{sibling['report']}",
            pmid=str(int(base["pmid"]) + 6),
        )
        sibling["last_page"] = sibling["first_page"] + 11
    else:  # a distinct paper whose title differs in one slot
        key = rng.choice(("drug", "disease", "comparator", "population"))
        pool = {
            "drug": drugs,
            "disease": DISEASES,
            "comparator": COMPARATORS,
            "population": POPULATIONS,
        }[key]
        values = dict(base["values"], **{key: rng.choice(pool)})
        other = _report(rng, drugs, int(sibling["report"][1:]))
        other.update(
            template=base["template"],
            values=values,
            title=base["template"].format(**values),
            year=base["year"] + rng.choice((-1, 0, 0, 1)),
        )
        return [other]
    return [sibling]


def _copy_title(title: str, database: str, rng: random.Random, old: bool) -> str:
    if database == "pubmed":
        return title + "."
    if database == "embase":
        for letter, name in GREEK_NAMES.items():
            title = title.replace(letter, name)
        return f"[{title}]" if rng.random() < 0.02 else title
    if database == "wos":
        title = title.replace("-", "\u2010") if rng.random() < 0.3 else title
        return title.upper() if old else title
    for letter, entity in GREEK_ENTITIES.items():
        title = title.replace(letter, entity)
    return title.replace("&", "&amp;") if "&" not in title else title


def _garble(title: str, rng: random.Random) -> str:
    """Occasional errors any database makes: a typo, or a subtitle left out."""
    draw = rng.random()
    if draw < TYPO_SHARE:
        letters = [index for index, character in enumerate(title) if character.isalpha()]
        at = rng.choice(letters[1:-1]) if len(letters) > 2 else 0
        action = rng.choice(("swap", "drop", "replace"))
        if action == "swap":
            return title[:at] + title[at + 1] + title[at] + title[at + 2 :]
        if action == "drop":
            return title[:at] + title[at + 1 :]
        return title[:at] + rng.choice(string.ascii_lowercase) + title[at + 1 :]
    if draw < TYPO_SHARE + SUBTITLE_DROPPED and ": " in title:
        head = title.split(": ", 1)[0]
        return head if len(head) >= 40 else title
    return title


def _copy_authors(people: list[tuple[str, str]], database: str, rng: random.Random) -> str:
    def initials(given: str, dots: bool) -> str:
        letters = [part[0] for part in given.split()]
        return ".".join(letters) + "." if dots else "".join(letters)

    if database == "pubmed":
        names = [f"{last} {initials(given, False)}" for last, given in people]
    elif database == "embase":
        names = [f"{last} {initials(given, True)}" for last, given in people]
    elif database == "wos":
        names = [f"{last}, {initials(given, False)}" for last, given in people]
    elif rng.random() < 0.5:
        names = [f"{last}, {given}" for last, given in people]
    else:
        names = [f"{last}, {initials(given, True)}" for last, given in people]
    return "; ".join(names)


def _copy_pages(report: dict, database: str) -> str:
    first, last = str(report["first_page"]), str(report["last_page"])
    if not last or last == first:
        return first
    if database == "pubmed":
        keep = 0
        while keep < len(first) and keep < len(last) and first[keep] == last[keep]:
            keep += 1
        return f"{first}-{last[keep:] or last}"
    dash = "\u2013" if database == "scopus" else "-"
    return f"{first}{dash}{last}"


def _copy(report: dict, database: str, rng: random.Random, counter: dict) -> dict:
    counter[database] += 1
    number = counter[database]
    old = report["year"] < 2012
    year = report["year"]
    if database == "embase" and rng.random() < 0.08:
        year += rng.choice((-1, 1))
    journal = report["journal"]
    if database == "pubmed":
        journal = report["journal_abbrev"]
    elif database == "wos":
        journal = journal.upper()
    publication_type = {
        "article": "Journal Article",
        "abstract": "Conference Abstract",
        "notice": "Published Erratum" if report["title"].startswith(("Err", "Corr")) else "Comment",
    }[report["kind"]]
    title = report["title"]
    if report["kind"] == "notice" and database == "wos" and title.startswith("Erratum: "):
        title = title.removeprefix("Erratum: ") + (
            f" (vol {report['volume']}, pg {report['first_page']}, {report['year'] - 1})"
        )
        publication_type = "Correction"
    row = dict.fromkeys(RECORD_FIELDS, "")
    row.update(
        title=_garble(_copy_title(title, database, rng, old), rng),
        abstract=report["abstract"] if rng.random() < 0.9 else "",
        authors=_copy_authors(report["authors"], database, rng)
        if rng.random() >= AUTHORS_MISSING
        else "",
        year=str(year),
        journal=journal,
        journal_abbrev=report["journal_abbrev"],
        volume=report["volume"] if rng.random() < 0.95 else "",
        issue=report["issue"] if rng.random() < 0.9 else "",
        pages=_copy_pages(report, database) if rng.random() < 0.95 else "",
        doi=report["doi"] if rng.random() >= DOI_MISSING[database] else "",
        pmid=report["pmid"] if database == "pubmed" or rng.random() < 0.4 else "",
        publication_type=publication_type,
        language="English",
    )
    if database == "pubmed" and report["kind"] == "abstract":
        return {}
    accession = {
        "pubmed": row["pmid"] or f"P{number}",
        "embase": f"L{600_000_000 + number}",
        "wos": f"WOS:{number:015d}",
        "scopus": f"2-s2.0-{85_000_000_000 + number}",
    }[database]
    if database == "pubmed":
        row["pmid"] = accession
    row["accession"] = accession
    return {
        "record_id": f"{database}:{accession}",
        "search_id": "s1",
        "source": database,
        "source_file": f"{database}.txt",
        "report": report["report"],
        **row,
    }


def generate(n: int = 10_000, seed: int = 20240601, duplicate_share: float = 0.3) -> pd.DataFrame:
    """``n`` records (about), ``duplicate_share`` of them copies of another record."""
    rng = random.Random(seed)
    drugs = _drug_names(rng, max(200, n // 25))
    reports: list[dict] = []
    counter = iter(range(1, 10**9))

    def next_index() -> int:
        return next(counter)

    target_reports = int(n * (1 - duplicate_share))
    while len(reports) < target_reports:
        base = _report(rng, drugs, next_index())
        reports.append(base)
        if rng.random() < 0.12:
            reports.extend(_hard_negatives(rng, base, drugs, next_index))
    rows: list[dict] = []
    per_database = dict.fromkeys(DATABASES, 0)
    extra = n - len(reports)
    found_by: list[set[str]] = []
    for report in reports:
        database = rng.choice(DATABASES[1:] if report["kind"] == "abstract" else DATABASES)
        found_by.append({database})
        rows.append(_copy(report, database, rng, per_database))
    while extra > 0:
        position = rng.randrange(len(reports))
        database = rng.choice(DATABASES)
        if database in found_by[position]:
            continue
        row = _copy(reports[position], database, rng, per_database)
        if row:
            found_by[position].add(database)
            rows.append(row)
            extra -= 1
    frame = pd.DataFrame([row for row in rows if row])
    frame = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    frame["source_index"] = frame.groupby("source").cumcount() + 1
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--out", default="dedup_benchmark.tsv")
    arguments = parser.parse_args()
    generate(arguments.n, arguments.seed).to_csv(arguments.out, sep="\t", index=False)


if __name__ == "__main__":
    main()
