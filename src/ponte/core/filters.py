import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .countries import CountryFilter
from .forms import StyledFormMixin
from .models import Organisation


class YearFilter(django_filters.NumberFilter):
    """A year: a whole number (no amount's placeholder or decimal format), bounded, so a wild
    number is a form error rather than a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)


def sort_by(*options: tuple[str, str, str]) -> django_filters.OrderingFilter:
    """The “Sort by” choice of a list from (model field, URL parameter, label) triples: every
    choice has a translated label, ascending and descending (django-filter would otherwise show
    the parameter itself, in English: “Updated”, “Signed”)."""
    labels = {}
    for field, param, label in options:
        labels[field] = label
        labels[f"-{param}"] = format_lazy(_("{label} (descending)"), label=label)
    return django_filters.OrderingFilter(
        fields=tuple((field, param) for field, param, _label in options),
        field_labels=labels,
        label=_("Sort by"),
        empty_label=_("Default order"),
    )


class CityFilterSet(django_filters.FilterSet):
    """A filter set whose choices come from the current city only."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        for name, flt in self.filters.items():
            queryset = getattr(flt, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_city"):
                self.filters[name].queryset = queryset.for_city(city)

    def get_form_class(self):
        return type("StyledFilterForm", (StyledFormMixin, super().get_form_class()), {})

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class OrganisationFilter(CityFilterSet):
    search_fields = ("name", "name_en", "short_name", "description", "locality")
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"))
    country = CountryFilter()
    ordering = sort_by(("name", "name", _("Name")), ("kind", "kind", _("Kind")), ("country", "country", _("Country")))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country"]
