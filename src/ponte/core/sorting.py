"""Natural order of codes (3.1.2 before 3.1.10) that every database sorts the same way.

A code's sort key pads each run of digits with zeros, so a plain string comparison of keys is
the natural comparison of codes: `3.1.10` → `00000003.00000001.00000010`. Models store the key
in a field filled on save (`NaturalCodeMixin`) and order by it, which works on SQLite and
PostgreSQL alike, in lists, exports, the API and the portal.
"""

import re

from django.db import models

SORT_KEY_LENGTH = 255
_DIGITS = re.compile(r"(\d+)")


def natural_key(code: str) -> str:
    """The string whose order is the natural order of `code` (case-insensitive)."""
    parts = _DIGITS.split(str(code or "").strip())
    key = "".join(part.zfill(8) if part.isdigit() else part.casefold() for part in parts)
    return key[:SORT_KEY_LENGTH]


def sort_key_field():
    return models.CharField(max_length=SORT_KEY_LENGTH, editable=False, default="", db_index=True)


class NaturalCodeMixin(models.Model):
    """A `code` whose `sort_key` is kept in step on every save."""

    sort_key = sort_key_field()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_key = natural_key(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)
