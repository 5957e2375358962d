"""The history of changes as people read it: field labels, choice labels, names of related
rows and numbers and dates in the active language (“Stato: In corso → In ritardo”,
“Peso: 1,00 → 1”), never the stored codes (`status: in_progress → delayed`)."""

import datetime
from dataclasses import dataclass

from django import template
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()

EMPTY = "—"


@dataclass(frozen=True)
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_links(self):
        return bool(self.added or self.removed)


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def display_value(field, stored) -> str:
    """One stored value (auditlog keeps text: "in_progress", "1.00", "None", a primary key)."""
    if stored is None or stored == "None" or stored == "":
        return EMPTY
    if field is None:
        return str(stored)
    try:
        value = field.to_python(stored)
    except (ValidationError, TypeError, ValueError):
        return str(stored)
    if value is None:
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.ForeignKey):
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else _("deleted item (%(pk)s)") % {"pk": value}
    if isinstance(field, models.DateTimeField):
        if timezone.is_naive(value):  # auditlog writes instants as naive UTC text
            value = timezone.make_aware(value, datetime.UTC)
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(formats.localize(value, use_l10n=True))


@register.filter
def changes(entry) -> list[Change]:
    """The changes of one log entry, one `Change` per field."""
    model = entry.content_type.model_class()
    described = []
    for name, change in entry.changes_dict.items():
        field = _field(model, name)
        label = capfirst(str(field.verbose_name)) if field is not None else name
        if isinstance(change, dict) and change.get("type") == "m2m":
            objects = tuple(str(item) for item in change.get("objects", ()))
            if change.get("operation") == "delete":
                described.append(Change(label, removed=objects))
            else:
                described.append(Change(label, added=objects))
            continue
        old, new = (list(change) + [None, None])[:2]
        described.append(Change(label, display_value(field, old), display_value(field, new)))
    return described


@register.simple_tag(takes_context=True)
def history_kind(context, entry) -> str:
    """What kind of row an entry of a history changed, as the page names it: the model's name,
    unless the page calls it otherwise (`history_names` in its context, by model: a risk's
    follow-ups are "mitigations")."""
    names = context.get("history_names") or {}
    return names.get(entry.content_type.model) or entry.content_type.name
