"""One framework for every import: read → validate every row → report every error → apply
in one transaction → idempotent upsert by natural key.

An importer collects `RowError`s while it validates; if there is any, nothing is written and
`ImportFailed` carries them all, each naming file, row and field.
"""

import codecs
import csv
import datetime
import io
import re
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path

from django.core.cache import cache
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext

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
    # How many of each kind the file held, when known: the rest are unchanged.
    seen: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool):
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    def add(self, other: "ImportReport"):
        """Count another report's rows in this one (an import run inside a data-set load)."""
        for mine, theirs in ((self.created, other.created), (self.updated, other.updated), (self.seen, other.seen)):
            for kind, n in theirs.items():
                mine[kind] = mine.get(kind, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def as_dict(self) -> dict:
        unchanged = {
            kind: max(0, n - self.created.get(kind, 0) - self.updated.get(kind, 0)) for kind, n in self.seen.items()
        }
        return {"created": self.created, "updated": self.updated, "unchanged": unchanged}

    def summary(self) -> str:
        return "; ".join(result_lines(self.as_dict())) or _("nothing to change")


def _counted(n: int) -> str:
    return number_format(n, force_grouping=True)


# What an import counts, said in words: the noun comes with the first number, the other two
# agree with it (Italian: "3 bandi creati, 2 aggiornati", "1 organizzazione creata").
COUNT_PHRASES = {
    "projects": lambda n: ngettext("%(n)s project created", "%(n)s projects created", n),
    "calls": lambda n: ngettext("%(n)s call created", "%(n)s calls created", n),
    "organisations": lambda n: ngettext("%(n)s organisation created", "%(n)s organisations created", n),
    "consortium partners": lambda n: ngettext(
        "%(n)s consortium partner created", "%(n)s consortium partners created", n
    ),
}


def _count_line(kind: str, created: int, updated: int, unchanged: int | None) -> str:
    phrase = COUNT_PHRASES.get(kind)
    if phrase is None:  # a kind named by its model (the plan's data set): words free of gender
        return _("%(kind)s — created: %(created)s, updated: %(updated)s") % {
            "kind": kind,
            "created": _counted(created),
            "updated": _counted(updated),
        }
    # The context is the kind, so that a translation can agree with its noun's gender.
    counted = partial(npgettext, kind)
    parts = [phrase(created) % {"n": _counted(created)}]
    parts.append(counted("%(n)s updated", "%(n)s updated", updated) % {"n": _counted(updated)})
    if unchanged is not None:
        parts.append(counted("%(n)s unchanged", "%(n)s unchanged", unchanged) % {"n": _counted(unchanged)})
    return ", ".join(parts)


def result_lines(summary: dict) -> list[str]:
    """An import's counts in words, one line per kind ("3 calls created, 2 updated, 0 unchanged")."""
    created, updated = summary.get("created", {}), summary.get("updated", {})
    unchanged = summary.get("unchanged", {})
    kinds = sorted(set(created) | set(updated) | set(unchanged))
    return [_count_line(kind, created.get(kind, 0), updated.get(kind, 0), unchanged.get(kind)) for kind in kinds]


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
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite():  # "NaN", "inf": Decimal reads them, no field can hold them
        raise ValueError(_("“%(value)s” is not a number") % {"value": value})
    return number


MISSING_VALUES = {"", "-", "n/d", "nd", "n.d.", "n.d", "n/a", "na", "null", "none"}


def parse_amount(value) -> Decimal | None:
    """Money as the sources write it, Italian or not: "1.706.633,17", "1706633,17", "114.000.000",
    "40.000" (forty thousand: cents never have three digits, so a lone dot before exactly three
    digits groups thousands), "4479314.00", "1,234,567.89", "€ 1 500"; `N/D`, `-` and empty are
    no value. ValueError names the value."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):  # a typed column (Parquet): to the cent, never through its binary digits
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    text = str(value if value is not None else "").strip()
    if text.casefold() in MISSING_VALUES:
        return None
    text = re.sub(r"[\s\u00a0\u202f€]", "", text)
    commas, dots = text.count(","), text.count(".")
    if commas and dots:  # the last separator is the decimal one
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "").replace(",", ".")
    elif commas:
        text = text.replace(",", ".") if commas == 1 else text.replace(",", "")
    elif dots > 1 or re.fullmatch(r"[-+]?\d{1,3}\.\d{3}", text):
        text = text.replace(".", "")
    try:
        return parse_decimal(text)
    except ValueError:
        raise ValueError(_("“%(value)s” is not an amount") % {"value": str(value).strip()}) from None


def normalise_tax_code(value) -> str:
    """An Italian tax code (codice fiscale or partita IVA) as published, brought to one form: the
    11 digits of a body's code with the leading zeros some releases lost restored ("1232710374" →
    "01232710374"), without an "IT" prefix or spaces; a person's 16-character code upper case; a
    masked code ("*****") stays as it is."""
    text = re.sub(r"\s", "", str(value or "")).upper()
    if re.fullmatch(r"IT\d{11}", text):
        text = text[2:]
    if text.isdigit() and len(text) < 11:
        text = text.zfill(11)
    return text


def normalise_istat_code(value) -> str:
    """An ISTAT municipality code as the six digits of province and municipality, whatever the
    source wrote: OpenCoesione's nine digits with the region first ("008037006"), a code that lost
    its leading zeros as a number ("37006", "8037006"), spaces; "" when there is none."""
    text = re.sub(r"\D", "", str(value if value is not None else ""))
    if not text or not text.strip("0"):
        return ""
    return text[-6:].zfill(6)


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%Y/%m/%d", "%d/%m/%y")
DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
NO_DATES = {"00/01/1900", "01/01/1900", "1900-01-01", "19000101", "00000000", "0000-00-00"}


def parse_source_date(value) -> datetime.date | None:
    """A date as the open-data sources write it: ISO (`2023-02-28`, with or without a time,
    `2023-02-28T10:00:00Z`), Italian (`28/02/2023`, `28-02-2023`, `28.02.2023`), compact
    (`20230228`, also typed as a number in Parquet), or a date already; the placeholders some
    releases use for no date (`00/01/1900`, `01/01/1900`) and empty cells are None. A day before
    the month, never after: the sources are European. ValueError names the value."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value if value is not None else "").strip()
    if text.casefold() in MISSING_VALUES or text in NO_DATES:
        return None
    head = re.split(r"[ T]", text, maxsplit=1)[0]
    if day_first := DAY_FIRST.fullmatch(head):  # what strptime("%d/%m/%Y") reads, 20× faster (issue 16)
        day, _separator, month, year = day_first.groups()
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            pass  # 31/02/2024: the formats below refuse it too, and the error names it
    try:
        return datetime.date.fromisoformat(head)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(head, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (dd/mm/yyyy, YYYY-MM-DD or YYYYMMDD)") % {"value": text}) from None


def column_key(name: str) -> str:
    """A column's name as the releases of a source vary it — case, accents, spaces, punctuation
    and a stray BOM ignored: "Titolo progetto", "TITOLO_PROGETTO " and "Titolo Progetto" are one."""
    text = unicodedata.normalize("NFKD", str(name).replace("\ufeff", ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


@dataclass(frozen=True)
class Release:
    """One layout in which a source has published its file, as an importer reads it (the table
    of releases each importer keeps, tested release by release): `name` says which, and is shown
    with the result; `markers` are columns by which its header is recognised and `absent` columns
    it lacks (any spelling: see `column_key`); `renamed` gives the names it uses for the importer's
    columns where they differ ({importer's name: (name in this release, …)}); `file` which of the
    source's files it is, `parquet` whether it is the Parquet edition; `note` what to know about
    it, said when a column the importer needs is missing."""

    name: str
    markers: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    renamed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    file: str = ""
    parquet: bool = False
    note: str = ""

    def matches(self, keys: set[str], *, parquet: bool, file: str = "") -> bool:
        return (
            self.parquet == parquet
            and (not self.file or self.file == file)
            and all(column_key(name) in keys for name in self.markers)
            and not any(column_key(name) in keys for name in self.absent)
        )


def column_names(columns, aliases=None) -> dict[str, str]:
    """{column_key: the importer's own name} for its columns and their names in other releases."""
    names = {column_key(name): name for name in columns}
    for name, others in (aliases or {}).items():
        for other in others:
            names.setdefault(column_key(other), name)
    return names


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
            # Counted under the list's name: “azione · organizzazioni partner”, not the field's code.
            label = instance._meta.get_field(field_name).verbose_name
            report.count(f"{instance._meta.verbose_name} · {label}", False, True)


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


# Files people upload instead of the text file asked for, by their first bytes.
SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", gettext_lazy("a PNG image")),
    (b"\xff\xd8\xff", gettext_lazy("a JPEG image")),
    (b"GIF8", gettext_lazy("a GIF image")),
    (b"%PDF", gettext_lazy("a PDF document")),
    (b"PK\x03\x04", gettext_lazy("a ZIP archive (or an XLSX/ODS workbook): extract the file or save it as CSV")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("an old Office document (XLS, DOC): save it as CSV")),
    (b"\x1f\x8b", gettext_lazy("a gzip archive: extract the file first")),
    (b"7z\xbc\xaf", gettext_lazy("a 7-Zip archive: extract the file first")),
    (b"Rar!", gettext_lazy("a RAR archive: extract the file first")),
]
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with BOM"),
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1 (ISO-8859-1)",
}
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")  # never in text (tab, newlines, \x0b, \x0c, \x1a are)
NOT_CONTROL = bytes(byte for byte in range(256) if not CONTROL_BYTES.match(bytes([byte])))
C1_BYTES = re.compile(rb"[\x80-\x9f]")  # Windows-1252's €, quotes, dashes; control codes in Latin-1
UNDEFINED_IN_1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
CHUNK = 1 << 20


@dataclass(frozen=True)
class TextFile:
    """What `sniff_text` learnt of a file: the codec to read it with and whether it ends cleanly."""

    encoding: str
    ends_with_newline: bool

    @property
    def label(self) -> str:
        return str(ENCODING_LABELS[self.encoding])


def _refuse(file, row, message):
    raise ImportFailed([RowError(file, row, "-", str(message))])


def sniff_text(path: Path) -> TextFile:
    """The encoding of a text file, read in one streaming pass with strict decoders: UTF-8 (with
    or without BOM), UTF-16 with BOM, Windows-1252, Latin-1. Raises `ImportFailed` (nothing is
    read) for an empty file, a known binary format, control bytes (line named) or a file that
    mixes UTF-8 with another encoding, rather than import unreadable text."""
    file = path.name
    with path.open("rb") as raw:
        head = raw.read(CHUNK)
        if not head.strip():
            _refuse(file, "-", _("The file is empty."))
        for signature, what in SIGNATURES:
            if head.startswith(signature):
                _refuse(file, "-", _("This is not a text file: it is %(what)s.") % {"what": what})
        raw.seek(-1, io.SEEK_END)
        ends_with_newline = raw.read(1) in b"\r\n"
        raw.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            decoder, tail = codecs.getincrementaldecoder("utf-16")("strict"), ""
            try:
                for chunk in iter(lambda: raw.read(CHUNK), b""):
                    tail = decoder.decode(chunk) or tail
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                _refuse(file, "-", _("The file starts as UTF-16 text but is not valid UTF-16."))
            return TextFile("utf-16", tail[-1:] in ("\r", "\n"))
        utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        utf8_valid, has_c1, undefined_in_1252 = True, False, False
        lines = 0
        for chunk in iter(lambda: raw.read(CHUNK), b""):
            # bytes.translate keeps only the control bytes, far faster than a regex over the chunk
            if chunk.translate(None, NOT_CONTROL):
                control = CONTROL_BYTES.search(chunk)
                row = lines + chunk.count(b"\n", 0, control.start()) + 1
                _refuse(file, row, _("This is not a text file: it contains control bytes (such as NUL)."))
            lines += chunk.count(b"\n")
            if chunk.isascii():
                continue  # valid UTF-8, and no byte of Windows-1252's upper half
            if utf8_valid:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_valid = False
            has_c1 = has_c1 or bool(C1_BYTES.search(chunk))
            undefined_in_1252 = undefined_in_1252 or bool(UNDEFINED_IN_1252.search(chunk))
        if utf8_valid:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                _refuse(file, lines + 1, _("The file ends in the middle of a character: it is truncated."))
            return TextFile("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", ends_with_newline)
    if head.startswith(codecs.BOM_UTF8):  # it says UTF-8, yet some bytes are not
        _refuse(file, "-", _("The file mixes UTF-8 with another encoding: save it again as “CSV UTF-8”."))
    if not has_c1:
        return TextFile("latin-1", ends_with_newline)  # byte for byte the same as Windows-1252 here
    if undefined_in_1252:
        _refuse(file, "-", _("The text is neither UTF-8, Windows-1252 nor Latin-1: save it again as “CSV UTF-8”."))
    return TextFile("cp1252", ends_with_newline)


@dataclass(frozen=True)
class RowFilter:
    """Rows an importer may keep, told before they are parsed: texts one of which every such row
    contains somewhere, case aside (the city's tax or ISTAT code, its name). Rows with none of
    them are counted and skipped unparsed, which is most of a national file; the importer still
    decides on the rows that have one. In a Parquet file the texts are searched in `columns`."""

    needles: tuple[str, ...]
    columns: tuple[str, ...] = ()

    def __post_init__(self):
        # Only needles with letters can be written in another case: a code never needs the
        # casefolded text (a copy of every row, most of a national file: issue 16).
        folded = tuple(needle.casefold() for needle in self.needles)
        object.__setattr__(
            self, "folded", tuple(f for f, n in zip(folded, self.needles, strict=True) if f != n.upper())
        )

    def __call__(self, text: str) -> bool:
        for needle in self.needles:  # the fast path: as the source writes it
            if needle in text:
                return True
        if self.folded:
            folded = text.casefold()
            for needle in self.folded:
                if needle in folded:
                    return True
        return False

    def select(self, lines: list[str]) -> list[int]:
        """The positions of the lines that hold a needle, for a block of lines at once: a plain
        substring test a line and needle (a regular expression of alternatives is far slower),
        and one casefolded copy of the block rather than one a line (issue 16)."""
        chosen = set()
        for needle in self.needles:
            chosen.update([i for i, line in enumerate(lines) if needle in line])
        if self.folded:
            block = "\n".join(lines)
            folded = (block.lower() if block.isascii() else block.casefold()).split("\n")
            for needle in self.folded:
                chosen.update([i for i, line in enumerate(folded) if needle in line])
        return sorted(chosen)


def _incomplete(record: str, delimiter: str) -> bool:
    """Whether a record with an odd number of quotes goes on on the next line (a quoted value
    holding a line break) rather than holding a stray quote (`5" screen`), as the csv module reads it."""
    try:
        for _row in csv.reader([record], delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _blocks(text):
    """A text stream (opened with newline="") a block of whole lines at a time: a block ends at a
    line end ("\n", or a lone "\r" never cut from the "\n" that may follow it), or at the end."""
    rest = ""
    while chunk := text.read(CHUNK):
        chunk = rest + chunk
        cut = max(chunk.rfind("\n"), chunk.rfind("\r", 0, len(chunk) - 1)) + 1
        if not cut:  # one line longer than a chunk: read on
            rest = chunk
            continue
        rest = chunk[cut:]
        yield chunk[:cut]
    if rest:
        yield rest


def _records(text, wanted, delimiter, tally=None, on_progress=None):
    """The CSV records of a text stream, as (number, text), a record being whole lines (a quoted
    value may hold line breaks), the header counted as record 1. With
    `wanted`, records that do not match it are skipped (numbers still count them), except the
    header and the last record, whose completeness the reader checks.

    The stream is read a block of lines at a time: a block whose lines are each a whole record
    (no quoted line break, the usual case) is filtered at once (`RowFilter.select`) and only the
    lines kept become records; the others are assembled line by line (issue 16)."""
    number, record, quotes, pending = 0, "", 0, None

    def counted(before, after):
        if before // 5000 != after // 5000:
            if tally is not None:
                tally["rows"] = after - after % 5000 - 1
            if on_progress is not None:
                on_progress(after - after % 5000 - 1)

    for block in _blocks(text):
        simple = block.count("\r") == block.count("\r\n")  # no lone "\r" ends a line
        if simple and not record:
            lines = block.split("\n")
            if not lines[-1]:
                lines.pop()
            if '"' not in block or not any(line.count('"') % 2 for line in lines):
                # every line is a whole record
                if wanted is None:
                    chosen = range(len(lines))
                else:
                    chosen = wanted.select(lines)
                    if not number and (not chosen or chosen[0] != 0):
                        chosen.insert(0, 0)  # the header
                for i in chosen:
                    yield number + i + 1, lines[i]
                last = len(lines) - 1
                pending = None if chosen and chosen[-1] == last else (-(number + last + 1), lines[last])
                counted(number, number + len(lines))
                number += len(lines)
                continue
        for line in LINE.findall(block):
            record += line
            quotes += line.count('"')
            if quotes % 2 and _incomplete(record, delimiter):
                continue  # inside a quoted value that goes on on the next line
            counted(number, number + 1)
            number += 1
            pending = None  # the record held back was not the last
            if wanted is None or number == 1 or wanted(record):
                yield number, record
            else:
                pending = (-number, record)  # held back only in case it is the last record
            record, quotes = "", 0
    if pending is not None:
        yield pending  # still skipped (its number is negative), read for the checks of the last row
    if record:  # an unbalanced quote at the end: the reader says so
        yield number + 1, record


def csv_rows(
    raw,
    *,
    delimiter=";",
    encoding="utf-8-sig",
    file="-",
    ends_with_newline=True,
    names=None,
    found=None,
    row_filter: RowFilter | None = None,
    tally=None,
    on_progress=None,
    only_named=False,
):
    """Stream a CSV file as (row number, {header: value}) with bounded memory.

    Headers are matched by name, never by position; the BOM and stray quotes around header
    names (as in CORDIS exports) are removed. With `names` (see `column_names`) a header is
    known by its `column_key`, so each release's spelling of a column reads under one name.
    With `row_filter`, rows that cannot concern the importer are skipped before they are parsed;
    `tally["rows"]` counts the rows read all the same, and `on_progress(rows)` hears of them.
    With `only_named`, a row holds only the columns `names` knows (the importer's own).
    Row numbers count the header as row 1. A file with no header, or only a header, and one cut
    off in its last row raise `ImportFailed`."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
    numbers = []
    source = _records(text, row_filter, delimiter, tally, on_progress)

    def records():
        for number, record in source:
            numbers.append(number)
            yield record

    reader = csv.reader(records(), delimiter=delimiter, quotechar='"')
    number, last = 1, 1
    try:
        published = [name.strip().strip('"').strip() for name in next(reader, [])]
        header = [names.get(column_key(name), name) for name in published] if names else published
        if found is not None:  # the columns as the file names them, and the name each is read as
            found.extend(zip(published, header, strict=True))
        if not any(header):
            _refuse(file, 1, _("The file has no header row."))
        numbers.clear()
        values = None
        known = set(names.values()) if names and only_named else None
        positions = [i for i, name in enumerate(header) if known is None or name in known]
        for values in reader:
            number = numbers.pop()
            last = abs(number)
            if number < 0:  # a record the filter skipped, parsed only because it is the last
                continue
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) > len(header) and any(value.strip() for value in values[len(header) :]):
                # Usually a separator inside a text that is not in quotes: every value after it
                # would be read under the wrong column.
                _refuse(
                    file,
                    number,
                    _(
                        "This row has %(found)d values but the header has %(expected)d columns: a "
                        "“%(separator)s” inside a text that is not between quotes?"
                    )
                    % {"found": len(values), "expected": len(header), "separator": delimiter},
                )
            if known is None:
                yield number, dict(zip(header, values, strict=False))
            else:
                yield number, {header[i]: values[i] for i in positions if i < len(values)}
    except csv.Error as exc:
        _refuse(file, numbers[-1] if numbers else last, _("The CSV cannot be read here: %(error)s") % {"error": exc})
    if tally is not None:
        tally["rows"] = last - 1
    if last == 1:
        _refuse(file, "-", _("The file holds only the header row: there is no data to import."))
    if values is not None and not ends_with_newline and len(values) < len(header):
        _refuse(
            file,
            last,
            _("The file is truncated: its last row has %(found)d of the %(expected)d columns of the header.")
            % {"found": len(values), "expected": len(header)},
        )


PARQUET_MAGIC = b"PAR1"


def is_parquet(path: Path) -> bool:
    with path.open("rb") as raw:
        return raw.read(4) == PARQUET_MAGIC


def parquet_rows(
    path: Path,
    *,
    file="-",
    names=None,
    counting=None,
    batch_size=5000,
    found=None,
    row_filter: RowFilter | None = None,
    only_named=False,
    tally=None,
):
    """Stream a Parquet file (OpenCoesione publishes `progetti_esteso` 2021-2027 so) batch by
    batch with bounded memory, as `csv_rows` does a CSV: (row number, {column: value}), the header
    counted as row 1, columns known by `names`. Text stays text, numbers and dates keep their types
    (the parsers take both), nulls are empty. With `only_named` only the columns in `names` are
    read; with `row_filter` only the rows where one of its columns matches its pattern are turned
    into Python values (the rest are counted). `counting.count` follows the bytes of the row groups
    read, for the progress bar. An unreadable file raises `ImportFailed`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        _refuse(file, "-", _("The Parquet file cannot be read: %(error)s") % {"error": exc})
    published = parquet.schema_arrow.names
    header = [names.get(column_key(name), name) if names else name for name in published]
    if found is not None:
        found.extend(zip(published, header, strict=True))
    read = [name for name in published if not only_named or column_key(name) in names]
    read_as = dict(zip(published, header, strict=True))
    filtered = [name for name in read if row_filter and read_as[name] in row_filter.columns]
    total_rows = max(parquet.metadata.num_rows, 1)
    size = path.stat().st_size
    number = 1
    try:
        for batch in parquet.iter_batches(batch_size=batch_size, columns=read):
            first = number + 1
            number += batch.num_rows
            if tally is not None:
                tally["rows"] = number - 1
            if counting is not None:
                counting.count = size * (number - 1) // total_rows
            positions = range(batch.num_rows)
            if row_filter and filtered:
                mask = None
                for name in filtered:
                    column = batch.column(name)
                    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
                        column = pc.cast(column, pa.string())
                    for needle in row_filter.needles:
                        match = pc.fill_null(pc.match_substring(column, needle, ignore_case=True), False)
                        mask = match if mask is None else pc.or_(mask, match)
                positions = pc.indices_nonzero(mask).to_pylist()
                if not positions:
                    continue
                batch = batch.take(pa.array(positions))
            columns = [column.to_pylist() for column in batch.columns]
            names_read = [read_as[name] for name in batch.schema.names]
            for position, values in zip(positions, zip(*columns, strict=True), strict=True):
                yield (
                    first + position,
                    {name: ("" if value is None else value) for name, value in zip(names_read, values, strict=True)},
                )
    except pa.ArrowException as exc:
        _refuse(file, number, _("The Parquet file cannot be read: %(error)s") % {"error": exc})
    if number == 1:
        _refuse(file, "-", _("The file holds only the header row: there is no data to import."))


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
            # `at` (wall-clock seconds) is the worker's sign of life: a job without one for too
            # long is declared dead (ponte.core.jobs.fail_stalled).
            state = {"rows": rows, "bytes": bytes_read, "total": self.total_bytes, "at": time.time()}
            cache.set(self.key, state, 24 * 3600)


class RowImporter:
    """Base of the open-data importers: collect row errors (up to a limit), then apply in one
    transaction. Subclasses implement `run(**files) -> ImportReport`."""

    kind = ""
    name = ""  # the source, as people call it ("OpenCoesione")
    label = ""  # the source and the file(s) it takes, for the upload form
    max_errors = 500
    # The columns the importer reads, by the name it uses, and the names other releases of the
    # source gave them ({name: (other names, …)}); case, accents, spacing and punctuation never
    # matter (`column_key`).
    columns: tuple[str, ...] = ()
    column_aliases: dict[str, tuple[str, ...]] = {}
    releases: tuple[Release, ...] = ()  # the layouts the source has published, newest first

    # Set by core.jobs.run_import: records the job as done in the transaction that applies the rows.
    on_applied = None

    def __init__(self, *, city, progress: Progress | None = None):
        self.city = city
        self.progress = progress or Progress(None, 0)
        self.errors: list[RowError] = []
        self.error_count = 0
        self.encodings: dict[str, str] = {}  # file name → the encoding it was read in
        self.warnings: list[str] = []
        self.columns_found: dict[str, list] = {}  # file name → [(column in the file, read as), …]
        self.rows_read: dict[str, dict] = {}  # file name → {"rows": its rows, kept or not}
        self.releases_found: dict[str, Release | None] = {}  # file name → the release recognised

    @classmethod
    def aliases(cls, kind: str = "") -> dict[str, tuple[str, ...]]:
        """Other names of the importer's columns: its own list and the renamings of every
        release (of the `kind` of file, for a source of several files)."""
        merged = {name: tuple(others) for name, others in cls.column_aliases.items()}
        for release in cls.releases:
            if release.file and release.file != kind:
                continue
            for name, others in release.renamed.items():
                merged[name] = (*merged.get(name, ()), *others)
        return merged

    def recognise(self, file: str, *, kind: str = "") -> "Release | None":
        """The release whose layout the header of `file` has (first match in `releases`)."""
        if file not in self.releases_found:
            keys = {column_key(published) for published, _read_as in self.columns_found.get(file, [])}
            parquet = self.encodings.get(file) == "Parquet"
            self.releases_found[file] = next(
                (release for release in self.releases if release.matches(keys, parquet=parquet, file=kind)), None
            )
        return self.releases_found[file]

    def release_names(self) -> str:
        """The releases recognised, as the job shows them."""
        return "; ".join(
            f"{release.name} ({file})" for file, release in self.releases_found.items() if release is not None
        )

    def applied(self, report: "ImportReport") -> None:
        """Called by each importer last inside the transaction that applies its rows: the job's
        outcome commits with them, so a worker killed right after the commit never leaves its
        job "running" (nor declared failed with "nothing was changed"). The city's public pages
        are computed afresh after the commit: COPY and bulk writes send no signals (issue 16), and
        the vectors of the projects and calls it wrote are computed in the background (issue 18)."""
        from ponte.intelligence.services import schedule_refresh

        from . import publiccache

        publiccache.bump(self.city)
        if report.changed:
            schedule_refresh(self.city.pk)
        if self.on_applied is not None:
            self.on_applied(report)

    def warn(self, message: str):
        """Something people should know although the import succeeded (nothing kept, say)."""
        self.warnings.append(message)

    def sniffed(self, path: Path) -> TextFile:
        found = sniff_text(path)
        self.encodings[path.name] = found.label
        return found

    def read_csv(
        self, path: Path, raw, *, delimiter=";", row_filter: RowFilter | None = None, kind: str = "", columns=None
    ):
        """The rows of one CSV file (see `csv_rows`) in the encoding it was written in; `kind` and
        `columns` for a source of several files (which one this is, and the columns read in it)."""
        found = self.sniffed(path)
        tally = {"rows": 0}
        self.rows_read[path.name] = tally
        counted = raw.count if isinstance(raw, CountingReader) else None
        return csv_rows(
            raw,
            delimiter=delimiter,
            encoding=found.encoding,
            file=path.name,
            ends_with_newline=found.ends_with_newline,
            names=column_names(self.columns if columns is None else columns, self.aliases(kind)),
            found=self.columns_found.setdefault(path.name, []),
            row_filter=row_filter,
            tally=tally,
            on_progress=(lambda rows: self.progress(rows, raw.count)) if counted is not None else None,
            only_named=bool(self.columns if columns is None else columns),
        )

    def read_rows(self, path: Path, raw, *, row_filter: RowFilter | None = None):
        """The rows of a CSV file (`read_csv`) or of a Parquet file, whichever `path` is."""
        if is_parquet(path):
            self.encodings[path.name] = "Parquet"
            counting = raw if isinstance(raw, CountingReader) else None
            names = column_names(self.columns, self.aliases())
            found = self.columns_found.setdefault(path.name, [])
            self.rows_read[path.name] = tally = {"rows": 0}
            return parquet_rows(
                path,
                file=path.name,
                names=names,
                counting=counting,
                found=found,
                row_filter=row_filter,
                only_named=bool(self.columns),
                tally=tally,
            )
        return self.read_csv(path, raw, row_filter=row_filter)

    required_columns: tuple[str, ...] = ()

    def check_columns(self, file: str, required=None, *, kind: str = ""):
        """Recognise the file's release and refuse the file, naming them, when its header lacks a
        required column (in any of the names its releases gave it), with what is known of that
        release."""
        found = {read_as for _published, read_as in self.columns_found.get(file, [])}
        release = self.recognise(file, kind=kind)
        missing = [
            column for column in (self.required_columns if required is None else required) if column not in found
        ]
        for column in missing:
            self.error(file, 1, column, _("column is missing"))
        if missing and release is not None and release.note:
            self.error(file, 1, "-", f"{release.name}: {release.note}")
        self.fail_if_errors()

    def rows_in(self, file: str) -> int:
        """How many rows of `file` were read so far, kept or skipped."""
        return self.rows_read.get(file, {}).get("rows", 0)

    def read_text(self, path: Path) -> str:
        """A whole text file (JSON) in the encoding it was written in."""
        found = self.sniffed(path)
        return path.read_text(encoding="utf-8-sig" if found.encoding == "utf-8" else found.encoding)

    def preview_rows(self, limit: int = 5) -> list[list[tuple[str, str]]]:
        """The first rows as they would be stored, as (label, value) pairs, for a preview."""
        return []

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
