"""Roles by domain: each chapter's officer does that chapter's work and nothing else; every role
reads the whole back office. The apps' own matrices cover their pages; this one covers the
events and Europe Direct pages, the services' own checks and the templates' edit links."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ponte.core import permissions
from ponte.core.models import FollowUp
from ponte.diplomacy.models import Mission, Relation
from ponte.diplomacy.services import relation_save
from ponte.factories import OrganisationFactory
from ponte.funding.models import Project
from ponte.funding.services import project_save
from ponte.funding.tests.factories import ProgrammeFactory
from ponte.governance.models import Body, Meeting
from ponte.governance.services import decision_add
from ponte.participation.models import Campaign, Event
from ponte.participation.services import event_save
from ponte.testing import DESK, EVENTS, FUNDS, PLAN, READ, ROLES, STAFF


@pytest.fixture
def items(city):
    event = Event.objects.create(city=city, title="Info day", starts_at=timezone.now())
    campaign = Campaign.objects.create(city=city, subject="Notizie di maggio", body="Testo")
    return {"event": event, "campaign": campaign}


PAGES = [
    ("/{c}/eventi/nuovo/", EVENTS),
    ("/{c}/eventi/{event.pk}/modifica/", EVENTS),
    ("/{c}/eventi/{event.pk}/iscritti/", EVENTS),
    ("/{c}/eventi/newsletter/campagne/", EVENTS),
    ("/{c}/eventi/newsletter/campagne/nuova/", EVENTS),
    ("/{c}/eventi/newsletter/campagne/{campaign.pk}/modifica/", EVENTS),
    ("/{c}/eventi/newsletter/campagne/{campaign.pk}/anteprima/", EVENTS),
    ("/{c}/eventi/europe-direct/sportello/", DESK),
    ("/{c}/gestione/importazioni/", FUNDS),
    ("/{c}/gestione/notizie/", READ),
    ("/{c}/gestione/fondi/", READ),
    ("/{c}/gestione/diplomazia/relazioni/", READ),
    ("/{c}/gestione/organismi/", READ),
    ("/{c}/gestione/azioni/", READ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_events_and_desk_matrix(client, users, city, items, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug, **items)).status_code == expected[role], f"{role} GET {url}"


@pytest.mark.parametrize("role", STAFF)
def test_services_refuse_other_chapters(users, city, role):
    """The services check the chapter themselves (API, commands and forms all go through them)."""
    user = users[role]
    writes = {
        "funds": lambda: project_save(
            project=Project(city=city, title="X", programme=ProgrammeFactory(city=city)), user=user
        ),
        "diplomacy": lambda: relation_save(
            relation=Relation(city=city, partner=OrganisationFactory(city=city, kind="city"), kind="twinning"),
            user=user,
        ),
        "governance": lambda: decision_add(
            meeting=Meeting.objects.create(
                city=city,
                body=Body.objects.create(city=city, organisation=OrganisationFactory(city=city, kind="body")),
                title="Cabina di regia",
                starts_at=timezone.now(),
            ),
            user=user,
            text="Approvato",
        ),
        "events": lambda: event_save(event=Event(city=city, title="Open day", starts_at=timezone.now()), user=user),
    }
    for chapter, write in writes.items():
        allowed = role in {"admin", "owner", chapter}
        if allowed:
            write()
        else:
            with pytest.raises(PermissionDenied):
                write()


@pytest.mark.parametrize("role", ["diplomacy", "governance", "viewer"])
def test_follow_up_closed_by_its_chapter_only(client, users, city, role):
    mission = Mission.objects.create(city=city, direction="outgoing", title="Missione a Tirana")
    task = FollowUp.objects.create(
        city=city,
        content_type=ContentType.objects.get_for_model(mission),
        object_id=mission.pk,
        title="Inviare il verbale",
        due_date=datetime.date(2030, 1, 1),
    )
    client.force_login(users[role])
    response = client.post(f"/{city.slug}/gestione/seguiti/{task.pk}/fatto/")
    task.refresh_from_db()
    assert (task.done_date is not None) == (role == "diplomacy")
    assert response.status_code == (302 if role == "diplomacy" else 403)


@pytest.mark.parametrize("role", ["funds", "diplomacy", "owner"])
def test_edit_links_follow_the_chapter(client, users, city, role):
    client.force_login(users[role])
    projects = client.get(f"/{city.slug}/gestione/fondi/progetti/").content.decode()
    relations = client.get(f"/{city.slug}/gestione/diplomazia/relazioni/").content.decode()
    assert (f"/{city.slug}/gestione/fondi/progetti/nuovo/" in projects) == (role in {"funds", "owner"})
    assert (f"/{city.slug}/gestione/diplomazia/relazioni/nuova/" in relations) == (role in {"diplomacy", "owner"})


def test_each_chapter_check_admits_its_roles_only(users, city):
    for role in STAFF:
        assert permissions.can_view(users[role], city)
        assert permissions.can_manage_plan(users[role], city) == (PLAN[role] == 200)
        for chapter, check in permissions.CHAPTER_CHECKS.items():
            expected = role in {"admin", "owner"} | permissions.CHAPTER_ROLES[chapter]
            assert check(users[role], city) == expected, f"{role} · {chapter}"
    assert not permissions.can_view(users["outsider"], city)
