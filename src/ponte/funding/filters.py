import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ponte.core.countries import CountryFilter
from ponte.core.filters import CityFilterSet, YearFilter, sort_by
from ponte.core.models import Organisation
from ponte.core.queries import with_descendants

from .models import Call, Programme, Project


class ProjectFilter(CityFilterSet):
    search_fields = ("acronym", "title", "description", "cup", "grant_agreement")
    programme = django_filters.ModelChoiceFilter(
        method="in_programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    kind = django_filters.ChoiceFilter(field_name="programme__kind", choices=Programme.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Project.Status.choices, label=_("Status"))
    year = YearFilter(field_name="start_date", lookup_expr="year", label=_("Start year"))
    ordering = sort_by(
        ("acronym", "acronym", _("Acronym")),
        ("start_date", "start", _("Start")),
        ("eu_contribution", "contribution", _("EU contribution")),
        ("total_budget", "budget", _("Total budget")),
        ("status", "status", _("Status")),
    )

    class Meta:
        model = Project
        fields = ["q", "programme", "kind", "status", "year"]

    def in_programme(self, queryset, name, value):
        """A programme and everything under it (e.g. PNRR and its missions)."""
        return queryset.filter(programme_id__in=with_descendants(value))


class CallFilter(CityFilterSet):
    search_fields = ("identifier", "title", "description", "keywords", "call_identifier")
    status = django_filters.ChoiceFilter(choices=Call.Status.choices, label=_("Status"))
    decision = django_filters.ChoiceFilter(choices=Call.Decision.choices, label=_("Go/no-go"))
    programme = django_filters.ModelChoiceFilter(queryset=Programme.objects.all(), label=_("Programme"))
    responsible_office = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CITY_OFFICE), label=_("Responsible office")
    )
    deadline_after = django_filters.DateFilter(field_name="deadline", lookup_expr="gte", label=_("Deadline from"))
    ordering = sort_by(
        ("fit_score", "fit", _("Fit score")),
        ("deadline", "deadline", _("Deadline")),
        ("identifier", "identifier", _("Identifier")),
        ("title", "title", _("Title")),
    )

    class Meta:
        model = Call
        fields = ["q", "status", "decision", "programme", "responsible_office", "deadline_after"]


class PartnerFilter(CityFilterSet):
    # First: a call puts the organisations whose past projects are closest to it in meaning on top
    # (an explicit sort, below, still wins), and leaves out the city's own bodies, no partners of
    # its calls. Its programme's parents tell whether it is a Horizon Europe call.
    call = django_filters.ModelChoiceFilter(
        method="for_call",
        queryset=Call.objects.select_related("programme__parent__parent").order_by("title"),
        label=_("Closest to the call"),
        widget=forms.Select(attrs={"data-autocomplete": "single"}),
    )
    topic = django_filters.CharFilter(method="by_topic", label=_("Topic"))
    country = CountryFilter()
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"))
    min_projects = django_filters.NumberFilter(
        field_name="project_count",
        lookup_expr="gte",
        min_value=0,
        max_value=10**6,
        label=_("At least this many projects"),
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="participations__project__programme",
        queryset=Programme.objects.all(),
        label=_("Experience in programme"),
        distinct=True,
    )
    ordering = sort_by(
        ("project_count", "projects", _("Number of projects")),
        ("name", "name", _("Name")),
        ("country", "country", _("Country")),
    )

    class Meta:
        model = Organisation
        fields = ["call", "topic", "country", "kind", "min_projects", "programme"]

    def for_call(self, queryset, name, value):
        from .partners import affinities, external, order_by_affinity

        self.affinities = affinities(value)  # the reasons shown beside each organisation
        return order_by_affinity(external(queryset, value.city), self.affinities)

    def by_topic(self, queryset, name, value):
        from .partners import search

        return search(queryset, value)
