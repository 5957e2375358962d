"""Partner search: the organisations and cities the city knows, and consortium suggestions.

A typical EU grant needs at least three independent organisations from three different EU
member states or associated countries. Which countries are associated depends on the programme:
the list here is Horizon Europe's, applied to Horizon Europe calls only; for the other
programmes only EU member states count (their associated countries must be checked in the call).
The city itself and its own offices, governance bodies and services are never partners.
Suggestions complete the city's consortium to meet
that rule, preferring partners whose past projects are closest in meaning to the call (the
cosine similarity of the projects' stored embeddings with the call's, across Italian and
English: `affinities`), then shared history (past projects with the city) and partner cities,
with reasons that name the closest past project."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, FloatField, Q, Value, When
from django.utils.translation import gettext as _

from ponte.core.countries import country_name
from ponte.core.models import Organisation
from ponte.intelligence.services import schedule_refresh, similarity, vectors_for

from .models import Call, Participation, Project

EU_MEMBER_STATES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
# Countries associated to Horizon Europe (status 2025); other programmes have their own lists.
ASSOCIATED_COUNTRIES = frozenset(
    [
        "NO",
        "IS",
        "LI",
        "UA",
        "IL",
        "RS",
        "ME",
        "MK",
        "AL",
        "BA",
        "MD",
        "GE",
        "AM",
        "FO",
        "TN",
        "NZ",
        "CA",
        "GB",
        "TR",
        "KR",
        "CH",
    ]
)
ELIGIBLE_COUNTRIES = EU_MEMBER_STATES | ASSOCIATED_COUNTRIES
MIN_COUNTRIES = 3
HORIZON_EUROPE = "horizon"  # the programme's code (programmes.yaml, the CORDIS and F&T importers)
# The city's own bodies: they take part in its projects but are never its partners.
INTERNAL_KINDS = (Organisation.Kind.CITY_OFFICE, Organisation.Kind.BODY, Organisation.Kind.SERVICE)


def is_horizon_europe(call: Call) -> bool:
    """Whether the call belongs to Horizon Europe: its programme (or a programme it is part of,
    e.g. a mission) is coded `horizon`, or the portal published it under Horizon Europe. Reads the
    programme and its parents as loaded with the call (select_related) when it has one."""
    programme = call.programme if call.programme_id else None
    for _level in range(3):
        if programme is None:
            break
        if programme.slug == HORIZON_EUROPE:
            return True
        programme = programme.parent if programme.parent_id else None
    published = f"{call.framework_programme} {call.identifier}".upper()
    if "43108390" in published:  # Horizon Europe's code at the Funding & Tenders portal
        return True
    return "HORIZON" in published and "H2020" not in published and "HORIZON 2020" not in published


def external(queryset, city, *, via=""):
    """The organisations of `queryset` that can be partners of the city: neither the city itself
    (its tax code) nor its own offices, governance bodies and services. `via` reads them through
    a relation, e.g. "organisation__" for participations."""
    queryset = queryset.exclude(**{f"{via}kind__in": INTERNAL_KINDS})
    if city.tax_code:
        queryset = queryset.exclude(**{f"{via}tax_code": city.tax_code})
    return queryset


def partner_directory(city):
    """Every organisation of the city's directory with its experience in EU projects."""
    return (
        Organisation.objects.for_city(city)
        .select_related("parent")
        .annotate(project_count=Count("participations__project", distinct=True))
    )


def search(queryset, topic: str):
    """Organisations whose profile or projects speak about `topic`."""
    condition = Q()
    for word in topic.split():
        condition &= (
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(participations__project__title__icontains=word)
            | Q(participations__project__description__icontains=word)
        )
    return queryset.filter(condition).distinct()


# Cosine similarities of e5 passages sit between about 0.78 (unrelated) and 0.92 (the same
# subject in other words); a past project counts from FLOOR and fully at CEILING.
FLOOR, CEILING = 0.80, 0.90
# Past projects whose vector is missing (the background refresh has not run yet) computed within
# a request at most; the rest wait for the refresh, which is queued.
COMPUTE_IN_REQUEST = 32


@dataclass(frozen=True)
class Affinity:
    """An organisation's past project closest in meaning to a call."""

    similarity: float  # cosine, -1…1
    project_id: int
    project_title: str

    @property
    def relevance(self) -> float:
        """0 (unrelated) … 1 (the same subject)."""
        return max(0.0, min(1.0, (self.similarity - FLOOR) / (CEILING - FLOOR)))

    @property
    def label(self) -> str:
        """How close, in words (a cosine means nothing to a person)."""
        if self.relevance >= 0.7:
            return _("very close in meaning")
        if self.relevance >= 0.4:
            return _("close in meaning")
        if self.relevance > 0:
            return _("somewhat close in meaning")
        return _("far in meaning")


@dataclass
class Affinities:
    by_organisation: dict[int, Affinity]
    waiting: int = 0  # past projects not compared yet (their vectors are being computed)


