import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.countries import CountryFilter
from ponte.core.filters import CityFilterSet, YearFilter, sort_by

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation, Theme


class RelationFilter(CityFilterSet):
    search_fields = ("partner__name", "partner__name_en", "description", "signing_act")
    kind = django_filters.ChoiceFilter(choices=Relation.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Relation.Status.choices, label=_("Status"))
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), label=_("Theme"))
    country = CountryFilter(field_name="partner__country")
    ordering = sort_by(
        ("partner__name", "partner", _("Partner")),
        ("kind", "kind", _("Kind")),
        ("status", "status", _("Status")),
        ("signed_on", "signed", _("Signing date")),
    )

    class Meta:
        model = Relation
        fields = ["q", "kind", "status", "theme", "country"]


class MembershipFilter(CityFilterSet):
    search_fields = ("network__name", "role_detail", "working_groups")
    role = django_filters.ChoiceFilter(choices=NetworkMembership.Role.choices, label=_("Role"))
    status = django_filters.ChoiceFilter(choices=NetworkMembership.Status.choices, label=_("Status"))
    ordering = sort_by(
        ("network__name", "network", _("Network")),
        ("role", "role", _("Role")),
        ("mandate_end", "mandate", _("Mandate end")),
    )

    class Meta:
        model = NetworkMembership
        fields = ["q", "role", "status"]


class MissionFilter(CityFilterSet):
    search_fields = ("title", "purpose", "outcomes", "participants", "counterpart__name")
    direction = django_filters.ChoiceFilter(choices=Mission.Direction.choices, label=_("Direction"))
    ordering = sort_by(("start_date", "date", _("Date")), ("title", "title", _("Title")))

    class Meta:
        model = Mission
        fields = ["q", "direction"]


class CandidacyFilter(CityFilterSet):
    search_fields = ("title", "outcome")
    status = django_filters.ChoiceFilter(choices=Candidacy.Status.choices, label=_("Status"))
    year = YearFilter(label=_("Year"))
    ordering = sort_by(
        ("year", "year", _("Year")), ("deadline", "deadline", _("Deadline")), ("title", "title", _("Title"))
    )

    class Meta:
        model = Candidacy
        fields = ["q", "status", "year"]


class RepresentationFilter(CityFilterSet):
    search_fields = ("organisation__name", "address", "contact__full_name")
    kind = django_filters.ChoiceFilter(choices=Representation.Kind.choices, label=_("Kind"))
    country = CountryFilter()
    ordering = sort_by(("country", "country", _("Country")), ("kind", "kind", _("Kind")))

    class Meta:
        model = Representation
        fields = ["q", "kind", "country"]
