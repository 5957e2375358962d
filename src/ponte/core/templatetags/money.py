"""`{{ amount|euro }}` → "533.000 €", `{{ amount|euro_compact }}` → "533 mila €", `{{ value|figure }}` → "1.250,5"."""

from django import template

from ponte.core import money

register = template.Library()
register.filter("euro", money.euro)
register.filter("euro_compact", money.euro_compact)
register.filter("figure", money.figure)  # "3", "1.250,5": a measured value without trailing zeros
