"""Ranking of calls by fit with the city's plan, by meaning and across languages, with the reasons
of each score in Italian.

Each call (title, description, keywords) and each plan action (title, description, the names of
what it is aligned with) has a vector in the multilingual space of `intelligence.embeddings`
(multilingual-e5-small): an English call and an Italian action about the same thing are close.
The vectors are stored (`intelligence.services.vectors_for`), and so are the vectors of the
sentences of each call and of each action quoted in the reasons (`sentence_vectors`), so a text
is embedded once and a daily re-ranking embeds nothing new.

The actions a call serves, best first (`action_rankings`): a reciprocal-rank fusion of
- meaning: the cosine of the call with the action plus the best cosine of one of the call's
  sentences with the action (a long call whose one paragraph is about the action still finds it);
- words: the TF-IDF of stems the ranking used before (`ranking_tfidf`), a second opinion that
  helps where names match (twinning, tourism) and never decides alone;
- shared alignments (SDG goals, EU priorities, flagships) when the call has alignments.

Score (0–100) = eligibility gate × (55 meaning + 15 alignment + 15 deadline + 15 track record):
- meaning: how close the call is to its closest actions, on an absolute scale (MEANING_FLOOR is
  "unrelated", MEANING_FULL "about the same thing") and by how much they stand out from what a
  municipality does in general (BACKGROUND, PEAK_*), so an unrelated call scores low whatever
  words it shares with the plan, and a short title close to every short text too;
- alignment: share of the call's alignments that its best actions also have; a call without
  alignments gives these 15 points to meaning;
- deadline: open or forthcoming with time to prepare (at least three weeks);
- track record: projects the city already obtained from the same programme.
Tenders, closed calls and schemes for individuals or companies are not eligible.

Scores are computed for all the city's calls at once (a background task after each import, and
`manage.py rank_calls` daily) and stored on the calls with their reasons, so lists sort by fit
instantly."""

import html
import json
import re
from collections import Counter
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ponte.intelligence import embeddings
from ponte.intelligence.models import Embedding
from ponte.intelligence.registry import REGISTRY
from ponte.intelligence.services import vectors_for

from . import ranking_tfidf
from .models import Call, Project
from .queries import FUNDED
from .ranking_tfidf import terms  # noqa: F401  (the partners' keyword overlap reads it here)

RELEVANCE, ALIGNMENT, DEADLINE, TRACK = 55, 15, 15, 15
LEAD_TIME = timedelta(days=21)
INELIGIBLE_SCHEMES = ("ERC-", "MSCA-", "EIC-", "HORIZON-EIC", "-SME-", "ECHE")
# The meaning score (mean of the whole text's and of the best sentence's cosine) of a call with
# an action, on two scales measured on the evaluation set (tests/data, `bench/calls_ranking.py`):
# absolute — unrelated topics reach 0.82–0.85 with their closest action, topics about an action
# 0.83–0.89 —, and above the call's baseline (its median score with BACKGROUND): unrelated topics
# stand at most 0.045 above it (most below 0.035), topics about an action 0.04–0.09 (titles
# alone less). A call must be close on both to be about an action.
MEANING_FLOOR, MEANING_FULL = 0.82, 0.88
PEAK_FLOOR, PEAK_FULL = 0.035, 0.085
FUSION_K = 60  # the usual constant of reciprocal-rank fusion, not tuned
REASONS_ACTIONS = 2  # actions quoted in the reasons
ALIGNED_AXES = ("sdg", "eu", "flagship")
SENTENCES_MODEL = f"{embeddings.MODEL_NAME}/sentences"
MAX_SENTENCES = 16
PHRASE_LENGTH = 180
_SPLIT = re.compile(r"(?<=[.;:!?])\s+|\n+")


def eligibility(call: Call):
    if call.is_tender:
        return _("a public tender, not a grant")
    if call.status == Call.Status.CLOSED:
        return _("closed")
    for scheme in INELIGIBLE_SCHEMES:
        if scheme in call.identifier.upper():
            return _("a scheme for individuals, researchers or companies (%(scheme)s)") % {"scheme": scheme.strip("-")}
    return None


