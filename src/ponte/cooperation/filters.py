import django_filters
from django.utils.translation import gettext_lazy as _

from ponte.core.countries import CountryFilter
from ponte.core.filters import CityFilterSet, sort_by

from .models import GoodPractice, Initiative


class InitiativeFilter(CityFilterSet):
    search_fields = ("title", "description", "partners__name")
    kind = django_filters.ChoiceFilter(choices=Initiative.Kind.choices, label=_("Kind"))
    country = CountryFilter(field_name="countries", lookup_expr="icontains")
    ordering = sort_by(("title", "title", _("Title")), ("kind", "kind", _("Kind")), ("start_date", "start", _("Start")))

    class Meta:
        model = Initiative
        fields = ["q", "kind", "country"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class GoodPracticeFilter(CityFilterSet):
    search_fields = ("title", "theme", "description", "source_project", "source_organisation__name")
    theme = django_filters.CharFilter(lookup_expr="icontains", label=_("Theme"))
    ordering = sort_by(("title", "title", _("Title")), ("theme", "theme", _("Theme")))

    class Meta:
        model = GoodPractice
        fields = ["q", "theme"]
