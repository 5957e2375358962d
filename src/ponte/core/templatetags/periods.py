"""`{{ item|period }}` and `{{ item|period_years }}`: an item's start and end dates in words, for
whatever has `start_date` and `end_date`: "1 gennaio 2024 – 30 giugno 2026" ("2024–2026"), "dal
1 gennaio 2024", "fino al 30 giugno 2026", or "—" when neither is known (never "— – —")."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


def _period(item, shown, separator) -> str:
    start, end = getattr(item, "start_date", None), getattr(item, "end_date", None)
    if start and end:
        return f"{shown(start)}{separator}{shown(end)}"
    if start:
        return _("from %(date)s") % {"date": shown(start)}
    if end:
        return _("until %(date)s") % {"date": shown(end)}
    return "—"


@register.filter
def period(item) -> str:
    return _period(item, date_format, " – ")


@register.filter
def period_years(item) -> str:
    """The same in years, for a table."""
    return _period(item, lambda day: day.year, "–")
