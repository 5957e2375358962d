"""Partner search: the organisations and cities the city knows, and consortium suggestions.

A typical EU grant needs at least three independent organisations from three different EU
member states or associated countries. Suggestions complete the city's consortium to meet
that rule, preferring partners with shared history (past projects with the city), relevant
experience (their projects and profile match the call) and partner cities, with reasons."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ponte.core.models import Organisation

from .models import Call, Participation
from .ranking import terms

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


@dataclass
class Suggestion:
    organisation: Organisation
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Consortium:
    suggestions: list[Suggestion]
    countries: list[str]
    meets_rule: bool


def suggest_partners(call: Call, *, limit: int = 8) -> Consortium:
    city = call.city
    wanted = set(terms(" ".join([call.title, call.keywords, call.description[:4000]])))
    organisations = list(
        Organisation.objects.for_city(city)
        .exclude(kind__in=[Organisation.Kind.CITY_OFFICE, Organisation.Kind.BODY, Organisation.Kind.SERVICE])
        .exclude(country="")
    )
    history = defaultdict(list)
    for organisation_id, acronym, title, description, programme_id in Participation.objects.for_city(city).values_list(
        "organisation_id", "project__acronym", "project__title", "project__description", "project__programme_id"
    ):
        history[organisation_id].append((acronym or title, title, description, programme_id))
    candidates = []
    for organisation in organisations:
        country = organisation.country.upper()
        if country == city.country or country not in ELIGIBLE_COUNTRIES:
            continue
        reasons, score = [], 0.0
        past = history.get(organisation.pk, [])
        if past:
            score += min(3, len(past))
            reasons.append(
                _("already a partner of the city in %(projects)s")
                % {"projects": ", ".join(sorted({name for name, *_rest in past})[:3])}
            )
            if call.programme_id and any(programme == call.programme_id for *_r, programme in past):
                score += 1
                reasons.append(_("experience in the same programme"))
        profile = set(
            terms(
                " ".join(
                    [
                        organisation.name,
                        organisation.description,
                        *[f"{title} {description}" for _n, title, description, _p in past],
                    ]
                )
            )
        )
        shared = sorted(wanted & profile)
        if shared:
            score += min(4, len(shared) / 2)
            reasons.append(_("relevant experience: %(words)s") % {"words": ", ".join(shared[:6])})
        if organisation.kind == Organisation.Kind.CITY:
            score += 1.5
            reasons.append(_("a partner city of the plan"))
        if score:
            candidates.append(Suggestion(organisation, score, reasons))
    candidates.sort(key=lambda s: (-s.score, s.organisation.name))
    chosen, countries = [], [city.country]
    for suggestion in candidates:  # first complete the country rule, best partner per new country
        country = suggestion.organisation.country.upper()
        if country not in countries and len(countries) < MIN_COUNTRIES:
            countries.append(country)
            suggestion.reasons.insert(0, _("brings %(country)s to the consortium") % {"country": country})
            chosen.append(suggestion)
    for suggestion in candidates:  # then the best of the rest
        if len(chosen) >= limit:
            break
        if suggestion not in chosen:
            chosen.append(suggestion)
            if suggestion.organisation.country.upper() not in countries:
                countries.append(suggestion.organisation.country.upper())
    return Consortium(chosen, countries, len(set(countries)) >= MIN_COUNTRIES)
