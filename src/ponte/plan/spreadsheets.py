"""XLSX round trip of actions and indicator values: export, edit in a spreadsheet, import.

The import reads every row of both sheets, reports every problem with sheet, row and column,
and applies nothing unless all rows are good; re-importing the same file changes nothing.
"""

from auditlog.context import set_actor
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from ponte.core import permissions
from ponte.core.exports import Column, xlsx_workbook
from ponte.core.importing import ImportFailed, ImportReport, RowError, parse_date, parse_decimal, upsert
from ponte.core.models import Organisation

from .models import Action, Indicator, IndicatorValue, Line
from .queries import action_list, current_plan

ACTIONS_SHEET = "actions"
VALUES_SHEET = "indicator_values"

ACTION_COLUMNS = [
    Column("code", lambda a: a.code),
    Column("line", lambda a: a.line.code),
    Column("title", lambda a: a.title),
    Column("status", lambda a: a.status),
    Column("progress", lambda a: a.progress),
    Column("start", lambda a: a.start_date),
    Column("end", lambda a: a.end_date),
    Column("owner", lambda a: a.owner_office.slug if a.owner_office else ""),
    Column("weight", lambda a: a.weight),
    Column("description", lambda a: a.description),
]
VALUE_COLUMNS = [
    Column("indicator", lambda v: v.indicator.code),
    Column("date", lambda v: v.reference_date),
    Column("value", lambda v: v.value),
    Column("source", lambda v: v.source),
    Column("note", lambda v: v.note),
]


def export_workbook(city) -> Workbook:
    workbook = xlsx_workbook(action_list(city), ACTION_COLUMNS, ACTIONS_SHEET)
    sheet = workbook.create_sheet(VALUES_SHEET)
    sheet.append([column.header for column in VALUE_COLUMNS])
    values = (
        IndicatorValue.objects.for_city(city).select_related("indicator").order_by("indicator__code", "reference_date")
    )
    for value in values:
        sheet.append([column.value(value) for column in VALUE_COLUMNS])
    return workbook


class _Sheet:
    """Rows of one sheet as dicts keyed by lower-case header, with their row numbers."""

    def __init__(self, workbook, name, required, errors):
        self.name, self.rows = name, []
        if name not in workbook.sheetnames:
            return
        rows = workbook[name].iter_rows(values_only=True)
        header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, [])]
        missing = [column for column in required if column not in header]
        for column in missing:
            errors.append(RowError(name, 1, column, _("column is missing")))
        if missing:
            return
        for number, row in enumerate(rows, start=2):
            if all(cell in (None, "") for cell in row):
                continue
            self.rows.append((number, dict(zip(header, row, strict=False))))


def _text(value):
    return "" if value is None else str(value).strip()


