from django_tasks import task

from .locks import REMINDER_LOCK_SECONDS, held
from .services import send_follow_up_reminders


@task()
def send_follow_up_reminders_task(city_slug: str) -> int:
    from .models import City

    # One run per city at a time across workers (ponte.core.locks): a task is marked reminded
    # only after its mails went, so two runs together would mail twice.
    with held(f"follow-up-reminders:{city_slug}", seconds=REMINDER_LOCK_SECONDS) as mine:
        return send_follow_up_reminders(city=City.objects.get(slug=city_slug)) if mine else 0
