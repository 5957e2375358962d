"""Governance bodies: permissions, a meeting's life (agenda, attendance, minutes, decisions,
follow-ups), iCal per body, query counts, and the plan's bodies in the data set."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from ponte.core.models import City, FollowUp
from ponte.factories import OrganisationFactory
from ponte.governance.models import Body, BodyMember, Meeting
from ponte.testing import GOVERNANCE, READ


@pytest.fixture
def body(city):
    body = Body.objects.create(
        city=city,
        organisation=OrganisationFactory(city=city, kind="body", name="Cabina di Regia"),
        purpose="Coordinamento dei fondi europei",
    )
    for name in ("Università", "Sindacati", "Imprese"):
        BodyMember.objects.create(city=city, body=body, organisation=OrganisationFactory(city=city, name=name))
    return body


@pytest.fixture
def meeting(city, body):
    start = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
    meeting = Meeting.objects.create(
        city=city, body=body, title="Riunione di marzo", starts_at=start, agenda="1. PNRR\n2. Varie"
    )
    meeting.invitees.set(body.members.all())
    return meeting


PAGES = [
    ("/{c}/gestione/organismi/", READ),
    ("/{c}/gestione/organismi/{b}/", READ),
    ("/{c}/gestione/organismi/{b}/riunioni.ics", READ),
    ("/{c}/gestione/organismi/{b}/riunioni/nuova/", GOVERNANCE),
    ("/{c}/gestione/organismi/riunioni/{m}/", READ),
    ("/{c}/gestione/organismi/riunioni/{m}/modifica/", GOVERNANCE),
    ("/{c}/gestione/organismi/riunioni/{m}/decisioni/", GOVERNANCE),
    ("/{c}/gestione/organismi/riunioni/{m}/seguiti/", GOVERNANCE),
]


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_permission_matrix(client, users, city, body, meeting, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug, b=body.pk, m=meeting.pk)).status_code == expected[role]


def test_a_meeting_from_agenda_to_follow_ups(client, users, city, body, office):
    client.force_login(users["owner"])
    members = list(body.members.all())
    response = client.post(
        f"/{city.slug}/gestione/organismi/{body.pk}/riunioni/nuova/",
        {
            "title": "Riunione di aprile",
            "starts_at": "2026-04-14T15:00",
            "location": "Palazzo d'Accursio",
            "agenda": "1. Bandi aperti",
            "invitees": [m.pk for m in members],
            "attendees": [members[0].pk],
            "minutes": "Discussi i bandi.",
            "minutes_public": "on",
        },
    )
    meeting = Meeting.objects.get(title="Riunione di aprile")
    assert response["Location"] == meeting.get_absolute_url()
    client.post(
        f"/{city.slug}/gestione/organismi/riunioni/{meeting.pk}/decisioni/", {"text": "Partecipare al bando LIFE."}
    )
    client.post(
        f"/{city.slug}/gestione/organismi/riunioni/{meeting.pk}/seguiti/",
        {"title": "Preparare la scheda", "owner_office": office.pk, "due_date": "2026-05-01"},
    )
    page = client.get(meeting.get_absolute_url())
    content = page.content.decode()
    assert "Partecipare al bando LIFE." in content and "Preparare la scheda" in content
    assert content.count("badge bg-success") == 1 and content.count("badge bg-secondary") == 2  # attendance
    assert FollowUp.objects.get().origin == meeting
    assert any(entry.content_type.model == "decision" for entry in page.context["history"])


def test_meeting_that_ends_before_it_starts_is_refused(client, users, city, body):
    client.force_login(users["owner"])
    response = client.post(
        f"/{city.slug}/gestione/organismi/{body.pk}/riunioni/nuova/",
        {"title": "Sbagliata", "starts_at": "2026-04-14T15:00", "ends_at": "2026-04-14T13:00"},
    )
    assert response.status_code == 200 and not Meeting.objects.filter(title="Sbagliata").exists()


def test_body_calendar_parses_back(client, users, city, body, meeting):
    client.force_login(users["viewer"])
    events = Calendar.from_ical(client.get(f"/{city.slug}/gestione/organismi/{body.pk}/riunioni.ics").content).walk(
        "VEVENT"
    )
    assert len(events) == 1 and "Riunione di marzo" in str(events[0]["summary"])
    assert events[0].decoded("dtstart") == meeting.starts_at


@pytest.mark.parametrize(
    "url", ["/{c}/gestione/organismi/", "/{c}/gestione/organismi/{b}/", "/{c}/gestione/organismi/riunioni/{m}/"]
)
def test_query_counts_do_not_grow(client, users, city, body, meeting, url):
    client.force_login(users["viewer"])

    def grow(n):
        for i in range(n):
            member = BodyMember.objects.create(city=city, body=body, organisation=OrganisationFactory(city=city))
            meeting.invitees.add(member)
            meeting.decisions.create(city=city, text=f"Decisione {i}")
            Meeting.objects.create(city=city, body=body, title=f"R{i}", starts_at=meeting.starts_at)
            Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(c=city.slug, b=body.pk, m=meeting.pk)).status_code == 200
        return len(queries)

    grow(3)
    count()  # a first request fills the per-process caches (content types), as any server's has
    few = count()
    grow(27)
    assert count() == few


def test_bologna_bodies_from_the_plan(db):
    call_command("load_plan", str(Path(__file__).resolve().parents[4] / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    bodies = {b.organisation.slug: b for b in Body.objects.for_city(bologna).select_related("organisation")}
    assert {"cabina-di-regia", "segreteria-tecnica", "tavolo-cittadino-europa", "tavolo-ong"} <= set(bodies)
    cabina = bodies["cabina-di-regia"]
    assert cabina.established_on == datetime.date(2021, 11, 1) and not cabina.established_day_known  # month only
    assert "Sindaco metropolitano" in cabina.chaired_by
    assert cabina.members.count() == 8 and cabina.members.filter(role="secretariat").exists()
    assert bodies["tavolo-cittadino-europa"].members.filter(organisation__slug__startswith="gdl-").count() == 5
