"""The calls' deadlines as iCalendar entries."""

import datetime

from django.conf import settings

from ponte.core.calendars import Entry

from .models import Call


def call_entries(city, calls):
    for call in calls.exclude(status=Call.Status.CLOSED).exclude(deadline__isnull=True):
        yield Entry(
            uid=f"call-{call.pk}@{city.slug}.ponte",
            summary=f"Scadenza: {call.identifier} {call.title}"[:250],
            start=call.deadline,
            end=call.deadline + datetime.timedelta(days=1),
            url=call.url or f"{settings.SITE_URL}{call.get_absolute_url()}",
            description=call.description,
        )
