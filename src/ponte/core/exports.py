"""CSV and XLSX downloads of any list: one column spec, two formats, typed cells in XLSX."""

import csv
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, (datetime.date, Decimal, int)):
        return value
    return str(value)


class _Echo:
    def write(self, value):
        return value


def csv_response(rows: Iterable, columns: list[Column], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM so spreadsheet programs read UTF-8
        yield writer.writerow([str(column.header) for column in columns])
        for row in rows:
            yield writer.writerow([_plain(column.value(row)) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_workbook(rows: Iterable, columns: list[Column], title: str) -> Workbook:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(column.header) for column in columns])
    for row in rows:
        sheet.append([_plain(column.value(row)) for column in columns])
    return workbook


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    workbook.save(response)
    return response


def xlsx_response(rows: Iterable, columns: list[Column], filename: str) -> HttpResponse:
    return workbook_response(xlsx_workbook(rows, columns, filename), filename)


EXPORTERS = {"csv": csv_response, "xlsx": xlsx_response}
