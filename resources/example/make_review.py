# ruff: noqa: E501  (word lists, templates and journal tables read best one item a line)
"""Generate the example review's search exports and screening decisions.

Run from anywhere with plain Python 3.11 (standard library only)::

    python resources/example/make_review.py            # (re)write every file
    python resources/example/make_review.py --summary  # expected counts, writes nothing
    python resources/example/make_review.py --truth    # record_id -> report, TSV on stdout

What is real and what is generated is stated in ``resources/example/README.md``. In
short: the nine trials' reports (titles, authors, journals, volumes, pages, DOIs,
PMIDs, from ``TRIALS.md`` section 1) are real; every other record, every database
accession number and every screening decision is generated here from a fixed seed,
so the output is byte-identical on every run. Synthetic identifiers live in ranges
no real record uses: PMIDs 9xxxxxxx, DOIs under the test prefix 10.5555/, Embase
accessions L99xxxxxxxx, CENTRAL IDs CN-09xxxxxx, WoS UTs WOS:999xxxxxxxxxxxx and
registry numbers NCT9xxxxxxx.

The ground truth (which record is which report, which reports are one study, what
each reviewer decided) lives only here; ``--truth`` and ``--summary`` print it.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import random
import re
import sys
import textwrap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20211130
HERE = Path(__file__).resolve().parent
SEARCH_DIR = HERE / "searches" / "2021-11-30"
REVIEW_DIR = HERE / "review"
UNIQUE_TARGET = 705
DATABASES = ("pubmed", "embase", "cochrane", "wos")
ID_PREFERENCE = ("pubmed", "embase", "cochrane", "wos")
"""Which member of a duplicate group the decision files name."""

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
GREEK_NAMES = {"α": "alpha", "β": "beta", "γ": "gamma", "κ": "kappa"}

# --------------------------------------------------------------------------- authors


@dataclass(frozen=True)
class Author:
    """One person; ``given`` is full forenames ("Jong-Mu") or initials ("J-M", "M A")."""

    last: str
    given: str

    def _letters(self) -> list[tuple[str, bool]]:
        """(initial, hyphen follows) for every forename part."""
        parts = re.findall(r"([^\s-]+)(-?)", self.given)
        return [(word[0].upper(), bool(hyphen)) for word, hyphen in parts]

    def compact(self) -> str:
        return "".join(letter for letter, _ in self._letters())

    def pubmed_au(self) -> str:
        return f"{self.last} {self.compact()}"

    def pubmed_fau(self) -> str:
        return f"{self.last}, {self.given}"

    def embase(self) -> str:
        text = ""
        for letter, hyphen in self._letters():
            text += letter + ("." + "-" if hyphen else ".")
        return f"{self.last} {text}"

    def cochrane(self) -> str:
        text = "".join(letter + ("-" if hyphen else "") for letter, hyphen in self._letters())
        return f"{self.last}, {text}"

    def wos_au(self) -> str:
        return f"{self.last}, {self.compact()}"

    def wos_af(self) -> str:
        return f"{self.last}, {self.given}"


def authors_from(spec: str) -> list[Author]:
    """Parse ``"Sun|Jong-Mu; Shen|Lin"``."""
    people = []
    for item in spec.split(";"):
        last, given = item.strip().split("|")
        people.append(Author(last.strip(), given.strip()))
    return people


# --------------------------------------------------------------------------- journals


@dataclass(frozen=True)
class Journal:
    key: str
    ta: str  # NLM abbreviation (PubMed TA)
    jt: str  # PubMed JT
    embase: str  # Embase JF
    wos: str  # WoS SO (upper case)
    j9: str
    ji: str
    issn: str
    eissn: str
    medline: bool
    numbering: str  # "pages" or an article-number style: "plain", "e", "bmc"
    code: str  # synthetic DOI code
    central: str = ""  # CENTRAL JO spelling (defaults to JT)

    @property
    def central_name(self) -> str:
        return self.central or self.jt


JOURNALS = {
    j.key: j
    for j in [
        Journal("lancet", "Lancet", "Lancet (London, England)", "The Lancet", "LANCET",
                "LANCET", "Lancet", "0140-6736", "1474-547X", True, "pages", "lancet",
                "Lancet (london, england)"),
        Journal("jama", "JAMA", "JAMA", "JAMA - Journal of the American Medical Association",
                "JAMA-JOURNAL OF THE AMERICAN MEDICAL ASSOCIATION", "JAMA-J AM MED ASSOC",
                "JAMA-J. Am. Med. Assoc.", "0098-7484", "1538-3598", True, "pages", "jama"),
        Journal("jco", "J Clin Oncol", "Journal of clinical oncology : official journal of "
                "the American Society of Clinical Oncology", "Journal of Clinical Oncology",
                "JOURNAL OF CLINICAL ONCOLOGY", "J CLIN ONCOL", "J. Clin. Oncol.", "0732-183X",
                "1527-7755", True, "pages", "jco", "Journal of clinical oncology"),
        Journal("lancet_oncol", "Lancet Oncol", "The Lancet. Oncology", "The Lancet Oncology",
                "LANCET ONCOLOGY", "LANCET ONCOL", "Lancet Oncol.", "1470-2045", "1474-5488",
                True, "pages", "lanonc", "Lancet oncology"),
        Journal("ann_oncol", "Ann Oncol", "Annals of oncology : official journal of the "
                "European Society for Medical Oncology", "Annals of Oncology",
                "ANNALS OF ONCOLOGY", "ANN ONCOL", "Ann. Oncol.", "0923-7534", "1569-8041",
                True, "pages", "annonc", "Annals of oncology"),
        Journal("cancer_res", "Cancer Res", "Cancer research", "Cancer Research",
                "CANCER RESEARCH", "CANCER RES", "Cancer Res.", "0008-5472", "1538-7445",
                True, "pages", "canres"),
        Journal("front_oncol", "Front Oncol", "Frontiers in oncology", "Frontiers in Oncology",
                "FRONTIERS IN ONCOLOGY", "FRONT ONCOL", "Front. Oncol.", "2234-943X", "",
                True, "plain", "fonc"),
        Journal("cancer_med", "Cancer Med", "Cancer medicine", "Cancer Medicine",
                "CANCER MEDICINE", "CANCER MED-US", "Cancer Med.", "2045-7634", "", True,
                "pages", "cam4"),
        Journal("bmc_cancer", "BMC Cancer", "BMC cancer", "BMC Cancer", "BMC CANCER",
                "BMC CANCER", "BMC Cancer", "1471-2407", "", True, "bmc", "bmccancer"),
        Journal("jtd", "J Thorac Dis", "Journal of thoracic disease",
                "Journal of Thoracic Disease", "JOURNAL OF THORACIC DISEASE", "J THORAC DIS",
                "J. Thorac. Dis.", "2072-1439", "2077-6624", True, "pages", "jtd"),
        Journal("thorac_cancer", "Thorac Cancer", "Thoracic cancer", "Thoracic Cancer",
                "THORACIC CANCER", "THORAC CANCER", "Thorac. Cancer", "1759-7706", "1759-7714",
                True, "pages", "tca"),
        Journal("atm", "Ann Transl Med", "Annals of translational medicine",
                "Annals of Translational Medicine", "ANNALS OF TRANSLATIONAL MEDICINE",
                "ANN TRANSL MED", "Ann. Transl. Med.", "2305-5839", "", True, "pages", "atm"),
        Journal("oncol_lett", "Oncol Lett", "Oncology letters", "Oncology Letters",
                "ONCOLOGY LETTERS", "ONCOL LETT", "Oncol. Lett.", "1792-1074", "1792-1082",
                True, "plain", "ol"),
        Journal("wjg", "World J Gastroenterol", "World journal of gastroenterology",
                "World Journal of Gastroenterology", "WORLD JOURNAL OF GASTROENTEROLOGY",
                "WORLD J GASTROENTERO", "World J. Gastroenterol.", "1007-9327", "2219-2840",
                True, "pages", "wjg"),
        Journal("cancers", "Cancers (Basel)", "Cancers", "Cancers", "CANCERS", "CANCERS",
                "Cancers", "2072-6694", "", True, "plain", "cancers"),
        Journal("jitc", "J Immunother Cancer", "Journal for immunotherapy of cancer",
                "Journal for ImmunoTherapy of Cancer", "JOURNAL FOR IMMUNOTHERAPY OF CANCER",
                "J IMMUNOTHER CANCER", "J. Immunother. Cancer", "2051-1426", "", True, "e",
                "jitc"),
        Journal("oncoimmunology", "Oncoimmunology", "Oncoimmunology", "OncoImmunology",
                "ONCOIMMUNOLOGY", "ONCOIMMUNOLOGY", "OncoImmunology", "2162-4011", "2162-402X",
                True, "plain", "oncoimm"),
        Journal("esophagus", "Esophagus", "Esophagus : official journal of the Japan "
                "Esophageal Society", "Esophagus", "ESOPHAGUS", "ESOPHAGUS-TOKYO", "Esophagus",
                "1612-9059", "1612-9067", True, "pages", "esoph"),
        Journal("dis_esoph", "Dis Esophagus", "Diseases of the esophagus : official journal "
                "of the International Society for Diseases of the Esophagus",
                "Diseases of the Esophagus", "DISEASES OF THE ESOPHAGUS", "DIS ESOPHAGUS",
                "Dis. Esophagus", "1120-8694", "1442-2050", True, "pages", "dote"),
        Journal("cii", "Cancer Immunol Immunother", "Cancer immunology, immunotherapy : CII",
                "Cancer Immunology, Immunotherapy", "CANCER IMMUNOLOGY IMMUNOTHERAPY",
                "CANCER IMMUNOL IMMUN", "Cancer Immunol. Immunother.", "0340-7004",
                "1432-0851", True, "pages", "cii"),
        Journal("ijc", "Int J Cancer", "International journal of cancer",
                "International Journal of Cancer", "INTERNATIONAL JOURNAL OF CANCER",
                "INT J CANCER", "Int. J. Cancer", "0020-7136", "1097-0215", True, "pages",
                "ijc"),
        Journal("bjc", "Br J Cancer", "British journal of cancer", "British Journal of Cancer",
                "BRITISH JOURNAL OF CANCER", "BRIT J CANCER", "Br. J. Cancer", "0007-0920",
                "1532-1827", True, "pages", "bjc"),
        Journal("ccr", "Clin Cancer Res", "Clinical cancer research : an official journal of "
                "the American Association for Cancer Research", "Clinical Cancer Research",
                "CLINICAL CANCER RESEARCH", "CLIN CANCER RES", "Clin. Cancer Res.",
                "1078-0432", "1557-3265", True, "pages", "ccr"),
        Journal("jama_oncol", "JAMA Oncol", "JAMA oncology", "JAMA Oncology", "JAMA ONCOLOGY",
                "JAMA ONCOL", "JAMA Oncol.", "2374-2437", "2374-2445", True, "pages",
                "jamaoncol"),
        Journal("esmo_open", "ESMO Open", "ESMO open", "ESMO Open", "ESMO OPEN", "ESMO OPEN",
                "ESMO Open", "2059-7029", "", True, "plain", "esmoop"),
        Journal("transl_oncol", "Transl Oncol", "Translational oncology",
                "Translational Oncology", "TRANSLATIONAL ONCOLOGY", "TRANSL ONCOL",
                "Transl. Oncol.", "1936-5233", "", True, "plain", "tranon"),
        Journal("cmar", "Cancer Manag Res", "Cancer management and research",
                "Cancer Management and Research", "CANCER MANAGEMENT AND RESEARCH",
                "CANCER MANAG RES", "Cancer Manag. Res.", "1179-1322", "", True, "pages",
                "cmar"),
        Journal("ott", "Onco Targets Ther", "OncoTargets and therapy",
                "OncoTargets and Therapy", "ONCOTARGETS AND THERAPY", "ONCOTARGETS THER",
                "OncoTargets Ther.", "1178-6930", "", True, "pages", "ott"),
        Journal("int_immunopharm", "Int Immunopharmacol", "International immunopharmacology",
                "International Immunopharmacology", "INTERNATIONAL IMMUNOPHARMACOLOGY",
                "INT IMMUNOPHARMACOL", "Int. Immunopharmacol.", "1567-5769", "1878-1705",
                True, "plain", "intimp"),
        Journal("medicine", "Medicine (Baltimore)", "Medicine", "Medicine (United States)",
                "MEDICINE", "MEDICINE", "Medicine", "0025-7974", "1536-5964", True, "e",
                "md"),
        Journal("jgo", "J Gastrointest Oncol", "Journal of gastrointestinal oncology",
                "Journal of Gastrointestinal Oncology", "JOURNAL OF GASTROINTESTINAL ONCOLOGY",
                "J GASTROINTEST ONCOL", "J. Gastrointest. Oncol.", "2078-6891", "", True,
                "pages", "jgo"),
        Journal("tamo", "Ther Adv Med Oncol", "Therapeutic advances in medical oncology",
                "Therapeutic Advances in Medical Oncology",
                "THERAPEUTIC ADVANCES IN MEDICAL ONCOLOGY", "THER ADV MED ONCOL",
                "Ther. Adv. Med. Oncol.", "1758-8340", "1758-8359", True, "plain", "tam"),
        Journal("future_oncol", "Future Oncol", "Future oncology (London, England)",
                "Future Oncology", "FUTURE ONCOLOGY", "FUTURE ONCOL", "Future Oncol.",
                "1479-6694", "1744-8301", True, "pages", "fon"),
        Journal("gastric_cancer", "Gastric Cancer", "Gastric cancer : official journal of the "
                "International Gastric Cancer Association and the Japanese Gastric Cancer "
                "Association", "Gastric Cancer", "GASTRIC CANCER", "GASTRIC CANCER",
                "Gastric Cancer", "1436-3291", "1436-3305", True, "pages", "gc"),
        Journal("cancer_sci", "Cancer Sci", "Cancer science", "Cancer Science",
                "CANCER SCIENCE", "CANCER SCI", "Cancer Sci.", "1347-9032", "1349-7006", True,
                "pages", "cas"),
        Journal("jjco", "Jpn J Clin Oncol", "Japanese journal of clinical oncology",
                "Japanese Journal of Clinical Oncology", "JAPANESE JOURNAL OF CLINICAL ONCOLOGY",
                "JPN J CLIN ONCOL", "Jpn. J. Clin. Oncol.", "0368-2811", "1465-3621", True,
                "pages", "jjco"),
        Journal("oncologist", "Oncologist", "The oncologist", "Oncologist", "ONCOLOGIST",
                "ONCOLOGIST", "Oncologist", "1083-7159", "1549-490X", True, "pages", "onco"),
        Journal("cjcr", "Chin J Cancer Res", "Chinese journal of cancer research = Chung-kuo "
                "yen cheng yen chiu", "Chinese Journal of Cancer Research",
                "CHINESE JOURNAL OF CANCER RESEARCH", "CHINESE J CANCER RES",
                "Chin. J. Cancer Res.", "1000-9604", "1993-0631", True, "pages", "cjcr"),
        Journal("j_cancer", "J Cancer", "Journal of Cancer", "Journal of Cancer",
                "JOURNAL OF CANCER", "J CANCER", "J. Cancer", "1837-9664", "", True, "pages",
                "jca"),
        Journal("bmj_open", "BMJ Open", "BMJ open", "BMJ Open", "BMJ OPEN", "BMJ OPEN",
                "BMJ Open", "2044-6055", "", True, "e", "bmjopen"),
        Journal("trials", "Trials", "Trials", "Trials", "TRIALS", "TRIALS", "Trials",
                "1745-6215", "", True, "bmc", "trials"),
        # not indexed in MEDLINE: found by Embase (and some by WoS) only
        Journal("tcr", "", "", "Translational Cancer Research", "TRANSLATIONAL CANCER RESEARCH",
                "TRANSL CANCER RES", "Transl. Cancer Res.", "2218-676X", "2219-6803", False,
                "pages", "tcr"),
        Journal("cjco", "", "", "Chinese Journal of Clinical Oncology", "", "", "", "", "",
                False, "pages", "cjco"),
        Journal("cjcpt", "", "", "Chinese Journal of Cancer Prevention and Treatment", "", "",
                "", "", "", False, "pages", "cjcpt"),
    ]
}  # fmt: skip

ARTICLE_JOURNALS = [
    "front_oncol", "cancer_med", "bmc_cancer", "jtd", "thorac_cancer", "atm", "oncol_lett",
    "wjg", "cancers", "jitc", "oncoimmunology", "esophagus", "dis_esoph", "cii", "ijc", "bjc",
    "ccr", "jama_oncol", "esmo_open", "transl_oncol", "cmar", "ott", "int_immunopharm",
    "medicine", "jgo", "tamo", "future_oncol", "cancer_sci", "jjco", "oncologist", "cjcr",
    "j_cancer",
]  # fmt: skip


@dataclass(frozen=True)
class Meeting:
    """A congress whose abstracts appear in a journal supplement."""

    name: str
    journal: str
    year: int
    volume: str
    embase_issue: str  # Embase IS
    wos_issue: str  # WoS IS
    wos_supplement: str  # WoS SU
    page_prefix: str
    page_range: tuple[int, int]
    month: int


MEETINGS = [
    Meeting("ASCO Annual Meeting 2019", "jco", 2019, "37", "15 SUPPL", "15", "S", "e", (4000, 4200), 5),
    Meeting("ASCO Annual Meeting 2020", "jco", 2020, "38", "15 SUPPL", "15", "S", "e", (4500, 4700), 5),
    Meeting("ASCO Annual Meeting 2021", "jco", 2021, "39", "15 SUPPL", "15", "S", "e", (4000, 4200), 6),
    Meeting("ASCO GI Cancers Symposium 2020", "jco", 2020, "38", "4 SUPPL", "4", "S", "", (300, 480), 2),
    Meeting("ASCO GI Cancers Symposium 2021", "jco", 2021, "39", "3 SUPPL", "3", "S", "", (200, 400), 1),
    Meeting("ESMO Congress 2019", "ann_oncol", 2019, "30", "Supplement 5", "", "5", "v", (250, 300), 10),
    Meeting("ESMO Virtual Congress 2020", "ann_oncol", 2020, "31", "Supplement 4", "", "4", "S", (860, 1000), 9),
    Meeting("ESMO Congress 2021", "ann_oncol", 2021, "32", "Supplement 5", "", "5", "S", (1040, 1075), 9),
    Meeting("ESMO Asia Congress 2019", "ann_oncol", 2019, "30", "Supplement 9", "", "9", "ix", (40, 80), 11),
    Meeting("ESMO Asia Virtual Congress 2020", "ann_oncol", 2020, "31", "Supplement 6", "", "6", "S", (1290, 1330), 11),
    Meeting("ESMO World Congress on Gastrointestinal Cancer 2020", "ann_oncol", 2020, "31", "Supplement 3", "", "3", "S", (230, 260), 7),
    Meeting("ESMO World Congress on Gastrointestinal Cancer 2021", "ann_oncol", 2021, "32", "Supplement 3", "", "3", "S", (200, 230), 6),
    Meeting("SITC Annual Meeting 2020", "jitc", 2020, "8", "Supplement 3", "", "3", "A", (100, 600), 11),
    Meeting("SITC Annual Meeting 2021", "jitc", 2021, "9", "Supplement 2", "", "2", "A", (100, 600), 11),
    Meeting("AACR Annual Meeting 2021", "cancer_res", 2021, "81", "13 SUPPL", "13", "S", "", (1000, 3000), 7),
]  # fmt: skip


# --------------------------------------------------------------------------- records


@dataclass
class Work:
    """One report (what dedup should turn into one group) and its copies' ground truth."""

    wid: str
    category: str
    kind: str  # article | abstract | registry | notice
    title: str
    abstract: str
    authors: list[Author]
    year: int
    month: int
    day: int
    journal: str
    volume: str = ""
    issue: str = ""
    first_page: str = ""
    last_page: str = ""
    doi: str = ""
    pmid: str = ""
    meeting: str = ""
    collective: str = ""
    pub_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    language: str = "eng"
    real: bool = False
    databases: list[str] = field(default_factory=list)
    ids: dict[str, list[str]] = field(default_factory=dict)  # database -> native ids
    # screening ground truth
    ta: str = "exclude"  # pass | exclude
    ta_reason: str = ""
    ft: str = ""  # include | exclude | not_retrieved
    ft_reason: str = ""
    study: str = ""
    note: str = ""
    family: str = ""  # reports deliberately alike (abstract vs paper, erratum vs paper)
    retitled: str = ""  # Embase in-press title that needs a reviewer (override yes)


