"""Embeddings stored per object, and what is built on them: similarity between objects of any
two kinds, across Italian and English.

A vector is computed once per text: `vectors_for` reads the stored ones and computes only those
whose text is new or changed (its hash differs); saving an embedded object (or changing its
alignments) queues one background `refresh` of its city after the commit (`schedule_refresh`),
and deleting it removes its vector (signals.py)."""

import logging
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import ngettext

from . import embeddings
from .models import Embedding
from .registry import REGISTRY, entry_for

logger = logging.getLogger(__name__)

BATCH = 64  # texts embedded at once by `refresh` (the engine splits long ones into windows itself)


def text_of(obj) -> str:
    entry = entry_for(obj)
    if entry is None:
        raise ValueError(f"{obj._meta.label} is not embedded (see intelligence.registry)")
    return entry.text(obj)


def _stored_rows(content_type, ids):
    rows = Embedding.objects.filter(content_type=content_type, model=embeddings.MODEL_NAME)
    return {row.object_id: row for row in rows.filter(object_id__in=ids).only("object_id", "text_hash", "vector")}


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
    stored = _stored_rows(content_type, list(texts))
    result, stale = {}, []
    for obj in objects:
        row = stored.get(obj.pk)
        if row is not None and row.text_hash == hashes[obj.pk]:
            result[obj.pk] = embeddings.from_bytes(row.vector)
        else:
            stale.append(obj)
    if stale and compute_missing:
        result.update(_store(stale, content_type, texts, hashes))
    return result


def _store(objects, content_type, texts, hashes) -> dict[int, np.ndarray]:
    """Embed the objects' texts in one batch and write their vectors in one upsert (a row that a
    concurrent refresh wrote meanwhile is overwritten with the same vector, not an error)."""
    vectors = embeddings.embed_passages([texts[obj.pk] for obj in objects])
    now = timezone.now()
    Embedding.objects.bulk_create(
        [
            Embedding(
                city_id=obj.city_id,
                content_type=content_type,
                object_id=obj.pk,
                model=embeddings.MODEL_NAME,
                text_hash=hashes[obj.pk],
                vector=embeddings.to_bytes(vector),
                updated_at=now,
            )
            for obj, vector in zip(objects, vectors, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "model"],
        update_fields=["city", "text_hash", "vector", "updated_at"],
    )
    return {obj.pk: vector for obj, vector in zip(objects, vectors, strict=True)}


@dataclass
class Refreshed:
    """What a refresh found and did: per registered model, how many objects it holds and how many
    vectors were (or, for `pending`, would be) computed; how many vectors of deleted objects went."""

    total: dict[str, int] = field(default_factory=dict)
    computed: dict[str, int] = field(default_factory=dict)
    pruned: int = 0

    @property
    def computed_count(self) -> int:
        return sum(self.computed.values())

    def as_dict(self) -> dict:
        return {"total": self.total, "computed": self.computed, "pruned": self.pruned}


def _stale(entry, city) -> tuple[list, int]:
    """The objects whose text has no vector yet (or an old one): hashes compared, vectors not read."""
    objects = list(entry.queryset(city))
    rows = Embedding.objects.filter(
        content_type=ContentType.objects.get_for_model(entry.model), model=embeddings.MODEL_NAME
    )
    if city is not None:
        rows = rows.filter(city=city)
    hashes = dict(rows.values_list("object_id", "text_hash"))
    return [obj for obj in objects if hashes.get(obj.pk) != embeddings.text_hash(entry.text(obj))], len(objects)


def pending(city=None) -> Refreshed:
    """How many texts of the city (every city: None) have no vector of their current text yet;
    nothing is computed."""
    report = Refreshed()
    for label, entry in REGISTRY.items():
        stale, report.total[label] = _stale(entry, city)
        report.computed[label] = len(stale)
    return report


def refresh(city=None, labels=None, progress=None) -> Refreshed:
    """Compute the vectors of every registered object of the city (every city: None) whose text is
    new or changed, in batches, and remove those of objects deleted since; other cities' vectors
    are left alone. `progress(label, done, total)` is called after each batch."""
    report = Refreshed()
    for label, entry in REGISTRY.items():
        if labels and label not in labels:
            continue
        stale, report.total[label] = _stale(entry, city)
        for start in range(0, len(stale), BATCH):
            vectors_for(stale[start : start + BATCH])
            if progress:
                progress(label, min(start + BATCH, len(stale)), len(stale))
        report.computed[label] = len(stale)
        logger.info("embeddings of %s: %d of %d computed", label, len(stale), report.total[label])
    report.pruned = prune(city)
    return report


def prune(city=None) -> int:
    """Remove the vectors of the city's objects (every city's: None) that no longer exist."""
    removed = 0
    for entry in REGISTRY.values():
        content_type = ContentType.objects.get_for_model(entry.model)
        rows = Embedding.objects.filter(content_type=content_type)
        if city is not None:
            rows = rows.filter(city=city)
        removed += rows.exclude(object_id__in=entry.model._default_manager.values("pk")).delete()[0]
    return removed


def forget(obj) -> None:
    """The vector of a deleted object goes with it."""
    Embedding.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).delete()


