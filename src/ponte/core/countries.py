"""Countries by name in the active language (Italian first), kept as ISO 3166-1 alpha-2 codes.

A 2-character text field silently cut "Germania" to "GE" (Georgia): every country field of a
form and of a list filter is a searchable choice of names instead (`CountryField`,
`CountriesField`, `CountryFilter`); pages show names (`{{ code|country_name }}`, template
library `countries`); exports and the API keep the codes. Names come from pycountry's
translations of ISO 3166-1."""

import functools
import gettext
import unicodedata

import django_filters
import django_filters.fields
import pycountry
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# Codes in use beyond ISO 3166-1: the EU's Kosovo, and the EU's own codes for Greece and the UK.
EXTRA = {"XK": "Kosovo"}
ALIASES = {"EL": "GR", "UK": "GB"}


def _language() -> str:
    return (get_language() or "it").split("-")[0]


@functools.cache
def _names(language: str) -> dict[str, str]:
    try:
        translate = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:  # no translation (English): pycountry's own names
        translate = str
    names = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        name = translate(common) if common and translate(common) != common else translate(country.name)
        if common and name == country.name:  # no translation of either: the short English name
            name = common
        names[country.alpha_2] = name
    return names | EXTRA


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@functools.cache
def _choices(language: str) -> list[tuple[str, str]]:
    return sorted(_names(language).items(), key=lambda item: _sort_key(item[1]))


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, by name in the active language."""
    return _choices(_language())


def country_name(code: str) -> str:
    """The country's name in the active language; an unknown code as it is."""
    code = (code or "").strip().upper()
    return _names(_language()).get(ALIASES.get(code, code), code)


class CountrySelect(forms.Select):
    """A choice of ~250 countries: searchable by typing (static/ponte/forms.js)."""

    def __init__(self, attrs=None):
        super().__init__({"data-autocomplete": "single", **(attrs or {})})


class CountryField(forms.ChoiceField):
    """A country chosen by name, cleaned to its ISO code. A code already stored that is not in the
    list (an older import's "EL") stays a choice, so the item can be saved unchanged."""

    widget = CountrySelect

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault("label", _("Country"))
        super().__init__(choices=self._all_choices, required=required, **kwargs)
        self.kept = ""

    def _all_choices(self):
        empty = [("", _("Choose…") if self.required else _("(none)"))]
        kept = [(self.kept, self.kept)] if self.kept and self.kept not in _names(_language()) else []
        return [*empty, *kept, *country_choices()]

    def keep(self, code: str) -> None:
        self.kept = (code or "").strip().upper()

    def clean(self, value):
        return super().clean((value or "").strip().upper())


class CountriesField(forms.MultipleChoiceField):
    """Several countries chosen by name, kept as ISO codes separated by commas ("ES, FR")."""

    widget = forms.SelectMultiple(attrs={"data-autocomplete": "multiple"})

    def __init__(self, *, max_length=None, **kwargs):
        kwargs.setdefault("label", _("Countries"))
        kwargs.pop("empty_value", None)
        super().__init__(choices=country_choices, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code.strip().upper() for code in value.split(",") if code.strip()]
        return value

    def clean(self, value):
        return ", ".join(super().clean(self.prepare_value(value)))

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial or ""), data)


def use_country_choices(form) -> None:
    """Make a model form's country fields (2-character codes; a "countries" list of codes) a
    choice of countries by name ("Paese", no longer "Paese (codice ISO)")."""
    for name, field in list(form.fields.items()):
        if not isinstance(field, forms.CharField):
            continue
        common = {"required": field.required}
        if field.max_length == 2 and "country" in name:
            form.fields[name] = CountryField(**common)
            form.fields[name].keep(form.initial.get(name) or "")
        elif name == "countries":
            form.fields[name] = CountriesField(**common)


class _CountryFilterField(django_filters.fields.ChoiceField):
    def to_python(self, value):
        return super().to_python(value).strip().upper()  # "?country=es" of older links


class CountryFilter(django_filters.ChoiceFilter):
    """A list filter by country, chosen by name (searchable)."""

    field_class = _CountryFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Country"))
        kwargs.setdefault("widget", CountrySelect())
        super().__init__(*args, choices=country_choices, **kwargs)
