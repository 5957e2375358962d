"""Ranking of calls by fit with the city's plan, with the reasons of each score.

Score (0–100) = eligibility gate × (55 relevance + 15 alignment + 15 deadline + 15 track record):
- relevance: TF-IDF cosine of the call's text with each plan action's profile (its Italian text
  plus the English names of the SDG targets, flagships and EU priorities it is aligned with,
  and a small Italian→English glossary), best action first;
- alignment: the call's text names the plan's flagships or SDG goals;
- deadline: open or forthcoming with time to prepare (at least three weeks);
- track record: projects the city already obtained from the same programme.
Tenders, closed calls and schemes for individuals or companies are not eligible.

Scores are computed for all the city's calls at once (a background task after each import,
and `manage.py rank_calls` daily) and stored on the calls, so lists sort by fit instantly."""

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import timedelta
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ponte.plan.models import Action

from .models import Call, Project
from .queries import FUNDED

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
RELEVANCE, ALIGNMENT, DEADLINE, TRACK = 55, 15, 15, 15
LEAD_TIME = timedelta(days=21)
INELIGIBLE_SCHEMES = ("ERC-", "MSCA-", "EIC-", "HORIZON-EIC", "-SME-", "ECHE")


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


def axis_vocabulary(city):
    """Flagships and SDG goals with the stems that reveal them in a call's text."""
    from ponte.plan.models import AxisItem

    vocabulary = {}
    for item in AxisItem.objects.for_city(city).filter(axis__slug__in=("flagship", "sdg"), parent__isnull=True):
        stems = {t for t in terms(item.name_en or item.name) if len(t) >= 4}
        if stems:
            vocabulary[item] = stems
    return vocabulary


def tfidf(counter, idf):
    vector = {term: (1 + math.log(count)) * idf.get(term, 0.0) for term, count in counter.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: value / norm for term, value in vector.items() if value}


def eligibility(call: Call):
    if call.is_tender:
        return _("a public tender, not a grant")
    if call.status == Call.Status.CLOSED:
        return _("closed")
    for scheme in INELIGIBLE_SCHEMES:
        if scheme in call.identifier.upper():
            return _("a scheme for individuals, researchers or companies (%(scheme)s)") % {"scheme": scheme.strip("-")}
    return None


def rank_calls(city, calls=None) -> int:
    """Score every call of the city (or the given ones) and store score and reasons."""
    calls = list(calls if calls is not None else Call.objects.for_city(city).select_related("programme"))
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
    index = defaultdict(list)  # term → [(position of the action, weight)]: ints hash fast
    for position, counter in enumerate(profiles.values()):
        for term, weight in tfidf(counter, idf).items():
            index[term].append((position, weight))
    vocabulary = axis_vocabulary(city)
    won = Counter(Project.objects.for_city(city).filter(status__in=FUNDED).values_list("programme_id", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    for call in calls:
        call.fit_score, call.fit_reasons = score(call, documents[call.pk], idf, index, actions, vocabulary, won, today)
    table = connection.ops.quote_name(Call._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # One prepared statement for all rows: much faster than bulk_update's CASE expressions.
        cursor.executemany(
            f"UPDATE {table} SET fit_score = %s, fit_reasons = %s, fit_ranked_at = %s WHERE id = %s",  # noqa: S608
            [(call.fit_score, json.dumps(call.fit_reasons), now, call.pk) for call in calls],
        )
    return len(calls)


def score(call, counter, idf, index, actions, vocabulary, won, today):
    reasons = []
    blocked = eligibility(call)
    vector = tfidf(counter, idf)
    by_action = defaultdict(float)
    shared = defaultdict(list)
    for term, weight in vector.items():
        for position, action_weight in index.get(term, ()):
            by_action[position] += weight * action_weight
            shared[position].append((weight * action_weight, term))
    best = sorted(by_action.items(), key=lambda item: -item[1])[:3]
    relevance = min(1.0, best[0][1] / 0.35) if best else 0.0
    for position, similarity in best:
        action = actions[position]
        if similarity >= 0.05:
            words = ", ".join(term for _w, term in sorted(shared[position], reverse=True)[:5])
            reasons.append(
                _("matches action %(code)s “%(title)s” (%(words)s)")
                % {"code": action.code, "title": action.title, "words": words}
            )
    stems = set(counter)
    hits = [item for item, item_stems in vocabulary.items() if len(item_stems & stems) >= max(1, len(item_stems) // 2)]
    alignment = min(1.0, len(hits) / 2)
    for item in hits[:4]:
        reasons.append(_("serves %(axis)s %(item)s") % {"axis": item.axis.localized_name, "item": item})
    if call.deadline is None:
        deadline = 0.5 if call.status == Call.Status.FORTHCOMING else 0.3
        reasons.append(_("no deadline published yet"))
    elif call.deadline < today:
        deadline = 0.0
        reasons.append(_("deadline passed (%(date)s)") % {"date": call.deadline})
    elif call.deadline - today < LEAD_TIME:
        deadline = 0.3
        reasons.append(_("deadline close: %(date)s") % {"date": call.deadline})
    else:
        deadline = 1.0
        reasons.append(_("time to prepare: deadline %(date)s") % {"date": call.deadline})
    track = min(1.0, won.get(call.programme_id, 0) / 3) if call.programme_id else 0.0
    if track:
        reasons.append(
            _("%(n)d project(s) already obtained in %(programme)s")
            % {"n": won[call.programme_id], "programme": call.programme}
        )
    total = RELEVANCE * relevance + ALIGNMENT * alignment + DEADLINE * deadline + TRACK * track
    if blocked:
        reasons.insert(0, _("not eligible: %(why)s") % {"why": blocked})
        total = 0
    return round(total), reasons
