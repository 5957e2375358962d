"""`{{ amount|euro }}` → "533.000 €", `{{ amount|euro_compact }}` → "533 mila €"."""

from django import template

from ponte.core import money

register = template.Library()
register.filter("euro", money.euro)
register.filter("euro_compact", money.euro_compact)
