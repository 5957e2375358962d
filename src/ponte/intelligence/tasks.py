from django.core.cache import cache
from django_tasks import task

from ponte.core.models import City


@task()
def refresh_embeddings_task(city_id: int) -> dict:
    from .services import refresh, refresh_key

    cache.delete(refresh_key(city_id))
    city = City.objects.filter(pk=city_id).first()
    return refresh(city) if city else {}