# Sentences ----------------------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences of a text (HTML removed), in order, the first MAX_SENTENCES."""
    plain = html.unescape(strip_tags(text or ""))
    found = [" ".join(part.split()) for part in _SPLIT.split(plain)]
    return [sentence for sentence in found if len(sentence) > 3][:MAX_SENTENCES]


def call_sentences(call) -> list[str]:
    """The call's title and sentences, then its keywords as one more (matched, never quoted)."""
    parts = sentences("\n".join([call.title, call.description]))
    keywords = " ".join(html.unescape(strip_tags(call.keywords or "")).split())
    return [*parts, keywords] if keywords else parts


def quotable(call) -> int:
    """How many of `call_sentences` are the call's own sentences (the keywords are not)."""
    return len(sentences("\n".join([call.title, call.description])))


def action_sentences(action) -> list[str]:
    return sentences("\n".join([action.title, action.description or ""]))


def sentence_vectors(objects, sentences_of) -> dict[int, np.ndarray]:
    """The vectors of each object's sentences (a matrix, one row a sentence), by primary key:
    stored next to the object's own vector (`intelligence.Embedding`, model SENTENCES_MODEL) and
    computed only for objects whose sentences are new or changed, in one batch."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    texts = {obj.pk: sentences_of(obj) or [str(obj)] for obj in objects}
    hashes = {pk: embeddings.text_hash("\n".join(parts)) for pk, parts in texts.items()}
    stored = {
        row.object_id: row
        for row in Embedding.objects.filter(
            content_type=content_type, object_id__in=list(texts), model=SENTENCES_MODEL
        ).only("object_id", "text_hash", "vector")
    }
    result, stale = {}, []
    for obj in objects:
        row = stored.get(obj.pk)
        if row is not None and row.text_hash == hashes[obj.pk]:
            result[obj.pk] = embeddings.from_bytes(row.vector).reshape(-1, embeddings.DIMENSIONS)
        else:
            stale.append(obj)
    if stale:
        flat = [sentence for obj in stale for sentence in texts[obj.pk]]
        vectors = embeddings.embed_passages(flat)
        start = 0
        with transaction.atomic():
            for obj in stale:
                matrix = vectors[start : start + len(texts[obj.pk])]
                start += len(texts[obj.pk])
                Embedding.objects.update_or_create(
                    content_type=content_type,
                    object_id=obj.pk,
                    model=SENTENCES_MODEL,
                    defaults={
                        "city_id": obj.city_id,
                        "text_hash": hashes[obj.pk],
                        "vector": embeddings.to_bytes(matrix),
                    },
                )
                result[obj.pk] = matrix
    return result


# Ranking of actions for each call -----------------------------------------------------------


def _alignment_keys(obj) -> set[tuple[str, str]]:
    """What an object is aligned with, at goal level for SDGs (11.2 counts as SDG 11)."""
    keys = set()
    for item in obj.alignments.all():
        if item.axis.slug in ALIGNED_AXES:
            keys.add((item.axis.slug, item.code.split(".")[0] if item.axis.slug == "sdg" else item.code))
    return keys


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(len(scores))
    return ranks


class Matcher:
    """The city's actions, their vectors and alignments, read once to rank many calls."""

    def __init__(self, city, calls):
        self.city = city
        self.calls = list(calls)
        self.actions = list(REGISTRY["plan.Action"].queryset(city).prefetch_related("alignments__axis"))
        self.position = {action.pk: index for index, action in enumerate(self.actions)}
        vectors = vectors_for(self.actions)
        self.matrix = (
            np.vstack([vectors[action.pk] for action in self.actions])
            if self.actions
            else np.zeros((0, embeddings.DIMENSIONS), dtype=np.float32)
        )
        self.action_keys = [_alignment_keys(action) for action in self.actions]
        self.call_vectors = vectors_for(self.calls)
        self.call_sentences = sentence_vectors(self.calls, call_sentences)
        self.words = ranking_tfidf.action_rankings(city, self.calls) if self.actions else {}
        self.background = None  # read from the cache on the first call that needs it

    def meaning(self, call, matrix=None) -> np.ndarray:
        """Per action (or per row of `matrix`): mean of the call's cosine and of its best
        sentence's cosine."""
        matrix = self.matrix if matrix is None else matrix
        whole = matrix @ self.call_vectors[call.pk]
        best_sentence = (self.call_sentences[call.pk] @ matrix.T).max(axis=0)
        return (whole + best_sentence) / 2

    def baseline(self, call) -> float:
        """The call's meaning score with what a municipality does in general (BACKGROUND)."""
        if self.background is None:
            self.background = background_matrix()
        return float(np.median(self.meaning(call, self.background)))

    def overlap(self, call, call_keys) -> np.ndarray:
        if not call_keys:
            return np.zeros(len(self.actions))
        return np.array([len(call_keys & keys) / len(call_keys) for keys in self.action_keys])

    def rank(self, call, call_keys=frozenset()):
        """(positions of the actions best first, meaning per action, overlap per action)."""
        meaning = self.meaning(call)
        words = np.zeros(len(self.actions))
        for action, weight in self.words.get(call.pk, ()):
            words[self.position[action.pk]] = weight
        overlap = self.overlap(call, call_keys)
        fused = 1 / (FUSION_K + _ranks(meaning)) + 1 / (FUSION_K + _ranks(words))
        fused += overlap / (FUSION_K + 1)  # shared alignments weigh as much as one first place
        return np.argsort(-fused, kind="stable"), meaning, overlap


