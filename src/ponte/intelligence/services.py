"""Embeddings stored per object, and what is built on them: similarity between objects of any
two kinds, across Italian and English."""

import logging

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from . import embeddings
from .models import Embedding
from .registry import REGISTRY, entry_for

logger = logging.getLogger(__name__)


def text_of(obj) -> str:
    entry = entry_for(obj)
    if entry is None:
        raise ValueError(f"{obj._meta.label} is not embedded (see intelligence.registry)")
    return entry.text(obj)


def vectors_for(objects, *, compute_missing: bool = True) -> dict[int, np.ndarray]:
    """The vector of each object's current text, by primary key: read from the database, and
    computed (and stored) for objects whose text is new or changed, unless `compute_missing` is
    False (then those are left out). One query to read, one batch to embed."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    texts = {obj.pk: text_of(obj) for obj in objects}
    hashes = {pk: embeddings.text_hash(text) for pk, text in texts.items()}
    stored = {
        row.object_id: row
        for row in Embedding.objects.filter(
            content_type=content_type, object_id__in=list(texts), model=embeddings.MODEL_NAME
        ).only("object_id", "text_hash", "vector")
    }
    result, stale = {}, []
    for obj in objects:
        row = stored.get(obj.pk)
        if row is not None and row.text_hash == hashes[obj.pk]:
            result[obj.pk] = embeddings.from_bytes(row.vector)
        else:
            stale.append(obj)
    if stale and compute_missing:
        result.update(_store(stale, content_type, texts, hashes, stored))
    return result


def _store(objects, content_type, texts, hashes, stored) -> dict[int, np.ndarray]:
    vectors = embeddings.embed_passages([texts[obj.pk] for obj in objects])
    result = {}
    with transaction.atomic():
        for obj, vector in zip(objects, vectors, strict=True):
            data = embeddings.to_bytes(vector)
            row = stored.get(obj.pk)
            if row is not None:
                Embedding.objects.filter(pk=row.pk).update(text_hash=hashes[obj.pk], vector=data)
            else:
                Embedding.objects.update_or_create(
                    content_type=content_type,
                    object_id=obj.pk,
                    model=embeddings.MODEL_NAME,
                    defaults={"city_id": obj.city_id, "text_hash": hashes[obj.pk], "vector": data},
                )
            result[obj.pk] = vector
    return result


def refresh(city=None, labels=None) -> dict[str, int]:
    """Compute the vectors of every registered object whose text is new or changed; returns how
    many were computed, per model. Objects deleted since leave their rows: `prune` removes them."""
    counts = {}
    for label, entry in REGISTRY.items():
        if labels and label not in labels:
            continue
        objects = list(entry.queryset(city))
        before = len(objects)
        stored = vectors_for(objects, compute_missing=False)
        stale = [obj for obj in objects if obj.pk not in stored]
        for start in range(0, len(stale), 64):
            vectors_for(stale[start : start + 64])
        counts[label] = len(stale)
        logger.info("embeddings of %s: %d of %d computed", label, len(stale), before)
    prune()
    return counts


def prune() -> int:
    """Remove the vectors of objects that no longer exist."""
    removed = 0
    for _label, entry in REGISTRY.items():
        content_type = ContentType.objects.get_for_model(entry.model)
        rows = Embedding.objects.filter(content_type=content_type).exclude(
            object_id__in=entry.model._default_manager.values("pk")
        )
        removed += rows.delete()[0]
    return removed


def similarity(query_vector: np.ndarray, vectors: dict[int, np.ndarray]) -> dict[int, float]:
    """Cosine similarity of one vector with many (all L2-normalised), by key."""
    if not vectors:
        return {}
    keys = list(vectors)
    scores = np.vstack([vectors[key] for key in keys]) @ np.asarray(query_vector, dtype=np.float32)
    return dict(zip(keys, (float(score) for score in scores), strict=True))


def refresh_key(city_id) -> str:
    return f"ponte:embeddings-refresh:{city_id}"


def schedule_refresh(city_id) -> None:
    """Queue one background refresh of the city's embeddings after the current transaction
    commits; many saves in a row queue it once (the task clears the mark as it starts, so a save
    after that queues another)."""
    if not getattr(settings, "PONTE_EMBED_ON_SAVE", True):
        return
    if cache.add(refresh_key(city_id), 1, timeout=600):
        from .tasks import refresh_embeddings_task

        transaction.on_commit(lambda: refresh_embeddings_task.enqueue(city_id))
