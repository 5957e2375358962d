"""Background work of the funding portfolio (database queue by default)."""

from django_tasks import task

from .services import send_deadline_reminders


@task()
def send_deadline_reminders_task(city_slug: str) -> int:
    from ponte.core.models import City

    return send_deadline_reminders(city=City.objects.get(slug=city_slug))
