"""iCalendar (RFC 5545) feeds, written with the icalendar library: every feed of Ponte (call
deadlines, events, meetings of a body) is a list of `Entry` rendered by `calendar_response`."""

import dataclasses
import datetime
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event


@dataclasses.dataclass(frozen=True)
class Entry:
    uid: str
    summary: str
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime
    url: str
    location: str = ""
    description: str = ""


def calendar_bytes(name: str, product: str, entries: Iterable[Entry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//Ponte//{product}//IT")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for entry in entries:
        item = Event()
        item.add("uid", entry.uid)
        item.add("dtstamp", stamp)
        item.add("summary", entry.summary)
        item.add("dtstart", entry.start)
        item.add("dtend", entry.end)
        if entry.location:
            item.add("location", entry.location)
        if entry.description:
            item.add("description", entry.description[:2000])
        item.add("url", entry.url)
        calendar.add_component(item)
    return calendar.to_ical()


def calendar_response(name: str, product: str, entries: Iterable[Entry], filename: str) -> HttpResponse:
    response = HttpResponse(calendar_bytes(name, product, entries), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response