class WorkbookImport:
    def __init__(self, *, city, user, file):
        self.city, self.user, self.errors = city, user, []
        self.plan = current_plan(city)
        try:
            self.workbook = load_workbook(file, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a non-XLSX file
            raise ImportFailed([RowError(getattr(file, "name", "file"), "-", "-", _("not an XLSX workbook"))]) from None

    def error(self, sheet, row, column, message):
        self.errors.append(RowError(sheet, row, column, message))

    def run(self) -> ImportReport:
        actions = _Sheet(self.workbook, ACTIONS_SHEET, ["code"], self.errors)
        values = _Sheet(self.workbook, VALUES_SHEET, ["indicator", "date", "value"], self.errors)
        if not actions.rows and not values.rows and not self.errors:
            self.error(
                "-",
                "-",
                "-",
                _("the workbook has no “%(a)s” or “%(b)s” rows") % {"a": ACTIONS_SHEET, "b": VALUES_SHEET},
            )
        action_changes = [change for change in (self._action_row(n, row) for n, row in actions.rows) if change]
        value_changes = [change for change in (self._value_row(n, row) for n, row in values.rows) if change]
        if self.errors:
            raise ImportFailed(self.errors)
        report = ImportReport()
        with set_actor(self.user), transaction.atomic():
            for lookup, fields in action_changes:
                upsert(Action, lookup, fields, report)
            for lookup, fields in value_changes:
                upsert(IndicatorValue, lookup, fields, report)
        return report

    def _parse(self, sheet, number, row, column, parser, *, required=False):
        try:
            parsed = parser(row.get(column))
        except ValueError as exc:
            self.error(sheet, number, column, str(exc))
            return None
        if parsed is None and required:
            self.error(sheet, number, column, _("is required"))
        return parsed

    def _action_row(self, number, row):
        sheet = ACTIONS_SHEET
        code = _text(row.get("code"))
        if not code:
            self.error(sheet, number, "code", _("is required"))
            return None
        action = Action.objects.for_city(self.city).filter(code=code).first()
        fields = {}
        if action is None:
            line = Line.objects.for_city(self.city).filter(code=_text(row.get("line"))).first()
            if line is None:
                self.error(sheet, number, "line", _("a new action needs the code of an existing line"))
                return None
            if not permissions.can_manage_plan(self.user, self.city):
                self.error(sheet, number, "code", _("only plan owners can add actions"))
                return None
            action = Action(city=self.city, code=code, line=line)
            fields["line"] = line
        elif not permissions.can_edit_action(self.user, action):
            self.error(sheet, number, "code", _("you cannot edit action %(code)s") % {"code": code})
            return None
        if "title" in row and _text(row["title"]):
            fields["title"] = _text(row["title"])
        if "description" in row and row["description"] is not None:
            fields["description"] = _text(row["description"])
        if _text(row.get("status")):
            fields["status"] = _text(row["status"])
        if row.get("progress") not in (None, ""):
            progress = self._parse(sheet, number, row, "progress", parse_decimal)
            if progress is not None:
                if progress != progress.to_integral_value():
                    self.error(sheet, number, "progress", _("must be a whole number from 0 to 100"))
                fields["progress"] = int(progress)
        for column, attribute in (("start", "start_date"), ("end", "end_date")):
            if row.get(column) not in (None, ""):
                fields[attribute] = self._parse(sheet, number, row, column, parse_date)
        if row.get("weight") not in (None, ""):
            fields["weight"] = self._parse(sheet, number, row, "weight", parse_decimal)
        slug = _text(row.get("owner"))
        if slug:
            owner = Organisation.objects.for_city(self.city).filter(slug=slug).first()
            if owner is None:
                self.error(sheet, number, "owner", _("unknown organisation “%(slug)s”") % {"slug": slug})
            elif owner.pk != action.owner_office_id and not permissions.can_manage_plan(self.user, self.city):
                self.error(sheet, number, "owner", _("only plan owners can change the owning office"))
            else:
                fields["owner_office"] = owner
        for attribute, value in fields.items():
            setattr(action, attribute, value)
        self._validate(sheet, number, action)
        return ({"city": self.city, "code": code}, fields)

    def _value_row(self, number, row):
        sheet = VALUES_SHEET
        code = _text(row.get("indicator"))
        indicator = (
            Indicator.objects.for_city(self.city).filter(plan=self.plan, code=code).select_related("action").first()
        )
        if indicator is None:
            self.error(sheet, number, "indicator", _("unknown indicator “%(code)s”") % {"code": code})
            return None
        if not permissions.can_edit_indicator(self.user, indicator):
            self.error(sheet, number, "indicator", _("you cannot record values of %(code)s") % {"code": code})
            return None
        reference_date = self._parse(sheet, number, row, "date", parse_date, required=True)
        value = self._parse(sheet, number, row, "value", parse_decimal, required=True)
        if reference_date is None or value is None:
            return None
        fields = {
            "value": value,
            "source": _text(row.get("source")),
            "note": _text(row.get("note")),
            "recorded_by": self.user,
        }
        self._validate(
            sheet, number, IndicatorValue(city=self.city, indicator=indicator, reference_date=reference_date, **fields)
        )
        return ({"city": self.city, "indicator": indicator, "reference_date": reference_date}, fields)

    def _validate(self, sheet, number, instance):
        from .services import check

        for field, message in check(instance):
            column = {"start_date": "start", "end_date": "end", "owner_office": "owner", "__all__": "-"}.get(
                field, field
            )
            self.error(sheet, number, column, message)


def import_workbook(*, city, user, file) -> ImportReport:
    return WorkbookImport(city=city, user=user, file=file).run()
