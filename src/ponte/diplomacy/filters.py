import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet, YearFilter

from .models import Candidacy, Mission, NetworkMembership, Relation, Representation, Theme


class RelationFilter(CityFilterSet):
    search_fields = ("partner__name", "partner__name_en", "description", "signing_act")
    kind = django_filters.ChoiceFilter(choices=Relation.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Relation.Status.choices, label=_("Status"))
    theme = django_filters.ModelChoiceFilter(field_name="themes", queryset=Theme.objects.all(), label=_("Theme"))
    country = django_filters.CharFilter(
        field_name="partner__country", lookup_expr="iexact", label=_("Country (ISO code)")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("partner__name", "partner"), ("kind", "kind"), ("status", "status"), ("signed_on", "signed")),
        label=_("Sort by"),
    )

    class Meta:
        model = Relation
        fields = ["q", "kind", "status", "theme", "country"]


class MembershipFilter(CityFilterSet):
    search_fields = ("network__name", "role_detail", "working_groups")
    role = django_filters.ChoiceFilter(choices=NetworkMembership.Role.choices, label=_("Role"))
    status = django_filters.ChoiceFilter(choices=NetworkMembership.Status.choices, label=_("Status"))
    ordering = django_filters.OrderingFilter(
        fields=(("network__name", "network"), ("role", "role"), ("mandate_end", "mandate")), label=_("Sort by")
    )

    class Meta:
        model = NetworkMembership
        fields = ["q", "role", "status"]


class MissionFilter(CityFilterSet):
    search_fields = ("title", "purpose", "outcomes", "participants", "counterpart__name")
    direction = django_filters.ChoiceFilter(choices=Mission.Direction.choices, label=_("Direction"))
    ordering = django_filters.OrderingFilter(fields=(("start_date", "date"), ("title", "title")), label=_("Sort by"))

    class Meta:
        model = Mission
        fields = ["q", "direction"]


class CandidacyFilter(CityFilterSet):
    search_fields = ("title", "outcome")
    status = django_filters.ChoiceFilter(choices=Candidacy.Status.choices, label=_("Status"))
    year = YearFilter(label=_("Year"))
    ordering = django_filters.OrderingFilter(
        fields=(("year", "year"), ("deadline", "deadline"), ("title", "title")), label=_("Sort by")
    )

    class Meta:
        model = Candidacy
        fields = ["q", "status", "year"]


class RepresentationFilter(CityFilterSet):
    search_fields = ("organisation__name", "address", "contact__full_name")
    kind = django_filters.ChoiceFilter(choices=Representation.Kind.choices, label=_("Kind"))
    country = django_filters.CharFilter(lookup_expr="iexact", label=_("Country (ISO code)"))
    ordering = django_filters.OrderingFilter(fields=(("country", "country"), ("kind", "kind")), label=_("Sort by"))

    class Meta:
        model = Representation
        fields = ["q", "kind", "country"]
