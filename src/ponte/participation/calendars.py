"""Events as iCalendar entries: the whole programme, one series, or one event."""

import datetime

from django.conf import settings

from ponte.core.calendars import Entry


def event_entries(events):
    for event in events:
        yield Entry(
            uid=f"event-{event.pk}@{event.city.slug}.ponte",
            summary=event.title,
            start=event.starts_at,
            end=event.ends_at or event.starts_at + datetime.timedelta(hours=2),
            url=f"{settings.SITE_URL}{event.get_absolute_url()}",
            location=event.venue or event.online_url,
            description=event.description,
        )
