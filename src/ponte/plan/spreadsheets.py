"""XLSX round trip of actions and indicator values: download, edit in a spreadsheet, upload.

The download speaks the office's language: Italian sheet names and headers, statuses by their
labels and offices by their names, with drop-down lists for both; it holds only the rows the
user may edit (an office editor gets their office's actions and indicators).

The upload reads those labels back (and the codes of older files: `actions`, `in_progress`,
office slugs), checks every row and applies nothing unless all are good. Only rows that differ
from the database are checked against the user's rights, so a file downloaded by a plan owner
and sent back by an office editor with one of their rows changed is accepted; a changed row
they may not edit is refused naming its row and column. Re-uploading a file changes nothing.
"""

import datetime
import logging
import zipfile
from dataclasses import dataclass, field
from itertools import zip_longest

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ponte.core import permissions
from ponte.core.exports import write_sheet
from ponte.core.importing import ImportFailed, RowError, parse_date, parse_decimal
from ponte.core.models import Organisation
from ponte.core.services import acting_as
from ponte.portal import follow

from .models import Action, Indicator, IndicatorValue, Line, WorkbookUpload
from .queries import action_list, current_plan

logger = logging.getLogger(__name__)

ACTIONS_SHEET = gettext_lazy("Actions")
VALUES_SHEET = gettext_lazy("Indicator values")
LISTS_SHEET = gettext_lazy("Lists")
OLD_SHEET_NAMES = {"actions": ACTIONS_SHEET, "indicator_values": VALUES_SHEET}


@dataclass(frozen=True)
class Heading:
    key: str  # the column's name in files written before headers were translated
    label: str


A = {
    heading.key: heading
    for heading in (
        Heading("code", gettext_lazy("Code")),
        Heading("line", gettext_lazy("Line")),
        Heading("title", gettext_lazy("Title")),
        Heading("status", gettext_lazy("Status")),
        Heading("progress", gettext_lazy("Progress (%)")),
        Heading("start", gettext_lazy("Start")),
        Heading("end", gettext_lazy("End")),
        Heading("owner", gettext_lazy("Owning office")),
        Heading("weight", gettext_lazy("Weight")),
        Heading("description", gettext_lazy("Description")),
    )
}
V = {
    heading.key: heading
    for heading in (
        Heading("indicator", gettext_lazy("Indicator")),
        Heading("name", gettext_lazy("Indicator name")),
        Heading("date", gettext_lazy("Reference date")),
        Heading("value", gettext_lazy("Value")),
        Heading("source", gettext_lazy("Source")),
        Heading("note", gettext_lazy("Note")),
    )
}


def editable_actions(city, user):
    actions = action_list(city)
    if permissions.can_manage_plan(user, city):
        return actions
    return [action for action in actions if permissions.can_edit_action(user, action)]


def editable_values(city, user):
    values = IndicatorValue.objects.for_city(city).select_related("indicator__action", "indicator__city")
    values = values.order_by("indicator__sort_key", "reference_date")
    if permissions.can_manage_plan(user, city):
        return values
    return [value for value in values if permissions.can_edit_indicator(user, value.indicator)]


def _offices(city):
    return list(Organisation.objects.for_city(city).filter(kind=Organisation.Kind.CITY_OFFICE).order_by("name"))


def export_workbook(city, user) -> Workbook:
    workbook = Workbook()
    actions_sheet = workbook.active
    actions_sheet.title = str(ACTIONS_SHEET)
    actions = editable_actions(city, user)
    write_sheet(
        actions_sheet,
        [heading.label for heading in A.values()],
        [
            [
                a.code,
                a.line.code,
                a.title,
                a.get_status_display(),
                a.progress,
                a.start_date,
                a.end_date,
                a.owner_office.name if a.owner_office else "",
                a.weight,
                a.description,
            ]
            for a in actions
        ],
    )
    values_sheet = workbook.create_sheet(str(VALUES_SHEET))
    write_sheet(
        values_sheet,
        [heading.label for heading in V.values()],
        [
            [v.indicator.code, v.indicator.localized_name, v.reference_date, v.value, v.source, v.note]
            for v in editable_values(city, user)
        ],
    )
    _add_choices(workbook, actions_sheet, city, rows=max(len(actions) + 200, 500))
    return workbook


