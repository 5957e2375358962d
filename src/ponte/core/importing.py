"""One framework for every import: read → validate every row → report every error → apply
in one transaction → idempotent upsert by natural key.

An importer collects `RowError`s while it validates; if there is any, nothing is written and
`ImportFailed` carries them all, each naming file, row and field.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    file: str
    row: int | str
    field: str
    message: str

    def __str__(self):
        return _("%(file)s, row %(row)s, field “%(field)s”: %(message)s") % {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        parts = [f"{kind}: +{n}" for kind, n in sorted(self.created.items())]
        parts += [f"{kind}: ~{n}" for kind, n in sorted(self.updated.items())]
        return ", ".join(parts) or _("nothing to change")


def parse_date(value) -> datetime.date | None:
    """A cell or YAML value as a date (ISO `YYYY-MM-DD`); empty is None; ValueError names the value."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD)") % {"value": value}) from None


def parse_decimal(value) -> Decimal | None:
    """A cell or YAML value as a Decimal (never through float arithmetic); a decimal comma is
    accepted, as Italian spreadsheets write it; empty is None; ValueError names the value."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None


def upsert(model: type[models.Model], lookup: dict, values: dict, report: ImportReport | None = None):
    """Create or update one row by its natural key, saving only when something differs.

    Saving only real changes keeps re-imports silent in the audit trail.
    """
    instance = model._base_manager.filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup, **values)
        changed = True
    else:
        changed = False
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
    if changed:
        instance.full_clean(validate_unique=False, validate_constraints=False)
        instance.save()
    if report is not None:
        report.count(model._meta.verbose_name_plural, created, changed)
    return instance


def set_links(instance, field_name: str, targets, report: ImportReport | None = None):
    """Replace a many-to-many set only when it differs (idempotent re-imports)."""
    manager = getattr(instance, field_name)
    wanted = {target.pk for target in targets}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(list(targets))
        if report is not None:
            report.count(f"{instance._meta.verbose_name} {field_name}", False, True)
