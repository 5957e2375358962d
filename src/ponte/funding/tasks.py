"""Background work of the funding portfolio (database queue by default)."""

from django_tasks import task

from ponte.core.locks import REMINDER_LOCK_SECONDS, held

from .services import send_deadline_reminders


@task()
def send_deadline_reminders_task(city_slug: str) -> int:
    from ponte.core.models import City

    # One run per city at a time across workers (ponte.core.locks): a deadline is marked
    # reminded only after its mails went, so two runs together would mail twice.
    with held(f"deadline-reminders:{city_slug}", seconds=REMINDER_LOCK_SECONDS) as mine:
        return send_deadline_reminders(city=City.objects.get(slug=city_slug)) if mine else 0
