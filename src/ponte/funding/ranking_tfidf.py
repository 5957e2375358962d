"""The calls ranking Ponte used until issue 18: a TF-IDF of light stems between a call's text and
each plan action's profile (its Italian text, the English names of what it is aligned with and a
small Italian→English glossary). Since issue 18 it is a second opinion only: `ranking.py` fuses
its order of the actions with the order by meaning, and never scores or explains a call with it
(no stem reaches a reason). It is also the baseline the ranking is measured against
(`bench/calls_ranking.py`, `tests/test_ranking_evaluation.py`); `terms` serves the partners'
keyword overlap."""

import math
import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache

from ponte.plan.models import Action

WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOPWORDS = """
the and for with from that this are will into their which have has been also more than such other
within between through across based under over all any can its our they them these those who what when
where how not but may must should could would per via new use used using well each both most very
del della delle dei degli dell nel nella nelle negli con una uno che dal dalla alle agli sul sulla
come sono essere anche piu tra fra suoi sue loro questa questo queste questi quale quali ogni altre
altri altro altra citta comune piano azione azioni livello
"""
STOPWORDS = frozenset(_STOPWORDS.split())  # compared with accent-folded words
# Italian plan vocabulary → the English a call is written in (stems on both sides).
GLOSSARY = {
    "clima": "climate",
    "climatica": "climate",
    "climatico": "climate",
    "neutralit": "neutral",
    "mobilit": "mobility",
    "digitale": "digital",
    "gemello": "twin",
    "cittadinanza": "citizenship",
    "cittadini": "citizens",
    "migranti": "migrants",
    "migrazione": "migration",
    "inclusione": "inclusion",
    "cultura": "culture",
    "culturale": "cultural",
    "pace": "peace",
    "energia": "energy",
    "energetica": "energy",
    "rigenerazione": "regeneration",
    "turismo": "tourism",
    "giovani": "youth",
    "scuole": "schools",
    "formazione": "training",
    "sostenibile": "sustainable",
    "ambiente": "environment",
    "verde": "green",
    "innovazione": "innovation",
    "ricerca": "research",
    "impresa": "business",
    "imprese": "businesses",
    "partecipazione": "participation",
    "democrazia": "democracy",
    "diritti": "rights",
    "razzismo": "racism",
    "sicurezza": "security",
    "cooperazione": "cooperation",
    "sviluppo": "development",
    "urbana": "urban",
    "urbano": "urban",
    "dati": "data",
    "patrimonio": "heritage",
    "alimentari": "food",
    "salute": "health",
    "abitative": "housing",
    "adolescenti": "adolescents",
    "disabilit": "disability",
    "talenti": "talent",
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer good enough for matching across Italian and English plurals."""
    for suffix in (
        "ations",
        "ation",
        "ities",
        "ity",
        "ies",
        "ing",
        "ment",
        "zione",
        "zioni",
        "mente",
        "es",
        "s",
        "e",
        "i",
        "a",
        "o",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


GLOSSARY_PATTERN = re.compile("|".join(sorted(GLOSSARY, key=len, reverse=True)))


def terms(text: str, *, translate: bool = False) -> list[str]:
    """Stems of the meaningful words; `translate` adds the English of Italian plan words."""
    words = [w for w in WORD.findall(fold(text)) if w not in STOPWORDS]
    result = [stem(word) for word in words]
    if translate:
        for word in words:
            match = GLOSSARY_PATTERN.match(word)
            if match:
                result.append(stem(GLOSSARY[match.group()]))
    return result


def action_profiles(city):
    """Each action's text, enriched with the English names of what it is aligned with."""
    actions = Action.objects.for_city(city).select_related("line__macro_area").prefetch_related("alignments__axis")
    profiles = {}
    for action in actions:
        aligned = [item for item in action.alignments.all() if item.axis.slug in ("sdg", "flagship", "eu")]
        text = " ".join(
            [
                action.title,
                action.title,
                action.description,
                action.line.title,
                *[f"{item.name} {item.name_en}" for item in aligned],
            ]
        )
        profiles[action] = Counter(terms(text, translate=True))
    return profiles


def tfidf(counter, idf):
    vector = {term: (1 + math.log(count)) * idf.get(term, 0.0) for term, count in counter.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: value / norm for term, value in vector.items() if value}


def action_rankings(city, calls) -> dict[int, list[tuple[object, float]]]:
    """For each call (by pk), the plan's actions it shares weighted stems with, best first, with
    the TF-IDF cosine — the relevance the old ranking scored 55 of its 100 points on."""
    calls = list(calls)
    profiles = action_profiles(city)
    documents = {
        call.pk: Counter(terms(" ".join([call.title, call.title, call.keywords, call.description[:4000]])))
        for call in calls
    }
    document_frequency = Counter()
    for counter in [*documents.values(), *profiles.values()]:
        document_frequency.update(counter.keys())
    total = len(documents) + len(profiles)
    idf = {term: math.log((1 + total) / (1 + df)) + 1 for term, df in document_frequency.items()}
    actions = list(profiles)
    index = defaultdict(list)  # term → [(position of the action, weight)]
    for position, counter in enumerate(profiles.values()):
        for term, weight in tfidf(counter, idf).items():
            index[term].append((position, weight))
    result = {}
    for call in calls:
        by_action = defaultdict(float)
        for term, weight in tfidf(documents[call.pk], idf).items():
            for position, action_weight in index.get(term, ()):
                by_action[position] += weight * action_weight
        ranked = sorted(by_action.items(), key=lambda item: (-item[1], item[0]))
        result[call.pk] = [(actions[position], similarity) for position, similarity in ranked]
    return result
