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


@task()
def rank_calls_task(city_id: int, call_ids: list[int] | None = None) -> int:
    """Score the city's calls (or the given ones) in the background: embedding a call's text the
    first time takes a fraction of a second, so an import of thousands of topics, or the first
    call saved before the plan's actions have vectors, is not ranked inside a request or an
    import job."""
    from ponte.core.models import City

    from .models import Call
    from .ranking import rank_calls

    city = City.objects.filter(pk=city_id).first()
    if city is None:
        return 0
    calls = None
    if call_ids is not None:
        calls = list(
            Call.objects.for_city(city)
            .filter(pk__in=call_ids)
            .select_related("programme")
            .prefetch_related("alignments__axis")
        )
    return rank_calls(city, calls)
