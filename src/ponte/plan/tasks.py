"""Background work of the plan: reminders to owners whose update is due (database queue)."""

from django_tasks import task

from ponte.core.locks import REMINDER_LOCK_SECONDS, held

from .services import send_update_reminders


@task()
def send_update_reminders_task(city_slug: str) -> int:
    from ponte.core.models import City

    # One run per city at a time, whichever worker takes it (ponte.core.locks): the reminders
    # already sent are read before mailing, so two runs together would mail twice.
    with held(f"update-reminders:{city_slug}", seconds=REMINDER_LOCK_SECONDS) as mine:
        return send_update_reminders(city=City.objects.get(slug=city_slug)) if mine else 0


@task()
def import_workbook_task(upload_id: int) -> str:
    """Read and apply an uploaded plan workbook (`spreadsheets.start_upload` queues it)."""
    from .models import WorkbookUpload
    from .spreadsheets import run_upload

    upload = WorkbookUpload.objects.select_related("city", "created_by").get(pk=upload_id)
    if upload.status != WorkbookUpload.Status.QUEUED:
        return upload.status
    return run_upload(upload).status
