"""Search over everything public, in Italian: words match their family ("cooperazione" finds
"cooperativa") and accents are ignored ("citta" finds "città"); and by meaning, in Italian or
English, for the kinds whose vectors are stored ("sustainable public transport" finds the tram
lines): `run` blends both (see `ponte.intelligence.search`), for the portal and the back office.

Each kind has one function returning a queryset of its public rows (from `public.py`, so a draft,
an internal event or another city's row is never found) that match the words, best first.

- PostgreSQL: full-text search with the 'italian' configuration (`SearchVector`, `SearchQuery`
  in "websearch" syntax, `SearchRank`). Accents are folded with the built-in `translate()` on
  both sides, so no `unaccent` extension (and no migration) is needed.
- Other databases (SQLite in development and tests): the same Snowball Italian stemmer, in
  Python (`snowballstemmer`), on the query and on the text with accents folded. It reads the
  searched columns of the public rows of a kind in one query, then fetches the matches in one
  more: the number of queries does not grow with the data, the rows read do.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, Count, F, Func, IntegerField, TextField, Value, When, Window
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import public

PER_KIND = 20
#: At most this many matches of one kind are counted (SQLite path; PostgreSQL counts them all).
MAX_MATCHES = 1000

_ACCENTED = "àáâäèéêëìíîïòóôöùúûü"
_PLAIN = "aaaaeeeeiiiioooouuuu"
#: Words the PostgreSQL 'italian' configuration drops too (the commonest; a query of only these finds nothing).
_STOP = (
    "a ad al alla alle agli ai all che chi con da dal dalla dalle dai dagli de dei del della delle "
    "degli dello di e ed gli i il in la le lo nel nella nelle nei negli o per su sul sulla tra fra "
    "un una uno non"
)
STOP_WORDS = frozenset(_STOP.split())
_stemmer = snowballstemmer.stemmer("italian")


def fold(text):
    """Lower case, accents removed: "Città" → "citta"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stems(text):
    words = [word for word in re.findall(r"\w+", fold(text)) if word not in STOP_WORDS]
    return set(_stemmer.stemWords(words))


@dataclass
class Hit:
    obj: object
    title: str
    url: str
    summary: str = ""
    by_meaning: bool = False  # found only by meaning: none of the words, a close sense


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list = field(default_factory=list)


def _is_postgresql():
    return connection.vendor == "postgresql"


def _folded(name):
    lower = Func(F(name), function="LOWER", output_field=TextField())
    return Func(lower, Value(_ACCENTED), Value(_PLAIN), function="TRANSLATE", output_field=TextField())


def _match(queryset, query, weighted_fields):
    """The rows of `queryset` matching `query`, best first.

    `weighted_fields` is [(field, "A"|"B"), …]: words in "A" fields (titles) count more.
    """
    queryset = queryset.prefetch_related(None)
    if _is_postgresql():
        vector = None
        for name, weight in weighted_fields:
            part = SearchVector(_folded(name), config="italian", weight=weight)
            vector = part if vector is None else vector + part
        search_query = SearchQuery(fold(query), config="italian", search_type="websearch")
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search_query))
            .filter(search_vector=search_query)  # every word (a rank alone is above 0 for some)
            .order_by("-search_rank", "pk")
        )
    wanted = stems(query)
    if not wanted:
        return queryset.none()
    names = [name for name, _weight in weighted_fields]
    scores = {}
    for pk, *texts in queryset.order_by().values_list("pk", *names).iterator():
        found = {}
        for (_name, weight), text in zip(weighted_fields, texts, strict=True):
            for stem in stems(text or "") & wanted:
                found[stem] = max(found.get(stem, 0), 2 if weight == "A" else 1)
        if len(found) == len(wanted):  # every word, as PostgreSQL's websearch does
            scores[pk] = sum(found.values())
        if len(scores) >= MAX_MATCHES:
            break
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))
    order = Case(*[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(best)], output_field=IntegerField())
    return queryset.filter(pk__in=best).annotate(search_rank=order).order_by("search_rank") if best else queryset.none()


# Each kind: its public rows (`public.py`) and the fields its words are looked for in.


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    visible: Callable  # (city) → the public rows of the kind
    fields: tuple  # ((field, "A"|"B"), …)
    hit: Callable  # (row) → Hit

    def matching(self, city, query):
        """The public rows of `city` that contain every word of `query`, best first."""
        return _match(self.visible(city), query, list(self.fields))


def _url(name, city, anchor="", **kwargs):
    return reverse(name, kwargs={"city": city.slug, **kwargs}) + anchor


def _relation_url(relation):
    try:
        return _url("portal:relation", relation.city, pk=relation.pk)
    except NoReverseMatch:  # no page of its own yet: its row in the list of relations
        return _url("portal:relations", relation.city, anchor=f"#relation-{relation.pk}")


def _indicator_url(indicator):
    if indicator.action_id:
        return _url("portal:action", indicator.city, code=indicator.action.code)
    if indicator.macro_area_id:
        return _url("portal:macro-area", indicator.city, code=indicator.macro_area.code)
    return _url("portal:plan", indicator.city)