def fold(text: str) -> str:
    """Lower-case ASCII words only, Greek letters spelled out (as dedup compares)."""
    for letter, name in GREEK_NAMES.items():
        text = text.replace(letter, f" {name} ")
    text = html.unescape(text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def indel_ratio(a: str, b: str) -> float:
    """Normalised Indel similarity, 2*LCS/(len a + len b): rapidfuzz's ``fuzz.ratio``/100."""
    if not a and not b:
        return 1.0
    masks: dict[str, int] = {}
    for index, char in enumerate(a):
        masks[char] = masks.get(char, 0) | (1 << index)
    full = (1 << len(a)) - 1
    vector = full
    for char in b:
        u = vector & masks.get(char, 0)
        vector = ((vector + u) | (vector - u)) & full
    lcs = len(a) - bin(vector).count("1")
    return 2 * lcs / (len(a) + len(b))


class TitleRegistry:
    """Keeps every report's title at least ``limit`` apart from every other's."""

    def __init__(self, limit: float = 0.83) -> None:
        self.limit = limit
        self.keys: list[tuple[str, frozenset[str]]] = []

    def clash(self, title: str) -> bool:
        key = fold(title)
        tokens = frozenset(key.split())
        for other, other_tokens in self.keys:
            if abs(len(key) - len(other)) > 0.5 * max(len(key), len(other)):
                continue
            shared = len(tokens & other_tokens) / max(1, len(tokens | other_tokens))
            if shared < 0.3:
                continue
            if indel_ratio(key, other) >= self.limit:
                return True
        return False

    def add(self, title: str) -> None:
        key = fold(title)
        self.keys.append((key, frozenset(key.split())))


# --------------------------------------------------------------------------- the nine trials

REAL_ABSTRACTS = {
    "kn590_paper": (
        "BACKGROUND: Chemotherapy is the first-line standard for advanced oesophageal cancer. "
        "We compared pembrolizumab plus chemotherapy with placebo plus chemotherapy as "
        "first-line treatment. METHODS: In this randomised, double-blind, placebo-controlled, "
        "phase 3 study (KEYNOTE-590, NCT03189719), patients with previously untreated, "
        "advanced oesophageal cancer were randomly assigned (1:1) to pembrolizumab or placebo "
        "with cisplatin and fluorouracil. FINDINGS: 749 patients were randomly assigned (373 "
        "pembrolizumab plus chemotherapy, 376 placebo plus chemotherapy). In patients with "
        "oesophageal squamous cell carcinoma, pembrolizumab plus chemotherapy improved overall "
        "survival (hazard ratio 0.72, 95% CI 0.60-0.88) and progression-free survival (0.65, "
        "0.54-0.78). Grade 3-5 treatment-related adverse events occurred in 266 (72%) versus "
        "250 (68%) patients. INTERPRETATION: Pembrolizumab plus chemotherapy is a first-line "
        "option for advanced oesophageal cancer. FUNDING: Merck Sharp & Dohme."
    ),
    "kn590_esmo2020": (
        "Background: KEYNOTE-590 compared pembrolizumab plus chemotherapy with placebo plus "
        "chemotherapy as first-line therapy for advanced esophageal cancer. Methods: Patients "
        "with untreated advanced esophageal adenocarcinoma or squamous cell carcinoma were "
        "randomised 1:1 to pembrolizumab or placebo every 3 weeks plus cisplatin and "
        "5-fluorouracil. Results: 749 patients were randomised (373 vs 376). In ESCC, OS HR "
        "was 0.72 (95% CI 0.60-0.88); in ESCC with PD-L1 CPS >=10, OS HR was 0.57 (0.43-0.75). "
        "Conclusions: Pembrolizumab plus chemotherapy should be a new first-line standard of "
        "care for advanced esophageal cancer."
    ),
    "cm648_asco2021": (
        "Background: CheckMate 648 is a randomized, open-label, phase 3 study of nivolumab plus "
        "ipilimumab or nivolumab plus chemotherapy versus chemotherapy in previously untreated, "
        "unresectable advanced ESCC. Methods: Patients were randomized 1:1:1 to nivolumab plus "
        "fluorouracil and cisplatin, nivolumab plus ipilimumab, or fluorouracil and cisplatin. "
        "Results: Nivolumab plus chemotherapy (n = 321) versus chemotherapy (n = 324) improved "
        "OS (HR 0.74, 99.1% CI 0.58-0.96) and, in patients with tumor-cell PD-L1 >=1%, OS (HR "
        "0.54, 99.5% CI 0.37-0.80). Conclusions: Both nivolumab combinations are potential "
        "new first-line standards for advanced ESCC."
    ),
    "escort1st_paper": (
        "IMPORTANCE: Camrelizumab added to chemotherapy may improve outcomes in advanced "
        "esophageal squamous cell carcinoma (ESCC). OBJECTIVE: To compare camrelizumab plus "
        "paclitaxel and cisplatin with placebo plus paclitaxel and cisplatin as first-line "
        "treatment. DESIGN, SETTING, AND PARTICIPANTS: Randomized, double-blind, "
        "placebo-controlled, phase 3 trial (ESCORT-1st, NCT03691090) in China. Patients with "
        "untreated advanced or metastatic ESCC were randomized 1:1 (298 vs 298). RESULTS: "
        "Overall survival was longer with camrelizumab (HR 0.70, 95% CI 0.56-0.88), as was "
        "progression-free survival (HR 0.56, 95% CI 0.46-0.68). Grade 3 or higher "
        "treatment-related adverse events occurred in 63.4% versus 67.7% of patients. "
        "CONCLUSIONS AND RELEVANCE: Camrelizumab plus chemotherapy significantly improved "
        "survival in advanced or metastatic ESCC. TRIAL REGISTRATION: ClinicalTrials.gov "
        "Identifier: NCT03691090."
    ),
    "escort1st_asco2021": (
        "Background: ESCORT-1st compared camrelizumab plus paclitaxel and cisplatin with "
        "placebo plus paclitaxel and cisplatin as first-line treatment of advanced ESCC. "
        "Methods: Patients with untreated advanced or metastatic ESCC were randomized 1:1. "
        "Co-primary endpoints were PFS by independent review and OS. Results: 596 patients "
        "were randomized (298 vs 298). Camrelizumab plus chemotherapy improved PFS (HR 0.56, "
        "95% CI 0.46-0.68) and OS (HR 0.70, 95% CI 0.56-0.88). Conclusions: Camrelizumab plus "
        "chemotherapy is a new first-line option for advanced ESCC."
    ),
    "orient15_esmo2021": (
        "Background: ORIENT-15 is a randomized, double-blind, phase III study of sintilimab or "
        "placebo combined with chemotherapy as first-line therapy for advanced or metastatic "
        "ESCC. Methods: Patients were randomized 1:1 to sintilimab or placebo plus cisplatin "
        "with paclitaxel or 5-fluorouracil. Results: 659 patients were randomized (327 vs "
        "332). Sintilimab improved OS in all patients (HR 0.628, 95% CI 0.508-0.777) and in "
        "patients with PD-L1 CPS >=10 (HR 0.638, 95% CI 0.480-0.848); PFS HR was 0.558 "
        "(0.461-0.676). Conclusions: Sintilimab plus chemotherapy significantly improved OS "
        "and PFS as first-line treatment of advanced ESCC."
    ),
    "jupiter06_esmo2021": (
        "Background: JUPITER-06 evaluated toripalimab versus placebo in combination with "
        "paclitaxel and cisplatin as first-line treatment for advanced ESCC. Methods: "
        "Treatment-naive patients with advanced or metastatic ESCC were randomized 1:1 (257 "
        "vs 257). Results: Toripalimab plus chemotherapy improved PFS by blinded independent "
        "review (HR 0.58, 95% CI 0.46-0.74) and OS (HR 0.58, 95% CI 0.43-0.78). Grade >=3 "
        "adverse events occurred in 73.2% versus 70.0%. Conclusions: Toripalimab plus "
        "paclitaxel and cisplatin is a new first-line option for advanced ESCC."
    ),
    "kn181_paper": (
        "PURPOSE: We compared pembrolizumab with chemotherapy as second-line therapy for "
        "advanced esophageal cancer. METHODS: In the randomized, open-label, phase III "
        "KEYNOTE-181 study (NCT02564263), 628 patients with advanced or metastatic squamous "
        "cell carcinoma or adenocarcinoma of the esophagus that progressed after one prior "
        "therapy were randomly assigned to pembrolizumab or investigator's choice of "
        "paclitaxel, docetaxel, or irinotecan. RESULTS: In patients with PD-L1 combined "
        "positive score (CPS) >= 10, overall survival was longer with pembrolizumab (HR 0.69, "
        "95% CI 0.52-0.93). In squamous cell carcinoma, the hazard ratio for overall survival "
        "was 0.78 (95% CI 0.63-0.96). Grade 3-5 treatment-related adverse events occurred in "
        "18.2% versus 40.9% of patients. CONCLUSION: Pembrolizumab prolonged overall survival "
        "versus chemotherapy as second-line therapy in patients with advanced esophageal "
        "cancer with PD-L1 CPS >= 10, with fewer treatment-related adverse events."
    ),
    "kn181_ascogi2019": (
        "Background: KEYNOTE-181 compared pembrolizumab with chemotherapy as second-line "
        "therapy for advanced or metastatic esophageal cancer. Methods: Patients with squamous "
        "cell carcinoma or adenocarcinoma progressing after first-line therapy were randomized "
        "1:1 to pembrolizumab or investigator's choice of paclitaxel, docetaxel or irinotecan. "
        "Results: 628 patients were randomized. In patients with PD-L1 CPS >=10, OS HR was "
        "0.69 (95% CI 0.52-0.93); in squamous cell carcinoma, OS HR was 0.78 (0.63-0.96). "
        "Treatment-related adverse events occurred in 64% versus 86% of patients. "
        "Conclusions: Pembrolizumab is a potential second-line standard for esophageal cancer "
        "with PD-L1 CPS >=10."
    ),
    "attraction3_paper": (
        "BACKGROUND: Nivolumab showed activity in a phase 2 study of oesophageal squamous cell "
        "carcinoma. We compared nivolumab with chemotherapy as second-line therapy. METHODS: "
        "In this multicentre, randomised, open-label, phase 3 trial (ATTRACTION-3), patients "
        "with advanced oesophageal squamous cell carcinoma refractory or intolerant to one "
        "previous fluoropyrimidine-based and platinum-based chemotherapy were randomly "
        "assigned (1:1) to nivolumab or investigator's choice of paclitaxel or docetaxel. "
        "FINDINGS: 419 patients were randomly assigned (210 nivolumab, 209 chemotherapy). "
        "Overall survival was longer with nivolumab (hazard ratio 0.77, 95% CI 0.62-0.96). "
        "Grade 3 or 4 treatment-related adverse events occurred in 38 (18%) of 209 versus 131 "
        "(63%) of 208 patients. INTERPRETATION: Nivolumab was associated with a significant "
        "improvement in overall survival and a favourable safety profile compared with "
        "chemotherapy. FUNDING: Ono Pharmaceutical and Bristol-Myers Squibb."
    ),
    "attraction3_erratum": "",
    "attraction3_esmo2019": (
        "Background: ATTRACTION-3 compared nivolumab with taxane chemotherapy in patients with "
        "advanced esophageal squamous cell carcinoma refractory or intolerant to "
        "fluoropyrimidine and platinum. Methods: Patients were randomized 1:1 to nivolumab or "
        "paclitaxel or docetaxel. Results: 419 patients were randomized (210 vs 209). "
        "Nivolumab improved OS (HR 0.77, 95% CI 0.62-0.96); benefit was seen in patients with "
        "tumor PD-L1 >=1% (HR 0.69, 0.51-0.94) and <1%. Conclusions: Nivolumab is a potential "
        "new second-line standard for advanced ESCC."
    ),
    "escort_paper": (
        "BACKGROUND: Camrelizumab is an anti-PD-1 antibody. We compared camrelizumab with "
        "chemotherapy as second-line therapy for advanced or metastatic oesophageal squamous "
        "cell carcinoma. METHODS: In this multicentre, randomised, open-label, phase 3 study "
        "(ESCORT, NCT03099382) in China, patients progressing on or intolerant to first-line "
        "chemotherapy were randomly assigned (1:1) to camrelizumab or investigator's choice of "
        "docetaxel or irinotecan. FINDINGS: 457 patients were randomly assigned; 228 "
        "camrelizumab and 220 chemotherapy patients were treated. Overall survival was longer "
        "with camrelizumab (hazard ratio 0.71, 95% CI 0.57-0.87). Serious treatment-related "
        "adverse events occurred in 37 (16%) versus 32 (15%) patients. INTERPRETATION: "
        "Camrelizumab significantly improved overall survival versus chemotherapy and might "
        "be a new second-line option. FUNDING: Jiangsu Hengrui Medicine."
    ),
    "rationale302_asco2021": (
        "Background: RATIONALE 302 compared tislelizumab, an anti-PD-1 antibody, with "
        "chemotherapy as second-line treatment for advanced or metastatic ESCC. Methods: "
        "Patients progressing after first-line systemic therapy were randomized 1:1 to "
        "tislelizumab or investigator's choice of paclitaxel, docetaxel or irinotecan. "
        "Results: 512 patients were randomized (256 vs 256). Tislelizumab improved OS (HR "
        "0.70, 95% CI 0.57-0.85) and, in patients with PD-L1 TAP >=10%, OS (HR 0.54, 95% CI "
        "0.36-0.79). ORR was 20.3% vs 9.8%; grade >=3 treatment-related adverse events "
        "occurred in 18.8% vs 55.8%. Conclusions: Tislelizumab is a potential new "
        "second-line standard for advanced ESCC."
    ),
}

KN590_AUTHORS = (
    "Sun|Jong-Mu; Shen|Lin; Shah|Manish A; Enzinger|Peter; Adenis|Antoine; Doi|Toshihiko; "
    "Kojima|Takashi; Metges|Jean-Philippe; Li|Zhigang; Kim|Sung-Bae; Cho|Byoung Chul; "
    "Mansoor|Wasat; Li|Shau-Hsuan; Sunpaweravong|Patrapim; Maqueda|Maria Alsina; "
    "Goekkurt|Eray; Hara|Hiroki; Antunes|Luis; Fountzilas|Christos; Tsuji|Akihito; "
    "Oliden|Victor Castro; Liu|Qi; Shah|Sukrut; Bhagia|Pooja; Kato|Ken"
)
KN181_AUTHORS = (
    "Kojima|Takashi; Shah|Manish A; Muro|Kei; Francois|Eric; Adenis|Antoine; Hsu|Chih-Hung; "
    "Doi|Toshihiko; Moriwaki|Toshikazu; Kim|Sung-Bae; Lee|Se-Hoon; Bennouna|Jaafar; Kato|Ken; "
    "Shen|Lin; Enzinger|Peter; Qin|Shukui; Ferreira|Paula; Chen|Jia; Girotto|Gustavo; "
    "de la Fouchardiere|Christelle; Senellart|Helene; Al-Rajabi|Raed; Lordick|Florian; "
    "Wang|Ruixue; Suryawanshi|Shailaja; Bhagia|Pooja; Kang|S Peter; Metges|Jean-Philippe"
)
ATTRACTION3_AUTHORS = (
    "Kato|Ken; Cho|Byoung Chul; Takahashi|Masanobu; Okada|Morihito; Lin|Chen-Yuan; "
    "Chin|Keisho; Kadowaki|Shigenori; Ahn|Myung-Ju; Hamamoto|Yasuo; Doki|Yuichiro; "
    "Yen|Chueh-Chuan; Kubota|Yutaro; Kim|Sung-Bae; Hsu|Chih-Hung; Holtved|Eva; "
    "Xynos|Ioannis; Kodani|Mamoru; Kitagawa|Yuko"
)
ESCORT_AUTHORS = (
    "Huang|Jing; Xu|Jianming; Chen|Yun; Zhuang|Wu; Zhang|Y; Chen|Z; Chen|J; Zhang|H; Niu|Z; "
    "Fan|Q; Lin|L; Gu|K; Liu|Y; Ba|Y; Miao|Z; Jiang|X; Zeng|M; Chen|J; Fu|Z; Gan|L; Wang|J; "
    "Zhan|X; Liu|T; Li|Z; Shen|Lin; Shu|Y; Zhang|T; Yang|Q; Zou|J"
)


def real_works() -> list[Work]:
    """The nine trials' reports as they stood on 2021-11-30 (TRIALS.md section 1)."""
    rct = ["Clinical Trial, Phase III", "Journal Article", "Multicenter Study",
           "Randomized Controlled Trial"]  # fmt: skip
    mesh_first = ["Antibodies, Monoclonal, Humanized/administration & dosage",
                  "Antineoplastic Combined Chemotherapy Protocols/*therapeutic use",
                  "Esophageal Neoplasms/*drug therapy/mortality/pathology",
                  "Esophageal Squamous Cell Carcinoma/*drug therapy", "Female", "Humans",
                  "Male", "Middle Aged", "Progression-Free Survival"]  # fmt: skip
    mesh_second = ["Antineoplastic Agents, Immunological/*therapeutic use",
                   "Esophageal Squamous Cell Carcinoma/*drug therapy/mortality", "Female",
                   "Humans", "Male", "Middle Aged", "Programmed Cell Death 1 Receptor/*antagonists & inhibitors",
                   "Survival Analysis"]  # fmt: skip
    works = [
        Work("kn590_paper", "trial_paper", "article",
             "Pembrolizumab plus chemotherapy versus chemotherapy alone for first-line "
             "treatment of advanced oesophageal cancer (KEYNOTE-590): a randomised, "
             "placebo-controlled, phase 3 study", "", authors_from(KN590_AUTHORS), 2021, 8, 28,
             "lancet", "398", "10302", "759", "771", "10.1016/S0140-6736(21)01234-4",
             "34454674", collective="KEYNOTE-590 Investigators", pub_types=rct,
             mesh=mesh_first, study="KEYNOTE-590"),
        Work("kn590_esmo2020", "trial_abstract", "abstract",
             "Pembrolizumab plus chemotherapy versus chemotherapy as first-line therapy in "
             "patients with advanced esophageal cancer: the phase 3 KEYNOTE-590 study", "",
             authors_from("Kato|Ken"), 2020, 9, 21, "ann_oncol", "31", "Supplement 4",
             "S1142", "S1215", meeting="ESMO Virtual Congress 2020", study="KEYNOTE-590",
             note="LBA8_PR"),
        Work("cm648_asco2021", "trial_abstract", "abstract",
             "Nivolumab (NIVO) plus ipilimumab (IPI) or NIVO plus chemotherapy (chemo) versus "
             "chemo as first-line (1L) treatment for advanced esophageal squamous cell "
             "carcinoma (ESCC): first results of the CheckMate 648 study", "",
             authors_from("Chau|Ian"), 2021, 6, 4, "jco", "39", "15 SUPPL", "LBA4001", "",
             meeting="ASCO Annual Meeting 2021", study="CheckMate 648"),
        Work("escort1st_paper", "trial_paper", "article",
             "Effect of Camrelizumab vs Placebo Added to Chemotherapy on Survival and "
             "Progression-Free Survival in Patients With Advanced or Metastatic Esophageal "
             "Squamous Cell Carcinoma: The ESCORT-1st Randomized Clinical Trial", "",
             authors_from("Luo|Huiyan; Lu|Jin; Bai|Yuxian; Xu|Rui-Hua"), 2021, 9, 14, "jama",
             "326", "10", "916", "925", "10.1001/jama.2021.12836", "34519801",
             collective="ESCORT-1st Investigators", pub_types=rct, mesh=mesh_first,
             study="ESCORT-1st"),
        Work("escort1st_asco2021", "trial_abstract", "abstract",
             "ESCORT-1st: A randomized, double-blind, placebo-controlled, phase 3 trial of "
             "camrelizumab plus chemotherapy versus chemotherapy in patients with untreated "
             "advanced or metastatic esophageal squamous cell carcinoma (ESCC)", "",
             authors_from("Xu|Rui-Hua; Luo|Huiyan; Lu|Jin"), 2021, 6, 4, "jco", "39",
             "15 SUPPL", "4000", "", meeting="ASCO Annual Meeting 2021", study="ESCORT-1st"),
        Work("orient15_esmo2021", "trial_abstract", "abstract",
             "Sintilimab plus chemotherapy versus chemotherapy as first-line therapy in "
             "patients with advanced or metastatic esophageal squamous cell cancer: first "
             "results of the phase III ORIENT-15 study", "",
             authors_from("Shen|Lin; Lu|Zhihao; Wang|Jun-Ye; Shu|Yongqian"), 2021, 9, 17,
             "ann_oncol", "32", "Supplement 5", "S1283", "S1346",
             meeting="ESMO Congress 2021", study="ORIENT-15", note="LBA52"),
        Work("jupiter06_esmo2021", "trial_abstract", "abstract",
             "JUPITER-06: a randomized, double-blind, phase III study of toripalimab versus "
             "placebo in combination with first-line chemotherapy for treatment-naive advanced "
             "or metastatic esophageal squamous cell carcinoma (ESCC)", "",
             authors_from("Xu|Rui-Hua; Wang|Feng; Cui|Chengxu"), 2021, 9, 17, "ann_oncol",
             "32", "Supplement 5", "S1040", "S1075", meeting="ESMO Congress 2021",
             study="JUPITER-06", note="1373MO"),
        Work("kn181_paper", "trial_paper", "article",
             "Randomized Phase III KEYNOTE-181 Study of Pembrolizumab Versus Chemotherapy in "
             "Advanced Esophageal Cancer", "", authors_from(KN181_AUTHORS), 2020, 12, 10,
             "jco", "38", "35", "4138", "4148", "10.1200/JCO.20.01888", "33026938",
             collective="KEYNOTE-181 Investigators", pub_types=rct, mesh=mesh_second,
             study="KEYNOTE-181"),
        Work("kn181_ascogi2019", "trial_abstract", "abstract",
             "Pembrolizumab versus chemotherapy as second-line therapy for advanced esophageal "
             "cancer: phase III KEYNOTE-181 study", "",
             authors_from("Kojima|Takashi; Shah|Manish A"), 2019, 1, 17, "jco", "37",
             "4 SUPPL", "2", "", meeting="ASCO GI Cancers Symposium 2019",
             study="KEYNOTE-181"),
        Work("attraction3_paper", "trial_paper", "article",
             "Nivolumab versus chemotherapy in patients with advanced oesophageal squamous cell "
             "carcinoma refractory or intolerant to previous chemotherapy (ATTRACTION-3): a "
             "multicentre, randomised, open-label, phase 3 trial", "",
             authors_from(ATTRACTION3_AUTHORS), 2019, 11, 1, "lancet_oncol", "20", "11",
             "1506", "1517", "10.1016/S1470-2045(19)30626-6", "31582355", pub_types=rct,
             mesh=mesh_second, study="ATTRACTION-3"),
        Work("attraction3_erratum", "erratum", "notice",
             "Correction to Lancet Oncol 2019; 20: 1506-17", "", [], 2019, 11, 1,
             "lancet_oncol", "20", "11", "e613", "", "", "31674317",
             pub_types=["Published Erratum"], ta_reason="erratum", family="attraction3"),
        Work("attraction3_esmo2019", "trial_abstract", "abstract",
             "Nivolumab versus chemotherapy in advanced esophageal squamous cell carcinoma "
             "(ESCC) refractory or intolerant to previous chemotherapy: the phase III "
             "ATTRACTION-3 study", "", authors_from("Cho|Byoung Chul; Kato|Ken"), 2019, 9, 30,
             "ann_oncol", "30", "Supplement 5", "v851", "v934",
             "10.1093/annonc/mdz394.028", meeting="ESMO Congress 2019",
             study="ATTRACTION-3", note="LBA11"),
        Work("escort_paper", "trial_paper", "article",
             "Camrelizumab versus investigator's choice of chemotherapy as second-line therapy "
             "for advanced or metastatic oesophageal squamous cell carcinoma (ESCORT): a "
             "multicentre, randomised, open-label, phase 3 study", "",
             authors_from(ESCORT_AUTHORS), 2020, 6, 1, "lancet_oncol", "21", "6", "832", "842",
             "10.1016/S1470-2045(20)30110-8", "32416073", pub_types=rct, mesh=mesh_second,
             study="ESCORT"),
        Work("rationale302_asco2021", "trial_abstract", "abstract",
             "RATIONALE 302: randomized, phase 3 study of tislelizumab versus chemotherapy as "
             "second-line treatment for advanced unresectable/metastatic esophageal squamous "
             "cell carcinoma", "", authors_from("Shen|Lin"), 2021, 6, 4, "jco", "39",
             "15 SUPPL", "4012", "", meeting="ASCO Annual Meeting 2021",
             study="RATIONALE-302"),
    ]  # fmt: skip
    for work in works:
        work.real = True
        work.abstract = REAL_ABSTRACTS[work.wid]
        if work.kind == "abstract":
            work.pub_types = ["Conference Abstract"]
        if work.study:
            work.ta, work.ft = "pass", "include"
    # which databases held each report on 2021-11-30
    where = {
        "kn590_paper": "pubmed embase cochrane wos",
        "kn590_esmo2020": "embase cochrane wos",
        "cm648_asco2021": "embase cochrane wos",
        "escort1st_paper": "pubmed embase cochrane wos",
        "escort1st_asco2021": "embase cochrane",
        "orient15_esmo2021": "embase cochrane wos",
        "jupiter06_esmo2021": "embase cochrane",
        "kn181_paper": "pubmed embase cochrane wos",
        "kn181_ascogi2019": "embase cochrane wos",
        "attraction3_paper": "pubmed embase cochrane wos",
        "attraction3_erratum": "pubmed embase wos",
        "attraction3_esmo2019": "embase cochrane wos",
        "escort_paper": "pubmed embase cochrane wos",
        "rationale302_asco2021": "embase cochrane",
    }
    for work in works:
        work.databases = where[work.wid].split()
    return works


# --------------------------------------------------------------------------- word lists

PD1 = ["pembrolizumab", "nivolumab", "camrelizumab", "sintilimab", "toripalimab",
       "tislelizumab", "serplulimab", "penpulimab"]  # fmt: skip
PDL1 = ["durvalumab", "atezolizumab", "avelumab", "sugemalimab", "envafolimab"]
TKI = ["apatinib", "anlotinib", "lenvatinib", "fruquintinib", "surufatinib"]
CHEMO = ["paclitaxel and cisplatin", "nab-paclitaxel and carboplatin", "docetaxel",
         "irinotecan", "S-1", "capecitabine and oxaliplatin", "fluorouracil and cisplatin",
         "nedaplatin and docetaxel", "paclitaxel and nedaplatin", "liposomal paclitaxel"]  # fmt: skip
POP = ["advanced esophageal squamous cell carcinoma",
       "metastatic oesophageal squamous cell carcinoma",
       "recurrent or metastatic esophageal squamous cell carcinoma",
       "unresectable esophageal squamous cell carcinoma", "advanced oesophageal cancer",
       "previously treated advanced esophageal squamous cell carcinoma",
       "locally advanced or metastatic esophageal squamous cell carcinoma",
       "advanced esophageal cancer", "esophageal squamous cell carcinoma",
       "oesophageal squamous cell carcinoma"]  # fmt: skip
POP_SHORT = ["ESCC", "esophageal cancer", "oesophageal cancer", "esophageal carcinoma"]
ICI = ["immune checkpoint inhibitors", "PD-1 inhibitors", "anti-PD-1 antibodies",
       "PD-1/PD-L1 blockade", "immune checkpoint blockade", "anti-PD-1 therapy",
       "immunotherapy", "programmed death-1 inhibitors", "checkpoint inhibitor therapy"]  # fmt: skip
LINES = ["first-line", "second-line", "later-line", "salvage", "maintenance"]
OTHER_CANCERS = ["non-small-cell lung cancer", "hepatocellular carcinoma",
                 "nasopharyngeal carcinoma", "head and neck squamous cell carcinoma",
                 "gastric cancer", "cervical cancer", "urothelial carcinoma",
                 "triple-negative breast cancer", "biliary tract cancer",
                 "small-cell lung cancer", "melanoma", "classical Hodgkin lymphoma",
                 "MSI-high colorectal cancer", "extensive-stage small-cell lung cancer",
                 "squamous non-small-cell lung cancer", "pancreatic cancer"]  # fmt: skip
MARKERS = ["neutrophil-to-lymphocyte ratio", "platelet-to-lymphocyte ratio",
           "lymphocyte-to-monocyte ratio", "serum albumin", "lactate dehydrogenase",
           "body mass index", "sarcopenia", "immune-related adverse events",
           "baseline tumor burden", "early tumor shrinkage", "C-reactive protein",
           "prognostic nutritional index", "systemic immune-inflammation index",
           "antibiotic use", "proton pump inhibitor use", "liver metastases",
           "the Glasgow prognostic score", "peripheral eosinophil count"]  # fmt: skip
GENES = ["PD-L1", "CD8", "TIGIT", "LAG-3", "TIM-3", "CMTM6", "IDO1", "B7-H3", "VISTA",
         "CTLA-4", "FOXP3", "CXCL13", "TGF-β", "IFN-γ", "STING", "HLA class I", "SOX2",
         "NOTCH1", "TP53", "CDKN2A", "KMT2D", "NFE2L2", "CCND1", "EGFR", "PIK3CA", "YAP1",
         "HIF-1α", "NF-κB", "circRNA", "exosomal PD-L1", "galectin-9", "CD47", "Siglec-15",
         "CD73", "HMGB1", "ARID1A", "FAT1", "ZNF750"]  # fmt: skip
REGIONS = ["China", "Japan", "Korea", "Taiwan", "the United States", "Europe", "Hong Kong",
           "the United Kingdom", "France", "Italy", "Germany", "Spain", "Canada", "Singapore"]  # fmt: skip
CHINESE_SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu",
                    "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo",
                    "Zheng", "Liang", "Xie", "Song", "Tang", "Han", "Feng", "Deng", "Cao",
                    "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan", "Yuan", "Cai", "Jiang",
                    "Yu", "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding", "Ren", "Shen",
                    "Yao", "Qian", "Fang", "Jin", "Tan", "Shi", "Dai", "Cui", "Kong", "Bai",
                    "Qin", "Meng", "Hou", "Xiong", "Fan", "Lv"]  # fmt: skip
