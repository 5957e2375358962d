"""Reads shared by every app: organisations of a city and the audit trail of any item."""

from auditlog.models import LogEntry

from .models import Organisation


def organisation_list(city):
    return Organisation.objects.for_city(city).select_related("parent")


def audit_history(instance, limit: int = 50):
    """The latest changes of one item (who, when, old → new), newest first."""
    return LogEntry.objects.get_for_object(instance).select_related("actor")[:limit]
