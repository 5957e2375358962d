"""One framework for every import: read → validate every row → report every error → apply
in one transaction → idempotent upsert by natural key.

An importer collects `RowError`s while it validates; if there is any, nothing is written and
`ImportFailed` carries them all, each naming file, row and field.
"""

import csv
import datetime
import io
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext as _

from .models import Publication, Publishable


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

    Saving only real changes keeps re-imports silent in the audit trail. Rows of a data set
    or an open-data source are public: a publishable row is published when created, and a
    later re-import leaves the publication staff chose alone.
    """
    instance = model._base_manager.filter(**lookup).first()
    created = instance is None
    if created:
        instance = model(**lookup, **values)
        if isinstance(instance, Publishable):
            instance.publication = Publication.PUBLISHED
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


# --- Streaming sources -------------------------------------------------------------------------


class CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read, so a long import can report its progress."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def csv_rows(raw, *, delimiter=";", encoding="utf-8-sig"):
    """Stream a CSV file as (row number, {header: value}) with bounded memory.

    Headers are matched by name, never by position; the BOM and stray quotes around header
    names (as in CORDIS exports) are removed. Row numbers count the header as row 1."""
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter, quotechar='"')
    header = [name.strip().strip('"').strip() for name in next(reader, [])]
    for number, values in enumerate(reader, start=2):
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        yield number, dict(zip(header, values, strict=False))


class Progress:
    """Throttled progress of an import (every `every` seconds), written where other processes
    can read it while the import's own transaction is still open: the cache."""

    def __init__(self, key: str | None, total_bytes: int, every: float = 1.0):
        self.key, self.total_bytes, self.every = key, total_bytes, every
        self._last = 0.0

    def __call__(self, rows: int, bytes_read: int, force: bool = False):
        now = time.monotonic()
        if self.key and (force or now - self._last >= self.every):
            self._last = now
            cache.set(self.key, {"rows": rows, "bytes": bytes_read, "total": self.total_bytes}, 24 * 3600)


class RowImporter:
    """Base of the open-data importers: collect row errors (up to a limit), then apply in one
    transaction. Subclasses implement `run(**files) -> ImportReport`."""

    kind = ""
    label = ""
    max_errors = 500

    def __init__(self, *, city, progress: Progress | None = None):
        self.city = city
        self.progress = progress or Progress(None, 0)
        self.errors: list[RowError] = []
        self.error_count = 0

    def error(self, file, row, column, message):
        self.error_count += 1
        if len(self.errors) < self.max_errors:
            self.errors.append(RowError(file, row, column, message))

    def parsed(self, file, number, row, column, parser, *, required=False):
        """`parser(row[column])`, recording an error naming row and column when it fails."""
        try:
            value = parser(row.get(column, ""))
        except ValueError as exc:
            self.error(file, number, column, str(exc))
            return None
        if value is None and required:
            self.error(file, number, column, _("is required"))
        return value

    def fail_if_errors(self):
        if self.error_count:
            if self.error_count > len(self.errors):
                self.errors.append(
                    RowError("-", "-", "-", _("… and %(n)d more problems") % {"n": self.error_count - len(self.errors)})
                )
            raise ImportFailed(self.errors)


IMPORTERS: dict[str, type[RowImporter]] = {}


def register_importer(importer: type[RowImporter]):
    IMPORTERS[importer.kind] = importer
    return importer
