"""Optimistic locking of the staff's edit forms: two people editing one item at once no longer
silently lose the first one's change.

An edit form carries, in a hidden field, the version of the item it was opened on: one short
hash per field the form edits, of the value stored when the page was drawn. Saving compares it
with the values stored now; if someone else changed one of those fields meanwhile, the form is
refused, naming the fields they changed and their values now stored, and carries the new
version, so saving again (after a look) is a decision, not an accident. Fields the form does
not edit may change freely. A post without the field (an integration, a script) is not checked.
`CityModelForm` mixes it in, so every edit form of the back office has it.
"""

import hashlib
import json

from django import forms
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

VERSION_FIELD = "version_opened"
SHOWN_CHARACTERS = 120  # of a long text, in the refusal


def _stored_value(field: models.Field, instance):
    if isinstance(field, models.ManyToManyField):
        return sorted(item.pk for item in field.value_from_object(instance))
    return field.value_from_object(instance)


def _digest(value) -> str:
    text = json.dumps(value, default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _shown(field: models.Field, instance) -> str:
    if isinstance(field, models.ManyToManyField):
        text = ", ".join(str(item) for item in field.value_from_object(instance)) or "—"
    elif field.is_relation:
        text = str(getattr(instance, field.name) or "—")
    elif field.choices:
        text = str(getattr(instance, f"get_{field.name}_display")())
    else:
        value = field.value_from_object(instance)
        text = "—" if value in (None, "") else str(formats.localize(value))
    return text if len(text) <= SHOWN_CHARACTERS else f"{text[:SHOWN_CHARACTERS]}…"


class StaleEditGuard:
    """Mixed into a form that edits one stored item: a model form's `instance`, or the item a
    plain form is given as `versioned=` (its fields named as the model's). Refuses to overwrite
    a change saved after the form was opened."""

    def __init__(self, *args, versioned=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._versioned = {}
        instance = versioned if versioned is not None else getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            return
        model_fields = {field.name: field for field in instance._meta.get_fields()}
        for name in sorted(self.fields):
            field = model_fields.get(name)
            if isinstance(field, models.Field) and (field.concrete or isinstance(field, models.ManyToManyField)):
                self._versioned[name] = field
        # The item as this request read it from the database: what is stored now.
        self._stored = {name: _digest(_stored_value(field, instance)) for name, field in self._versioned.items()}
        self._stored_shown = {name: _shown(field, instance) for name, field in self._versioned.items()}
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[VERSION_FIELD] = self.version()

    def version(self) -> str:
        return ".".join(f"{name}:{digest}" for name, digest in self._stored.items())

    def _changed_since_opened(self, opened: str) -> list[str]:
        pairs = dict(part.split(":", 1) for part in opened.split(".") if ":" in part)
        return [name for name, digest in self._stored.items() if pairs.get(name) != digest]

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._versioned:
            return
        opened = self.data.get(self.add_prefix(VERSION_FIELD)) or ""
        changed = self._changed_since_opened(opened) if opened else []
        if not changed:
            return
        now_stored = "; ".join(
            f"«{self.fields[name].label}»: {self._stored_shown[name]}" for name in changed if name in self.fields
        )
        self.add_error(
            None,
            _(
                "Someone else saved this item after you opened it, and your changes were not saved. "
                "Now stored: %(values)s. Check your changes against these values and save again "
                "to keep yours."
            )
            % {"values": now_stored},
        )
        # Saving again is a choice made after seeing the other change.
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = self.version()
