"""Search over everything public, in Italian: words match their family ("cooperazione" finds
"cooperativa") and accents are ignored ("citta" finds "città").

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


# One function per kind: the public rows of the city that match the words, best first.


def actions(city, query):
    return _match(public.actions(city), query, [("code", "A"), ("title", "A"), ("description", "B")])


def indicators(city, query):
    return _match(
        public.indicators(city), query, [("name", "A"), ("name_en", "A"), ("description", "B"), ("unit", "B")]
    )


def projects(city, query):
    return _match(
        public.projects(city), query, [("acronym", "A"), ("title", "A"), ("description", "B"), ("place", "B")]
    )


def relations(city, query):
    return _match(
        public.relations(city), query, [("partner__name", "A"), ("partner__name_en", "A"), ("description", "B")]
    )


def networks(city, query):
    return _match(
        public.memberships(city),
        query,
        [("network__name", "A"), ("network__name_en", "A"), ("role_detail", "B"), ("working_groups", "B")],
    )


def candidacies(city, query):
    return _match(public.candidacies(city), query, [("title", "A"), ("awarding_body__name", "B"), ("outcome", "B")])


def events(city, query):
    return _match(public.events(city), query, [("title", "A"), ("description", "B"), ("venue", "B")])


def news(city, query):
    return _match(public.news(city), query, [("title", "A"), ("summary", "B"), ("body", "B")])


def bodies(city, query):
    return _match(public.bodies(city), query, [("organisation__name", "A"), ("purpose", "B")])


def faq(city, query):
    return _match(public.faq(city), query, [("faq_question", "A"), ("faq_answer", "B")])


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


#: (key, heading, search function, hit builder)
KINDS = [
    (
        "actions",
        _("Plan actions"),
        actions,
        lambda o: Hit(o, f"{o.code} {o.title}", _url("portal:action", o.city, code=o.code), o.description),
    ),
    ("indicators", _("Indicators"), indicators, lambda o: Hit(o, o.localized_name, _indicator_url(o), o.description)),
    (
        "projects",
        _("Projects"),
        projects,
        lambda o: Hit(o, o.acronym or o.title, _url("portal:project", o.city, pk=o.pk), o.title if o.acronym else ""),
    ),
    (
        "relations",
        _("International relations"),
        relations,
        lambda o: Hit(o, str(o), _relation_url(o), o.description),
    ),
    (
        "networks",
        _("International networks"),
        networks,
        lambda o: Hit(o, o.network.localized_name, o.get_public_url(), o.role_detail or o.get_role_display()),
    ),
    (
        "candidacies",
        _("Candidacies and awards"),
        candidacies,
        lambda o: Hit(o, f"{o.title} ({o.year})", o.get_public_url(), o.outcome),
    ),
    ("events", _("Events"), events, lambda o: Hit(o, o.title, o.get_public_url(), o.description)),
    ("news", _("News"), news, lambda o: Hit(o, o.title, o.get_public_url(), o.summary)),
    (
        "bodies",
        _("Governance bodies"),
        bodies,
        lambda o: Hit(o, str(o), _url("portal:body", o.city, pk=o.pk), o.purpose),
    ),
    (
        "faq",
        _("Europe Direct FAQ"),
        faq,
        lambda o: Hit(o, o.faq_question, _url("participation:faq", o.city, anchor=f"#faq-{o.pk}"), o.faq_answer),
    ),
]


def search(city, query, per_kind=PER_KIND):
    """The groups of every kind with at least one match, each with its count and first hits."""
    groups = []
    for key, label, function, hit in KINDS:
        found = function(city, query)
        # The total comes with the rows (a window over the matches), so no count query.
        rows = list(found.annotate(search_total=Window(Count("pk")))[:per_kind])
        if rows:
            groups.append(Group(key, label, rows[0].search_total, [hit(row) for row in rows]))
    return groups


def searched_kinds():
    return [label for _key, label, _function, _hit in KINDS]