def affinities(call: Call) -> Affinities:
    """For every organisation with past projects in the city's portfolio, the one closest in meaning
    to the call. A fixed number of queries whatever the size of the directory: the participations,
    the projects, their stored vectors and the call's."""
    city = call.city
    # The city itself and its own bodies take part in its projects, but are no partners of its own.
    participations = external(Participation.objects.for_city(city), city, via="organisation__")
    projects = list(
        Project.objects.for_city(city)
        .filter(pk__in=participations.values("project_id"))
        .only("pk", "city_id", "title", "acronym", "description", "measure_name", "submeasure_name")
    )
    if not projects:
        return Affinities({})
    stored = vectors_for(projects, compute_missing=False)
    missing = [project for project in projects if project.pk not in stored]
    stored.update(vectors_for(missing[:COMPUTE_IN_REQUEST]))
    if len(missing) > COMPUTE_IN_REQUEST:
        schedule_refresh(city.pk)
    scores = similarity(vectors_for([call])[call.pk], stored)
    titles = {project.pk: project.title for project in projects}
    best: dict[int, Affinity] = {}
    for organisation_id, project_id in participations.values_list("organisation_id", "project_id"):
        if project_id not in scores:
            continue
        affinity = Affinity(scores[project_id], project_id, titles[project_id])
        current = best.get(organisation_id)
        if current is None or (affinity.similarity, -project_id) > (current.similarity, -current.project_id):
            best[organisation_id] = affinity
    return Affinities(best, waiting=max(0, len(missing) - COMPUTE_IN_REQUEST))


def closest_project_reason(affinity: Affinity) -> str:
    return _("the past project closest to the call: “%(title)s”") % {"title": affinity.project_title}


def order_by_affinity(queryset, found: Affinities):
    """The directory with the organisations closest to the call first (`affinity`: the cosine of
    their closest past project; 0 without past projects), then by experience and name."""
    cases = [When(pk=pk, then=Value(affinity.similarity)) for pk, affinity in found.by_organisation.items()]
    annotated = queryset.annotate(
        affinity=Case(*cases, default=Value(0.0), output_field=FloatField()) if cases else Value(0.0)
    )
    return annotated.order_by("-affinity", "-project_count", "name")


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    reasons: list[str] = field(default_factory=list)
    affinity: Affinity | None = None


@dataclass
class Consortium:
    suggestions: list[Suggestion]
    countries: list[str]
    meets_rule: bool
    waiting: int = 0  # past projects not compared with the call yet
    horizon: bool = False  # Horizon Europe: its associated countries count for the rule
    compared: bool = False  # some organisation has a past project compared in meaning with the call


def suggest_partners(call: Call, *, limit: int = 8, found: Affinities | None = None) -> Consortium:
    city = call.city
    found = affinities(call) if found is None else found
    horizon = is_horizon_europe(call)
    counted = ELIGIBLE_COUNTRIES if horizon else EU_MEMBER_STATES
    organisations = list(external(Organisation.objects.for_city(city), city).exclude(country=""))
    history = defaultdict(list)
    for organisation_id, acronym, title, programme_id in Participation.objects.for_city(city).values_list(
        "organisation_id", "project__acronym", "project__title", "project__programme_id"
    ):
        history[organisation_id].append((acronym or title, programme_id))
    candidates = []
    for organisation in organisations:
        country = organisation.country.upper()
        if country == city.country.upper() or country not in counted:
            continue
        reasons, score = [], 0.0
        affinity = found.by_organisation.get(organisation.pk)
        if affinity is not None and affinity.relevance > 0:
            # Meaning first: a partner whose past work is the call's subject outranks history alone.
            score += 10 * affinity.relevance
            reasons.append(closest_project_reason(affinity))
        past = history.get(organisation.pk, [])
        if past:
            score += min(2, len(past))
            reasons.append(
                _("already a partner of the city in %(projects)s")
                % {"projects": ", ".join(sorted({name for name, _programme in past})[:3])}
            )
            if call.programme_id and any(programme == call.programme_id for _name, programme in past):
                score += 1
                reasons.append(_("experience in the same programme"))
        if organisation.kind == Organisation.Kind.CITY:
            score += 1.5
            reasons.append(_("a partner city of the plan"))
        if score:
            candidates.append(Suggestion(organisation, score, reasons, affinity))
    candidates.sort(key=lambda s: (-s.score, s.organisation.name))
    chosen, countries = [], [city.country.upper()]
    for suggestion in candidates:  # first complete the country rule, best partner per new country
        country = suggestion.organisation.country.upper()
        if country not in countries and len(countries) < MIN_COUNTRIES:
            countries.append(country)
            suggestion.reasons.insert(0, _("brings %(country)s to the consortium") % {"country": country_name(country)})
            chosen.append(suggestion)
    for suggestion in candidates:  # then the best of the rest
        if len(chosen) >= limit:
            break
        if suggestion not in chosen:
            chosen.append(suggestion)
            if suggestion.organisation.country.upper() not in countries:
                countries.append(suggestion.organisation.country.upper())
    chosen.sort(key=lambda s: (-s.score, s.organisation.name))
    return Consortium(
        chosen,
        countries,
        len(set(countries)) >= MIN_COUNTRIES,
        waiting=found.waiting,
        horizon=horizon,
        compared=bool(found.by_organisation),
    )
