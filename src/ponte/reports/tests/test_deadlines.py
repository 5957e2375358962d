"""Deadlines in one place (issue 17): a person's list (page, home card, private calendar feed) and
the dashboard's, with every kind of due item, overdue ones flagged; the feed's address private,
replaceable and dead for whoever left the staff; queries constant as the data grow."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from ponte.core.models import FollowUp, Membership, Person
from ponte.diplomacy.models import Candidacy, Mission
from ponte.factories import ActionFactory, CityFactory, MilestoneFactory, PersonFactory
from ponte.funding.models import ProjectMilestone
from ponte.funding.tests.factories import CallFactory, ProjectFactory
from ponte.governance.models import Body, Meeting
from ponte.plan import cycles
from ponte.reports import deadlines
from ponte.reports.models import CalendarLink
from ponte.reports.views import DeadlineCalendarView

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
FEED = re.compile(r'value="(http[^"]+\.ics)"')


def follow_up(origin, title, due, **fields):
    return FollowUp.objects.create(
        city=origin.city,
        content_type=ContentType.objects.get_for_model(origin),
        object_id=origin.pk,
        title=title,
        due_date=due,
        **fields,
    )


@pytest.fixture
def world(city, users, line, office, other_office):
    """The editor's office A owns an action; office B another; a mission and a meeting with
    follow-ups for the editor, their office and someone else; a project of office A; a call; a
    candidacy."""
    editor = users["editor"]
    me = PersonFactory(city=city, full_name="Eva Editor", user=editor)
    someone = PersonFactory(city=city, full_name="Altro Collega")
    mine = ActionFactory(line=line, owner_office=office, code="1.1", title="Gemellaggi", status="in_progress")
    theirs = ActionFactory(line=line, owner_office=other_office, code="1.2", title="Altrui", status="in_progress")
    MilestoneFactory(action=mine, title="Dossier consegnato", due_date=TODAY + 10 * DAY)
    MilestoneFactory(action=theirs, title="Traguardo altrui", due_date=TODAY - 3 * DAY)
    mission = Mission.objects.create(city=city, direction="outgoing", title="Missione a Tirana")
    body = Body.objects.create(
        city=city, organisation=other_office.__class__.objects.create(city=city, slug="cabina", name="Cabina")
    )
    meeting = Meeting.objects.create(
        city=city, body=body, title="Cabina di regia", starts_at=timezone.now() - datetime.timedelta(days=20)
    )
    follow_up(mission, "Relazione di missione", TODAY - 5 * DAY, owner=me)
    follow_up(meeting, "Verbale da inviare", TODAY + 3 * DAY, owner_office=office)
    follow_up(mission, "Lettera al sindaco di Tirana", TODAY + 2 * DAY, owner=someone)
    follow_up(mission, "Già fatto", TODAY - 9 * DAY, owner=me, done_date=TODAY)
    project = ProjectFactory(programme__city=city, responsible_office=office, acronym="TWIN", title="Twinning")
    ProjectMilestone.objects.create(
        city=city, project=project, kind="report", title="Relazione intermedia", due_date=TODAY + 20 * DAY
    )
    CallFactory(city=city, identifier="LIFE-1", title="Bando LIFE", deadline=TODAY + 30 * DAY)
    Candidacy.objects.create(city=city, title="Capitale verde europea", year=TODAY.year, deadline=TODAY + 40 * DAY)
    return {"mine": mine, "theirs": theirs, "mission": mission, "meeting": meeting}


def titles(found):
    return {d.title for d in found}


def test_an_office_editor_gets_what_they_or_their_office_answer_for(world, city, users):
    found = deadlines.for_user(users["editor"], city, TODAY)
    by_title = {d.title: d for d in found}
    period, due = cycles.next_due(cycles.cycle_for(world["mine"]), TODAY)
    update = next(d for d in found if d.kind == "update")
    assert update.day == due and update.overdue == (due < TODAY) and period.label in update.title
    assert update.title.startswith("1.1 Gemellaggi") and update.url.endswith(
        f"/azioni/1.1/aggiornamenti/{cycles.cadence_slug(period.cadence)}/{period.year}/{period.number}/"
    )
    assert by_title["Relazione di missione"].overdue and by_title["Relazione di missione"].owner == "Eva Editor"
    assert by_title["Relazione di missione"].note == "Missione o visita: Missione a Tirana"
    assert by_title["Relazione di missione"].url == world["mission"].get_absolute_url()
    assert not by_title["Verbale da inviare"].overdue and by_title["Verbale da inviare"].owner == "Ufficio A"
    assert by_title["Verbale da inviare"].url == world["meeting"].get_absolute_url()
    assert by_title["1.1 · Dossier consegnato"].kind == "milestone"
    assert by_title["TWIN · Relazione intermedia"].kind == "project"
    # Not theirs: another office's action and milestone, someone else's task, a done task; calls
    # and candidacies are for the funds and diplomacy officers.
    assert not {"1.2 · Traguardo altrui", "Lettera al sindaco di Tirana", "Già fatto"} & titles(found)
    assert not [d for d in found if d.kind in ("call", "candidacy") or "Altrui" in d.title]
    assert [d.day for d in found] == sorted(d.day for d in found)


def test_roles_that_handle_calls_and_candidacies_get_them(world, city, users):
    funds = deadlines.for_user(users["funds"], city, TODAY)
    assert {d.kind for d in funds} == {"call", "project"}
    diplomacy = deadlines.for_user(users["diplomacy"], city, TODAY)
    assert titles(diplomacy) == {"Capitale verde europea"}
    owner = deadlines.for_user(users["owner"], city, TODAY)
    assert {"LIFE-1 · Bando LIFE", "Capitale verde europea", "TWIN · Relazione intermedia"} <= titles(owner)
    assert deadlines.for_user(users["outsider"], city, TODAY) == []


def test_the_dashboard_lists_every_kind_overdue_first_with_updates_grouped(world, city, users, client):
    found = deadlines.for_city(city, TODAY)
    assert {d.kind for d in found} == set(deadlines.KINDS)
    assert {"Relazione di missione", "Verbale da inviare", "Lettera al sindaco di Tirana"} <= titles(found)
    assert "1.2 · Traguardo altrui" in titles(found) and "Già fatto" not in titles(found)
    updates = [d for d in found if d.kind == "update"]
    assert len(updates) == 1 and ": 2 azioni" in updates[0].title
    client.force_login(users["viewer"])
    page = client.get(f"/{city.slug}/gestione/cruscotto/").content.decode()
    assert "Relazione di missione" in page and "Missione a Tirana" in page and "table-danger" in page


def test_my_deadlines_page_groups_and_filters(world, city, users, client):
    client.force_login(users["editor"])
    response = client.get(f"/{city.slug}/gestione/scadenze/")
    assert response.status_code == 200
    groups = {key: [d.title for d in items] for key, _title, items in response.context["groups"]}
    assert "Relazione di missione" in groups["overdue"]
    assert "Verbale da inviare" in groups["week"]
    assert "TWIN · Relazione intermedia" in groups["later"]
    page = response.content.decode()
    assert "Le mie scadenze" in page and 'data-group="overdue"' in page
    only = client.get(f"/{city.slug}/gestione/scadenze/?tipo=follow_up").context["groups"]
    assert {d.kind for _key, _title, items in only for d in items} == {"follow_up"}
    home = client.get(f"/{city.slug}/gestione/").content.decode()
    assert "Relazione di missione" in home and "Verbale da inviare" in home
    assert f'href="/{city.slug}/gestione/scadenze/"' in home  # the card leads to the page, the menu too


def make_link(client, city):
    response = client.post(f"/{city.slug}/gestione/scadenze/calendario/", follow=True)
    assert response.status_code == 200
    return FEED.search(response.content.decode()).group(1)


def events_of(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_calendar_feed_holds_the_persons_deadlines_only(world, city, users, client):
    client.force_login(users["editor"])
    url = make_link(client, city)
    assert url.startswith("http") and "/gestione/scadenze/calendario/" in url
    again = client.get(f"/{city.slug}/gestione/scadenze/").content.decode()
    assert url not in again  # shown once: only its digest is kept
    response = Client().get(path_of(url))  # a calendar app: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    events = events_of(response)
    expected = deadlines.for_user(users["editor"], city, TODAY)
    assert set(events) == {d.uid for d in expected}
    summaries = {str(e["SUMMARY"]) for e in events.values()}
    assert any(s.startswith("Scaduto · Seguito · Relazione di missione") for s in summaries), summaries
    assert "Seguito · Verbale da inviare" in summaries
    assert not any("Tirana" in s or "altrui" in s or "Bando LIFE" in s for s in summaries)
    task = next(e for e in events.values() if "Relazione di missione" in str(e["SUMMARY"]))
    assert task["DTSTART"].dt == TODAY - 5 * DAY and task["DTEND"].dt == TODAY - 4 * DAY  # a whole day
    assert str(task["URL"]).endswith(world["mission"].get_absolute_url())
    # The same deadlines keep their UIDs: a calendar updates its events instead of adding new ones.
    assert set(events_of(Client().get(path_of(url)))) == set(events)


def path_of(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_regenerating_kills_the_old_address_and_leaving_the_staff_kills_all(world, city, users, client):
    client.force_login(users["editor"])
    old = make_link(client, city)
    new = make_link(client, city)
    assert old != new
    anonymous = Client()
    assert anonymous.get(path_of(old)).status_code == 404
    assert anonymous.get(path_of(new)).status_code == 200
    assert anonymous.get(path_of(new)[:-10] + "x" * 6 + ".ics").status_code == 404
    membership = Membership.objects.get(user=users["editor"], city=city)
    membership.role = Membership.Role.VIEWER
    membership.save()
    assert anonymous.get(path_of(new)).status_code == 200  # another role: still staff, still theirs
    Membership.objects.filter(pk=membership.pk).update(city=CityFactory())  # staff of another city only
    assert anonymous.get(path_of(new)).status_code == 404
    Membership.objects.filter(pk=membership.pk).update(city=city)
    assert anonymous.get(path_of(new)).status_code == 200
    membership.delete()  # the role taken away takes the address with it, for good
    assert not CalendarLink.objects.filter(user=users["editor"]).exists()
    assert anonymous.get(path_of(new)).status_code == 404


def test_an_inactive_account_gets_nothing(world, city, users, client):
    client.force_login(users["editor"])
    url = make_link(client, city)
    users["editor"].is_active = False
    users["editor"].save()
    assert Client().get(path_of(url)).status_code == 404


def test_a_client_guessing_addresses_is_told_to_wait(world, city, users, client, monkeypatch):
    monkeypatch.setattr(DeadlineCalendarView, "FAILURES_PER_HOUR", 3)
    client.force_login(users["editor"])
    good = path_of(make_link(client, city))
    guesser = Client()
    bad = good.rsplit("/", 1)[0] + "/indovinato.ics"
    assert [guesser.get(bad).status_code for _ in range(3)] == [404, 404, 404]
    assert guesser.get(bad).status_code == 429
    assert guesser.get(good).status_code == 429  # the same client, until the hour is over


def test_pages_and_feed_keep_their_queries_as_deadlines_grow(world, city, users, client, line, office):
    client.force_login(users["editor"])
    feed = path_of(make_link(client, city))
    me = Person.objects.get(user=users["editor"])

    def grow(n):
        for i in range(n):
            action = ActionFactory(line=line, owner_office=office, status="in_progress")
            MilestoneFactory(action=action, due_date=TODAY + (i % 20 - 5) * DAY)
            mission = Mission.objects.create(city=city, direction="outgoing", title=f"Missione {i}")
            follow_up(mission, f"Seguito {i}", TODAY + (i % 9 - 4) * DAY, owner=me)
            project = ProjectFactory(programme__city=city, responsible_office=office)
            ProjectMilestone.objects.create(city=city, project=project, title=f"R{i}", due_date=TODAY + i * DAY)

    def queries(url, c):
        c.get(url)  # warm the per-process caches (content types)
        with CaptureQueriesContext(connection) as captured:
            assert c.get(url).status_code == 200
        return len(captured)

    urls = [
        (f"/{city.slug}/gestione/scadenze/", client),
        (f"/{city.slug}/gestione/", client),
        (f"/{city.slug}/gestione/cruscotto/", client),
        (feed, Client()),
    ]
    grow(2)
    few = [queries(url, c) for url, c in urls]
    grow(18)
    assert [queries(url, c) for url, c in urls] == few
