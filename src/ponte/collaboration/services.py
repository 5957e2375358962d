"""Writes of the collaboration app. Every part of Ponte tells staff something through `notify`."""

from django.db import IntegrityError, transaction

from .models import Notification


def notify(*, recipient, city, kind: str, title: str, key: str, url: str = "", body: str = "", actor=None):
    """Put a notification in `recipient`'s centre, once per `key` (a repeated event is ignored:
    returns None). Mail follows the recipient's preference (see `ponte.collaboration.delivery`)."""
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None  # nobody is told of what they did themselves
    try:
        with transaction.atomic():
            return Notification.objects.create(
                city=city,
                recipient=recipient,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:500],
                key=key[:200],
                actor=actor,
            )
    except IntegrityError:
        return None
