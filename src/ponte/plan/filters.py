import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ponte.core.filters import CityFilterSet, sort_by
from ponte.core.models import Organisation

from . import queries, schedule
from .models import Action, AxisItem, Indicator, Line, MacroArea, Milestone


class ActionFilter(CityFilterSet):
    search_fields = ("code", "title", "description")
    macro_area = django_filters.ModelChoiceFilter(
        field_name="line__macro_area", queryset=MacroArea.objects.all(), label=_("Macro area")
    )
    line = django_filters.ModelChoiceFilter(queryset=Line.objects.all(), label=_("Line"))
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, label=_("Status"))
    # The status computed from the planned trajectory (issue 17), beside the one editors set.
    rag = django_filters.ChoiceFilter(
        choices=schedule.Rag.choices, method="by_rag", label=pgettext_lazy("planned against actual", "Schedule")
    )
    owner_office = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CITY_OFFICE), label=_("Owning office")
    )
    alignment = django_filters.ModelChoiceFilter(
        field_name="alignments",
        queryset=AxisItem.objects.select_related("axis"),
        label=_("Alignment"),
        method="by_alignment",
    )
    ordering = sort_by(
        ("sort_key", "code", _("Code")),
        ("title", "title", _("Title")),
        ("status", "status", _("Status")),
        ("progress", "progress", _("Progress")),
        ("end_date", "end", _("End")),
        ("updated_at", "updated", _("Last updated")),
    )

    class Meta:
        model = Action
        fields = ["q", "macro_area", "line", "status", "rag", "owner_office", "alignment"]

    def by_alignment(self, queryset, name, value):
        """Aligned to the item or to one of its sub-items: SDG 11 finds an action aligned to 11.2."""
        if not value:
            return queryset
        return queries.aligned_to(queryset, queries.item_and_children(value))

    def by_rag(self, queryset, name, value):
        return schedule.filter_by_rag(queryset, timezone.localdate(), value)


class TimelineFilter(CityFilterSet):
    """The timeline's choices: a macro area, an owning office, a computed status, words."""

    search_fields = ("code", "title")
    macro_area = ActionFilter.base_filters["macro_area"]
    owner_office = ActionFilter.base_filters["owner_office"]
    rag = ActionFilter.base_filters["rag"]

    class Meta:
        model = Action
        fields = ["macro_area", "owner_office", "rag"]

    def by_rag(self, queryset, name, value):
        return schedule.filter_by_rag(queryset, timezone.localdate(), value)


class IndicatorFilter(CityFilterSet):
    search_fields = ("code", "name", "name_en", "description")
    kind = django_filters.ChoiceFilter(choices=Indicator.Kind.choices, label=_("Kind"))
    macro_area = django_filters.ModelChoiceFilter(
        method="in_macro_area", queryset=MacroArea.objects.all(), label=_("Macro area")
    )
    ordering = sort_by(("sort_key", "code", _("Code")), ("name", "name", _("Name")), ("unit", "unit", _("Unit")))

    class Meta:
        model = Indicator
        fields = ["q", "kind", "macro_area"]

    def in_macro_area(self, queryset, name, value):
        return queryset.filter(Q(macro_area=value) | Q(line__macro_area=value) | Q(action__line__macro_area=value))


class MilestoneFilter(CityFilterSet):
    search_fields = ("title", "action__code", "action__title")
    owner_office = django_filters.ModelChoiceFilter(
        field_name="action__owner_office",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CITY_OFFICE),
        label=_("Owning office"),
    )
    ordering = sort_by(
        ("due_date", "due", _("Due")), ("action__sort_key", "action", _("Action")), ("title", "title", _("Title"))
    )

    class Meta:
        model = Milestone
        fields = ["q", "owner_office"]