def action_rankings(city, calls) -> dict[int, list[tuple[object, float]]]:
    """For each call (by pk), every plan action best first with its meaning score."""
    calls = list(calls)
    matcher = Matcher(city, calls)
    if not matcher.actions:
        return {call.pk: [] for call in calls}
    result = {}
    for call in calls:
        order, meaning, _overlap = matcher.rank(call, _alignment_keys(call))
        result[call.pk] = [(matcher.actions[index], float(meaning[index])) for index in order]
    return result


# Phrases quoted in the reasons --------------------------------------------------------------


def _clip(text: str) -> str:
    if len(text) <= PHRASE_LENGTH:
        return text
    return text[:PHRASE_LENGTH].rsplit(" ", 1)[0] + "…"


def phrases(call, action, call_parts, call_matrix, action_parts, action_matrix, action_vector):
    """The sentence of the call closest to the action, and the sentence of the action closest
    to that sentence (None when it is only the action's title, quoted anyway)."""
    call_index = int(np.argmax((call_matrix @ action_vector)[: max(1, quotable(call))]))
    action_index = int(np.argmax(action_matrix @ call_matrix[call_index]))
    action_phrase = action_parts[action_index] if action_index < len(action_parts) else None
    if action_phrase == action.title:
        action_phrase = None
    return _clip(call_parts[call_index]), _clip(action_phrase) if action_phrase else None


# Scores -------------------------------------------------------------------------------------


# What a municipality does that is about nothing a call funds in particular: a call's meaning
# score with these (their median) is its baseline, whatever the size of the city's plan. Short
# texts are all close to each other in e5's space; a short title close to a short action is
# only relevant if it is closer to it than to these.
BACKGROUND = (
    "Raccolta differenziata dei rifiuti porta a porta",
    "Manutenzione delle strade e dei marciapiedi comunali",
    "Mense scolastiche e servizi di refezione",
    "Servizi cimiteriali e concessioni",
    "Anagrafe e rilascio della carta d'identità",
    "Riscossione dei tributi locali",
    "Gestione dei parcheggi e dei permessi di sosta",
    "Illuminazione pubblica",
    "Potature e cura del verde pubblico",
    "Iscrizioni agli asili nido",
    "Orari e servizi delle biblioteche di quartiere",
    "Gestione degli impianti sportivi comunali",
    "Controlli della polizia locale",
    "Assegnazione degli alloggi di edilizia pubblica",
    "Assistenza domiciliare agli anziani",
    "Piano comunale di protezione civile",
    "Mercati rionali e commercio su area pubblica",
    "Sportello unico per l'edilizia e i permessi di costruire",
    "Bilancio di previsione e rendiconto del Comune",
    "Gare d'appalto per forniture di cancelleria",
    "Concorsi per l'assunzione di personale comunale",
    "Pulizia delle caditoie e dei tombini",
    "Trasparenza amministrativa e accesso agli atti",
    "Rilascio dei contrassegni per persone con disabilità",
)


