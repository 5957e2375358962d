from django_tasks import task

from .services import send_follow_up_reminders


@task()
def send_follow_up_reminders_task(city_slug: str) -> int:
    from .models import City

    return send_follow_up_reminders(city=City.objects.get(slug=city_slug))