CHINESE_SYLLABLES = ["Xiao", "Ming", "Hui", "Jun", "Yan", "Wei", "Li", "Hong", "Jian",
                     "Ling", "Qing", "Yu", "Fang", "Hua", "Lei", "Tao", "Bin", "Yong", "Feng",
                     "Xin", "Jing", "Ping", "Hao", "Zhi", "Chao", "Kai", "Rui", "Lin", "Mei",
                     "Na", "Xue", "Yun", "Guo", "Dong", "Zhen", "Hai", "Peng", "Shu", "Wen",
                     "Yi", "Long", "Qiang", "Bo", "Jie", "Lu", "Si", "Ying", "Cheng"]  # fmt: skip
TAIWAN_GIVEN = ["Chih-Hung", "Yu-Chen", "Wei-Lun", "Shu-Fen", "Chia-Hsin", "Ming-Hsun",
                "Hsiang-Yu", "Pei-Jung", "Kuan-Ting", "Yi-Ching"]  # fmt: skip
JAPANESE = (["Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura",
             "Kobayashi", "Saito", "Sato", "Yoshida", "Yamada", "Sasaki", "Matsumoto", "Inoue",
             "Kimura", "Hayashi", "Shimizu", "Mori", "Ikeda", "Hashimoto", "Ishikawa", "Ogawa",
             "Fujita", "Goto", "Hasegawa", "Murakami", "Kondo", "Ishii", "Nishimura"],
            ["Hiroshi", "Takeshi", "Kenji", "Yusuke", "Satoshi", "Yuki", "Akira", "Kazuhiro",
             "Naoki", "Shinya", "Tomohiro", "Masahiro", "Keiko", "Yoko", "Ayumi", "Daisuke",
             "Hideaki", "Koji", "Makoto", "Noriko", "Ryo", "Shun", "Takuya", "Emi"])  # fmt: skip
KOREAN = (["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
           "Shin", "Oh", "Seo", "Kwon", "Hwang", "Ahn", "Song", "Yoo", "Hong"],
          ["Min-Jae", "Sung-Hoon", "Ji-Young", "Hyun-Woo", "Eun-Ji", "Seung-Tae", "Jae-Hyuk",
           "So-Yeon", "Dong-Wan", "Hye-Jin", "Young-Soo", "Jin-Ho", "Kyung-Mi", "Tae-Won"])  # fmt: skip
WESTERN = (["Smith", "Müller", "García", "Rossi", "Martin", "Bernard", "Schmidt", "Fischer",
            "Rodríguez", "López", "Bianchi", "Romano", "Dubois", "Moreau", "Johnson",
            "Williams", "Brown", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris",
            "Clark", "Lewis", "Walker", "Novak", "Kowalski", "Nielsen", "Jansen", "de Vries",
            "van den Berg", "O'Brien", "Murphy", "Weber", "Becker", "Ferrari", "Esposito",
            "Lefèvre", "Petit", "Hansen", "Larsen", "Svensson", "Lindqvist", "Costa", "Silva"],
           ["John", "Michael", "David", "Sarah", "Emma", "Laura", "Thomas", "Anna", "Maria",
            "Pierre", "Marie", "Luca", "Giulia", "Hans", "Katrin", "Jan", "Pieter", "Carlos",
            "Ana", "Peter", "Robert", "James", "Elizabeth", "Jennifer", "Francesca", "Marco",
            "Sophie", "Lars", "Ingrid", "Javier", "Elena", "Matteo", "Julia", "Andreas"])  # fmt: skip
HOSPITALS = ["Department of Medical Oncology, Sun Yat-sen University Cancer Center, Guangzhou, China",
             "Department of Thoracic Oncology, Cancer Hospital, Chinese Academy of Medical Sciences, Beijing, China",
             "Department of Radiation Oncology, Shandong Cancer Hospital, Jinan, China",
             "Department of Oncology, The First Affiliated Hospital of Zhengzhou University, Zhengzhou, China",
             "Department of Medical Oncology, Fudan University Shanghai Cancer Center, Shanghai, China",
             "Department of Thoracic Surgery, West China Hospital, Sichuan University, Chengdu, China",
             "Department of Gastrointestinal Oncology, Peking University Cancer Hospital, Beijing, China",
             "Department of Oncology, Sichuan Cancer Hospital, Chengdu, China",
             "Department of Medical Oncology, Zhejiang Cancer Hospital, Hangzhou, China",
             "Department of Oncology, Fujian Medical University Union Hospital, Fuzhou, China",
             "Department of Head and Neck, Esophageal Medical Oncology, National Cancer Center Hospital, Tokyo, Japan",
             "Department of Gastroenterology, Aichi Cancer Center Hospital, Nagoya, Japan",
             "Division of Hematology-Oncology, Samsung Medical Center, Seoul, Korea",
             "Department of Oncology, National Taiwan University Hospital, Taipei, Taiwan",
             "Department of Medical Oncology, Dana-Farber Cancer Institute, Boston, MA, USA",
             "Department of Gastrointestinal Medical Oncology, MD Anderson Cancer Center, Houston, TX, USA",
             "Department of Oncology, Royal Marsden Hospital, London, UK",
             "Department of Medical Oncology, Gustave Roussy, Villejuif, France",
             "Department of Medical Oncology, Amsterdam UMC, Amsterdam, The Netherlands",
             "Department of Oncology, Hebei Medical University Fourth Hospital, Shijiazhuang, China",
             "Department of Oncology, Anyang Cancer Hospital, Anyang, China",
             "Department of Thoracic Oncology, Jiangsu Cancer Hospital, Nanjing, China"]  # fmt: skip

