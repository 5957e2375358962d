"""Report generation: queue a report for a scope, write its three files as a background task
with progress, keep it in the archive with who asked for it and when."""

import datetime
import hashlib
import hmac
import logging
import secrets

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.text import printable, strip_control_characters

from . import content as report_content
from . import writers
from .models import CalendarLink, Report, ReportDefinition

logger = logging.getLogger(__name__)
SCOPE_FIELDS = ["start_date", "end_date", "axis_item", "programme", "office"]


def _require(user, city):
    if not permissions.can_manage_plan(user, city):
        raise PermissionDenied(_("Only plan owners generate reports."))


def definition_save(*, definition: ReportDefinition, user, macro_areas=()) -> ReportDefinition:
    _require(user, definition.city)
    if definition.created_by_id is None:
        definition.created_by = user
    definition.full_clean()
    definition.save()
    definition.macro_areas.set(macro_areas)
    return definition


def request_report(*, city, user, scope, macro_areas=(), title="", definition=None) -> Report:
    """Create the archive entry for a scope (copied, so later edits of a definition do not
    change what an old report says) and queue its generation after the transaction commits."""
    from .tasks import generate_report_task

    _require(user, city)
    values = {name: getattr(scope, name) for name in SCOPE_FIELDS}
    report = Report(city=city, generated_by=user, definition=definition, **values)
    report.title = title or _("Annual implementation report %(start)s – %(end)s") % {
        "start": values["start_date"].strftime("%d/%m/%Y"),
        "end": values["end_date"].strftime("%d/%m/%Y"),
    }
    report.full_clean()
    report.save()
    report.macro_areas.set(macro_areas)
    transaction.on_commit(lambda: generate_report_task.enqueue(report.pk))
    return report


def _progress(report, percent):
    Report.objects.filter(pk=report.pk).update(progress=percent)


def generate(report: Report) -> Report:
    """Write the DOCX, PDF and XLSX of a queued report (the worker's task)."""
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=1)
    try:
        # One control character pasted into an update would stop every format (XML refuses it).
        data = printable(report_content.build(report, on_progress=lambda percent: _progress(report, percent // 2)))
        title = strip_control_characters(report.title)
        name = slugify(title)[:80] or "relazione"
        for step, (field, writer, extension) in enumerate(
            (
                ("xlsx", writers.write_xlsx, "xlsx"),
                ("docx", writers.write_docx, "docx"),
                ("pdf", writers.write_pdf, "pdf"),
            )
        ):
            getattr(report, field).save(f"{name}.{extension}", ContentFile(writer(data, title)), save=False)
            _progress(report, 40 + 20 * (step + 1))
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the report, never lost
        logger.exception("report %s failed", report.pk)
        report.status, report.error = Report.Status.FAILED, f"{exc.__class__.__name__}: {exc}"
    else:
        report.status, report.progress = Report.Status.DONE, 100
    report.finished_at = timezone.now()
    report.save()
    _tell_who_asked(report)
    return report


def _tell_who_asked(report: Report) -> None:
    """The person who asked for the report finds its outcome in their notifications, once."""
    from ponte.collaboration.services import job_finished

    if report.generated_by_id is None:
        return
    job_finished(
        user=report.generated_by,
        city=report.city,
        what=report.title,
        url=report.get_absolute_url(),
        done=report.status == Report.Status.DONE,
        reason=report.error,
        key=f"job:report:{report.pk}",
    )


# --- the private calendar of a person's deadlines (issue 17) ------------------------------------


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def calendar_link_renew(*, user, city) -> tuple[CalendarLink, str]:
    """Make the person's calendar address, or a new one in place of the old (which stops working at
    once); returns the link and its secret, which is stored only as a hash: show it now or never."""
    if not permissions.can_view(user, city):
        raise PermissionDenied(_("Only the city's staff have a deadlines calendar."))
    secret = secrets.token_urlsafe(32)
    link, _created = CalendarLink.objects.update_or_create(
        user=user, city=city, defaults={"secret_sha256": _sha256(secret), "last_read_at": None}
    )
    return link, secret


def calendar_link_revoke(*, user, city) -> bool:
    """Remove the person's calendar address; whether there was one."""
    deleted, _rows = CalendarLink.objects.filter(user=user, city=city).delete()
    return bool(deleted)


def calendar_link_owner(*, city, pk: int, secret: str):
    """The account whose calendar address this is, or None: an unknown or replaced address, or
    one whose owner is inactive or no longer has a role in the city. The secret is compared in
    constant time."""
    link = CalendarLink.objects.filter(city=city, pk=pk).select_related("user").first()
    if link is None or not hmac.compare_digest(link.secret_sha256, _sha256(secret)):
        return None
    if not link.user.is_active or not permissions.can_view(link.user, city):
        return None
    now = timezone.now()
    if link.last_read_at is None or now - link.last_read_at > datetime.timedelta(hours=1):
        # At most one write an hour, whatever the calendar's polling (no signals: no cache bump).
        CalendarLink.objects.filter(pk=link.pk).update(last_read_at=now)
    return link.user