def background_matrix() -> np.ndarray:
    """The BACKGROUND texts' vectors: embedded once, kept in the cache every process shares."""
    key = f"ponte:ranking-background:{embeddings.MODEL_NAME}:{embeddings.text_hash(chr(10).join(BACKGROUND))}"
    data = cache.get(key)
    if data is None:
        data = embeddings.to_bytes(embeddings.embed_passages(list(BACKGROUND)))
        cache.set(key, data, timeout=None)
    return embeddings.from_bytes(data).reshape(-1, embeddings.DIMENSIONS)


def meaning_scores(meaning: np.ndarray, baseline: float) -> np.ndarray:
    """How much each action's meaning score says the call is about it (0–1): high on the
    absolute scale AND standing out from the call's baseline (a call close to everything, like a
    very short title, is about nothing in particular)."""
    absolute = np.clip((meaning - MEANING_FLOOR) / (MEANING_FULL - MEANING_FLOOR), 0, 1)
    peak = np.clip((meaning - baseline - PEAK_FLOOR) / (PEAK_FULL - PEAK_FLOOR), 0, 1)
    return np.minimum(absolute, peak)


def rank_calls(city, calls=None) -> int:
    """Score every call of the city (or the given ones) and store score and reasons (in the
    site's language, Italian, whoever triggers the ranking)."""
    calls = list(
        calls
        if calls is not None
        else Call.objects.for_city(city).select_related("programme").prefetch_related("alignments__axis")
    )
    if not calls:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        # Ineligible calls score 0 whatever they say: their texts are not embedded.
        matcher = Matcher(city, [call for call in calls if eligibility(call) is None])
        won = Counter(Project.objects.for_city(city).filter(status__in=FUNDED).values_list("programme_id", flat=True))
        today = timezone.localdate()
        quoted = _quoted_actions(matcher)
        for call in calls:
            call.fit_score, call.fit_reasons = score(call, matcher, quoted, won, today)
    now = timezone.now()
    table = connection.ops.quote_name(Call._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # One prepared statement for all rows: much faster than bulk_update's CASE expressions.
        cursor.executemany(
            f"UPDATE {table} SET fit_score = %s, fit_reasons = %s, fit_ranked_at = %s WHERE id = %s",  # noqa: S608
            [(call.fit_score, json.dumps(call.fit_reasons, ensure_ascii=False), now, call.pk) for call in calls],
        )
    return len(calls)


def _quoted_actions(matcher):
    """The ranking of each call, and the sentence vectors of the actions its reasons quote
    (only those: most actions are never the closest to any call)."""
    rankings = {}
    needed = {}
    for call in matcher.calls:
        ranked = matcher.rank(call, _alignment_keys(call))
        rankings[call.pk] = ranked
        if matcher.actions:
            for index in ranked[0][:REASONS_ACTIONS]:
                needed[matcher.actions[index].pk] = matcher.actions[index]
    return rankings, sentence_vectors(list(needed.values()), action_sentences)


def score(call, matcher, quoted, won, today):
    rankings, action_sentence_vectors = quoted
    reasons = []
    blocked = eligibility(call)
    call_keys = _alignment_keys(call)
    relevance = alignment = 0.0
    if matcher.actions and not blocked:
        order, meaning, overlap = rankings[call.pk]
        best = order[:REASONS_ACTIONS]
        baseline = matcher.baseline(call)
        scores = meaning_scores(meaning, baseline)
        relevance = float(max(scores[index] for index in best))
        if call_keys:
            alignment = float(max(overlap[index] for index in best))
        reasons.extend(_meaning_reasons(call, matcher, best, meaning, scores, action_sentence_vectors, baseline))
        reasons.extend(_alignment_reasons(call, matcher, best, call_keys))
    weight = RELEVANCE if call_keys else RELEVANCE + ALIGNMENT
    # "31 marzo 2027", in the language the reasons are stored in ("E": the month as in a date, lower case in Italian).
    when = date_format(call.deadline, "j E Y") if call.deadline else ""
    if call.deadline is not None and call.deadline < today:
        deadline = 0.0
        reasons.append(_("deadline passed (%(date)s)") % {"date": when})
    elif call.status == Call.Status.CLOSED:
        deadline = 0.0
        reasons.append(_("call closed"))
    elif call.deadline is None:
        deadline = 0.5 if call.status == Call.Status.FORTHCOMING else 0.3
        reasons.append(_("no deadline published yet"))
    elif call.deadline - today < LEAD_TIME:
        deadline = 0.3
        reasons.append(_("deadline close: %(date)s") % {"date": when})
    else:
        deadline = 1.0
        reasons.append(_("time to prepare: deadline %(date)s") % {"date": when})
    track = min(1.0, won.get(call.programme_id, 0) / 3) if call.programme_id else 0.0
    if track:
        reasons.append(
            _("%(n)d project(s) already obtained in %(programme)s")
            % {"n": won[call.programme_id], "programme": call.programme}
        )
    total = weight * relevance + ALIGNMENT * alignment + DEADLINE * deadline + TRACK * track
    if blocked:
        reasons.insert(0, _("not eligible: %(why)s") % {"why": blocked})
        total = 0
    return round(total), reasons


def _meaning_reasons(call, matcher, best, meaning, scores, action_sentence_vectors, baseline):
    reasons = []
    call_parts = call_sentences(call) or [str(call)]
    call_matrix = matcher.call_sentences[call.pk]
    for index in best:
        action = matcher.actions[index]
        if scores[index] <= 0:
            continue
        said, answered = phrases(
            call,
            action,
            call_parts,
            call_matrix,
            action_sentences(action) or [action.title],
            action_sentence_vectors[action.pk],
            matcher.matrix[index],
        )
        values = {"code": action.code, "title": action.title, "call": said, "action": answered}
        if answered:
            reasons.append(
                _("serves action %(code)s “%(title)s”: the call says “%(call)s”; the action: “%(action)s”") % values
            )
        else:
            reasons.append(_("serves action %(code)s “%(title)s”: the call says “%(call)s”") % values)
    if not reasons:
        reasons.append(_no_action_reason(matcher, meaning, baseline))
    return reasons


def _no_action_reason(matcher, meaning, baseline):
    """Why the call scores nothing for meaning, naming the action closest to it in meaning without
    calling it close: either that action is still far (below MEANING_FLOOR), or the call is as
    close to it as to what a municipality does in general (a short or generic text), and more
    detail would tell."""
    index = int(np.argmax(meaning))
    action = matcher.actions[index]
    values = {"code": action.code, "title": action.title}
    if meaning[index] > MEANING_FLOOR:  # close enough on its own, not standing out from the baseline
        return (
            _(
                "no points for the plan: the call is nearest to action %(code)s “%(title)s”, but no nearer than "
                "to what a city does in general; describe the call in more detail (aims, activities, who it is "
                "for) to score its fit"
            )
            % values
        )
    return (
        _("no points for the plan: even its nearest action, %(code)s “%(title)s”, is far in meaning from this call")
        % values
    )


def _alignment_reasons(call, matcher, best, call_keys):
    if not call_keys:
        return []
    shared = []
    for item in call.alignments.all():
        if item.axis.slug not in ALIGNED_AXES:
            continue
        key = (item.axis.slug, item.code.split(".")[0] if item.axis.slug == "sdg" else item.code)
        if any(key in matcher.action_keys[index] for index in best):
            shared.append(f"{item.axis.localized_name} {item}")
    if not shared:
        return []
    return [_("aligned as its closest actions: %(items)s") % {"items": "; ".join(shared[:4])}]