def _add_choices(workbook, sheet, city, *, rows):
    """Drop-down lists for the status and office columns, read from a sheet of lists (a list
    written inline would break on an office name with a comma)."""
    lists = workbook.create_sheet(str(LISTS_SHEET))
    statuses = [str(label) for _value, label in Action.Status.choices]
    offices = [office.name for office in _offices(city)]
    # through write_sheet, like every sheet: an office named "=…" stays text
    write_sheet(lists, [A["status"].label, A["owner"].label], [list(pair) for pair in zip_longest(statuses, offices)])
    lists.sheet_state = "hidden"
    keys = list(A)
    for key, column, count in (("status", "A", len(statuses)), ("owner", "B", len(offices))):
        if not count:
            continue
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"='{lists.title}'!${column}$2:${column}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(A[key].label),
            error=_("Choose a value from the list."),
        )
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{rows}")


MB = 1024 * 1024
# Parts of an archive smaller than this may have any ratio: a small XML part of repeated cells
# compresses very well and costs nothing to read.
RATIO_FROM_BYTES = MB


def check_archive(file, *, name: str) -> None:
    """Refuse, from the zip's directory alone (nothing is decompressed), a file that is not an
    XLSX archive, one that would unzip to more than `PONTE_WORKBOOK_MAX_UNZIPPED_MB`, and one
    with a large part compressed more than `PONTE_WORKBOOK_MAX_RATIO` times (a zip bomb): openpyxl
    would hold it all in memory."""
    limit, ratio = settings.PONTE_WORKBOOK_MAX_UNZIPPED_MB, settings.PONTE_WORKBOOK_MAX_RATIO

    def refuse(message):
        raise ImportFailed([RowError(name, "-", "-", message)])

    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(_("not an XLSX workbook"))
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    if not any(part.filename == "[Content_Types].xml" for part in parts):
        refuse(_("not an XLSX workbook"))
    if sum(part.file_size for part in parts) > limit * MB:
        refuse(_("the workbook would unzip to more than %(limit)d MB; nothing was read") % {"limit": limit})
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > ratio * max(part.compress_size, 1):
            refuse(
                _("a part of the workbook is compressed more than %(ratio)d times (a zip bomb?); nothing was read")
                % {"ratio": ratio}
            )


class _Sheet:
    """Rows of one sheet as dicts keyed by column key (Italian headers or the old English
    keys), with their row numbers; at most `PONTE_WORKBOOK_MAX_ROWS` rows and
    `PONTE_WORKBOOK_MAX_COLUMNS` columns are read, and a sheet larger than that is refused."""

    def __init__(self, workbook, name, headings, required, errors):
        self.name, self.rows = str(name), []
        found = _find_sheet(workbook, name)
        if found is None:
            return
        max_rows, max_columns = settings.PONTE_WORKBOOK_MAX_ROWS, settings.PONTE_WORKBOOK_MAX_COLUMNS
        by_header = {}
        for heading in headings.values():
            by_header[heading.key] = heading.key
            by_header[str(heading.label).strip().casefold()] = heading.key
        # One column beyond the limit is read, to tell a wider sheet; never more.
        rows = found.iter_rows(values_only=True, max_col=max_columns + 1)
        first = next(rows, ())
        if len(first) > max_columns and first[max_columns] not in (None, ""):
            errors.append(RowError(self.name, 1, "-", _too_large("columns", max_columns)))
            return
        header = [by_header.get(str(cell).strip().casefold(), "") if cell is not None else "" for cell in first]
        header = header[:max_columns]
        missing = [key for key in required if key not in header]
        for key in missing:
            errors.append(RowError(self.name, 1, str(headings[key].label), _("column is missing")))
        if missing:
            return
        for number, row in enumerate(rows, start=2):
            if number > max_rows:
                errors.append(RowError(self.name, number, "-", _too_large("rows", max_rows)))
                self.rows = []
                return
            if len(row) > max_columns and row[max_columns] not in (None, ""):
                errors.append(RowError(self.name, number, "-", _too_large("columns", max_columns)))
                self.rows = []
                return
            if all(cell in (None, "") for cell in row):
                continue
            self.rows.append((number, {key: value for key, value in zip(header, row, strict=False) if key}))


