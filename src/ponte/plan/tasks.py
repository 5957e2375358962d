"""Background work of the plan: reminders to owners whose update is due (database queue)."""

from django_tasks import task

from .services import send_update_reminders


@task()
def send_update_reminders_task(city_slug: str) -> int:
    from ponte.core.models import City

    return send_update_reminders(city=City.objects.get(slug=city_slug))


@task()
def import_workbook_task(upload_id: int) -> str:
    """Read and apply an uploaded plan workbook (`spreadsheets.start_upload` queues it)."""
    from .models import WorkbookUpload
    from .spreadsheets import run_upload

    upload = WorkbookUpload.objects.select_related("city", "created_by").get(pk=upload_id)
    if upload.status != WorkbookUpload.Status.QUEUED:
        return upload.status
    return run_upload(upload).status
