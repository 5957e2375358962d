"""The person who changes a list (invitees, attendees, themes, plan actions) is the one the
history names, not "sistema": the service's audit actor must not hide the request's."""

import datetime

from auditlog.models import LogEntry
from django.utils import timezone

from ponte.core.services import acting_as
from ponte.factories import OrganisationFactory
from ponte.governance.models import Body, BodyMember, Meeting


def test_a_meetings_invitee_change_is_recorded_with_the_user(client, users, city):
    body = Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body", name="Consulta"))
    members = [
        BodyMember.objects.create(city=city, body=body, organisation=OrganisationFactory(city=city, name=name))
        for name in ("Università", "Sindacati")
    ]
    meeting = Meeting.objects.create(
        city=city, body=body, title="Riunione di marzo", starts_at=timezone.make_aware(datetime.datetime(2026, 3, 10))
    )
    client.force_login(users["governance"])
    response = client.post(
        f"/{city.slug}/gestione/organismi/riunioni/{meeting.pk}/modifica/",
        {"title": "Riunione di marzo", "starts_at": "2026-03-10T10:00", "invitees": [m.pk for m in members]},
    )
    assert response.status_code == 302
    assert set(meeting.invitees.all()) == set(members)
    m2m = LogEntry.objects.get_for_object(meeting).filter(changes__icontains="invitees")
    assert m2m.exists() and all(entry.actor == users["governance"] for entry in m2m)
    history = client.get(meeting.get_absolute_url()).context["history"]
    assert [entry.actor for entry in history if "invitees" in str(entry.changes)] == [users["governance"]]


def test_the_outer_actor_comes_back_after_a_nested_one(users, city):
    office = OrganisationFactory(city=city, name="Prima")
    with acting_as(users["owner"]):
        with acting_as(users["editor"]):
            office.name = "Seconda"
            office.save()
        office.name = "Terza"
        office.save()
    first, second = LogEntry.objects.get_for_object(office).filter(action=LogEntry.Action.UPDATE).order_by("pk")
    assert first.actor == users["editor"] and second.actor == users["owner"]