def _too_large(what, limit):
    if what == "rows":
        message = ngettext(
            "the sheet has more than %(limit)d row (the limit): split it into smaller files",
            "the sheet has more than %(limit)d rows (the limit): split it into smaller files",
            limit,
        )
    else:
        message = ngettext(
            "the sheet has more than %(limit)d column (the limit): remove the columns you added",
            "the sheet has more than %(limit)d columns (the limit): remove the columns you added",
            limit,
        )
    return message % {"limit": limit}


def _find_sheet(workbook, name):
    wanted = {str(name).casefold()} | {old for old, new in OLD_SHEET_NAMES.items() if str(new) == str(name)}
    for title in workbook.sheetnames:
        if title.casefold() in wanted:
            return workbook[title]
    return None


def _text(value):
    return "" if value is None else str(value).strip()


@dataclass
class WorkbookReport:
    """What an upload changed, in words for the person who uploaded it."""

    actions_created: int = 0
    actions_updated: int = 0
    values_recorded: int = 0
    values: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.actions_created or self.actions_updated or self.values_recorded)

    def summary(self) -> str:
        parts = []
        if self.actions_updated:
            parts.append(
                ngettext("%(n)s action updated", "%(n)s actions updated", self.actions_updated)
                % {"n": self.actions_updated}
            )
        if self.actions_created:
            parts.append(
                ngettext("%(n)s action created", "%(n)s actions created", self.actions_created)
                % {"n": self.actions_created}
            )
        if self.values_recorded:
            parts.append(
                ngettext("%(n)s indicator value recorded", "%(n)s indicator values recorded", self.values_recorded)
                % {"n": self.values_recorded}
            )
        return ", ".join(parts) or _("nothing to change")