KINDS = [
    Kind(
        "actions",
        _("Plan actions"),
        public.actions,
        (("code", "A"), ("title", "A"), ("description", "B")),
        lambda o: Hit(o, f"{o.code} {o.title}", _url("portal:action", o.city, code=o.code), o.description),
    ),
    Kind(
        "indicators",
        _("Indicators"),
        public.indicators,
        (("name", "A"), ("name_en", "A"), ("description", "B"), ("unit", "B")),
        lambda o: Hit(o, o.localized_name, _indicator_url(o), o.description),
    ),
    Kind(
        "projects",
        _("Projects"),
        public.projects,
        (("acronym", "A"), ("title", "A"), ("description", "B"), ("place", "B")),
        lambda o: Hit(o, o.acronym or o.title, _url("portal:project", o.city, pk=o.pk), o.title if o.acronym else ""),
    ),
    Kind(
        "relations",
        _("International relations"),
        public.relations,
        (("partner__name", "A"), ("partner__name_en", "A"), ("description", "B")),
        lambda o: Hit(o, str(o), _relation_url(o), o.description),
    ),
    Kind(
        "networks",
        _("International networks"),
        public.memberships,
        (("network__name", "A"), ("network__name_en", "A"), ("role_detail", "B"), ("working_groups", "B")),
        lambda o: Hit(o, o.network.localized_name, o.get_public_url(), o.role_detail or o.get_role_display()),
    ),
    Kind(
        "candidacies",
        _("Candidacies and awards"),
        public.candidacies,
        (("title", "A"), ("awarding_body__name", "B"), ("outcome", "B")),
        lambda o: Hit(o, f"{o.title} ({o.year})", o.get_public_url(), o.outcome),
    ),
    Kind(
        "events",
        _("Events"),
        public.events,
        (("title", "A"), ("description", "B"), ("venue", "B")),
        lambda o: Hit(o, o.title, o.get_public_url(), o.description),
    ),
    Kind(
        "news",
        _("News"),
        public.news,
        (("title", "A"), ("summary", "B"), ("body", "B")),
        lambda o: Hit(o, o.title, o.get_public_url(), o.summary),
    ),
    Kind(
        "bodies",
        _("Governance bodies"),
        public.bodies,
        (("organisation__name", "A"), ("purpose", "B")),
        lambda o: Hit(o, str(o), _url("portal:body", o.city, pk=o.pk), o.purpose),
    ),
    Kind(
        "faq",
        _("Europe Direct FAQ"),
        public.faq,
        (("faq_question", "A"), ("faq_answer", "B")),
        lambda o: Hit(o, o.faq_question, _url("participation:faq", o.city, anchor=f"#faq-{o.pk}"), o.faq_answer),
    ),
]


@dataclass
class Results:
    """What a search found: the groups of every kind with at least one hit, and what the search by
    meaning could do (`meaning_missing`: visible items without a vector yet, found by words only)."""

    groups: list
    meaning_available: bool = False
    meaning_missing: int = 0

    @property
    def total(self):
        return sum(group.count for group in self.groups)

    @property
    def by_meaning(self):
        return sum(1 for group in self.groups for hit in group.hits if hit.by_meaning)


def run(city, query, kinds, *, per_kind=PER_KIND, meaning=True):
    """The groups of `kinds` with at least one hit (by words, and by meaning for the kinds whose
    vectors are stored), each with its count and first hits. Shared by the portal and the back
    office (`ponte.core.search_views`)."""
    from ponte.intelligence import search as semantic
    from ponte.intelligence.registry import entry_for

    embedded = [kind for kind in kinds if entry_for(kind.visible(city).model) is not None]
    found = semantic.meaning(city, query, [kind.visible(city) for kind in embedded]) if meaning and embedded else None
    groups = []
    for kind in kinds:
        matching = kind.matching(city, query)
        # The total comes with the rows (a window over the matches), so no count query.
        rows = list(matching.annotate(search_total=Window(Count("pk")))[:per_kind])
        count = rows[0].search_total if rows else 0
        meant = found.for_model(matching.model) if found and kind in embedded else []
        if meant:
            ranked = semantic.blend(
                kind.visible(city),
                rows,
                count,
                meant,
                limit=per_kind,
                exact_match=lambda pks, matching=matching: matching.filter(pk__in=pks).values_list("pk", flat=True),
            )
            rows, count = ranked.objects, ranked.count
            hits = [_marked(kind.hit(row), row.pk in ranked.by_meaning) for row in rows]
        else:
            hits = [kind.hit(row) for row in rows]
        if hits:
            groups.append(Group(kind.key, kind.label, count, hits))
    return Results(groups, bool(found and found.available), found.missing if found else 0)


def _marked(hit, by_meaning):
    hit.by_meaning = by_meaning
    return hit


def search(city, query, per_kind=PER_KIND, meaning=True):
    """Everything public in `city` matching `query` (see `run`)."""
    return run(city, query, KINDS, per_kind=per_kind, meaning=meaning)


def searched_kinds():
    return [kind.label for kind in KINDS]
