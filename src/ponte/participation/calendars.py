"""iCalendar of events: the whole programme, one series, or one event."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent


def events_calendar(name: str, events) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Ponte//Eventi//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        item = CalendarEvent()
        item.add("uid", f"event-{event.pk}@{event.city.slug}.ponte")
        item.add("dtstamp", stamp)
        item.add("summary", event.title)
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at or event.starts_at + datetime.timedelta(hours=2))
        if event.venue or event.online_url:
            item.add("location", event.venue or event.online_url)
        if event.description:
            item.add("description", event.description[:2000])
        item.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
        calendar.add_component(item)
    return calendar.to_ical()