REVIEW_TOPICS = ["immunotherapy for esophageal squamous cell carcinoma",
                 "immune checkpoint inhibitors in oesophageal cancer",
                 "PD-1 blockade in advanced esophageal cancer",
                 "the tumour immune microenvironment of oesophageal squamous cell carcinoma",
                 "biomarkers for immune checkpoint inhibition in esophageal cancer",
                 "combination strategies with anti-PD-1 antibodies in esophageal carcinoma",
                 "immune-related adverse events of PD-1 inhibitors in gastrointestinal cancers",
                 "radiotherapy combined with immunotherapy for esophageal cancer",
                 "neoadjuvant immunotherapy for resectable esophageal squamous cell carcinoma",
                 "systemic therapy of metastatic oesophageal squamous cell carcinoma",
                 "second-line treatment options for advanced esophageal cancer",
                 "first-line chemo-immunotherapy for esophageal squamous cell carcinoma",
                 "PD-L1 testing and scoring systems in upper gastrointestinal cancers",
                 "antiangiogenic agents plus PD-1 inhibitors in digestive cancers",
                 "camrelizumab in the treatment of esophageal squamous cell carcinoma",
                 "tislelizumab for solid tumours",
                 "sintilimab in gastrointestinal malignancies",
                 "toripalimab in Chinese patients with solid tumors",
                 "nivolumab in esophageal and gastroesophageal junction cancer",
                 "pembrolizumab across upper gastrointestinal cancers",
                 "the molecular landscape of oesophageal squamous cell carcinoma",
                 "hyperprogressive disease during immune checkpoint blockade",
                 "tumour mutational burden as a predictor of immunotherapy benefit",
                 "the gut microbiome and response to checkpoint inhibitors",
                 "immunotherapy in elderly patients with esophageal cancer",
                 "management of immune-related pneumonitis in thoracic cancers",
                 "reactive cutaneous capillary endothelial proliferation with camrelizumab",
                 "cancer vaccines and adoptive cell therapy for esophageal cancer",
                 "treatment sequencing after progression on PD-1 inhibitors",
                 "definitive chemoradiotherapy and consolidation immunotherapy in esophageal cancer",
                 "health-related quality of life with immunotherapy in esophageal cancer",
                 "the evolving standard of care for advanced oesophageal cancer"]  # fmt: skip
REVIEW_FORMS = ["{T}: a review", "{T}: current evidence and future directions",
                "{T}: where are we now?", "{T}: progress and challenges", "{T}: an update",
                "{T}: from bench to bedside", "Recent advances in {t}",
                "{T}: a clinical perspective", "{T}: opportunities and challenges",
                "Current status and perspectives of {t}", "{T}: a narrative review",
                "Understanding {t}", "{T}: lessons from recent trials",
                "{T}: what the clinician needs to know", "Emerging concepts in {t}",
                "{T}: state of the art and open questions", "Advances and challenges in {t}",
                "{T}: a comprehensive review", "A practical guide to {t}",
                "{T}: the road ahead"]  # fmt: skip


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def title_case(text: str) -> str:
    """Web of Science's title case for some journals' titles."""
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to",
             "vs", "versus", "with", "from", "into"}  # fmt: skip
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word.lower() in small:
            out.append(word.lower())
        elif word[:1].islower():
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


