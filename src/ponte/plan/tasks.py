"""Background work of the plan: reminders of the periodic updates due (database queue)."""

from django_tasks import task

from ponte.core.locks import REMINDER_LOCK_SECONDS, held

from .services import send_update_reminders


@task()
def send_update_reminders_task(city_slug: str, today: str | None = None) -> dict:
    """Reminders, late reminders and escalations of the city's periodic updates, as notifications.
    Returns what it did: {"actions": n, "counts": {kind: n}, "already": n, "busy": bool}."""
    import datetime

    from ponte.core.models import City

    day = datetime.date.fromisoformat(today) if today else None
    # One run per city at a time, whichever worker takes it (ponte.core.locks); the notifications'
    # keys keep two runs from telling anyone twice anyway.
    with held(f"update-reminders:{city_slug}", seconds=REMINDER_LOCK_SECONDS) as mine:
        if not mine:
            return {"actions": 0, "counts": {}, "already": 0, "busy": True}
        run = send_update_reminders(city=City.objects.get(slug=city_slug), today=day)
        return {"actions": run.actions, "counts": {str(k): v for k, v in run.counts.items()}, "already": run.already}


@task()
def import_workbook_task(upload_id: int) -> str:
    """Read and apply an uploaded plan workbook (`spreadsheets.start_upload` queues it)."""
    from .models import WorkbookUpload
    from .spreadsheets import run_upload

    upload = WorkbookUpload.objects.select_related("city", "created_by").get(pk=upload_id)
    if upload.status != WorkbookUpload.Status.QUEUED:
        return upload.status
    return run_upload(upload).status
