"""iCalendar (RFC 5545) feeds, written with the icalendar library."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Call


def calls_calendar(city, calls) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Ponte//Bandi//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Ponte · {city.name} · scadenze dei bandi")
    stamp = timezone.now()
    for call in calls.exclude(status=Call.Status.CLOSED).exclude(deadline__isnull=True):
        event = Event()
        event.add("uid", f"call-{call.pk}@{city.slug}.ponte")
        event.add("dtstamp", stamp)
        event.add("summary", f"Scadenza: {call.identifier} {call.title}"[:250])
        event.add("dtstart", call.deadline)
        event.add("dtend", call.deadline + datetime.timedelta(days=1))
        event.add("url", call.url or f"{settings.SITE_URL}{call.get_absolute_url()}")
        if call.description:
            event.add("description", call.description[:2000])
        calendar.add_component(event)
    return calendar.to_ical()
