"""Background work of the plan: reminders to owners whose update is due (database queue)."""

from django_tasks import task

from .services import send_update_reminders


@task()
def send_update_reminders_task(city_slug: str) -> int:
    from ponte.core.models import City

    return send_update_reminders(city=City.objects.get(slug=city_slug))
