import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.filters import CityFilterSet

from .models import GoodPractice, Initiative


class InitiativeFilter(CityFilterSet):
    search_fields = ("title", "description", "partners__name")
    kind = django_filters.ChoiceFilter(choices=Initiative.Kind.choices, label=_("Kind"))
    country = django_filters.CharFilter(field_name="countries", lookup_expr="icontains", label=_("Country (ISO code)"))
    ordering = django_filters.OrderingFilter(
        fields=(("title", "title"), ("kind", "kind"), ("start_date", "start")), label=_("Sort by")
    )

    class Meta:
        model = Initiative
        fields = ["q", "kind", "country"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class GoodPracticeFilter(CityFilterSet):
    search_fields = ("title", "theme", "description", "source_project", "source_organisation__name")
    theme = django_filters.CharFilter(lookup_expr="icontains", label=_("Theme"))
    ordering = django_filters.OrderingFilter(fields=(("title", "title"), ("theme", "theme")), label=_("Sort by"))

    class Meta:
        model = GoodPractice
        fields = ["q", "theme"]
