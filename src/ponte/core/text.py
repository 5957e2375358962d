"""Text that every file format can hold: XML (DOCX, XLSX, PDF's HTML) refuses the C0 control
characters other than tab and newlines, lone surrogates and U+FFFE/U+FFFF, and openpyxl raises
IllegalCharacterError on them. One character pasted into an update must not stop a report."""

import dataclasses
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_control_characters(text: str) -> str:
    """The text without the characters no XML document may contain (tab and newlines stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def printable(value, *, _seen=None):
    """`value` (a dataclass, list, dict or model instance, and everything reachable from it
    through fields, related objects already loaded and prefetched lists) with the control
    characters stripped from every text, in place; returns `value`. Nothing is saved."""
    seen = set() if _seen is None else _seen
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, models.Model):
        for name, attribute in vars(value).items():
            if isinstance(attribute, str):
                setattr(value, name, strip_control_characters(attribute))
            elif isinstance(attribute, (list, dict)):
                printable(attribute, _seen=seen)
        for related in value._state.fields_cache.values():
            printable(related, _seen=seen)
        for related in getattr(value, "_prefetched_objects_cache", {}).values():
            printable(list(related), _seen=seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            attribute = getattr(value, field.name)
            if isinstance(attribute, str):
                object.__setattr__(value, field.name, strip_control_characters(attribute))
            else:
                printable(attribute, _seen=seen)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                value[index] = strip_control_characters(item)
            else:
                printable(item, _seen=seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                value[key] = strip_control_characters(item)
            else:
                printable(item, _seen=seen)
    return value


@deconstructible
class NoControlCharacters:
    """A form or model validator: refuses text with characters no document can hold."""

    message = _("The text contains an invisible control character (pasted from another program?): remove it.")
    code = "control_characters"

    def __call__(self, value):
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters)
