"""Search by meaning, blended with the keyword search: the portal's search and the back office's.

A person's words are matched two ways, kind by kind (actions, projects, relations, …):
- by their words (`ponte.portal.search`: Italian stems, every word must appear), the *exact* hits;
- by meaning: the query's e5 vector against the stored vectors of the objects (`Embedding`,
  computed in the background when a text changes; never in the request). Italian and English
  share the space, so "sustainable public transport" finds "Prima linea tranviaria".

The two rankings are merged by reciprocal rank fusion (RRF, k = 60): an object's score is the sum
of 1 / (60 + rank) over the rankings that found it. Exact hits always stay above the hits found
only by meaning (ordered among themselves by the fused score, so an exact hit that also means
what was asked rises), and those are marked `by_meaning`.

Similarity. e5's cosines crowd into 0.75–0.90 whatever the texts, so a fixed cut on them lets
unrelated things in or keeps related ones out. The vectors are first *centred*: the mean passage
vector is subtracted from each object's vector and the mean query vector from the query's (both
measured once on reference texts, `data/search-centres.npz`, made by `bench/search.py --centres`),
then re-normalised. What all texts share (the language, the prefix, "the municipality") goes;
what the text is about remains. On the Bologna data set the centred cosine of relevant objects
is 0.17–0.50 and unrelated queries ("ornitorinco", "recipe for lasagna", "football") stay below
0.17 (see README "Suggestions and semantic search"). A hit by meaning needs both:
- `MEANING_FLOOR`: the centred cosine at least 0.165;
- `MEANING_RELATIVE`: at least 55 % of the best score of the query, so a strong match does not
  drag weak ones in with it.

Cost per search, whatever the data: the query's vector (20–50 ms once the model is loaded), one
query for the version of the city's stored vectors (the matrix itself is kept per process and
read again only when a vector changed), one to count the visible objects without a vector, and
at most one per kind to read the hits found only by meaning."""

import logging
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, Max, Subquery, Value
from django.db.models.functions import Coalesce

from . import embeddings
from .models import Embedding

logger = logging.getLogger(__name__)

CENTRES = Path(__file__).resolve().parent / "data" / "search-centres.npz"
MEANING_FLOOR = 0.165
MEANING_RELATIVE = 0.55
#: Hits found only by meaning, at most, per kind.
MEANING_PER_KIND = 8
RRF_K = 60


@dataclass
class Ranked:
    """One kind's blended result: the objects to show, best first, and how many there are."""

    objects: list
    count: int
    by_meaning: set = field(default_factory=set)  # pks found only by meaning
    scores: dict = field(default_factory=dict)  # pk → centred cosine, for the objects found by meaning


@dataclass
class Meaning:
    """The query's matches by meaning in one city: {content type id: [(pk, score), …] best first},
    and how many visible objects have no vector yet (found by their words only, meanwhile)."""

    matches: dict
    missing: int = 0
    available: bool = True

    def for_model(self, model) -> list[tuple[int, float]]:
        return self.matches.get(ContentType.objects.get_for_model(model).pk, [])


# ---------------------------------------------------------------------------------------------
# Vectors


@lru_cache(maxsize=1)
def centres() -> tuple[np.ndarray, np.ndarray]:
    """(mean passage vector, mean query vector) of the embedding model on reference texts."""
    with np.load(CENTRES) as data:
        if str(data["model"]) != embeddings.MODEL_NAME:
            logger.warning("search centres were measured with %s, not %s", data["model"], embeddings.MODEL_NAME)
        return data["passage"].astype(np.float32), data["query"].astype(np.float32)


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def centred_passages(matrix: np.ndarray) -> np.ndarray:
    return _normalised(matrix - centres()[0])


def centred_query(text: str) -> np.ndarray:
    return _normalised(embeddings.embed_query(text) - centres()[1])