class Generator:
    """Builds the generated reports with one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.titles = TitleRegistry()
        self.works: list[Work] = []
        self.counter = 0
        self.doi_numbers: set[int] = set()

    # ---------------------------------------------------------------- helpers
    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def person(self, region: str = "") -> Author:
        region = region or self.region()
        if region == "cn":
            last = self.pick(CHINESE_SURNAMES)
            if self.rng.random() < 0.06:
                return Author(last, self.pick(TAIWAN_GIVEN))
            given = self.pick(CHINESE_SYLLABLES)
            if self.rng.random() < 0.8:
                given += self.pick(CHINESE_SYLLABLES).lower()
            return Author(last, given)
        if region == "jp":
            return Author(self.pick(JAPANESE[0]), self.pick(JAPANESE[1]))
        if region == "kr":
            return Author(self.pick(KOREAN[0]), self.pick(KOREAN[1]))
        given = self.pick(WESTERN[1])
        if self.rng.random() < 0.35:
            given += " " + self.pick("ABCDEFGHJKLMNPRSTW")
        return Author(self.pick(WESTERN[0]), given)

    def region(self) -> str:
        roll = self.rng.random()
        return "cn" if roll < 0.62 else "jp" if roll < 0.74 else "kr" if roll < 0.82 else "west"

    def people(self, low: int = 3, high: int = 12) -> list[Author]:
        home = self.region()
        result = [self.person(home)]
        wanted = self.rng.randint(low, high)
        while len(result) < wanted:
            candidate = self.person(home if self.rng.random() < 0.85 else "")
            if candidate not in result:
                result.append(candidate)
        return result

    def year_month(self, low: int = 2015) -> tuple[int, int, int]:
        weights = {2015: 3, 2016: 5, 2017: 8, 2018: 12, 2019: 18, 2020: 25, 2021: 29}
        years = [y for y in weights if y >= low]
        year = self.rng.choices(years, [weights[y] for y in years])[0]
        month = self.rng.randint(1, 11 if year == 2021 else 12)
        return year, month, self.rng.randint(1, 28)

    def new_doi(self, journal: Journal, year: int) -> str:
        while True:
            number = self.rng.randint(100000, 999999)
            if number not in self.doi_numbers:
                self.doi_numbers.add(number)
                return f"10.5555/{journal.code}.{year}.{number}"

    def unique_title(self, make, limit: int = 200) -> str:
        for _ in range(limit):
            title = make()
            if not self.titles.clash(title):
                self.titles.add(title)
                return title
        raise RuntimeError("could not draw a distinct title; widen the word lists")

    def place(self, work: Work, journal_key: str) -> None:
        """Volume, issue and pages (or article number) of a journal article."""
        journal = JOURNALS[journal_key]
        work.journal = journal_key
        base = {  # volume = year - base (the volume each journal had in 2021)
            "front_oncol": 2010, "cancers": 2008, "bmc_cancer": 2000, "jitc": 2012,
            "esmo_open": 2015, "medicine": 1921, "trials": 1999, "bmj_open": 2010,
            "cancer_med": 2011, "jtd": 2008, "thorac_cancer": 2009, "atm": 2012,
            "oncol_lett": 2000, "wjg": 1994, "oncoimmunology": 2011, "esophagus": 2003,
            "dis_esoph": 1987, "cii": 1951, "ijc": 1873, "bjc": 1897, "ccr": 1994,
            "jama_oncol": 2014, "transl_oncol": 2007, "cmar": 2008, "ott": 2007,
            "int_immunopharm": 1925, "jgo": 2009, "tamo": 2008, "future_oncol": 2004,
            "cancer_sci": 1909, "jjco": 1970, "oncologist": 1995, "cjcr": 1988,
            "j_cancer": 2009, "tcr": 2011, "cjco": 1973, "cjcpt": 1993,
        }  # fmt: skip
        first_year = base[journal_key]
        work.volume = str(max(1, work.year - first_year))
        if journal.numbering == "pages":
            work.issue = str(self.rng.randint(1, 12))
            start = self.rng.randint(10, 3900)
            work.first_page, work.last_page = str(start), str(start + self.rng.randint(3, 14))
        elif journal.numbering == "e":
            work.issue = str(self.rng.randint(1, 12))
            work.first_page = f"e{self.rng.randint(1000, 29999):05d}"
        elif journal.numbering == "bmc":
            work.issue = str(self.rng.randint(1, 1))
            work.first_page = str(self.rng.randint(10, 1400))
        else:
            work.first_page = str(self.rng.randint(100000, 999999))
        if journal.medline or journal_key == "tcr" or self.rng.random() < 0.5:
            work.doi = self.new_doi(journal, work.year)

    def place_abstract(self, work: Work, meeting: Meeting) -> None:
        work.meeting = meeting.name
        work.journal = meeting.journal
        work.year, work.month = meeting.year, meeting.month
        work.day = self.rng.randint(1, 28)
        work.volume, work.issue = meeting.volume, meeting.embase_issue
        low, high = meeting.page_range
        number = self.rng.randint(low, high)
        if meeting.journal == "jco":
            work.first_page = f"{meeting.page_prefix}{number}"
        elif meeting.journal == "cancer_res":
            work.first_page = str(number)
        else:
            work.first_page = f"{meeting.page_prefix}{number}"
            if meeting.page_prefix == "S" or meeting.page_prefix == "v":
                work.last_page = work.first_page
        if self.rng.random() < 0.75:
            work.doi = self.new_doi(JOURNALS[meeting.journal], work.year)
        work.pub_types = ["Conference Abstract"]

    def add(self, work: Work) -> Work:
        self.works.append(work)
        return work

    def base_work(self, category: str, kind: str, title: str, abstract: str) -> Work:
        self.counter += 1
        year, month, day = self.year_month()
        return Work(f"g{self.counter:04d}", category, kind, title, abstract,
                    self.people(), year, month, day, "")  # fmt: skip

    # ---------------------------------------------------------------- abstracts
    def numbers(self) -> dict[str, str]:
        r = self.rng
        n = r.randint(18, 420)
        orr = r.uniform(12, 72)
        return {
            "n": str(n),
            "orr": f"{orr:.1f}",
            "dcr": f"{min(97.0, orr + r.uniform(10, 30)):.1f}",
            "pfs": f"{r.uniform(2.1, 9.8):.1f}",
            "os": f"{r.uniform(6.5, 24.0):.1f}",
            "hr": f"{r.uniform(0.42, 0.93):.2f}",
            "p": self.pick(["0.001", "0.003", "0.012", "0.021", "0.038", "<0.001", "0.004"]),
            "g3": f"{r.uniform(8, 62):.1f}",
            "age": str(r.randint(56, 68)),
            "auc": f"{r.uniform(0.61, 0.86):.2f}",
            "k": str(r.randint(5, 31)),
            "pts": str(r.randint(1200, 9800)),
            "fu": f"{r.uniform(8, 36):.1f}",
        }

    def abstract_for(self, category: str, title: str, conference: bool) -> str:
        v = self.numbers()
        subject = title.split(":")[0]
        templates = {
            "review": [
                "Esophageal cancer remains a leading cause of cancer death worldwide, and most "
                "patients present with advanced disease. Immune checkpoint inhibitors targeting "
                "programmed cell death protein 1 (PD-1) have changed systemic therapy. This "
                "review summarises the evidence on {s}, discusses predictive biomarkers such as "
                "PD-L1 expression and tumour mutational burden, and outlines open questions for "
                "future trials, including treatment sequencing, combination partners and the "
                "management of immune-related adverse events.",
                "Over the past five years, randomised trials have established PD-1 inhibitors "
                "in the treatment of esophageal squamous cell carcinoma. Here we review {s}, "
                "with attention to patient selection, toxicity and cost. We also summarise "
                "ongoing studies that combine PD-1 blockade with radiotherapy, antiangiogenic "
                "agents or novel checkpoint targets.",
            ],
            "meta": [
                "Background: The benefit of {s} remains uncertain. Methods: PubMed, Embase, "
                "the Cochrane Library and Web of Science were searched for relevant studies. "
                "Hazard ratios (HRs) for overall survival (OS) and progression-free survival "
                "(PFS) and odds ratios for response and adverse events were pooled with "
                "random-effects models. Results: {k} studies with {pts} patients were "
                "included. The pooled HR for OS was {hr}. Treatment-related adverse events of "
                "grade 3 or higher were not increased. Conclusions: {s} was associated with "
                "improved survival; PD-L1 expression may help select patients.",
            ],
            "retro": [
                "Background: Evidence outside clinical trials is limited. We evaluated {s}. "
                "Methods: We retrospectively reviewed {n} consecutive patients treated between "
                "2018 and 2021. Results: The median age was {age} years. The objective response "
                "rate was {orr}% and the disease control rate {dcr}%. Median progression-free "
                "survival was {pfs} months and median overall survival {os} months. In "
                "multivariable analysis the factor studied was independently associated with "
                "survival (HR {hr}, P = {p}). Conclusions: These real-world data support "
                "further prospective evaluation.",
            ],
            "case": [
                "Immune checkpoint inhibitors can cause unusual adverse events and atypical "
                "responses. We report a {age}-year-old patient with esophageal squamous cell "
                "carcinoma who was treated with a PD-1 inhibitor. {s}. The clinical course, "
                "imaging and pathological findings are described, and the literature on "
                "similar cases is reviewed. Clinicians should be aware of this presentation "
                "and its management.",
            ],
            "biomarker": [
                "Background: Reliable biomarkers to select patients for PD-1 blockade are "
                "lacking. We investigated {s}. Methods: Tumour samples and clinical data from "
                "{n} patients were analysed by immunohistochemistry, sequencing or blood "
                "assays. Results: The marker was associated with response (area under the "
                "curve {auc}) and with progression-free survival (HR {hr}, P = {p}). "
                "Conclusions: This marker may help identify patients most likely to benefit "
                "from immune checkpoint inhibitors.",
            ],
            "phase2": [
                "Background: We assessed {s}. Methods: In this open-label, single-arm, phase 2 "
                "study, {n} patients received the study regimen until progression or "
                "unacceptable toxicity. The primary endpoint was objective response rate. "
                "Results: The objective response rate was {orr}% and the disease control rate "
                "{dcr}%. Median progression-free survival was {pfs} months. Grade 3 or higher "
                "treatment-related adverse events occurred in {g3}% of patients. Conclusions: "
                "The regimen showed promising activity with manageable toxicity and warrants "
                "randomised evaluation.",
            ],
            "neoadj": [
                "Background: Neoadjuvant chemotherapy or chemoradiotherapy followed by "
                "surgery is standard for locally advanced resectable disease. We evaluated "
                "{s}. Methods: {n} patients with resectable stage II-IVA disease received the "
                "neoadjuvant regimen followed by esophagectomy. The primary endpoint was "
                "pathological complete response. Results: The pathological complete response "
                "rate was {orr}%, and R0 resection was achieved in most patients. Grade 3 or "
                "higher adverse events occurred in {g3}%. Conclusions: The approach was "
                "feasible and active.",
            ],
            "adeno": [
                "Background: We evaluated {s}. Methods: In this randomised trial, patients "
                "with previously untreated, HER2-negative, advanced gastric, gastro-oesophageal "
                "junction or oesophageal adenocarcinoma were assigned to the study arms. "
                "Results: {n} patients were randomised. Overall survival favoured the "
                "experimental arm (HR {hr}, P = {p}), particularly with PD-L1 CPS >=5. Grade 3 "
                "or higher treatment-related adverse events occurred in {g3}%. Conclusions: "
                "The combination improved survival in adenocarcinoma.",
            ],
            "other": [
                "Background: We evaluated {s}. Methods: Eligible patients were treated and "
                "followed for a median of {fu} months. Results: Among {n} patients, the "
                "objective response rate was {orr}% and median progression-free survival "
                "{pfs} months; the hazard ratio for death was {hr}. Grade 3 or higher "
                "treatment-related adverse events occurred in {g3}%. Conclusions: The "
                "regimen was active in this tumour type.",
            ],
            "protocol": [
                "Introduction: Optimal treatment in this setting is undefined. Methods and "
                "analysis: This is a protocol for {s}. Approximately {n} patients will be "
                "enrolled. The primary endpoint is overall survival; secondary endpoints "
                "include progression-free survival, objective response rate and safety. "
                "Ethics and dissemination: The study was approved by the ethics committees of "
                "all participating centres; results will be published in peer-reviewed "
                "journals.",
            ],
            "registry": [
                "Brief summary: {s}. Participants will be randomly assigned to the "
                "study arms. The primary outcome measure is overall survival; secondary "
                "outcome measures include progression-free survival, objective response rate, "
                "duration of response and the incidence of adverse events. Estimated "
                "enrollment: {n} participants.",
            ],
            "preclinical": [
                "Immune evasion limits the efficacy of immunotherapy in esophageal squamous "
                "cell carcinoma. We studied {s}. Using cell lines, patient-derived tissues and "
                "syngeneic mouse models, we show that the pathway regulates PD-L1 expression "
                "and T-cell infiltration. Blocking it enhanced the efficacy of anti-PD-1 "
                "treatment in vivo (P = {p}). These findings suggest a new combination "
                "strategy.",
            ],
            "general": [
                "Background: We studied {s}. Methods: Data of {n} patients were analysed. "
                "Results: Median overall survival was {os} months. The hazard ratio for the "
                "main comparison was {hr} (P = {p}). Conclusions: These findings may inform "
                "the management of patients with esophageal cancer.",
            ],
            "cost": [
                "Background: {s} was assessed from a payer perspective. Methods: A partitioned "
                "survival model with a 10-year horizon used survival data from published "
                "randomised trials and local costs. Results: The incremental cost-effectiveness "
                "ratio exceeded the willingness-to-pay threshold in the base case; results "
                "were most sensitive to drug price and the survival hazard ratio ({hr}). "
                "Conclusions: A price reduction would be needed for the regimen to be "
                "cost-effective.",
            ],
            "rct_other": [
                "Background: We assessed {s}. Methods: In this randomised, open-label, "
                "multicentre trial, patients with advanced esophageal squamous cell carcinoma "
                "were randomly assigned 1:1 to the study arms. Results: {n} patients were "
                "randomised. The hazard ratio for overall survival was {hr} (P = {p}); "
                "objective response rates were {orr}% and {dcr}%. Grade 3 or higher "
                "treatment-related adverse events occurred in {g3}%. Conclusions: The "
                "experimental regimen was active and tolerable.",
            ],
            "rct_neoadj": [
                "Background: We assessed {s}. Methods: Patients with locally advanced, "
                "resectable esophageal squamous cell carcinoma were randomly assigned to "
                "neoadjuvant therapy with or without a PD-1 inhibitor before surgery. "
                "Results: {n} patients were randomised. The pathological complete response "
                "rate was {orr}% in the PD-1 arm. Conclusions: Adding PD-1 blockade to "
                "neoadjuvant therapy increased pathological response.",
            ],
            "tip": [
                "Background: {s}. Methods: This randomised, double-blind, multicentre phase 3 "
                "trial is enrolling patients with advanced esophageal squamous cell carcinoma, "
                "who are randomly assigned 1:1 to the study arms. The primary endpoint is "
                "overall survival. Enrollment is ongoing; target enrollment is {n} patients. "
                "Clinical trial information: registered.",
            ],
            "commentary": [
                "This commentary discusses recent results on {s} and their implications for "
                "clinical practice, including the choice of patients by PD-L1 expression, the "
                "comparison with previous standards and the remaining uncertainties.",
            ],
            "chinese_rct": [
                "Objective: To observe {s}. Methods: {n} patients with advanced esophageal "
                "squamous cell carcinoma were randomly divided into an observation group and a "
                "control group. Results: The objective response rate was {orr}% in the "
                "observation group. Conclusion: The combination is effective and safe.",
            ],
        }
        if category != "registry":
            subject = subject[:1].lower() + subject[1:]
        text = self.pick(templates[category]).format(s=subject, **v)
        if conference and category not in ("tip", "registry"):
            text = text.replace("Methods and analysis:", "Methods:")
        return text

    # ---------------------------------------------------------------- categories
    def make(self, category: str, kind: str, title_maker, abstract_kind: str, **extra) -> Work:
        title = self.unique_title(title_maker)
        work = self.base_work(category, kind, title, "")
        work.abstract = self.abstract_for(abstract_kind, title, kind == "abstract")
        for key, value in extra.items():
            setattr(work, key, value)
        return self.add(work)

    def as_article(
        self, work: Work, journals: list[str] | None = None, medline: bool = True
    ) -> None:
        options = journals or ARTICLE_JOURNALS
        if not medline:
            options = ["tcr", "cjco", "cjcpt"]
        self.place(work, self.pick(options))

    def as_abstract(self, work: Work, meetings: list[Meeting] | None = None) -> None:
        work.kind = "abstract"
        self.place_abstract(work, self.pick(meetings or MEETINGS))
        if len(work.authors) > 8:
            work.authors = work.authors[:8]

    def review_title(self) -> str:
        topic = self.pick(REVIEW_TOPICS)
        form = self.pick(REVIEW_FORMS)
        return form.replace("{T}", cap(topic)).replace("{t}", topic)

    def meta_title(self) -> str:
        r = self
        what = r.pick(["Efficacy and safety of", "Efficacy of", "Safety of",
                       "Survival benefit of", "Toxicity profile of", "Comparative efficacy of",
                       "Treatment-related adverse events of", "Sex differences in the efficacy of",
                       "Age and the efficacy of", "PD-L1 expression and the efficacy of"])  # fmt: skip
        agent = r.pick(ICI + ["PD-1 inhibitors plus chemotherapy", "chemo-immunotherapy"])
        where = r.pick(POP + ["esophageal and gastric cancer", "gastrointestinal cancers"])
        design = r.pick(["a systematic review and meta-analysis",
                         "a meta-analysis of randomized controlled trials",
                         "a network meta-analysis", "a Bayesian network meta-analysis",
                         "a pooled analysis of phase 3 trials",
                         "a trial-level meta-analysis",
                         "an updated meta-analysis"])  # fmt: skip
        extra = r.pick(["", "", " by PD-L1 status", " in Asian patients", " in elderly patients",
                        " as second-line therapy", " as first-line therapy"])  # fmt: skip
        return f"{what} {agent} in {where}{extra}: {design}"

    def retro_title(self) -> str:
        r = self
        style = r.rng.randrange(5)
        drug = r.pick(PD1)
        pop = r.pick(POP)
        if style == 0:
            return (
                f"{r.pick(['Real-world', 'Clinical', 'Long-term', 'Survival', 'Treatment'])} outcomes of {drug} "
                f"{r.pick(['monotherapy', 'plus chemotherapy', 'combined with ' + r.pick(TKI), 'with radiotherapy'])} "
                f"in {pop}: {r.pick(['a multicenter retrospective study', 'a single-institution experience', 'a propensity score-matched analysis', 'a retrospective cohort study', 'a population-based study', 'data from a national registry'])}"
            )
        if style == 1:
            return (
                f"{r.pick(['Prognostic value of', 'Predictive role of', 'Association of', 'Impact of'])} {r.pick(MARKERS)} "
                f"{r.pick(['in patients with', 'on outcomes of', 'in'])} {pop} treated with {r.pick(ICI)}"
            )
        if style == 2:
            return (
                f"{cap(r.pick(MARKERS))} and {r.pick(['survival', 'response', 'progression-free survival', 'outcome'])} "
                f"of patients receiving {drug} for {pop}: {r.pick(['a retrospective analysis', 'a multicentre cohort', 'an exploratory analysis'])}"
            )
        if style == 3:
            return (
                f"{r.pick(['Comparison of', 'Outcomes of', 'Treatment patterns and outcomes of'])} "
                f"{r.pick(['immunotherapy-based', 'PD-1 inhibitor-based', 'chemotherapy-based'])} "
                f"{r.pick(['first-line', 'second-line', 'salvage'])} regimens in {pop} "
                f"{r.pick(['in clinical practice', 'in East Asia', 'at a tertiary centre', 'in older adults', 'in ' + r.pick(REGIONS)])}"
            )
        return (f"{r.pick(['Efficacy and safety of', 'Effectiveness of', 'Tolerability of'])} {drug} {r.pick(['in', 'for'])} {pop} "
                f"{r.pick(['in routine practice', 'after failure of first-line chemotherapy', 'in patients aged 70 years or older', 'with poor performance status', 'with brain metastases', 'in a rural population of ' + r.pick(['Henan', 'Hebei', 'Shanxi', 'Jiangsu', 'Sichuan']), 'with hepatitis B infection', 'after prior radiotherapy'])}")  # fmt: skip

    def case_title(self) -> str:
        r = self
        event = r.pick(["Immune-related myocarditis", "Immune checkpoint inhibitor pneumonitis",
                        "Reactive cutaneous capillary endothelial proliferation",
                        "Hyperprogressive disease", "Complete response",
                        "Pathological complete response", "Fulminant type 1 diabetes mellitus",
                        "Immune-related hepatitis", "Bullous pemphigoid", "Hypophysitis",
                        "Myasthenia gravis with myositis", "Durable response", "Pseudoprogression",
                        "Painless thyroiditis", "Immune-related colitis",
                        "Esophageal fistula", "Sarcoid-like reaction", "Immune thrombocytopenia",
                        "Guillain-Barre syndrome", "Acute interstitial nephritis",
                        "Stevens-Johnson syndrome", "Vitiligo", "Adrenal insufficiency",
                        "Cytokine release syndrome"])  # fmt: skip
        drug = r.pick(PD1)
        tail = r.pick([": a case report", ": a case report and literature review",
                       ": report of two cases", "", ": a case series"])  # fmt: skip
        return (f"{event} {r.pick(['after', 'during', 'induced by', 'associated with'])} {drug} "
                f"{r.pick(['therapy', 'treatment', 'immunotherapy'])} in a patient with "
                f"{r.pick(['esophageal squamous cell carcinoma', 'metastatic esophageal cancer', 'oesophageal carcinoma', 'recurrent esophageal cancer'])}{tail}")  # fmt: skip

    def biomarker_title(self) -> str:
        r = self
        gene = r.pick(GENES)
        style = r.rng.randrange(5)
        pop = r.pick(["esophageal squamous cell carcinoma", "oesophageal squamous cell carcinoma",
                      "ESCC", "esophageal cancer"])  # fmt: skip
        if style == 0:
            return (
                f"{gene} expression {r.pick(['predicts', 'is associated with', 'correlates with'])} "
                f"{r.pick(['response', 'survival', 'outcome', 'benefit'])} "
                f"{r.pick(['to', 'of', 'after'])} {r.pick(ICI)} in {pop}"
            )
        if style == 1:
            return (
                f"{r.pick(['Single-cell RNA sequencing', 'Multiplex immunofluorescence', 'Spatial transcriptomics', 'Whole-exome sequencing', 'Proteomic profiling', 'Circulating tumour DNA'])} "
                f"{r.pick(['reveals', 'identifies', 'characterises'])} "
                f"{r.pick(['immune subtypes', 'T-cell exhaustion', 'resistance mechanisms', 'tertiary lymphoid structures', 'myeloid cell states'])} "
                f"{r.pick(['linked to', 'associated with', 'underlying'])} {gene} in {pop}"
            )
        if style == 2:
            return (
                f"Clinicopathological significance of {gene} and "
                f"{r.pick(GENES)} co-expression in {pop}"
            )
        if style == 3:
            return (
                f"{r.pick(['Tumour mutational burden', 'Microsatellite instability', 'Tumour-infiltrating lymphocytes', 'Blood-based TMB', 'HLA heterozygosity', 'An immune gene signature'])} "
                f"and {gene} status as predictors of {r.pick(ICI)} efficacy in {pop}"
            )
        return (f"Prognostic {r.pick(['impact', 'role', 'value'])} of {gene} in patients with "
                f"{r.pick(['resected', 'advanced', 'locally advanced', 'early-stage'])} {pop}"
                f"{r.pick(['', ' treated with chemoradiotherapy', ' after neoadjuvant therapy', ' receiving PD-1 inhibitors'])}")  # fmt: skip

    def phase2_title(self, ambiguous: bool = False) -> str:
        r = self
        drug = r.pick(PD1)
        partner = r.pick([f"plus {r.pick(CHEMO)}", f"combined with {r.pick(TKI)}",
                          f"plus {r.pick(TKI)} and {r.pick(CHEMO)}", "plus radiotherapy",
                          f"and {r.pick(CHEMO)}", "monotherapy", f"with {r.pick(TKI)}"])  # fmt: skip
        line = r.pick(LINES[:3])
        pop = r.pick(POP)
        if ambiguous:
            design = r.pick(["a multicentre phase II trial", "a phase 2 multicenter study",
                             "results of a phase II trial", "a prospective phase II study",
                             "an open-label phase 2 trial", "efficacy and safety in a phase II trial"])  # fmt: skip
            lead = r.pick([f"{cap(drug)} {partner} as {line} treatment for {pop}",
                           f"{cap(line)} {drug} {partner} in {pop}",
                           f"Activity of {drug} {partner} in {line} {pop}"])  # fmt: skip
            return f"{lead}: {design}"
        design = r.pick(["a single-arm, phase 2 trial", "an open-label, single-arm phase II study",
                         "a phase II study", "results of a phase 2 trial", "a phase 1b/2 trial",
                         "a prospective, single-arm, phase II trial", "a phase Ib/II study",
                         "a pilot study", "a dose-expansion cohort", "a phase I trial"])  # fmt: skip
        lead = r.pick([f"{cap(drug)} {partner} as {line} therapy in patients with {pop}",
                       f"{cap(drug)} {partner} for {pop} {r.pick(['after progression on chemotherapy', 'without prior systemic therapy', 'in elderly patients', 'with oligometastases'])}",
                       f"{cap(line)} {drug} {partner} {r.pick(['in', 'for'])} {pop}",
                       f"{r.pick(['Safety and efficacy', 'Antitumour activity', 'Tolerability'])} of {drug} {partner} in {pop}"])  # fmt: skip
        return f"{lead}: {design}"

    def neoadj_title(self) -> str:
        r = self
        drug = r.pick(PD1)
        form = r.rng.randrange(4)
        stage = r.pick(["locally advanced", "resectable", "cT2-4aN0-3M0", "stage II-IVA",
                        "locally advanced resectable", "borderline resectable"])  # fmt: skip
        disease = r.pick(["esophageal squamous cell carcinoma", "oesophageal squamous cell carcinoma",
                          "ESCC", "thoracic esophageal cancer"])  # fmt: skip
        if form == 0:
            return (
                f"{r.pick(['Neoadjuvant', 'Preoperative', 'Induction'])} {drug} "
                f"{r.pick(['plus', 'and', 'combined with'])} {r.pick(CHEMO)} for {stage} {disease}: "
                f"{r.pick(['a phase 2 trial', 'a prospective study', 'a single-arm trial', 'early results', 'a pilot study', 'surgical and pathological outcomes'])}"
            )
        if form == 1:
            return (
                f"{cap(drug)} {r.pick(['combined with', 'plus', 'concurrent with'])} "
                f"{r.pick(['concurrent chemoradiotherapy', 'neoadjuvant chemoradiotherapy', 'definitive chemoradiotherapy', 'hypofractionated radiotherapy'])} "
                f"for {stage} {disease}{r.pick(['', ': safety run-in', ': a phase Ib study', ': preliminary results', ': a feasibility study'])}"
            )
        if form == 2:
            return (
                f"{r.pick(['Pathological response', 'Surgical outcomes', 'Postoperative complications', 'Major pathological response', 'Immune cell infiltration', 'Recurrence patterns'])} "
                f"after neoadjuvant {drug} and {r.pick(['chemotherapy', 'chemoradiotherapy'])} {r.pick(['in', 'for'])} "
                f"{stage} {disease}{r.pick(['', ': a retrospective study', ': a multicenter analysis', ': a propensity-matched comparison'])}"
            )
        return (f"{r.pick(['Adjuvant', 'Consolidation', 'Maintenance'])} {drug} after "
                f"{r.pick(['esophagectomy', 'definitive chemoradiotherapy', 'neoadjuvant chemoradiotherapy and surgery'])} "
                f"{r.pick(['for', 'in'])} {stage} {disease}"
                f"{r.pick(['', ': a phase 2 study', ': a retrospective cohort', ': safety and survival'])}")  # fmt: skip

    def adeno_title(self, randomised: bool = False) -> str:
        r = self
        drug = r.pick(PD1)
        pop = r.pick(["advanced gastric or gastro-oesophageal junction adenocarcinoma",
                      "HER2-negative gastric or gastroesophageal junction cancer",
                      "advanced esophageal adenocarcinoma",
                      "metastatic esophagogastric adenocarcinoma",
                      "advanced gastric cancer"])  # fmt: skip
        if randomised:
            return (
                f"{cap(drug)} plus {r.pick(CHEMO)} versus {r.pick(CHEMO)} "
                f"{r.pick(['as first-line treatment for', 'in patients with', 'for previously treated'])} "
                f"{pop}: a randomised phase {r.pick(['2', '3'])} trial"
            )
        return (f"{cap(drug)} {r.pick(['monotherapy', 'plus chemotherapy', 'plus trastuzumab', 'and ' + r.pick(TKI)])} "
                f"in {pop}: {r.pick(['a phase 2 study', 'a retrospective analysis', 'results from an expanded access programme', 'biomarker analysis'])}")  # fmt: skip

    def other_cancer_title(self) -> str:
        r = self
        drug = r.pick(PD1)
        cancer = r.pick(OTHER_CANCERS)
        return (f"{cap(drug)} {r.pick(['plus chemotherapy', 'monotherapy', 'plus ' + r.pick(TKI), 'combined with radiotherapy'])} "
                f"{r.pick(['as first-line treatment for', 'in previously treated', 'in patients with', 'for'])} "
                f"{r.pick(['advanced', 'recurrent or metastatic', 'locally advanced', 'relapsed'])} "
                f"{cancer}: {r.pick(['a randomised phase 3 trial', 'a phase 2 study', 'a real-world analysis', 'final analysis', 'a multicentre cohort study', 'updated survival'])}")  # fmt: skip

    def protocol_title(self, randomised: bool = True) -> str:
        r = self
        drug = r.pick(PD1)
        comp = r.pick(
            ["placebo plus chemotherapy", "chemotherapy", "investigator's choice of chemotherapy"]
        )
        return (f"{r.pick(['A randomized, double-blind, phase III study of', 'Study protocol: a randomised controlled trial of', 'Rationale and design of a phase 3 trial of', 'Trial in progress: a randomized phase III study of'])} "
                f"{drug} {r.pick(['plus chemotherapy', 'combined with ' + r.pick(TKI), 'plus ' + r.pick(CHEMO)])} "
                f"versus {comp} {r.pick(['as first-line treatment for', 'in', 'for'])} {r.pick(POP)}")  # fmt: skip

    def registry_title(self) -> str:
        r = self
        drug = cap(r.pick(PD1 + PDL1))
        return (f"{r.pick(['A Study of', 'Efficacy and Safety of', 'A Trial of', 'Safety and Efficacy of', 'Clinical Study of'])} "
                f"{drug} {r.pick(['Combined With', 'Plus', 'in Combination With'])} "
                f"{r.pick(['Chemotherapy', 'Chemoradiotherapy', cap(r.pick(TKI)), 'Paclitaxel and Cisplatin', 'Radiotherapy'])} "
                f"{r.pick(['in Participants With', 'in Patients With', 'for'])} "
                f"{r.pick(['Advanced Esophageal Squamous Cell Carcinoma', 'Locally Advanced Esophageal Cancer', 'Metastatic Esophageal Squamous Cell Carcinoma', 'Esophageal Cancer', 'Resectable Esophageal Squamous Cell Carcinoma', 'Recurrent Esophageal Squamous Cell Carcinoma'])}"
                f"{r.pick(['', ' (' + r.pick(['ESO', 'ESC', 'ECIT', 'EPIC', 'TORCH', 'SKYLINE', 'NEOCRT']) + '-' + str(r.rng.randint(1, 9)) + ')'])}")  # fmt: skip

    def preclinical_title(self) -> str:
        r = self
        gene = r.pick(GENES)
        return (f"{gene} {r.pick(['promotes', 'suppresses', 'regulates', 'drives', 'mediates'])} "
                f"{r.pick(['immune evasion', 'PD-L1 expression', 'T-cell exclusion', 'resistance to anti-PD-1 therapy', 'tumour growth and immune escape'])} "
                f"{r.pick(['in', 'of'])} esophageal squamous cell carcinoma "
                f"{r.pick(['via', 'through', 'by activating', 'by inhibiting'])} "
                f"{r.pick(['the JAK/STAT pathway', 'STAT3 signalling', 'the cGAS-STING pathway', 'autophagy', 'the Wnt/β-catenin pathway', 'glycolysis', 'the PI3K/AKT pathway', 'exosome secretion', 'MHC-I downregulation', 'ferroptosis'])}")  # fmt: skip

    def general_title(self) -> str:
        r = self
        form = r.rng.randrange(5)
        if form == 0:
            return (
                f"Trends in {r.pick(['incidence', 'mortality', 'survival', 'treatment patterns', 'stage at diagnosis'])} "
                f"of esophageal {r.pick(['cancer', 'squamous cell carcinoma'])} in {r.pick(REGIONS)}, "
                f"{r.pick(['2000-2017', '2004-2016', '1990-2019', '2010-2018', '2005-2015'])}"
            )
        if form == 1:
            return (
                f"{r.pick(['Minimally invasive versus open esophagectomy', 'Definitive chemoradiotherapy versus surgery', 'Salvage esophagectomy', 'Induction chemotherapy', 'Palliative radiotherapy', 'Esophageal stenting', 'Enteral nutrition', 'Robot-assisted esophagectomy', 'Three-field lymphadenectomy'])} "
                f"{r.pick(['for', 'in'])} {r.pick(['esophageal squamous cell carcinoma', 'esophageal cancer', 'dysphagia in esophageal cancer', 'elderly patients with esophageal cancer'])}: "
                f"{r.pick(['long-term outcomes', 'a propensity-matched study', 'a population-based study', 'a nationwide cohort', 'a systematic review'])}"
            )
        if form == 2:
            return (
                f"{r.pick(['Nutritional status', 'Frailty', 'Socioeconomic status', 'Hospital volume', 'Time to treatment', 'Smoking and alcohol', 'Diabetes', 'Marital status'])} "
                f"and {r.pick(['survival', 'outcomes', 'treatment completion', 'postoperative mortality'])} of patients with esophageal cancer "
                f"in {r.pick(REGIONS)}"
            )
        if form == 3:
            return (
                f"{r.pick(['Radiotherapy dose', 'Target volume delineation', 'Proton therapy', 'Brachytherapy', 'Elective nodal irradiation'])} "
                f"in {r.pick(['definitive', 'neoadjuvant', 'salvage'])} chemoradiotherapy for esophageal "
                f"{r.pick(['cancer', 'squamous cell carcinoma'])}: {r.pick(['a dosimetric study', 'long-term results', 'a phase 2 trial', 'a retrospective comparison'])}"
            )
        return (f"{r.pick(['Endoscopic screening', 'Risk prediction', 'Early detection', 'Surveillance', 'Endoscopic submucosal dissection'])} "
                f"for {r.pick(['esophageal squamous cell carcinoma', 'superficial esophageal cancer', 'esophageal squamous dysplasia'])} in "
                f"{r.pick(['high-risk areas of China', 'Japan', 'a Korean cohort', 'Iran', 'East Africa', 'Taiwan'])}: "
                f"{r.pick(['a cost analysis', 'a cohort study', 'results of a screening programme', 'a model-based study', 'long-term outcomes'])}")  # fmt: skip

    def cost_title(self) -> str:
        r = self
        return (f"{r.pick(['Cost-effectiveness of', 'Cost-utility analysis of', 'Economic evaluation of', 'Budget impact of', 'Value of'])} "
                f"{r.pick(PD1)} {r.pick(['plus chemotherapy', 'versus chemotherapy', 'monotherapy', 'combined with chemotherapy'])} "
                f"{r.pick(['as first-line treatment for', 'as second-line treatment for', 'in', 'for'])} {r.pick(POP)} "
                f"{r.pick(['in China', 'in the United States', 'from the Chinese payer perspective', 'in Japan', 'from the US payer perspective', 'in Europe', 'in the United Kingdom', 'in Singapore'])}"
                f"{r.pick(['', ': a partitioned survival analysis', ': a Markov model', ' based on a phase 3 trial'])}")  # fmt: skip

    def neoadj_rct_title(self) -> str:
        r = self
        return (f"{r.pick(['Neoadjuvant', 'Preoperative', 'Perioperative', 'Induction'])} "
                f"{r.pick(PD1)} {r.pick(['plus', 'combined with', 'added to'])} "
                f"{r.pick(['chemotherapy', 'chemoradiotherapy', r.pick(CHEMO)])} "
                f"{r.pick(['versus', 'vs', 'compared with'])} "
                f"{r.pick(['chemotherapy alone', 'chemoradiotherapy alone', 'placebo plus chemotherapy', 'upfront surgery'])} "
                f"{r.pick(['for', 'in'])} {r.pick(['locally advanced', 'resectable', 'cT3-4 or node-positive', 'stage II-III'])} "
                f"{r.pick(['esophageal squamous cell carcinoma', 'ESCC', 'oesophageal squamous cell carcinoma'])}: "
                f"{r.pick(['a randomized phase 2 trial', 'a randomised controlled trial', 'a multicentre randomised phase III trial', 'results of a randomized trial', 'interim analysis of a randomised study'])}")  # fmt: skip

    def chinese_rct_title(self) -> str:
        r = self
        return (f"{r.pick(['Clinical observation of', 'Efficacy of', 'Short-term efficacy and safety of', 'Effect of'])} "
                f"{r.pick(['camrelizumab', 'sintilimab', 'tislelizumab', 'toripalimab'])} "
                f"{r.pick(['combined with', 'plus'])} {r.pick(CHEMO)} versus {r.pick(CHEMO)} alone "
                f"{r.pick(['in', 'for', 'on'])} {r.pick(['advanced', 'recurrent', 'elderly patients with advanced', 'middle-aged and elderly patients with'])} "
                f"esophageal {r.pick(['squamous cell carcinoma', 'cancer'])}"
                f"{r.pick(['', ' and its effect on immune function', ' and serum tumor markers', ' and T lymphocyte subsets'])}")  # fmt: skip

    def rct_title(self, kind: str) -> str:
        r = self
        pop = r.pick(POP)
        if kind == "pdl1":
            return (
                f"{cap(r.pick(PDL1))} {r.pick(['plus chemotherapy versus chemotherapy', 'with or without tremelimumab versus chemotherapy', 'plus ' + r.pick(CHEMO) + ' versus placebo plus chemotherapy'])} "
                f"in {pop}: a randomised phase {r.pick(['2', '3'])} trial"
            )
        if kind == "comparator":
            drug = r.pick(PD1)
            return (
                f"{cap(drug)} {r.pick(['plus ' + r.pick(TKI), 'plus ' + r.pick(CHEMO), 'plus radiotherapy'])} "
                f"versus {drug} {r.pick(['alone', 'monotherapy'])} as {r.pick(['second-line', 'later-line'])} "
                f"treatment of {pop}: a randomised controlled trial"
            )
        return ""


# --------------------------------------------------------------------------- the generated reports


def generated_works(gen: Generator) -> list[Work]:
    """The generated reports (705 minus the real ones) with their screening ground truth."""
    rng = gen.rng

    def article(work: Work, **kw) -> Work:
        gen.as_article(work, **kw)
        return work

    def abstract(work: Work) -> Work:
        gen.as_abstract(work)
        return work

    # --- records that pass title/abstract screening (33) ---------------------------------
    for _ in range(8):  # single-arm phase 2 trials worded like comparative ones
        w = gen.make("phase2", "article", lambda: gen.phase2_title(ambiguous=True), "phase2")
        (article if rng.random() < 0.6 else abstract)(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "not randomised"
    for _ in range(3):
        w = gen.make("neoadj_rct", "article", gen.neoadj_rct_title, "rct_neoadj")
        abstract(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong population"
    for _ in range(6):
        w = gen.make("adeno_rct", "article", lambda: gen.adeno_title(randomised=True), "adeno")
        (article if rng.random() < 0.5 else abstract)(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong population"
    for _ in range(3):
        w = gen.make("tip", "abstract", lambda: gen.protocol_title(), "tip")
        abstract(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong outcomes"
        w.note = "trial in progress; no results"
    for _ in range(2):
        w = gen.make("registry", "registry", gen.registry_title, "registry")
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong outcomes"
        w.note = "registry record; no results posted"
    for _ in range(4):
        w = gen.make("pdl1_rct", "article", lambda: gen.rct_title("pdl1"), "rct_other")
        (article if rng.random() < 0.5 else abstract)(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong intervention"
    for _ in range(3):
        w = gen.make("comparator_rct", "article", lambda: gen.rct_title("comparator"), "rct_other")
        (article if rng.random() < 0.5 else abstract)(w)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "wrong comparator"
    dup_titles = [
        "Interpretation of the ESCORT-1st trial: camrelizumab plus paclitaxel and cisplatin "
        "in first-line advanced esophageal squamous cell carcinoma",
        "Pembrolizumab with cisplatin and fluorouracil as first-line therapy for advanced "
        "esophageal cancer: a report of the KEYNOTE-590 results",
    ]
    for title in dup_titles:
        w = gen.make("dup_report", "article", lambda t=title: t, "commentary")
        w.year, w.month = 2021, 10
        article(w, medline=False)
        w.ta, w.ft, w.ft_reason = "pass", "exclude", "duplicate report"
        w.note = "secondary publication of included trial results; no new data"
    for _ in range(2):
        w = gen.make("chinese_rct", "article", gen.chinese_rct_title, "chinese_rct")
        article(w, medline=False)
        w.language = "chi"
        w.ta, w.ft = "pass", "not_retrieved"
        w.note = "Chinese-language article; full text not obtainable"

    # --- deliberate look-alikes that a reviewer settles (dedup_overrides.csv) -------------
    # (a) a congress abstract and the later paper with the same title: different reports
    for index in range(3):
        paper = gen.make("phase2", "article", lambda: gen.phase2_title(), "phase2")
        paper.year = max(paper.year, 2020)
        article(paper)
        meeting = gen.pick(
            [m for m in MEETINGS if m.year == paper.year - 1 or m.year == paper.year]
        )
        twin = Work(f"{paper.wid}a", "phase2", "abstract", paper.title, "", paper.authors[:6],
                    paper.year, 1, 1, "")  # fmt: skip
        twin.abstract = gen.abstract_for("phase2", paper.title, True)
        gen.as_abstract(twin, [meeting])
        paper.family = twin.family = f"twin{index + 1}"
        paper.ta_reason = twin.ta_reason = "single arm"
        gen.add(twin)
    # (b) an in-press Embase copy whose title changed before print: same report
    for index in range(2):
        w = gen.make("retro", "article", gen.retro_title, "retro")
        article(w)
        w.family = f"retitled{index + 1}"
        w.retitled = retitle(w.title)
    # (c) an erratum titled like its article: a different record
    w = gen.make("biomarker", "article", gen.biomarker_title, "biomarker")
    article(w)
    erratum = Work(f"{w.wid}e", "erratum", "notice", f"Erratum: {w.title}", "", [], w.year,
                   min(12, w.month + 2), 1, w.journal, w.volume, w.issue)  # fmt: skip
    erratum.first_page = str(int(w.first_page) + 100) if w.first_page.isdigit() else "e1"
    erratum.pub_types = ["Published Erratum"]
    erratum.ta_reason = "erratum"
    erratum.family = w.family = "erratum1"
    gen.add(erratum)

    # --- congress abstract and paper of one generated study, worded differently ----------
    for _ in range(6):
        paper = gen.make("phase2", "article", lambda: gen.phase2_title(), "phase2")
        paper.year = max(paper.year, 2020)
        article(paper)
        paper.ta_reason = "single arm"
        drug = paper.title.split(" ")[0].lower()
        meeting = gen.pick([m for m in MEETINGS if m.year <= paper.year])
        twin = gen.make(
            "phase2",
            "abstract",
            lambda d=drug: (
                f"{gen.pick(['Preliminary', 'Interim', 'Updated', 'First'])} "
                f"{gen.pick(['results', 'efficacy and safety', 'survival analysis'])} of a "
                f"{gen.pick(['multicenter', 'prospective', 'open-label'])} study of {d} "
                f"{gen.pick(['with', 'plus'])} {gen.pick(CHEMO + TKI)} in "
                f"{gen.pick(['patients with ESCC', 'advanced ESCC', 'esophageal cancer'])}"
            ),
            "phase2",
        )
        gen.as_abstract(twin, [meeting])
        twin.ta_reason = "single arm"

    # --- everything else is excluded at title/abstract ------------------------------------
    plan = [  # (category, count, share as congress abstract, title maker, abstract kind, reason)
        ("meta", 45, 0.05, gen.meta_title, "meta", "systematic review/meta-analysis"),
        ("retro", 78, 0.3, gen.retro_title, "retro", "not randomised"),
        ("case", 40, 0.1, gen.case_title, "case", "case report"),
        ("biomarker", 84, 0.35, gen.biomarker_title, "biomarker", "no intervention comparison"),
        ("phase2", 25, 0.5, gen.phase2_title, "phase2", "single arm"),
        ("neoadj", 32, 0.4, gen.neoadj_title, "neoadj", "resectable disease"),
        ("adeno", 19, 0.4, gen.adeno_title, "adeno", "adenocarcinoma"),
        ("other", 50, 0.35, gen.other_cancer_title, "other", "not oesophageal cancer"),
        ("protocol", 22, 0.5, lambda: gen.protocol_title(), "protocol", "protocol, no results"),
        ("registry", 38, 0.0, gen.registry_title, "registry", "registry record, no results"),
        ("preclinical", 35, 0.15, gen.preclinical_title, "preclinical", "preclinical"),
        ("general", 45, 0.1, gen.general_title, "general", "no immunotherapy"),
        ("cost", 20, 0.2, gen.cost_title, "cost", "economic evaluation"),
    ]
    for category, count, share, maker, abstract_kind, reason in plan:
        for _ in range(count):
            kind = "registry" if category == "registry" else (
                "abstract" if rng.random() < share else "article")  # fmt: skip
            if category == "protocol" and kind == "article":
                w = gen.make(category, kind, maker, "protocol")
                gen.as_article(w, ["bmj_open", "trials", "future_oncol", "bmc_cancer"])
            else:
                w = gen.make(
                    category,
                    kind,
                    maker,
                    abstract_kind if kind != "abstract" or category != "protocol" else "tip",
                )
                if kind == "article":
                    gen.as_article(w, medline=rng.random() > 0.07)
                elif kind == "abstract":
                    gen.as_abstract(w)
            w.ta_reason = reason
    # comments, editorials, letters and errata
    for index in range(16):
        target = gen.pick(
            [
                w
                for w in gen.works
                if w.kind == "article" and w.category in ("phase2", "retro", "meta")
            ]
        )
        style = index % 4
        if style == 3:
            title = (
                f"Correction to {JOURNALS[target.journal].ta or JOURNALS[target.journal].embase} "
                f"{target.year}; {target.volume}: {target.first_page}"
            )
            kind, pts, reason = "notice", ["Published Erratum"], "erratum"
        elif style == 2:
            subject = next((d for d in PD1 if d in target.title.lower()), "immunotherapy")
            title = gen.unique_title(
                lambda who=target.authors[0].last, about=subject: (
                    f"{gen.pick(['Comment on', 'Re:', 'Letter regarding', 'Response to', 'Concerns about'])} "
                    f"the {gen.pick(['study', 'article', 'report', 'analysis'])} by "
                    f"{who} et al. on {about} in {gen.pick(POP_SHORT + POP)}"
                )
            )
            kind, pts, reason = "notice", ["Letter", "Comment"], "comment"
        else:
            title = gen.unique_title(
                lambda: (
                    f"{cap(gen.pick(PD1))} in {gen.pick(POP_SHORT)}: "
                    f"{gen.pick(['a new standard of care?', 'another step forward', 'is PD-L1 the key?', 'who benefits?', 'the end of chemotherapy alone?', 'raising the bar', 'time to rethink second-line therapy', 'promise and caveats', 'more questions than answers', 'a paradigm shift in first-line therapy'])}"
                )
            )
            kind, pts, reason = "article", ["Editorial"], "editorial"
        w = gen.base_work("notice", kind, title, "")
        w.authors = w.authors[:2]
        w.pub_types = pts
        w.ta_reason = reason
        gen.as_article(w)
        if style == 3:
            w.year, w.volume = target.year, target.volume
        gen.add(w)
    reviews_needed = UNIQUE_TARGET - len(real_works()) - len(gen.works)
    for _ in range(reviews_needed):
        w = gen.make("review", "article", gen.review_title, "review")
        gen.as_article(w, medline=rng.random() > 0.06)
        w.pub_types = ["Journal Article", "Review"]
        w.ta_reason = "review"
    for work in gen.works:
        if not work.pub_types:
            work.pub_types = default_types(work)
    return gen.works


def default_types(work: Work) -> list[str]:
    if work.kind == "abstract":
        return ["Conference Abstract"]
    if work.kind == "registry":
        return ["Trial registry record"]
    types = ["Journal Article"]
    if work.category in ("meta",):
        types += ["Meta-Analysis", "Systematic Review"]
    if work.category in ("adeno_rct", "pdl1_rct", "comparator_rct", "neoadj_rct"):
        types += ["Randomized Controlled Trial"]
    if work.category in ("phase2",):
        types += ["Clinical Trial, Phase II"]
    if work.category == "case":
        types += ["Case Reports"]
    return types


def retitle(title: str) -> str:
    """The in-press title an Embase record kept: reworded, similarity 0.85-0.93.

    Dedup should ask a person about such a pair (``review.tsv``), not decide alone.
    """
    swaps = [(": a multicenter retrospective study", ": a retrospective multicentre analysis"),
             (": a single-institution experience", ": experience of a single institution"),
             (": a propensity score-matched analysis", ": propensity score-matched comparison"),
             (": a retrospective cohort study", ": retrospective cohort analysis"),
             (": a retrospective analysis", ": retrospective study"),
             ("Prognostic value of", "Prognostic significance of"),
             ("Efficacy and safety of", "Effectiveness and tolerability of"),
             ("Real-world outcomes", "Outcomes in the real world"),
             ("Clinical outcomes", "Clinical results"),
             ("Long-term outcomes", "Long-term results"),
             (" treated with ", " receiving "),
             (" in patients with ", " among patients with "),
             (" esophageal ", " oesophageal "),
             (" outcomes ", " survival ")]  # fmt: skip
    new = title
    for old, replacement in swaps:
        if indel_ratio(fold(new), fold(title)) < 0.93:
            break
        new = new.replace(old, replacement, 1)
    if indel_ratio(fold(new), fold(title)) >= 0.93:
        new += " in routine care"
    ratio = indel_ratio(fold(new), fold(title))
    if not 0.86 <= ratio < 0.93:
        raise RuntimeError(f"retitled copy is {ratio:.2f} alike: {title!r}")
    return new


# --------------------------------------------------------------------------- databases

MEMBERSHIP = {
    # kind or category -> probabilities (pubmed, embase, cochrane, wos)
    "article": (0.62, 0.74, 0.0, 0.50),
    "trial_article": (0.66, 0.75, 0.80, 0.50),
    "abstract": (0.0, 0.96, 0.08, 0.30),
    "trial_abstract": (0.0, 0.95, 0.70, 0.30),
    "notice": (1.0, 0.55, 0.0, 0.6),
}
TRIAL_CATEGORIES = {"phase2", "neoadj", "neoadj_rct", "adeno", "adeno_rct", "pdl1_rct",
                    "comparator_rct", "protocol", "tip", "other", "chinese_rct"}  # fmt: skip


def assign_databases(works: list[Work], rng: random.Random) -> None:
    """Which databases found each generated report (the real ones are fixed)."""
    for work in works:
        if work.real:
            continue
        if work.kind == "registry":
            work.databases = ["cochrane"]
            continue
        if work.family.startswith("twin"):
            work.databases = ["pubmed", "embase"] if work.kind == "article" else ["embase"]
            continue
        if work.family.startswith("retitled"):
            work.databases = ["pubmed", "embase", "wos"]
            continue
        if work.family.startswith("erratum"):
            work.databases = ["pubmed"] if work.kind == "notice" else ["pubmed", "wos"]
            continue
        trial = work.category in TRIAL_CATEGORIES
        key = work.kind if work.kind in ("abstract", "notice") else "article"
        if trial and key in ("article", "abstract"):
            key = "trial_" + key
        probabilities = MEMBERSHIP[key]
        medline = JOURNALS[work.journal].medline
        found = []
        for database, probability in zip(DATABASES, probabilities, strict=True):
            if database == "pubmed" and not medline:
                probability = 0.0
            if database == "embase" and not medline and work.kind != "abstract":
                probability = 1.0
            if database == "wos" and work.journal in ("cjco", "cjcpt"):
                probability = 0.0
            if database == "cochrane" and work.journal in ("cjco", "cjcpt") and trial:
                probability = 0.5
            if rng.random() < probability:
                found.append(database)
        if not found:
            found = ["embase"] if work.kind == "abstract" or not medline else ["pubmed"]
        if work.category in ("dup_report", "chinese_rct"):
            found = ["embase"] + (["cochrane"] if work.category == "chinese_rct" else [])
        work.databases = found


class Ids:
    """Synthetic native IDs in ranges no real record uses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, make) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    def pmid(self) -> str:
        return self.draw(lambda: str(self.rng.randint(90000000, 99999999)))

    def embase(self) -> str:
        return self.draw(lambda: f"L99{self.rng.randint(0, 99999999):08d}")

    def central(self) -> str:
        return self.draw(lambda: f"CN-09{self.rng.randint(0, 999999):06d}")

    def wos(self) -> str:
        return self.draw(lambda: f"WOS:999{self.rng.randint(0, 999999999999):012d}")

    def nct(self) -> str:
        return self.draw(lambda: f"NCT9{self.rng.randint(0, 9999999):07d}")


