import django_filters
from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .countries import CountryFilter
from .forms import StyledFormMixin
from .models import Organisation, Risk


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


class RiskFilter(CityFilterSet):
    """The register's filters: kind, level, the office concerned, what the risk belongs to, and
    the risks nobody is mitigating (no follow-up of theirs still to do)."""

    ITEM_CHOICES = [("plan.action", _("Actions")), ("funding.project", _("Projects"))]

    kind = django_filters.ChoiceFilter(choices=lambda: Risk.Kind.choices, label=_("Kind"))
    level = django_filters.ChoiceFilter(field_name="level_value", choices=lambda: Risk.Level.choices, label=_("Level"))
    office = django_filters.ModelChoiceFilter(
        method="of_office",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.CITY_OFFICE),
        label=_("Office"),
    )
    item = django_filters.ChoiceFilter(method="of_items", choices=ITEM_CHOICES, label=_("Concerns"))
    unmitigated = django_filters.BooleanFilter(
        method="without_mitigation",
        widget=forms.CheckboxInput,
        label=_("Without an open mitigation"),
    )
    ordering = sort_by(
        ("score_value", "score", _("Score")), ("created_at", "created", _("Recorded")), ("title", "title", _("Title"))
    )

    class Meta:
        model = Risk
        fields = ["q", "kind", "level", "office", "item", "unmitigated"]

    def search(self, queryset, name, value):
        """The risk's title and description, and the code and title of its action or project."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        condition = Q(title__icontains=value) | Q(description__icontains=value)
        action, project = apps.get_model("plan", "Action"), apps.get_model("funding", "Project")
        for model, fields in ((action, ("code", "title")), (project, ("acronym", "title"))):
            matching = model.objects.filter(
                Q(*(Q(**{f"{field}__icontains": value}) for field in fields), _connector=Q.OR)
            ).values("pk")
            condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=matching)
        return queryset.filter(condition)

    def of_office(self, queryset, name, value):
        """Risks of the office's actions, and those owned by one of its people."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        action = apps.get_model("plan", "Action")
        owned = action.objects.filter(owner_office=value).values("pk")
        return queryset.filter(
            Q(owner__organisation=value)
            | Q(content_type=ContentType.objects.get_for_model(action), object_id__in=owned)
        )

    def of_items(self, queryset, name, value):
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType

        return queryset.filter(content_type=ContentType.objects.get_for_model(apps.get_model(value)))

    def without_mitigation(self, queryset, name, value):
        return queryset.filter(has_open_mitigation=False) if value else queryset
