import django_filters

from ponte.core.filters import YearFilter
from ponte.funding.models import Programme, Project
from ponte.participation.models import Event
from ponte.plan.models import Action, Indicator


class ActionFilter(django_filters.FilterSet):
    macro_area = django_filters.CharFilter(field_name="line__macro_area__code", help_text="Code of the macro area")
    line = django_filters.CharFilter(field_name="line__code", help_text="Code of the line")
    alignment = django_filters.CharFilter(method="aligned", help_text="Axis reference, e.g. `sdg:11`")

    class Meta:
        model = Action
        fields = ["status", "macro_area", "line", "alignment"]

    def aligned(self, queryset, name, value):
        axis, _sep, code = value.partition(":")
        return queryset.filter(alignments__axis__slug=axis, alignments__code=code).distinct()


class IndicatorFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(field_name="action__code", help_text="Code of the action")

    class Meta:
        model = Indicator
        fields = ["kind", "action"]


class ProjectFilter(django_filters.FilterSet):
    programme_kind = django_filters.ChoiceFilter(field_name="programme__kind", choices=Programme.Kind.choices)
    year = YearFilter(field_name="start_date", lookup_expr="year", help_text="Start year")

    class Meta:
        model = Project
        fields = ["status", "programme_kind", "year"]


class EventFilter(django_filters.FilterSet):
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Event
        fields = ["starts_after", "starts_before"]