IN_PRESS_DUPLICATES = 3
"""Embase reports held twice (article-in-press record beside the final one)."""


def assign_ids(works: list[Work], rng: random.Random) -> None:
    ids = Ids(rng)
    in_press = 0
    for work in works:
        if "pubmed" in work.databases and not work.pmid:
            work.pmid = ids.pmid()
        elif work.pmid:
            ids.used.add(work.pmid)
        for database in work.databases:
            if database == "pubmed":
                work.ids["pubmed"] = [work.pmid]
            elif database == "embase":
                work.ids["embase"] = [ids.embase()]
                if (
                    in_press < IN_PRESS_DUPLICATES
                    and not work.real
                    and work.kind == "article"
                    and work.doi
                    and work.category == "review"
                ):
                    work.ids["embase"].append(ids.embase())
                    in_press += 1
            elif database == "cochrane":
                work.ids["cochrane"] = [ids.central()]
            elif database == "wos":
                work.ids["wos"] = [ids.wos()]
        if work.kind == "registry":
            work.note = work.note or ""
            work.keywords = [ids.nct()]


# --------------------------------------------------------------------------- variation per copy


@dataclass
class Copy:
    """What one database shows of one report."""

    database: str
    native: str
    title: str
    doi: str
    pmid_link: bool  # Embase C5 / WoS PM present
    year: int
    in_press: bool = False


