"""Decide, for each candidate pair, whether two records are one report.

Stage 1 joins records sharing an identifier (DOI, PMID, the same accession in one
database) or the exact title key + year + first page. Stage 2 scores the candidate
pairs of ``block`` with rapidfuzz (``process.cpdist``, vectorised over all pairs) and
weighs first author, year, journal, volume and first page as evidence. Guards veto a
merge that would lose a report: conflicting DOIs, an erratum, comment, reply or
retraction against its article, a conference abstract against the full paper,
different trial phases, different numbers in the title (follow-up reports), years
beyond tolerance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from reviewflow.dedup.prep import Prepared

Verdict = Literal["same", "review", "different"]
Rule = Literal["override", "doi", "pmid", "accession", "title_year_page", "fuzzy"]
RULE_ORDER: dict[str, int] = {
    "override": 0,
    "doi": 1,
    "pmid": 2,
    "accession": 3,
    "title_year_page": 4,
    "fuzzy": 5,
}
"""Strongest evidence first: the order in which ``cluster`` joins pairs."""

LOCATOR_FLOOR = 0.5
"""Titles this similar (or more) with the same first author, year and first page go to
review: a translated or truncated title of the same article."""
IDENTIFIER_TITLE_FLOOR = 0.6
"""Records sharing a DOI whose titles are less similar than this (and not one cut
short) are listed for review instead of merged; errata and other notices, whose
titles each database words its own way, are exempt, and so are PMIDs."""
NOTICES = frozenset({"erratum", "comment", "reply", "retraction"})
LOCATED_TITLE = 0.75
"""Titles this similar (or more) merge when author, year, journal, volume and first
page all agree (``_fully_located``); below it such a pair goes to review."""
LOCATED_PAGE_DIGITS = 2
"""Digits a shared first page needs to outweigh journal names that disagree."""
SHORT_TITLE = 30
"""Title keys shorter than this ('Editorial', 'Nivolumab') need agreeing authors and
pages: a short title alone identifies nothing."""


@dataclass(frozen=True)
class DedupSettings:
    """Thresholds of fuzzy matching.

    Attributes
    ----------
    title_same
        Title similarity (rapidfuzz ``ratio``, 0-1, on folded titles) at or above
        which a pair whose authors, journal, volume and pages do not disagree (or
        where one disagreement is outweighed by three agreeing fields) is merged.
        Lower finds more duplicates with typos and retitled copies, and risks
        merging reports whose titles differ in one word.
    title_review
        Similarity at or above which a pair that is neither clearly one report nor
        clearly two is listed in ``review.tsv``; between the two thresholds a pair is
        merged only when first author, year, first page and volume or journal all
        agree. Lower lists more pairs for a person.
    year_tolerance
        Years two copies may differ by (online-first versus print, Embase's
        conference year). Larger tolerates more and leaves more follow-up reports to
        the other guards.
    workers
        Threads for rapidfuzz's vectorised scoring.
    """

    title_same: float = 0.95
    title_review: float = 0.85
    year_tolerance: int = 1
    workers: int = 1


@dataclass(frozen=True)
class PairVerdict:
    """One pair of records (positions, a < b), the verdict, its rule, score and why."""

    a: int
    b: int
    verdict: Verdict
    rule: Rule
    score: float
    reason: str


def exact_pairs(prepared: Prepared, workers: int = 1) -> list[PairVerdict]:
    """Pairs sharing DOI, PMID, accession (within one source) or title+year+first page.

    Notes
    -----
    Within each shared key every record pairs with the first record of its own kind,
    and the first of each other kind pairs with the key's first record (a pair that a
    guard sends to review rather than merging). A shared DOI with unrelated titles
    (below ``IDENTIFIER_TITLE_FLOOR``) goes to review: Embase gives conference
    abstracts the DOI of the whole supplement.
    """
    title_year_page = [
        f"{title}|{year}|{page}" if title and year >= 0 and page else ""
        for title, year, page in zip(
            prepared.title_key, prepared.year.tolist(), prepared.first_page, strict=True
        )
    ]
    pairs: list[tuple[int, int, Rule]] = []
    rules: tuple[tuple[Rule, list[str]], ...] = (
        ("doi", prepared.doi),
        ("pmid", prepared.pmid),
        ("accession", prepared.accession),
        ("title_year_page", title_year_page),
    )
    for rule, keys in rules:
        first_of: dict[str, int] = {}
        first_of_kind: dict[tuple[str, str], int] = {}
        for position, key in enumerate(keys):
            if not key:
                continue
            first = first_of.setdefault(key, position)
            if first == position:
                first_of_kind[(key, prepared.kind[position])] = position
                continue
            same_kind = first_of_kind.setdefault((key, prepared.kind[position]), position)
            pairs.append((same_kind if same_kind != position else first, position, rule))
    if not pairs:
        return []
    first_positions = np.array([pair[0] for pair in pairs], dtype=np.int64)
    second_positions = np.array([pair[1] for pair in pairs], dtype=np.int64)
    scores = score_titles(prepared, first_positions, second_positions, workers, cutoff=0.0)
    return [
        _identifier_verdict(prepared, a, b, rule, score)
        for (a, b, rule), score in zip(pairs, scores.tolist(), strict=True)
    ]


def _identifier_verdict(
    prepared: Prepared, a: int, b: int, rule: Rule, title_score: float
) -> PairVerdict:
    veto = ""
    titled = bool(prepared.title_key[a]) and bool(prepared.title_key[b])
    if rule != "doi" and _disagrees(prepared.doi, a, b):
        veto = f"same {rule} but different DOIs"
    elif {prepared.kind[a], prepared.kind[b]} == {"abstract", "article"}:
        veto = "conference abstract vs full paper"
    elif prepared.kind[a] != prepared.kind[b]:
        veto = f"same {rule} but {prepared.kind[a]} vs {prepared.kind[b]}"
    elif (
        rule == "title_year_page"
        and _authors_compare(prepared.first_author[a], prepared.first_author[b]) < 0
    ):
        veto = "same title, year and page but different first authors"
    elif (
        rule == "doi"
        and titled
        and prepared.kind[a] not in NOTICES
        and title_score < IDENTIFIER_TITLE_FLOOR
        and not truncated(prepared.title_key[a], prepared.title_key[b])
    ):
        veto = "same DOI but unrelated titles (a supplement's DOI, or a translation?)"
    if veto == f"same {rule} but different DOIs" and not _doi_typo_possible(prepared, a, b):
        return PairVerdict(a, b, "different", rule, title_score, veto)
    if veto:
        return PairVerdict(a, b, "review", rule, title_score, veto)
    return PairVerdict(a, b, "same", rule, 1.0, rule)


def _doi_typo_possible(prepared: Prepared, a: int, b: int) -> bool:
    """Whether two records with different DOIs could still be one article.

    Only when the title is long and first page and volume agree is a mistyped DOI the
    likelier story; an editorial, a column or a series with one title and different
    DOIs is different articles, and listing each pair would bury the reviewer.
    """
    titled = min(len(prepared.title_key[a]), len(prepared.title_key[b])) >= SHORT_TITLE
    return titled and _agrees(prepared.first_page, a, b) and _agrees(prepared.volume, a, b)


def score_titles(
    prepared: Prepared,
    a: np.ndarray,
    b: np.ndarray,
    workers: int,
    cutoff: float = LOCATOR_FLOOR,
) -> np.ndarray:
    """rapidfuzz ``ratio`` (0-1) of the title keys of each pair, vectorised."""
    if len(a) == 0:
        return np.empty(0, dtype=np.float64)
    titles = np.array(prepared.title_key, dtype=object)
    scores = cpdist(
        titles[a],
        titles[b],
        scorer=fuzz.ratio,
        workers=workers,
        score_cutoff=cutoff * 100,
    )
    return scores.astype(np.float64) / 100.0


def worth_deciding(
    prepared: Prepared, a: np.ndarray, b: np.ndarray, scores: np.ndarray, settings: DedupSettings
) -> np.ndarray:
    """Mask of pairs that need ``decide_pair``: similar titles, or the same locator.

    Notes
    -----
    Pairs that a guard would call different whatever else they share (years beyond
    tolerance, different trial phases, different DOIs below ``title_same``) are
    dropped here, vectorised, before the per-pair decision.
    """
    authors = np.array(prepared.first_author, dtype=object)
    pages = np.array(prepared.first_page, dtype=object)
    phases = np.array(prepared.phase, dtype=object)
    dois = np.array(prepared.doi, dtype=object)
    year_a, year_b = prepared.year[a], prepared.year[b]
    same_year = (year_a == year_b) & (year_a >= 0)
    locator = (
        same_year
        & (authors[a] == authors[b])
        & (authors[a] != "")
        & (pages[a] == pages[b])
        & (pages[a] != "")
    )
    far_years = (year_a >= 0) & (year_b >= 0) & (np.abs(year_a - year_b) > settings.year_tolerance)
    similar = scores >= settings.title_review
    worth = similar | ((scores >= LOCATOR_FLOOR) & locator)
    maybe = np.flatnonzero(
        ~worth
        & (scores >= LOCATOR_FLOOR)
        & ~far_years
        & ((authors[a] == authors[b]) | (authors[a] == "") | (authors[b] == ""))
    )
    titles = prepared.title_key
    for index in maybe.tolist():
        worth[index] = truncated(titles[a[index]], titles[b[index]])
    phase_a, phase_b = phases[a], phases[b]
    other_phase = (phase_a != "") & (phase_b != "") & (phase_a != phase_b)
    doi_a, doi_b = dois[a], dois[b]
    other_doi = (doi_a != "") & (doi_b != "") & (doi_a != doi_b) & (scores < settings.title_same)
    return worth & ~far_years & ~other_phase & ~other_doi


def truncated(first: str, second: str) -> bool:
    """Whether one title is the other without its subtitle (or cut short)."""
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= SHORT_TITLE and longer.startswith(shorter + " ")


def _cut_short(prepared: Prepared, a: int, b: int) -> bool:
    """One title is the other cut short, and its numbers are all in the other."""
    if not truncated(prepared.title_key[a], prepared.title_key[b]):
        return False
    shorter, longer = sorted((a, b), key=lambda position: len(prepared.title_key[position]))
    return set(prepared.numbers[shorter].split()) <= set(prepared.numbers[longer].split())


def _disagrees(values: list[str], a: int, b: int) -> bool:
    return bool(values[a]) and bool(values[b]) and values[a] != values[b]


def _agrees(values: list[str], a: int, b: int) -> bool:
    return bool(values[a]) and values[a] == values[b]


def _authors_compare(first: str, second: str) -> int:
    """1 agree, -1 disagree, 0 no evidence (a compound surname may be cut short)."""
    if not first or not second:
        return 0
    if first == second:
        return 1
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) >= 3 and (longer.startswith(shorter) or longer.endswith(shorter)):
        return 1
    return 1 if fuzz.ratio(first, second) >= 85 else -1


@functools.lru_cache(maxsize=65536)
def journals_compare(first: tuple[str, ...], second: tuple[str, ...]) -> int:
    """1 agree, -1 disagree, 0 no evidence; an abbreviation agrees with the full name.

    Notes
    -----
    ISO 4 abbreviations shorten each significant word ("Lancet Oncol" for "The Lancet
    Oncology", "Proc Natl Acad Sci" for "Proceedings of the National Academy of
    Sciences"), so a name agrees with another of as many words when each of its words
    starts like the other's and keeps its letters in order; a name found whole inside a
    longer one agrees too (``_names_within``).
    """
    if not first or not second:
        return 0
    for name_a in first:
        for name_b in second:
            if name_a == name_b or _abbreviates(name_a, name_b) or _abbreviates(name_b, name_a):
                return 1
            if _names_within(name_a, name_b) or _names_within(name_b, name_a):
                return 1
    return -1


CONTAINED_WORDS = 3
"""Words a meeting's name needs for being found inside a longer one to count as agreement."""
MEETING_WORDS = frozenset(["conference", "congress", "symposium", "meeting", "proceedings"])


def _names_within(short: str, full: str) -> bool:
    """'international conference information systems' inside '... systems icis'.

    Proceedings carry their meeting's name with or without its number, theme or
    acronym, so a meeting's name of ``CONTAINED_WORDS`` or more words found whole in
    the other agrees. Journals do not get this: "American Journal of Medicine" is not
    "American Journal of the Medical Sciences", nor "Cancer" "Cancer Research".
    """
    short_words, full_words = short.split(), full.split()
    size = len(short_words)
    if size < CONTAINED_WORDS or size >= len(full_words):
        return False
    if MEETING_WORDS.isdisjoint(short_words):
        return False
    return any(
        full_words[start : start + size] == short_words
        for start in range(len(full_words) - size + 1)
    )


def _abbreviates(short: str, full: str) -> bool:
    """Each word of ``short`` abbreviates the word of ``full`` in the same place."""
    short_words, full_words = short.split(), full.split()
    if len(short_words) != len(full_words):
        return False
    return all(_contracts(word, whole) for word, whole in zip(short_words, full_words, strict=True))


def _contracts(word: str, whole: str) -> bool:
    """'oncol' and 'natl' contract 'oncology' and 'national': same first letter, in order."""
    if word[0] != whole[0]:
        return False
    letters = iter(whole)
    return all(letter in letters for letter in word)


def decide_pair(
    prepared: Prepared, a: int, b: int, score: float, settings: DedupSettings
) -> PairVerdict:
    """Fuzzy verdict on one candidate pair, with the evidence in ``reason``.

    Notes
    -----
    Guards come first and never merge. Then, at or above ``title_same``, a pair
    merges unless the evidence disagrees (a disagreeing volume or journal alone is
    outweighed by an agreeing first author and two other agreeing fields); between the
    thresholds it merges only when first author, year, first page and volume or journal agree;
    two or more disagreements make it different, anything else goes to review.
    """
    guard = _guard(prepared, a, b, score, settings)
    if guard is not None:
        return guard
    author = _authors_compare(prepared.first_author[a], prepared.first_author[b])
    agree = ["first author"] if author > 0 else []
    disagree = ["first author"] if author < 0 else []
    for name, values in (("first page", prepared.first_page), ("volume", prepared.volume)):
        if _agrees(values, a, b):
            agree.append(name)
        elif _disagrees(values, a, b):
            disagree.append(name)
    journal = journals_compare(prepared.journal[a], prepared.journal[b])
    if journal:
        (agree if journal > 0 else disagree).append("journal")
    same_year = bool(prepared.year[a] == prepared.year[b] and prepared.year[a] >= 0)
    if same_year:
        agree.append("year")
    if _other_issue(prepared, a, b):
        disagree.append("issue")
    evidence = "agree: " + ", ".join(agree) if agree else "no other evidence"
    if disagree:
        evidence += "; differ: " + ", ".join(disagree)
    short = min(len(prepared.title_key[a]), len(prepared.title_key[b])) < SHORT_TITLE
    located = author > 0 and "first page" in agree and not disagree
    cut = truncated(prepared.title_key[a], prepared.title_key[b])
    anchored = ("first page" in agree or "volume" in agree) and len(agree) >= 3 + same_year
    if score >= settings.title_same and not short:
        if not disagree or _outweighed(disagree, agree, _disagrees(prepared.issue, a, b)):
            return PairVerdict(a, b, "same", "fuzzy", score, evidence)
    elif cut and author >= 0 and not disagree:
        located_without_authors = len(agree) == 4 and "first page" in agree and "volume" in agree
        if (author > 0 and anchored) or located_without_authors:
            return PairVerdict(a, b, "same", "fuzzy", score, "title lacks subtitle; " + evidence)
        return PairVerdict(a, b, "review", "fuzzy", score, "title lacks subtitle; " + evidence)
    elif score >= settings.title_review:
        if located and same_year and ("volume" in agree or "journal" in agree):
            return PairVerdict(a, b, "same", "fuzzy", score, evidence)
        if _fully_located(prepared, a, b, agree, disagree):
            return PairVerdict(a, b, "same", "fuzzy", score, evidence)
    elif score >= LOCATED_TITLE and _fully_located(prepared, a, b, agree, disagree):
        return PairVerdict(a, b, "same", "fuzzy", score, "retitled; " + evidence)
    elif located and same_year:
        return PairVerdict(a, b, "review", "fuzzy", score, "titles differ; " + evidence)
    else:
        return PairVerdict(a, b, "different", "fuzzy", score, evidence)
    if len(disagree) >= 2:
        return PairVerdict(a, b, "different", "fuzzy", score, evidence)
    reason = ("short title; " if short else "similar titles; ") + evidence
    return PairVerdict(a, b, "review", "fuzzy", score, reason)


def _other_issue(prepared: Prepared, a: int, b: int) -> bool:
    """Same volume, different issue, and no first page on either record.

    Only then is the issue number evidence: exports fill the issue field with
    EndNote record numbers and supplement numbers often enough that, where pages
    exist, they say more.
    """
    pages = prepared.first_page
    return (
        not pages[a]
        and not pages[b]
        and _agrees(prepared.volume, a, b)
        and _disagrees(prepared.issue, a, b)
    )


def _outweighed(disagree: list[str], agree: list[str], other_issue: bool) -> bool:
    """One disagreeing field against near-identical titles and three agreeing ones.

    Databases list authors in another order, print a supplement's page or an
    article number for the first page, or give a translated journal name; a title
    alike (at ``title_same``) with three other fields agreeing outweighs any one of
    those. Not so a first page in another issue (an erratum repeating the title later
    in the volume), nor a different issue alone: editorials and columns repeat their
    titles issue after issue.
    """
    if len(disagree) != 1 or len(agree) < 3 or disagree == ["issue"]:
        return False
    return not (disagree == ["first page"] and other_issue)


def _fully_located(
    prepared: Prepared, a: int, b: int, agree: list[str], disagree: list[str]
) -> bool:
    """First author, year, volume and a real first page agree, and the journal does not differ
    unless the page is one no two articles of that volume would share by chance.

    Two articles cannot start on the same page of one volume of a journal, so such a
    pair is one article whose title a database changed (a prefix such as 'Medical
    progress', a subtitle, a translation's wording). The journal's name may disagree
    (a translated or run-together name: 'Braz J Phys Ther' for 'Revista Brasileira de
    Fisioterapia') when the first page has ``LOCATED_PAGE_DIGITS`` digits or more. Page
    1 is no locator: e-journals print it for every article.
    """
    needed = {"first author", "first page", "volume", "year"}
    if not needed <= set(agree) or prepared.first_page[a] == "1":
        return False
    if not disagree:
        return True
    return disagree == ["journal"] and len(prepared.first_page[a]) >= LOCATED_PAGE_DIGITS


def _guard(
    prepared: Prepared, a: int, b: int, score: float, settings: DedupSettings
) -> PairVerdict | None:
    """A verdict when a guard applies: the pair is not one report."""
    kind_a, kind_b = prepared.kind[a], prepared.kind[b]
    reason = ""
    review = False
    if _disagrees(prepared.doi, a, b):
        reason = "different DOIs"
        review = score >= settings.title_same and _doi_typo_possible(prepared, a, b)
    elif kind_a != kind_b:
        reason = f"{kind_a} vs {kind_b}"
        if {kind_a, kind_b} == {"abstract", "article"}:
            reason = "conference abstract vs full paper"
            review = score >= settings.title_review
    elif _disagrees(prepared.phase, a, b):
        reason = "different trial phases"
    elif (
        prepared.year[a] >= 0
        and prepared.year[b] >= 0
        and abs(int(prepared.year[a]) - int(prepared.year[b])) > settings.year_tolerance
    ):
        reason = "years beyond tolerance"
    elif prepared.numbers[a] != prepared.numbers[b]:
        if _agrees(prepared.first_page, a, b) and _agrees(prepared.volume, a, b):
            return None
        if _cut_short(prepared, a, b):
            return None
        reason = "different numbers in the titles (follow-up report?)"
    if not reason:
        return None
    return PairVerdict(a, b, "review" if review else "different", "fuzzy", score, reason)