class WorkbookImport:
    def __init__(self, *, city, user, file):
        self.city, self.user, self.errors = city, user, []
        self.plan = current_plan(city)
        check_archive(file, name=getattr(file, "name", "file"))
        try:
            self.workbook = load_workbook(file, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a non-XLSX file
            raise ImportFailed([RowError(getattr(file, "name", "file"), "-", "-", _("not an XLSX workbook"))]) from None
        self.statuses = {}
        for value, label in Action.Status.choices:
            self.statuses[value.casefold()] = value
            self.statuses[str(label).casefold()] = value
        self.offices = {}
        for office in Organisation.objects.for_city(city):
            self.offices.setdefault(office.slug.casefold(), office)
            self.offices.setdefault(office.name.strip().casefold(), office)

    def error(self, sheet, row, key, message, headings=A):
        column = str(headings[key].label) if key in headings else key
        self.errors.append(RowError(str(sheet), row, column, message))

    def run(self) -> WorkbookReport:
        actions = _Sheet(self.workbook, ACTIONS_SHEET, A, ["code"], self.errors)
        values = _Sheet(self.workbook, VALUES_SHEET, V, ["indicator", "date", "value"], self.errors)
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
        report = WorkbookReport()
        with acting_as(self.user), transaction.atomic():
            for action, created in action_changes:
                action.full_clean(validate_unique=False, validate_constraints=False)
                before = follow.snapshot(Action, action.pk, follow.ACTION_FIELDS)
                action.save()
                follow.record_action_change(action=action, before=before)  # mailed to its followers
                if created:
                    report.actions_created += 1
                else:
                    report.actions_updated += 1
            for value in value_changes:
                value.full_clean(validate_unique=False, validate_constraints=False)
                value.save()
                follow.record_indicator_value(value=value)
                report.values_recorded += 1
        return report

    def _parse(self, sheet, number, row, key, parser, *, required=False, headings=A):
        try:
            parsed = parser(row.get(key))
        except ValueError as exc:
            self.error(sheet, number, key, str(exc), headings)
            return None
        if parsed is None and required:
            self.error(sheet, number, key, _("is required"), headings)
        return parsed

    def _action_fields(self, number, row, action) -> dict:
        """The values of one row that differ from the action's, keyed by model field."""
        sheet, fields = ACTIONS_SHEET, {}
        if _text(row.get("title")):
            fields["title"] = _text(row["title"])
        if "description" in row and row["description"] is not None:
            fields["description"] = _text(row["description"])
        status = _text(row.get("status"))
        if status:
            if status.casefold() in self.statuses:
                fields["status"] = self.statuses[status.casefold()]
            else:
                self.error(sheet, number, "status", _("unknown status “%(value)s”") % {"value": status})
        if row.get("progress") not in (None, ""):
            progress = self._parse(sheet, number, row, "progress", parse_decimal)
            if progress is not None:
                if progress != progress.to_integral_value():
                    self.error(sheet, number, "progress", _("must be a whole number from 0 to 100"))
                fields["progress"] = int(progress)
        for key, attribute in (("start", "start_date"), ("end", "end_date")):
            if row.get(key) not in (None, ""):
                fields[attribute] = self._parse(sheet, number, row, key, parse_date)
        if row.get("weight") not in (None, ""):
            fields["weight"] = self._parse(sheet, number, row, "weight", parse_decimal)
        owner = _text(row.get("owner"))
        if owner:
            if owner.casefold() in self.offices:
                fields["owner_office"] = self.offices[owner.casefold()]
            else:
                self.error(sheet, number, "owner", _("unknown organisation “%(slug)s”") % {"slug": owner})
        return {name: value for name, value in fields.items() if getattr(action, name, None) != value}

    def _action_row(self, number, row):
        sheet = ACTIONS_SHEET
        code = _text(row.get("code"))
        if not code:
            self.error(sheet, number, "code", _("is required"))
            return None
        action = Action.objects.for_city(self.city).filter(code=code).select_related("city").first()
        created = action is None
        if created:
            line = Line.objects.for_city(self.city).filter(code=_text(row.get("line"))).first()
            if line is None:
                self.error(sheet, number, "line", _("a new action needs the code of an existing line"))
                return None
            if not permissions.can_manage_plan(self.user, self.city):
                self.error(sheet, number, "code", _("only plan owners can add actions"))
                return None
            action = Action(city=self.city, code=code, line=line)
        changed = self._action_fields(number, row, action)
        if not changed and not created:
            return None  # an unchanged row is never refused, whoever uploads it
        if not created and not permissions.can_edit_action(self.user, action):
            first = next(key for key, heading in A.items() if _attribute(key) in changed)
            self.error(sheet, number, first, _("you cannot edit action %(code)s") % {"code": code})
            return None
        if "owner_office" in changed and not created and not permissions.can_manage_plan(self.user, self.city):
            self.error(sheet, number, "owner", _("only plan owners can change the owning office"))
            return None
        for attribute, value in changed.items():
            setattr(action, attribute, value)
        self._validate(sheet, number, action)
        return action, created

    def _value_row(self, number, row):
        sheet = VALUES_SHEET
        code = _text(row.get("indicator"))
        indicator = (
            Indicator.objects.for_city(self.city)
            .filter(plan=self.plan, code=code)
            .select_related("action", "city")
            .first()
        )
        if indicator is None:
            self.error(sheet, number, "indicator", _("unknown indicator “%(code)s”") % {"code": code}, V)
            return None
        reference_date = self._parse(sheet, number, row, "date", parse_date, required=True, headings=V)
        value = self._parse(sheet, number, row, "value", parse_decimal, required=True, headings=V)
        if reference_date is None or value is None:
            return None
        wanted = {"value": value, "source": _text(row.get("source")), "note": _text(row.get("note"))}
        existing = IndicatorValue.objects.filter(indicator=indicator, reference_date=reference_date).first()
        if existing and all(getattr(existing, name) == wanted[name] for name in wanted):
            return None
        if not permissions.can_edit_indicator(self.user, indicator):
            self.error(sheet, number, "value", _("you cannot record values of %(code)s") % {"code": code}, V)
            return None
        record = existing or IndicatorValue(city=self.city, indicator=indicator, reference_date=reference_date)
        for name, new in wanted.items():
            setattr(record, name, new)
        record.recorded_by = self.user
        self._validate(sheet, number, record, V)
        return record

    def _validate(self, sheet, number, instance, headings=A):
        from .services import check

        for name, message in check(instance):
            key = {"start_date": "start", "end_date": "end", "owner_office": "owner", "reference_date": "date"}.get(
                name, name
            )
            self.error(sheet, number, key if key in headings else "-", message, headings)


def _attribute(key):
    return {"start": "start_date", "end": "end_date", "owner": "owner_office"}.get(key, key)


def import_workbook(*, city, user, file) -> WorkbookReport:
    return WorkbookImport(city=city, user=user, file=file).run()


def start_upload(*, city, user, file) -> WorkbookUpload:
    """Check the archive (ImportFailed at once, nothing stored, for a file that is not an XLSX
    workbook or would unzip too large), store it and queue it for the background worker."""
    from .tasks import import_workbook_task

    check_archive(file, name=file.name)
    upload = WorkbookUpload.objects.create(city=city, file=file, file_name=file.name[:255], created_by=user)
    import_workbook_task.enqueue(upload.pk)
    return upload


def _failure_errors(message) -> list[RowError]:
    return [RowError("-", "-", "-", str(message))]


def _failure(message) -> list[dict]:
    return [error.__dict__ for error in _failure_errors(message)]


def run_upload(upload: WorkbookUpload) -> WorkbookUpload:
    """Read and apply one upload in this process (the worker's task); it ends done or failed."""
    WorkbookUpload.objects.filter(pk=upload.pk).update(status=WorkbookUpload.Status.RUNNING, started_at=timezone.now())
    try:
        if upload.created_by is None or not upload.created_by.is_active:
            raise ImportFailed(_failure_errors(_("the account that uploaded the workbook is no longer active")))
        with upload.file.open("rb") as file:
            file.name = upload.file_name
            report = WorkbookImport(city=upload.city, user=upload.created_by, file=file).run()
    except ImportFailed as failure:
        upload.status, upload.errors = WorkbookUpload.Status.FAILED, [error.__dict__ for error in failure.errors]
    except Exception as exc:  # noqa: BLE001 - an upload must end, whatever went wrong
        logger.exception("Workbook upload %s failed", upload.pk)
        upload.status = WorkbookUpload.Status.FAILED
        upload.errors = _failure(
            _(
                "The import stopped on an unexpected error (%(error)s); nothing was changed. "
                "The technical details are in the server's log."
            )
            % {"error": exc.__class__.__name__}
        )
    else:
        upload.status = WorkbookUpload.Status.DONE
        upload.summary = {
            "actions_created": report.actions_created,
            "actions_updated": report.actions_updated,
            "values_recorded": report.values_recorded,
        }
    upload.finished_at = timezone.now()
    upload.save()
    _tell_who_uploaded(upload)
    return upload


def _tell_who_uploaded(upload: WorkbookUpload) -> None:
    """The person who uploaded the workbook finds its outcome in their notifications, once."""
    from ponte.collaboration.services import job_finished

    if upload.created_by_id is None:
        return
    job_finished(
        user=upload.created_by,
        city=upload.city,
        what=_("Workbook %(file)s") % {"file": upload.file_name},
        url=upload.get_absolute_url(),
        done=upload.status == WorkbookUpload.Status.DONE,
        errors=upload.errors,
        key=f"job:workbook:{upload.pk}",
    )


def upload_summary(upload: WorkbookUpload) -> str:
    return WorkbookReport(**upload.summary).summary()


def fail_if_stalled(upload: WorkbookUpload) -> WorkbookUpload:
    """An upload no worker finished within `PONTE_IMPORT_STALL_MINUTES` is declared failed."""
    minutes = settings.PONTE_IMPORT_STALL_MINUTES
    last = upload.started_at or upload.created_at
    if upload.is_finished or last >= timezone.now() - datetime.timedelta(minutes=minutes):
        return upload
    upload.status = WorkbookUpload.Status.FAILED
    upload.errors = _failure(
        _(
            "No worker finished reading this workbook in %(minutes)d minutes: is the background worker "
            "(manage.py worker) running? Nothing was changed; upload the file again."
        )
        % {"minutes": minutes}
    )
    upload.finished_at = timezone.now()
    if WorkbookUpload.objects.filter(pk=upload.pk, status__in=["queued", "running"]).update(
        status=upload.status, errors=upload.errors, finished_at=upload.finished_at
    ):
        _tell_who_uploaded(upload)
    return upload