def copies_of(work: Work, rng: random.Random) -> list[Copy]:
    result = []
    for database in DATABASES:
        for position, native in enumerate(work.ids.get(database, [])):
            title = work.title
            doi = work.doi
            year = work.year
            link = (bool(work.pmid) and "pubmed" in work.databases) or bool(work.pmid and work.real)
            in_press = position == 1
            if database == "embase":
                if not work.real and rng.random() < 0.07:
                    doi = ""
                if work.retitled:
                    title, doi, link = work.retitled, "", False
                if (
                    work.kind == "article"
                    and not work.real
                    and work.month <= 2
                    and rng.random() < 0.35
                ):
                    year = work.year - 1  # online ahead of print the year before
                if in_press:
                    year = work.year - 1 if work.month <= 3 else work.year
                link = link and (work.real or rng.random() < 0.93)
            elif database == "cochrane":
                if rng.random() < 0.3 and not (work.real and work.kind == "article"):
                    doi = ""
            elif database == "wos":
                if not work.real and rng.random() < 0.05:
                    doi = ""
                link = link and (work.real or rng.random() < 0.85)
                if work.retitled:
                    link = True
            result.append(Copy(database, native, title, doi, link, year, in_press))
    # every copy must stay reachable: a copy without DOI and PMID link is matched on title,
    # which dedup does reliably; keep at least one identifier on the generated look-alikes
    return result


def wos_title(title: str, rng: random.Random) -> str:
    if rng.random() < 0.2:
        title = title_case(title)
    if rng.random() < 0.6:  # spelled out as WoS does: HIF-1 alpha, TGF-beta, NF-kappa B
        for letter, name in GREEK_NAMES.items():
            title = re.sub(rf"(\d?){letter}(\w?)",
                           lambda m, n=name: f"{m[1]}{' ' if m[1] else ''}{n}{' ' if m[2] else ''}{m[2]}",
                           title)  # fmt: skip
    return title


def central_title(title: str, has_doi: bool, rng: random.Random) -> str:
    title = title.replace("<", "&lt;").replace(">", "&gt;")
    if rng.random() < 0.3:
        title = title.replace(" versus ", " vs. ")
    if has_doi and rng.random() < 0.5:
        title = title.replace("-", "\u2010")  # Cochrane's typographic hyphen
    return title


# --------------------------------------------------------------------------- writers


def wrap(tag: str, text: str, width: int = 80, indent: str = "      ") -> list[str]:
    lines = textwrap.wrap(text, width=width - len(indent), break_long_words=False,
                          break_on_hyphens=False)  # fmt: skip
    if not lines:
        return []
    return [f"{tag}{lines[0]}"] + [f"{indent}{line}" for line in lines[1:]]


def pubmed_pages(work: Work) -> str:
    if work.last_page:
        return f"{work.first_page}-{work.last_page}"
    return work.first_page


def short_pages(first: str, last: str) -> str:
    """759-771 -> 759-71 (the abbreviated form CENTRAL and older MEDLINE use)."""
    if not last or not first.isdigit() or not last.isdigit() or len(first) != len(last):
        return f"{first}-{last}" if last else first
    common = 0
    while common < len(first) - 1 and first[common] == last[common]:
        common += 1
    return f"{first}-{last[common:]}"


def pubmed_record(work: Work, rng: random.Random) -> str:
    journal = JOURNALS[work.journal]
    date = f"{work.year} {MONTHS[work.month - 1]}"
    if journal.numbering != "pages" or rng.random() < 0.5:
        date += f" {work.day}"
    lines = [f"PMID- {work.pmid}", "OWN - NLM"]
    status = "MEDLINE" if work.year <= 2020 or rng.random() < 0.4 else "PubMed-not-MEDLINE"
    if work.kind == "notice":
        status = "PubMed-not-MEDLINE"
    lines.append(f"STAT- {status}")
    stamp = f"{work.year}{work.month:02d}{work.day:02d}"
    if status == "MEDLINE":
        lines.append(
            f"DCOM- {min(work.year + (work.month > 10), 2021)}{(work.month % 12) + 1:02d}{work.day:02d}"
        )
    revised = rng.randint(work.month, 11) if work.year == 2021 else rng.randint(1, 11)
    lines.append(f"LR  - 2021{revised:02d}{rng.randint(1, 28):02d}")
    if journal.eissn:
        lines.append(f"IS  - {journal.eissn} (Electronic)")
        lines.append(f"IS  - {journal.issn} (Linking)")
    else:
        lines.append(f"IS  - {journal.issn} (Electronic)")
        lines.append(f"IS  - {journal.issn} (Linking)")
    if work.volume:
        lines.append(f"VI  - {work.volume}")
    if work.issue and journal.numbering == "pages":
        lines.append(f"IP  - {work.issue}")
    lines.append(f"DP  - {date}")
    title = work.title
    if not title.endswith(("?", ".")):
        title += "."
    lines += wrap("TI  - ", title)
    if work.first_page:
        lines.append(f"PG  - {pubmed_pages(work)}")
    if work.doi:
        lines.append(f"LID - {work.doi} [doi]")
    if work.abstract:
        lines += wrap("AB  - ", work.abstract)
        if not work.real:
            lines.append(f"CI  - Copyright (c) {work.year} The Author(s).")
    for index, author in enumerate(work.authors):
        lines.append(f"FAU - {author.pubmed_fau()}")
        lines.append(f"AU  - {author.pubmed_au()}")
        if index == 0 and not work.real:
            lines += wrap("AD  - ", gen_affiliation(work) + ".")
    if work.collective:
        lines.append(f"CN  - {work.collective}")
    lines.append(f"LA  - {work.language}")
    for kind in work.pub_types:
        lines.append(f"PT  - {kind}")
    if status == "MEDLINE" or work.real:
        lines.append(f"DEP - {stamp}")
    lines.append(
        "PL  - "
        + (
            "England"
            if work.journal in ("lancet", "lancet_oncol", "bjc", "bmj_open")
            else "United States"
        )
    )
    lines.append(f"TA  - {journal.ta}")
    lines.append(f"JT  - {journal.jt}")
    lines.append("SB  - IM")
    if status == "MEDLINE":
        for term in work.mesh or mesh_for(work, rng):
            lines.append(f"MH  - {term}")
    edat = f"{work.year}/{work.month:02d}/{work.day:02d}"
    lines.append(f"EDAT- {edat} 06:00")
    lines.append(f"MHDA- {edat} 06:00")
    lines.append(f"CRDT- {edat} 05:32")
    if work.doi:
        lines.append(f"AID - {work.doi} [doi]")
    lines.append("PST - ppublish" if journal.numbering == "pages" else "PST - epublish")
    so = f"{journal.ta}. {date}"
    if work.volume:
        so += f";{work.volume}"
        if work.issue and journal.numbering == "pages":
            so += f"({work.issue})"
        if work.first_page:
            so += f":{pubmed_pages(work)}"
    so += "."
    if work.doi:
        so += f" doi: {work.doi}."
    lines += wrap("SO  - ", so)
    return "\n".join(lines) + "\n"


def gen_affiliation(work: Work) -> str:
    """A hospital in the first author's country (stable per report)."""
    last = work.authors[0].last if work.authors else ""
    if last in CHINESE_SURNAMES:
        options = [h for h in HOSPITALS if h.endswith(("China", "Taiwan"))]
    elif last in JAPANESE[0]:
        options = [h for h in HOSPITALS if h.endswith("Japan")]
    elif last in KOREAN[0]:
        options = [h for h in HOSPITALS if h.endswith("Korea")]
    else:
        options = [h for h in HOSPITALS if h.endswith(("USA", "UK", "France", "Netherlands"))]
    return options[sum(ord(char) for char in work.wid) % len(options)]


MESH_POOL = {
    "default": ["Esophageal Neoplasms/drug therapy", "Esophageal Squamous Cell Carcinoma/*drug therapy",
                "Humans", "Immune Checkpoint Inhibitors/*therapeutic use",
                "Programmed Cell Death 1 Receptor/antagonists & inhibitors", "Male", "Female",
                "Middle Aged", "Aged", "Antibodies, Monoclonal, Humanized/therapeutic use",
                "B7-H1 Antigen/metabolism", "Immunotherapy/methods", "Prognosis",
                "Retrospective Studies", "Biomarkers, Tumor/metabolism", "Tumor Microenvironment",
                "Treatment Outcome", "Animals", "Mice", "Cell Line, Tumor"],
}  # fmt: skip


def mesh_for(work: Work, rng: random.Random) -> list[str]:
    pool = MESH_POOL["default"]
    chosen = sorted({pool[rng.randrange(len(pool))] for _ in range(rng.randint(4, 9))})
    return chosen


EMTREE = ["esophagus squamous cell carcinoma", "esophagus cancer", "immune checkpoint inhibitor",
          "programmed death 1 receptor", "programmed death 1 ligand 1", "pembrolizumab",
          "nivolumab", "camrelizumab", "sintilimab", "toripalimab", "tislelizumab", "human",
          "male", "female", "adult", "aged", "middle aged", "cancer immunotherapy",
          "overall survival", "progression free survival", "drug efficacy", "drug safety",
          "cancer chemotherapy", "paclitaxel", "cisplatin", "fluorouracil", "docetaxel",
          "irinotecan", "randomized controlled trial", "phase 3 clinical trial",
          "multicenter study", "major clinical study", "controlled study", "clinical article",
          "retrospective study", "cohort analysis", "case report", "review", "meta analysis",
          "systematic review", "immunohistochemistry", "tumor microenvironment",
          "adverse drug reaction", "neutropenia", "pneumonitis", "cancer survival"]  # fmt: skip


def emtree_for(work: Work, rng: random.Random) -> list[str]:
    """Index terms: generic ones drawn at random, drugs only when the record names them."""
    drugs = set(PD1 + PDL1 + TKI + ["paclitaxel", "cisplatin", "fluorouracil", "docetaxel",
                                    "irinotecan"])  # fmt: skip
    generic = [term for term in EMTREE if term not in drugs]
    chosen = {generic[rng.randrange(len(generic))] for _ in range(rng.randint(8, 16))}
    text = f"{work.title} {work.abstract}".lower()
    chosen.update(drug for drug in sorted(drugs) if drug in text)
    return sorted(chosen)


def embase_record(work: Work, copy: Copy, rng: random.Random) -> str:
    journal = JOURNALS[work.journal]
    if work.kind == "abstract":
        m3 = "Conference Abstract"
    elif copy.in_press:
        m3 = "Article in Press"
    elif work.kind == "notice":
        m3 = "Erratum" if "Erratum" in " ".join(work.pub_types) else "Letter"
    elif "Review" in work.pub_types:
        m3 = "Review"
    elif "Editorial" in work.pub_types:
        m3 = "Editorial"
    else:
        m3 = "Article"
    lines = ["TY  - JOUR", f"M3  - {m3}", f"Y1  - {copy.year}"]
    if work.volume and not copy.in_press:
        lines.append(f"VL  - {work.volume}")
    if work.issue and not copy.in_press:
        lines.append(f"IS  - {work.issue}")
    if work.first_page and not copy.in_press:
        lines.append(f"SP  - {work.first_page}")
        if work.last_page:
            lines.append(f"EP  - {work.last_page}")
    for issn in (journal.issn, journal.eissn):
        if issn:
            lines.append(f"SN  - {issn}")
    lines.append(f"JF  - {journal.embase}")
    lines.append(f"JO  - {journal.ta or journal.embase}")
    lines.append(
        "UR  - http://www.embase.com/search/results?subaction=viewrecord&from=export&id="
        + copy.native
    )
    lines.append(f"U2  - {copy.native}")
    if copy.pmid_link and work.pmid:
        lines.append(f"C5  - {work.pmid}")
    lines.append("DB  - Embase")
    if copy.pmid_link and work.pmid:
        lines.append("DB  - Medline")
    entry = f"{copy.year}-{work.month:02d}-{work.day:02d}"
    lines.append(f"U3  - {entry}")
    lines.append(f"U4  - {entry}")
    if copy.doi:
        lines.append(f"L2  - http://dx.doi.org/{copy.doi}")
        lines.append(f"DO  - {copy.doi}")
    for author in work.authors:
        lines.append(f"A1  - {author.embase()}")
    if work.collective:
        lines.append(f"A1  - {work.collective}")
    if work.authors and not work.real:
        lines.append(f"AD  - {work.authors[0].embase()}, {gen_affiliation(work)}")
    title = copy.title
    if work.kind == "notice" and work.real:
        paper = "Nivolumab versus chemotherapy in patients with advanced oesophageal squamous "
        title = (
            "Erratum: " + paper + "cell carcinoma refractory or intolerant to previous "
            "chemotherapy (ATTRACTION-3): a multicentre, randomised, open-label, phase 3 trial "
            "(The Lancet Oncology (2019) 20(11) (1506-1517), (S1470204519306266), "
            "(10.1016/S1470-2045(19)30626-6))"
        )
    lines.append(f"T1  - {title}")
    if work.meeting:
        lines.append(f"T2  - {work.meeting}")
    lines.append("LA  - " + ("Chinese" if work.language == "chi" else "English"))
    for keyword in emtree_for(work, rng):
        lines.append(f"KW  - {keyword}")
    if work.abstract:
        lines.append(f"N2  - {work.abstract}")
    lines.append("ER  -")
    return "\n".join(lines) + "\n"


