"""`{{ code|country_name }}`: a country's name in the active language ("DE" → "Germania");
`{{ codes|country_names }}` for a list of codes separated by commas ("ES, FR" → "Spagna, Francia")."""

from django import template

from ponte.core.countries import country_name as name_of

register = template.Library()


@register.filter
def country_name(code) -> str:
    return name_of(str(code or ""))


@register.filter
def country_names(codes) -> str:
    if isinstance(codes, str):
        codes = codes.split(",")
    return ", ".join(name_of(code) for code in codes or () if str(code).strip())
