"""Reads shared by every app: organisations of a city and the audit trail of any item."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import Organisation


def with_descendants(node) -> list[int]:
    """The pk of a node of a tree (a model with a `parent` key to itself) and of every node
    under it, one query per level: PNRR and its missions, SDG 11 and its targets."""
    model = type(node)
    ids, frontier = [node.pk], [node.pk]
    while frontier:
        frontier = list(model.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


def organisation_list(city):
    return Organisation.objects.for_city(city).select_related("parent")


def audit_history(instance, *related, limit: int = 100):
    """The latest changes (who, when, old → new) of one item and of the rows that belong to it
    (`related` querysets, e.g. an action's milestones), newest first, in one query."""
    entries = LogEntry.objects.get_for_object(instance)
    for queryset in related:
        content_type = ContentType.objects.get_for_model(queryset.model)
        entries = entries | LogEntry.objects.filter(content_type=content_type, object_id__in=queryset.values("pk"))
    return entries.select_related("actor", "content_type").order_by("-timestamp")[:limit]
