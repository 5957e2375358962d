from django.core.cache import cache
from django_tasks import task

from ponte.core.models import City


@task()
def refresh_embeddings_task(city_id: int) -> dict:
    """Compute the vectors of the city's new and changed texts (queued after a save, a data-set
    load or an import); returns what it computed, per model."""
    from .services import refresh, refresh_key

    cache.delete(refresh_key(city_id))  # first: a save from now on queues another refresh
    city = City.objects.filter(pk=city_id).first()
    return refresh(city).as_dict() if city else {}


@task()
def run_suggestion_job_task(job_id: int) -> str:
    """A bulk run of SDG suggestions (intelligence.suggestions.run_bulk), started from its page."""
    from .models import SuggestionJob
    from .suggestions import run_bulk

    job = SuggestionJob.objects.select_related("city").filter(pk=job_id).first()
    if job is None or job.status != SuggestionJob.Status.QUEUED:
        return job.status if job else "missing"  # already declared failed while it waited
    return run_bulk(job).status


@task()
def compute_suggestions_task(content_type_id: int, object_id: int) -> str:
    """The SDG suggestions of one object's text, queued when its page was first opened
    (intelligence.suggestions.queue_compute)."""
    from .suggestions import compute_queued

    return compute_queued(content_type_id, object_id)
