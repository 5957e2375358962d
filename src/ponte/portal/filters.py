import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ponte.funding.filters import ProjectFilter
from ponte.funding.models import Project
from ponte.funding.queries import FUNDED
from ponte.plan.models import AxisItem
from ponte.plan.queries import aligned_to, item_and_children

from .citymap import ON_A_POINT


class PublicProjectFilter(ProjectFilter):
    """The back office's project filter, plus theme and place, without internal statuses."""

    status = django_filters.ChoiceFilter(choices=[(status.value, status.label) for status in FUNDED], label=_("Status"))
    theme = django_filters.ModelChoiceFilter(
        field_name="alignments",
        queryset=AxisItem.objects.all(),
        method="filter_theme",
        label=_("Theme (alignment)"),
    )
    place = django_filters.CharFilter(method="filter_place", label=_("Place"))
    located = django_filters.ChoiceFilter(
        method="filter_located",
        choices=[
            ("comune", _("The whole city")),
            ("quartiere", _("A quartiere")),
            ("point", _("Its own point")),
        ],
        label=_("On the map"),
    )

    class Meta(ProjectFilter.Meta):
        fields = ["q", "programme", "kind", "status", "year", "theme", "place", "located"]

    def filter_theme(self, queryset, name, value):
        """Aligned to the theme or to one of its sub-items: SDG 11 finds a project aligned to 11.2."""
        if not value:
            return queryset
        return aligned_to(queryset, item_and_children(value))

    def filter_place(self, queryset, name, value):
        """The address or the quartiere (issue 15: "Navile" finds the projects of that quartiere)."""
        return queryset.filter(Q(place__icontains=value) | Q(quartiere__icontains=value)) if value else queryset

    def filter_located(self, queryset, name, value):
        """The projects of one kind of place of the map (`portal.citymap`): the whole city's marker,
        the quartieri's (with "place", one quartiere) or the projects drawn at their own point."""
        if value == "point":
            return queryset.filter(ON_A_POINT)
        queryset = queryset.exclude(ON_A_POINT)
        if value == "comune":
            return queryset.filter(location=Project.Location.COMUNE)
        if value == "quartiere":
            return queryset.exclude(location__in=["", Project.Location.COMUNE]).exclude(quartiere="")
        return queryset

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.filters["theme"].queryset = (
            AxisItem.objects.for_city(city).filter(parent__isnull=True).select_related("axis").order_by("axis", "order")
        )
