import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.filters import OrderingFilter

from ponte.core.filters import YearFilter
from ponte.funding.models import Programme, Project
from ponte.participation.models import Event
from ponte.plan.models import Action, AxisItem, Indicator
from ponte.plan.queries import aligned_to


class ActionFilter(django_filters.FilterSet):
    macro_area = django_filters.CharFilter(field_name="line__macro_area__code", help_text="Code of the macro area")
    line = django_filters.CharFilter(field_name="line__code", help_text="Code of the line")
    alignment = django_filters.CharFilter(method="aligned", help_text="Axis reference, e.g. `sdg:11`")

    class Meta:
        model = Action
        fields = ["status", "macro_area", "line", "alignment"]

    def aligned(self, queryset, name, value):
        axis, _sep, code = value.partition(":")
        # The item or one of its sub-items: `sdg:11` finds an action aligned to 11.2.
        return aligned_to(queryset, AxisItem.objects.filter(Q(code=code) | Q(parent__code=code), axis__slug=axis))


class IndicatorFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(field_name="action__code", help_text="Code of the action")

    class Meta:
        model = Indicator
        fields = ["kind", "action"]


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2200})
class ApiYearFilter(YearFilter):
    """A year: a whole number between 1900 and 2200, as the schema says (not any number)."""


class ProjectFilter(django_filters.FilterSet):
    programme_kind = django_filters.ChoiceFilter(field_name="programme__kind", choices=Programme.Kind.choices)
    year = ApiYearFilter(field_name="start_date", lookup_expr="year", help_text="Start year")

    class Meta:
        model = Project
        fields = ["status", "programme_kind", "year"]


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 instant, brought to UTC here: any instant the schema's `date-time` allows is
    accepted (schemathesis' `positive_data_acceptance`), with any offset RFC 3339 allows (say
    +22:17, which PostgreSQL refuses in a query). One that leaves Python's calendar once in UTC
    (0001-01-01T00:00+01:00, 9999-12-31T23:00-02:00) is taken as the calendar's first or last
    instant: the same filter, as every event falls after the one and before the other."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            edge = datetime.datetime.min if value.year == datetime.MINYEAR else datetime.datetime.max
            return edge.replace(tzinfo=datetime.UTC)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class EventFilter(django_filters.FilterSet):
    starts_after = UtcDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields = ["starts_after", "starts_before"]


class NaturalOrderingFilter(OrderingFilter):
    """`?ordering=code` in natural order (1.1.2 before 1.1.10): the code's stored sort key."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering or not any(field.name == "sort_key" for field in queryset.model._meta.get_fields()):
            return ordering
        return [{"code": "sort_key", "-code": "-sort_key"}.get(term, term) for term in ordering]


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter takes `?status=` as no filter at all; the schema's enums, numbers and dates
    do not allow "", so an empty value is refused there with a 400 naming the parameter
    (schemathesis' `negative_data_rejection`): a client that meant a filter learns it sent none.
    A free-text filter (a code) may be empty, as its schema says."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = [
                name
                for name, field in filterset_class.base_filters.items()
                if request.query_params.get(name, None) == "" and not isinstance(field, django_filters.CharFilter)
            ]
            if empty:
                raise ApiValidationError({name: [_("This parameter may not be empty.")] for name in empty})
        return super().filter_queryset(request, queryset, view)