class _CityVectors:
    """The stored vectors of each city, centred, kept per process: {city id: (version, {content
    type id: (pks, matrix)})}. The version (how many vectors, the latest change) is asked at each
    search in one small query; the vectors are read again only when it changed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cities: dict = {}

    @staticmethod
    def _rows(city):
        return Embedding.objects.filter(city=city, model=embeddings.MODEL_NAME)

    def get(self, city) -> dict:
        found = self._rows(city).aggregate(n=Count("pk"), last=Max("updated_at"))
        version = (found["n"], found["last"])
        with self._lock:
            cached = self._cities.get(city.pk)
        if cached and cached[0] == version:
            return cached[1]
        by_type: dict[int, tuple[list, list]] = {}
        for type_id, pk, vector in self._rows(city).values_list("content_type_id", "object_id", "vector").iterator():
            pks, vectors = by_type.setdefault(type_id, ([], []))
            pks.append(pk)
            vectors.append(embeddings.from_bytes(vector))
        matrices = {
            type_id: (np.array(pks, dtype=np.int64), centred_passages(np.vstack(vectors)))
            for type_id, (pks, vectors) in by_type.items()
        }
        with self._lock:
            self._cities[city.pk] = (version, matrices)
        return matrices

    def clear(self):
        with self._lock:
            self._cities.clear()


city_vectors = _CityVectors()


def _without_vectors(city, querysets) -> int:
    """How many rows of `querysets` (the visible ones of each kind searched by meaning) have no
    vector yet, counted in one query."""
    if not querysets:
        return 0
    counts = {}
    for n, queryset in enumerate(querysets):
        model = queryset.model
        stored = Embedding.objects.filter(
            content_type=ContentType.objects.get_for_model(model), model=embeddings.MODEL_NAME
        ).values("object_id")
        missing = (
            model._base_manager.filter(pk__in=queryset.order_by().values("pk"))
            .exclude(pk__in=stored)
            .annotate(group=Value(1))
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        counts[f"missing_{n}"] = Coalesce(Subquery(missing, output_field=IntegerField()), 0)
    from ponte.core.models import City

    row = City.objects.filter(pk=city.pk).annotate(**counts).values(*counts).get()
    return sum(row.values())


def meaning(city, query: str, querysets=()) -> Meaning:
    """The objects of `city` whose stored vector is close to the query's, by content type (the
    kinds of `querysets`; the caller keeps the visible rows), and how many of those lack a vector.
    Never embeds an object: one without a vector is found by its words only until the
    background refresh (asked for here) computes it."""
    from .services import schedule_refresh

    querysets = list(querysets)
    missing = _without_vectors(city, querysets)
    if missing:
        schedule_refresh(city.pk)
    matrices = city_vectors.get(city)
    if not matrices:
        return Meaning({}, missing, available=False)
    try:
        vector = centred_query(query)
    except Exception:  # the model cannot load: the keyword search alone answers
        logger.exception("the query could not be embedded; keyword search only")
        return Meaning({}, missing, available=False)
    wanted = {ContentType.objects.get_for_model(queryset.model).pk for queryset in querysets}
    scored = {
        type_id: (pks, matrix @ vector)
        for type_id, (pks, matrix) in matrices.items()
        if not wanted or type_id in wanted  # the kinds searched only: their best sets the cut
    }
    best = max((float(scores.max()) for _pks, scores in scored.values() if len(scores)), default=0.0)
    cut = max(MEANING_FLOOR, MEANING_RELATIVE * best)
    matches = {}
    for type_id, (pks, scores) in scored.items():
        keep = np.flatnonzero(scores >= cut)
        order = keep[np.argsort(-scores[keep], kind="stable")]
        matches[type_id] = [(int(pks[i]), float(scores[i])) for i in order]
    return Meaning(matches, missing)


# ---------------------------------------------------------------------------------------------
# Blending


def fuse(keyword: list[int], meant: list[int]) -> list[int]:
    """Reciprocal rank fusion of two rankings of pks: every pk of `keyword` (the exact hits) first,
    in the fused order, then the pks found only by meaning, in the fused order."""
    score: dict[int, float] = {}
    for ranking in (keyword, meant):
        for rank, pk in enumerate(ranking, start=1):
            score[pk] = score.get(pk, 0.0) + 1.0 / (RRF_K + rank)
    exact = set(keyword)
    return sorted(score, key=lambda pk: (pk not in exact, -score[pk]))


def blend(visible, exact_rows: list, exact_count: int, meant: list[tuple[int, float]], *, limit: int, exact_match=None):
    """One kind's blended result.

    `visible`: the queryset of the rows the person may see (hits by meaning are read from it, so
    a draft or another city's row never shows); `exact_rows`: the first keyword hits, best first,
    of `exact_count` in all; `meant`: [(pk, score)] by meaning, best first; `exact_match(pks)`:
    which of `pks` match the words (asked only when the keyword hits were cut at `limit`, so a
    keyword hit beyond the first page is not counted twice nor marked as found by meaning)."""
    exact_pks = [row.pk for row in exact_rows]
    scores = dict(meant)
    candidates = [pk for pk, _score in meant if pk not in set(exact_pks)]
    if candidates and exact_count > len(exact_pks) and exact_match is not None:
        also_exact = set(exact_match(candidates))
        candidates = [pk for pk in candidates if pk not in also_exact]
    candidates = candidates[:MEANING_PER_KIND]
    extra = {}
    if candidates and len(exact_pks) < limit:
        extra = {row.pk: row for row in visible.filter(pk__in=candidates)}
    only_meaning = [pk for pk in candidates if pk in extra]
    rows = {row.pk: row for row in exact_rows} | extra
    order = fuse(exact_pks, [pk for pk, _score in meant if pk in rows])
    shown = [rows[pk] for pk in order][:limit]
    return Ranked(
        objects=shown,
        count=exact_count + len(only_meaning),
        by_meaning=set(only_meaning),
        scores={pk: scores[pk] for pk in rows if pk in scores},
    )