def central_record(work: Work, copy: Copy, rng: random.Random) -> str:
    journal = JOURNALS[work.journal] if work.journal else None
    lines = ["TY  - JOUR", f"ID  - {copy.native}"]
    for author in work.authors if work.kind != "registry" else []:
        lines.append(f"AU  - {author.cochrane()}")
    title = central_title(copy.title, bool(copy.doi), rng)
    lines.append(f"TI  - {title}")
    if work.kind == "registry":
        nct = work.keywords[0]
        lines.append(f"SO  - https://clinicaltrials.gov/show/{nct}")
        lines.append(f"PY  - {work.year}")
        lines.append("PT  - Trial registry record")
        lines.append(f"AN  - CTgov {nct}")
    else:
        lines.append(f"JO  - {journal.central_name if journal.medline else journal.embase}")
        lines.append(f"PY  - {copy.year}")
        if work.volume:
            lines.append(f"VL  - {work.volume}")
        if work.issue:
            lines.append(f"IS  - {work.issue}")
        if work.first_page:
            pages = short_pages(work.first_page, work.last_page)
            if "\u2010" in title:
                pages = pages.replace("-", "\u2010")
            lines.append(f"PG  - {pages}")
        if work.kind == "abstract":
            lines.append("PT  - Journal: Conference Abstract")
        else:
            for kind in work.pub_types:
                lines.append(f"PT  - {kind}")
        for keyword in (work.mesh or [])[:8] or emtree_for(work, rng)[:8]:
            lines.append(f"KW  - {keyword}")
        if copy.doi:
            lines.append(f"DO  - {copy.doi}")
        if "pubmed" in work.databases or (work.real and work.pmid):
            lines.append(f"AN  - PUBMED {work.pmid}")
        elif work.ids.get("embase"):
            lines.append(f"AN  - EMBASE {work.ids['embase'][0][1:]}")
    if work.abstract:
        lines.append(f"AB  - {work.abstract}")
    lines.append(
        f"UR  - https://www.cochranelibrary.com/central/doi/10.1002/central/{copy.native}/full"
    )
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def wos_record(work: Work, copy: Copy, rng: random.Random) -> str:
    journal = JOURNALS[work.journal]
    lines = ["PT J"]
    people = work.authors
    if people:
        lines += wrap("AU ", people[0].wos_au(), indent="   ")
        lines += [f"   {p.wos_au()}" for p in people[1:]]
        lines += wrap("AF ", people[0].wos_af(), indent="   ")
        lines += [f"   {p.wos_af()}" for p in people[1:]]
    if work.collective:
        lines.append(f"CA {work.collective}")
    title = copy.title
    if work.kind == "notice":
        if work.real:
            title = (
                "Nivolumab versus chemotherapy in patients with advanced oesophageal squamous "
                "cell carcinoma refractory or intolerant to previous chemotherapy "
                "(ATTRACTION-3): a multicentre, randomised, open-label, phase 3 trial (vol 20, "
                "pg 1506, 2019)"
            )
    else:
        title = wos_title(title, rng)
    lines += wrap("TI ", title, width=73, indent="   ")
    lines.append(f"SO {journal.wos}")
    if work.meeting:
        lines.append(f"CT {work.meeting}")
    lines.append("LA " + ("Chinese" if work.language == "chi" else "English"))
    if work.kind == "abstract":
        dt = "Meeting Abstract"
    elif work.kind == "notice":
        dt = "Correction" if "Erratum" in " ".join(work.pub_types) else "Letter"
    elif "Review" in work.pub_types:
        dt = "Review"
    elif "Editorial" in work.pub_types:
        dt = "Editorial Material"
    else:
        dt = "Article"
    lines.append(f"DT {dt}")
    keywords = [k for k in emtree_for(work, rng)[:6] if k not in ("human", "male", "female")]
    if keywords and work.kind == "article":
        lines += wrap("DE ", "; ".join(keywords), width=73, indent="   ")
    if work.abstract:
        lines.append(f"AB {work.abstract}")
    if people and not work.real:
        lines.append(f"C1 [{people[0].wos_af()}] {gen_affiliation(work)}.")
    lines.append(f"NR {rng.randint(0, 60) if work.kind != 'abstract' else 0}")
    cited = rng.randint(0, 40)
    lines.append(f"TC {cited}")
    lines.append(f"Z9 {cited + rng.randint(0, 5)}")
    lines.append(f"U1 {rng.randint(0, 20)}")
    lines.append(f"U2 {rng.randint(0, 60)}")
    if journal.issn:
        lines.append(f"SN {journal.issn}")
    if journal.eissn:
        lines.append(f"EI {journal.eissn}")
    lines.append(f"J9 {journal.j9}")
    lines.append(f"JI {journal.ji}")
    lines.append(
        f"PD {MONTHS[work.month - 1].upper()}" + (f" {work.day}" if rng.random() < 0.4 else "")
    )
    lines.append(f"PY {copy.year}")
    if work.volume:
        lines.append(f"VL {work.volume}")
    if work.meeting:
        meeting = next(m for m in MEETINGS + [ASCO_GI_2019] if m.name == work.meeting)
        if meeting.wos_issue:
            lines.append(f"IS {meeting.wos_issue}")
        lines.append(f"SU {meeting.wos_supplement}")
    elif work.issue and journal.numbering == "pages":
        lines.append(f"IS {work.issue}")
    if work.first_page:
        if journal.numbering == "pages" or work.meeting:
            lines.append(f"BP {work.first_page}")
            if work.last_page:
                lines.append(f"EP {work.last_page}")
        else:
            lines.append(f"AR {work.first_page}")
    if copy.doi:
        lines.append(f"DI {copy.doi.upper() if rng.random() < 0.3 else copy.doi}")
    if work.last_page and work.first_page.isdigit() and work.last_page.isdigit():
        lines.append(f"PG {int(work.last_page) - int(work.first_page) + 1}")
    general = work.journal in ("lancet", "jama", "medicine", "bmj_open", "trials")
    lines.append(f"WC {'Medicine, General & Internal' if general else 'Oncology'}")
    lines.append(f"SC {'General & Internal Medicine' if general else 'Oncology'}")
    lines.append(
        f"GA {''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') for _ in range(5))}"
    )
    lines.append(f"UT {copy.native}")
    if copy.pmid_link and work.pmid:
        lines.append(f"PM {work.pmid}")
    lines.append(f"DA 2021-12-0{rng.randint(1, 3)}")
    lines.append("ER")
    return "\n".join(lines) + "\n"


ASCO_GI_2019 = Meeting("ASCO GI Cancers Symposium 2019", "jco", 2019, "37", "4 SUPPL", "4", "S",
                       "", (1, 400), 1)  # fmt: skip


# --------------------------------------------------------------------------- the review


@dataclass
class Review:
    works: list[Work]
    copies: dict[str, list[Copy]]  # wid -> copies
    files: dict[str, str]  # relative path -> text


def build() -> Review:
    rng = random.Random(SEED)
    gen = Generator(rng.randrange(2**32))
    reals = real_works()
    for work in reals:
        gen.titles.add(work.title)
    works = reals + generated_works(gen)
    if len(works) != UNIQUE_TARGET:
        raise RuntimeError(f"{len(works)} reports, expected {UNIQUE_TARGET}")
    db_rng = random.Random(rng.randrange(2**32))
    assign_databases(works, db_rng)
    assign_ids(works, random.Random(rng.randrange(2**32)))
    copy_rng = random.Random(rng.randrange(2**32))
    copies = {work.wid: copies_of(work, copy_rng) for work in works}
    order_rng = random.Random(rng.randrange(2**32))
    write_rng = random.Random(rng.randrange(2**32))
    files = {}
    per_db: dict[str, list[tuple[Work, Copy]]] = {db: [] for db in DATABASES}
    for work in works:
        for copy in copies[work.wid]:
            per_db[copy.database].append((work, copy))
    for database in DATABASES:
        order_rng.shuffle(per_db[database])
        # databases sort newest first, with some noise
        per_db[database].sort(key=lambda pair: -(pair[1].year * 100 + pair[0].month))
    pubmed = "\n".join(pubmed_record(w, write_rng) for w, _ in per_db["pubmed"])
    files["searches/2021-11-30/pubmed.nbib"] = pubmed
    embase = "\n".join(embase_record(w, c, write_rng) for w, c in per_db["embase"])
    files["searches/2021-11-30/embase.ris"] = "\ufeff" + embase
    central = "\n".join(central_record(w, c, write_rng) for w, c in per_db["cochrane"])
    files["searches/2021-11-30/cochrane.ris"] = central
    wos = "".join(wos_record(w, c, write_rng) + "\n" for w, c in per_db["wos"])
    files["searches/2021-11-30/wos.txt"] = (
        "\ufeffFN Clarivate Analytics Web of Science\nVR 1.0\n" + wos + "EF"
    )
    decisions = Decisions(works, random.Random(rng.randrange(2**32)))
    files.update(decisions.files())
    files["review/dedup_overrides.csv"] = overrides_csv(works)
    return Review(works, copies, files)


def record_id(database: str, native: str) -> str:
    return f"{database}:{native}"


def chosen_id(work: Work) -> str:
    """The member the decision files name: PubMed where present, then Embase, CENTRAL, WoS."""
    for database in ID_PREFERENCE:
        if work.ids.get(database):
            return record_id(database, work.ids[database][0])
    raise RuntimeError(f"{work.wid} has no copy")


# --------------------------------------------------------------------------- decisions


class Decisions:
    """Two reviewers, a third who resolves conflicts, at title/abstract and full text."""

    TA_CONFLICTS_ON_EXCLUDED = 21
    TA_CONFLICTS_ON_PASSED = 7

    def __init__(self, works: list[Work], rng: random.Random) -> None:
        self.works = sorted(works, key=chosen_id)
        self.rng = rng

    def date(self, start: tuple[int, int, int], days: int) -> str:
        year, month, day = start
        offset = self.rng.randint(0, days)
        day += offset
        lengths = {11: 30, 12: 31, 1: 31, 2: 28, 3: 31}
        while day > lengths[month]:
            day -= lengths[month]
            month = 1 if month == 12 else month + 1
            year = year + 1 if month == 1 else year
        return f"{year}-{month:02d}-{day:02d}"

    def files(self) -> dict[str, str]:
        rng = self.rng
        passed = [w for w in self.works if w.ta == "pass"]
        excluded = [w for w in self.works if w.ta != "pass"]
        tempting = [w for w in excluded if w.category in
                    ("phase2", "adeno", "neoadj", "protocol", "meta", "other", "registry", "retro")]  # fmt: skip
        conflict_excluded = rng.sample(tempting, self.TA_CONFLICTS_ON_EXCLUDED)
        conflict_passed = rng.sample(passed, self.TA_CONFLICTS_ON_PASSED)
        maybes = rng.sample([w for w in passed if w not in conflict_passed], 12)
        ta = {"A": [], "B": []}
        resolved = []
        conflict_ids = {id(w) for w in conflict_excluded + conflict_passed}
        for work in self.works:
            rid = chosen_id(work)
            if work.ta == "pass":
                values = {"A": "include", "B": "include"}
                if work in maybes:
                    values[rng.choice("AB")] = "maybe"
                    if rng.random() < 0.3:
                        values = {"A": "maybe", "B": "maybe"}
                if id(work) in conflict_ids:
                    values[rng.choice("AB")] = "exclude"
            else:
                values = {"A": "exclude", "B": "exclude"}
                if id(work) in conflict_ids:
                    values[rng.choice("AB")] = rng.choice(["include", "maybe", "maybe"])
            for reviewer in "AB":
                value = values[reviewer]
                reason = ""
                if value == "exclude":
                    guess = work.ta_reason or "not relevant"
                    if work.ta == "pass":
                        guess = "single arm?" if work.category == "phase2" else "not relevant"
                    if reviewer == "A" or rng.random() < 0.4:
                        reason = guess
                note = ""
                if value == "maybe":
                    note = rng.choice(["check design in full text", "randomised?",
                                       "population unclear", "ESCC subgroup?", ""])  # fmt: skip
                start = (2021, 12, 6) if reviewer == "A" else (2021, 12, 7)
                ta[reviewer].append([rid, value, reason, reviewer, self.date(start, 14), note])
            if id(work) in conflict_ids:
                final = "include" if work.ta == "pass" else "exclude"
                why = "" if final == "include" else (work.ta_reason or "not relevant")
                note = ("meets criteria on reading the abstract" if final == "include"
                        else "does not meet criteria")  # fmt: skip
                resolved.append([rid, final, why, "C", self.date((2022, 1, 4), 3), note])
        # full text
        ft = {"A": [], "B": []}
        ft_resolved = []
        passing = [w for w in self.works if w.ta == "pass"]
        conflicts = self.ft_conflicts(passing)
        for work in passing:
            rid = chosen_id(work)
            agreed = (work.ft, work.ft_reason if work.ft == "exclude" else "",
                      work.study if work.ft == "include" else "")  # fmt: skip
            values = {"A": agreed, "B": agreed}
            if work.wid in conflicts:
                reviewer, other = conflicts[work.wid]
                values[reviewer] = other
            for reviewer in "AB":
                decision, reason, study = values[reviewer]
                note = work.note if decision != "include" else (
                    "congress abstract" if work.kind == "abstract" else "")  # fmt: skip
                start = (2022, 1, 17) if reviewer == "A" else (2022, 1, 18)
                ft[reviewer].append([rid, decision, reason, reviewer, self.date(start, 35),
                                     note, study])  # fmt: skip
            if work.wid in conflicts:
                ft_resolved.append([rid, agreed[0], agreed[1], "C", self.date((2022, 3, 1), 4),
                                    "resolved by discussion", agreed[2]])  # fmt: skip
        ta_header = ["record_id", "decision", "reason", "reviewer", "date", "note"]
        ft_header = ta_header + ["study"]
        return {
            "review/ta_reviewer_A.csv": to_csv(ta_header, ta["A"]),
            "review/ta_reviewer_B.csv": to_csv(ta_header, ta["B"]),
            "review/ta_resolved.csv": to_csv(ta_header, resolved),
            "review/ft_reviewer_A.csv": to_csv(ft_header, ft["A"]),
            "review/ft_reviewer_B.csv": to_csv(ft_header, ft["B"]),
            "review/ft_resolved.csv": to_csv(ft_header, ft_resolved),
        }

    def ft_conflicts(self, passing: list[Work]) -> dict[str, tuple[str, tuple[str, str, str]]]:
        """Five full-text disagreements: different reasons, or include vs exclude."""
        by = {}
        pick = {w.wid: w for w in passing}

        def first(pred):
            return next(w for w in passing if pred(w) and w.wid not in by)

        w = first(lambda w: w.ft_reason == "not randomised")
        by[w.wid] = ("B", ("exclude", "wrong comparator", ""))
        w = first(lambda w: w.ft_reason == "wrong population")
        by[w.wid] = ("A", ("exclude", "wrong intervention", ""))
        w = first(lambda w: w.ft_reason == "duplicate report")
        by[w.wid] = ("B", ("exclude", "wrong outcomes", ""))
        w = first(lambda w: w.ft_reason == "wrong outcomes")
        by[w.wid] = ("A", ("exclude", "not randomised", ""))
        w = pick["rationale302_asco2021"]
        by[w.wid] = ("B", ("exclude", "wrong outcomes", ""))
        return by


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def overrides_csv(works: list[Work]) -> str:
    """Pairs a reviewer settled after reading results/dedup/review.tsv."""
    rows = []
    families: dict[str, list[Work]] = {}
    for work in works:
        if work.family and not work.real:
            families.setdefault(work.family, []).append(work)
    for name in sorted(families, key=lambda n: (n.rstrip("0123456789"), n)):
        members = families[name]
        if name.startswith("retitled"):
            work = members[0]
            rows.append([record_id("pubmed", work.ids["pubmed"][0]),
                         record_id("embase", work.ids["embase"][0]), "yes",
                         "Embase kept the in-press title; same DOI on the publisher's page"])  # fmt: skip
            continue
        article = next(w for w in members if w.kind == "article")
        other = next(w for w in members if w is not article)
        note = ("congress abstract and the later full paper: different reports"
                if other.kind == "abstract" else "erratum notice, not the article itself")  # fmt: skip
        for database in DATABASES:
            for native in other.ids.get(database, []):
                for db_article in DATABASES:
                    for native_article in article.ids.get(db_article, []):
                        rows.append([record_id(db_article, native_article),
                                     record_id(database, native), "no", note])  # fmt: skip
    real = {w.wid: w for w in works if w.real}
    rows.append([record_id("pubmed", real["kn590_paper"].pmid),
                 record_id("embase", real["kn590_esmo2020"].ids["embase"][0]), "no",
                 "ESMO 2020 abstract and the Lancet paper: two reports of KEYNOTE-590"])  # fmt: skip
    rows.append([record_id("pubmed", real["attraction3_paper"].pmid),
                 record_id("wos", real["attraction3_erratum"].ids["wos"][0]), "no",
                 "correction notice titled like the paper"])  # fmt: skip
    return to_csv(["record_id_a", "record_id_b", "same", "note"], rows)


# --------------------------------------------------------------------------- reporting


def summary(review: Review) -> str:
    works = review.works
    lines = []
    total = 0
    for database in DATABASES:
        count = sum(len(w.ids.get(database, [])) for w in works)
        total += count
        lines.append(f"{database:9s} {count:5d} records")
    lines.append(f"{'total':9s} {total:5d} records")
    lines.append(f"unique reports (dedup groups)   {len(works)}")
    lines.append(f"duplicates removed              {total - len(works)}")
    in_press = sum(1 for w in works if len(w.ids.get("embase", [])) > 1)
    lines.append(f"  Embase in-press + final pairs  {in_press}")
    lines.append(
        f"  groups needing an override     {sum(1 for w in works if w.retitled)} (same=yes)"
    )
    sizes: dict[int, int] = {}
    for work in works:
        size = sum(len(v) for v in work.ids.values())
        sizes[size] = sizes.get(size, 0) + 1
    lines.append(
        "group sizes                     " + ", ".join(f"{k}: {sizes[k]}" for k in sorted(sizes))
    )
    passed = [w for w in works if w.ta == "pass"]
    lines.append(f"title/abstract screened         {len(works)}")
    lines.append(f"  excluded                      {len(works) - len(passed)}")
    lines.append(f"  passed to full text           {len(passed)}")
    not_retrieved = [w for w in passed if w.ft == "not_retrieved"]
    assessed = [w for w in passed if w.ft != "not_retrieved"]
    lines.append(f"full text sought                {len(passed)}")
    lines.append(f"  not retrieved                 {len(not_retrieved)}")
    lines.append(f"  assessed                      {len(assessed)}")
    reasons: dict[str, int] = {}
    for work in assessed:
        if work.ft == "exclude":
            reasons[work.ft_reason] = reasons.get(work.ft_reason, 0) + 1
    lines.append(f"  excluded                      {sum(reasons.values())}")
    for reason in sorted(reasons):
        lines.append(f"    {reason:28s}{reasons[reason]}")
    included = [w for w in passed if w.ft == "include"]
    studies = sorted({w.study for w in included})
    lines.append(f"  included reports              {len(included)}")
    lines.append(f"  included studies              {len(studies)}: {', '.join(studies)}")
    for text, name in ((review.files["review/ta_resolved.csv"], "title/abstract conflicts"),
                       (review.files["review/ft_resolved.csv"], "full-text conflicts"),
                       (review.files["review/dedup_overrides.csv"], "dedup override rows")):  # fmt: skip
        lines.append(f"{name:32s}{text.count(chr(10)) - 1}")
    return "\n".join(lines)


def truth(review: Review) -> str:
    rows = ["record_id\treport\tstudy\tdatabase\tkind\tcategory"]
    for work in review.works:
        for copy in review.copies[work.wid]:
            rows.append("\t".join([record_id(copy.database, copy.native), work.wid, work.study,
                                   copy.database, work.kind, work.category]))  # fmt: skip
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--summary", action="store_true", help="print expected counts only")
    parser.add_argument("--truth", action="store_true", help="print record_id -> report TSV")
    args = parser.parse_args(argv)
    review = build()
    if args.summary:
        print(summary(review))
        return 0
    if args.truth:
        sys.stdout.write(truth(review))
        return 0
    for relative, text in review.files.items():
        path = HERE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    print(summary(review))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
