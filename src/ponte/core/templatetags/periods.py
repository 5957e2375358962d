"""`{{ item|period }}`: an item's start and end dates in words, for whatever has `start_date`
and `end_date`: "1 gennaio 2024 – 30 giugno 2026", "dal 1 gennaio 2024", "fino al 30 giugno
2026", or "—" when neither is known (never "— – —")."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def period(item) -> str:
    start, end = getattr(item, "start_date", None), getattr(item, "end_date", None)
    if start and end:
        return f"{date_format(start)} – {date_format(end)}"
    if start:
        return _("from %(date)s") % {"date": date_format(start)}
    if end:
        return _("until %(date)s") % {"date": date_format(end)}
    return "—"


@register.filter
def period_years(item) -> str:
    """The same in years, for a table: "2024–2026", "dal 2024", "fino al 2026", "—"."""
    start, end = getattr(item, "start_date", None), getattr(item, "end_date", None)
    if start and end:
        return f"{start.year}–{end.year}"
    if start:
        return _("from %(date)s") % {"date": start.year}
    if end:
        return _("until %(date)s") % {"date": end.year}
    return "—"