def similarity(query_vector: np.ndarray, vectors: dict[int, np.ndarray]) -> dict[int, float]:
    """Cosine similarity of one vector with many (all L2-normalised), by key."""
    if not vectors:
        return {}
    keys = list(vectors)
    scores = np.vstack([vectors[key] for key in keys]) @ np.asarray(query_vector, dtype=np.float32)
    return dict(zip(keys, (float(score) for score in scores), strict=True))


# --- the background refresh -------------------------------------------------------------------


def refresh_key(city_id) -> str:
    return f"ponte:embeddings-refresh:{city_id}"


REFRESH_MARK_SECONDS = 600  # a refresh queued but not started within this time may be queued again


class _QueueRefresh:
    """What a transaction owes at its commit: one refresh per city it changed (one callback per
    transaction, holding every city)."""

    def __init__(self):
        self.city_ids = set()
        self.ran = False

    def __call__(self):
        from .tasks import refresh_embeddings_task

        self.ran = True
        for city_id in sorted(self.city_ids):
            # Marked at the commit, not at the save: a transaction rolled back marks nothing.
            # The task clears the mark as it starts, so a save after that queues another.
            if cache.add(refresh_key(city_id), 1, timeout=REFRESH_MARK_SECONDS):
                refresh_embeddings_task.enqueue(city_id)


def schedule_refresh(city_id, using=DEFAULT_DB_ALIAS) -> None:
    """Queue one background refresh of the city's embeddings after the current transaction
    commits; any number of saves in a transaction, or in a row before the worker starts it, queue
    it once. Nothing when PONTE_EMBED_ON_SAVE is off (tests: vectors are computed when read)."""
    if not getattr(settings, "PONTE_EMBED_ON_SAVE", True):
        return
    connection = transaction.get_connection(using)
    savepoints = tuple(connection.savepoint_ids)
    for sids, callback, *_ in connection.run_on_commit:
        # Only a callback that a rollback could not drop without also dropping this save.
        if isinstance(callback, _QueueRefresh) and not callback.ran and savepoints[: len(sids)] == tuple(sids):
            callback.city_ids.add(city_id)
            return
    queue = _QueueRefresh()
    queue.city_ids.add(city_id)
    transaction.on_commit(queue, using=using)


def queue_refresh(city) -> tuple[Refreshed, bool]:
    """After a data set is loaded: how many of the city's texts still need a vector and whether a
    background refresh is queued for them (one, unless one already is; none when
    PONTE_EMBED_ON_SAVE is off), so a fresh install has its vectors once the worker ran."""
    report = pending(city)
    queued = bool(report.computed_count) and getattr(settings, "PONTE_EMBED_ON_SAVE", True)
    if queued:
        queue = _QueueRefresh()
        queue.city_ids.add(city.pk)
        transaction.on_commit(queue)
    return report, queued


def embedding_status(city) -> str:
    """What a person loading a data set is told about the city's vectors (`queue_refresh`)."""
    report, queued = queue_refresh(city)
    total = sum(report.total.values())
    values = {"n": report.computed_count, "total": total, "city": city.slug}
    if not report.computed_count:
        return (
            ngettext(
                "Embeddings: the %(total)d text has its vector.",
                "Embeddings: all %(total)d texts have their vector.",
                total,
            )
            % values
        )
    if queued:
        return (
            ngettext(
                "Embeddings: %(n)d of %(total)d texts needs its vector; computing it is queued for the background "
                "worker (manage.py worker), or run manage.py refresh_embeddings --city %(city)s now.",
                "Embeddings: %(n)d of %(total)d texts need their vector; computing them is queued for the background "
                "worker (manage.py worker), or run manage.py refresh_embeddings --city %(city)s now.",
                report.computed_count,
            )
            % values
        )
    return (
        ngettext(
            "Embeddings: %(n)d of %(total)d texts needs its vector and nothing computes it in the background "
            "(PONTE_EMBED_ON_SAVE is off): run manage.py refresh_embeddings --city %(city)s.",
            "Embeddings: %(n)d of %(total)d texts need their vector and nothing computes them in the background "
            "(PONTE_EMBED_ON_SAVE is off): run manage.py refresh_embeddings --city %(city)s.",
            report.computed_count,
        )
        % values
    )
