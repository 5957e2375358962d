"""CSV and XLSX downloads of any list: one column spec, three formats.

- `csv` is for people: Italian Excel opens it in columns (`;` separator, decimal comma, a UTF-8
  BOM so accents survive, “Sì”/“No”).
- `csv-macchina` is for programs: `,` separator, decimal point, no BOM, `true`/`false`.
- `xlsx` has typed numbers and dates, a bold frozen header with an autofilter and columns as
  wide as their content.

Every CSV text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or
a carriage return) gets a leading apostrophe, so a title typed as `=HYPERLINK(…)` stays text
(CSV/formula injection); in XLSX such text is written as a string cell, which no spreadsheet
evaluates, so it reads back exactly as it was (the plan workbook's round trip relies on it).
"""

import csv
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .text import strip_control_characters


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH = 8, 60


def defuse(text: str) -> str:
    """A text a spreadsheet shows as typed, never runs: formula-like text gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _typed(value):
    """A cell value with its type kept (numbers, dates, booleans); anything else as text."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        # spreadsheets have no time zones: the local time, as the site shows it
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (bool, datetime.date, Decimal, int, float)):
        return value
    # A control character pasted into one title made the list's XLSX a 500 (openpyxl refuses it).
    return strip_control_characters(str(value))


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str
    bom: bool
    machine: bool

    def cell(self, value) -> str:
        value = _typed(value)
        if value is None:
            return ""
        if isinstance(value, str):
            return defuse(value)
        if isinstance(value, bool):
            if self.machine:
                return "true" if value else "false"
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, (Decimal, float)):
            text = format(value, "f") if isinstance(value, Decimal) else repr(value)
            return text.replace(".", self.decimal)
        return str(value)


ITALIAN = CsvDialect(delimiter=";", decimal=",", bom=True, machine=False)
MACHINE = CsvDialect(delimiter=",", decimal=".", bom=False, machine=True)


class _Echo:
    def write(self, value):
        return value


def csv_response(
    rows: Iterable, columns: list[Column], filename: str, *, dialect: CsvDialect = ITALIAN
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=dialect.delimiter)

    def lines():
        if dialect.bom:
            yield "\ufeff"  # so Excel reads the file as UTF-8
        yield writer.writerow([dialect.cell(column.header) for column in columns])
        for row in rows:
            yield writer.writerow([dialect.cell(column.value(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def machine_csv_response(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    return csv_response(rows, columns, filename, dialect=MACHINE)


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max(len(line) for line in str(value).splitlines() or [""])


def write_sheet(sheet, header: list[str], rows: list[list]) -> None:
    """Header and rows into a fresh sheet of a write-only workbook: columns fitted to their
    content, bold frozen header with an autofilter, typed cells."""
    rows = [[_typed(value) for value in row] for row in rows]
    header = [str(title) for title in header]
    for index, title in enumerate(header, start=1):
        longest = max([len(title), *(_width(row[index - 1]) for row in rows if index <= len(row))])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    append_row(sheet, header, font=Font(bold=True))
    for row in rows:
        append_row(sheet, row)


def append_row(sheet, values: list, *, font=None) -> None:
    """One row into any openpyxl sheet (write-only or not), values as given (numbers stay
    numbers); every XLSX writer goes through here so that formula-like text stays text."""
    sheet.append([_cell(sheet, value, font=font) for value in values])


def _cell(sheet, value, *, font=None):
    """A cell; text starting like a formula stays text (openpyxl would make it a formula)."""
    if font is None and not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def xlsx_workbook(rows: Iterable, columns: list[Column], title: str) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    write_sheet(
        sheet, [column.header for column in columns], [[column.value(row) for column in columns] for row in rows]
    )
    return workbook


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    workbook.save(response)
    return response


def xlsx_response(rows: Iterable, columns: list[Column], filename: str) -> HttpResponse:
    return workbook_response(xlsx_workbook(rows, columns, filename), filename)


EXPORTERS = {"csv": csv_response, "csv-macchina": machine_csv_response, "xlsx": xlsx_response}
