"""Every back-office page reachable from the staff menu costs the same number of queries with
2 and 20 items of every kind (issue 16: staff pages constant as the data grow tenfold), and the
selects over thousands of actions are searched on the server instead of written into each form."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.core import choices, risks
from ponte.core.menu import all_items
from ponte.core.models import Membership
from ponte.factories import (
    ActionFactory,
    CityFactory,
    LineFactory,
    MembershipFactory,
    MilestoneFactory,
    PersonFactory,
)
from ponte.funding.models import Project
from ponte.funding.tests.factories import ProjectFactory
from ponte.portal.tests.world import add_published, build_world
from ponte.testing import staff_page_name

LAST_MONTH = datetime.date.today() - datetime.timedelta(days=30)
HREF = re.compile(r'href="(/[^"#?]*)"')


def crawl(client, city) -> dict[str, str]:
    """{URL name: path} of the menu's pages and of the staff pages they link to (one each)."""
    found = {"core:staff-home": f"/{city.slug}/gestione/"}
    for item in all_items():
        url = item.url(city) if item.city_url else None
        if url and (name := staff_page_name(url, city)):
            found.setdefault(name, url)
    for url in list(found.values()):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for path in HREF.findall(response.content.decode()):
            if name := staff_page_name(path, city):
                found.setdefault(name, path)
    return found


def grow(city, world, indexes):
    add_published(city, world, indexes)
    for action in world.published["actions"][-len(indexes) :]:
        MilestoneFactory(action=action, due_date=LAST_MONTH)  # overdue: listed by the overdue page
    add_risks(world, len(indexes))


def add_risks(world, n):
    """A risk of each of the last `n` actions and projects, half of them with a mitigation (the
    register, the risk's pages, the actions behind without mitigation on the home)."""
    owner = Membership.objects.filter(city=world.shared["line"].city, role=Membership.Role.ADMINISTRATOR).first().user
    items = world.published["actions"][-n:] + world.published["projects"][-n:]
    for i, item in enumerate(items):
        risk = risks.risk_add(item=item, user=owner, title=f"Rischio {i}", likelihood=1 + i % 5, impact=3)
        if i % 2:
            risks.mitigation_add(risk=risk, user=owner, title=f"Mitigazione {i}", due_date=LAST_MONTH, owner=owner)


def test_every_staff_page_of_the_menu_keeps_its_queries_as_items_grow_tenfold(client, city):
    world = build_world(city, n=2)
    # Every action with an overdue milestone, as the added ones: a factory's random due date left
    # the overdue page empty in one run out of four, and an empty list costs a query less.
    for action in world.published["actions"]:
        MilestoneFactory(action=action, due_date=LAST_MONTH)
    client.force_login(MembershipFactory(city=city, role=Membership.Role.ADMINISTRATOR).user)
    add_risks(world, 2)
    pages = crawl(client, city)
    assert len(pages) > 40, pages  # the menu's lists, the home, dashboards, and their items' pages

    def queries(url):
        client.get(url)  # warm: a process's first request fills its caches (content types)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(captured)

    few = {name: queries(url) for name, url in pages.items()}
    grow(city, world, range(2, 20))  # tenfold: 2 → 20 actions, indicators, projects, relations, …
    many = {name: queries(url) for name, url in pages.items()}
    grown = {name: (pages[name], few[name], many[name]) for name in pages if many[name] != few[name]}
    assert not grown, grown


@pytest.fixture
def remote(monkeypatch):
    """Selects of more than 5 actions searched on the server (the default is 200)."""
    monkeypatch.setattr(choices, "REMOTE_ABOVE", 5)


@pytest.fixture
def owner(city):
    return MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user


def test_a_long_list_of_actions_shows_only_the_chosen_ones_and_saves_any_of_the_city(client, city, remote, owner):
    line = LineFactory(city=city)
    actions = [ActionFactory(line=line, code=f"9.{i}", title=f"Azione numero {i}") for i in range(8)]
    project = ProjectFactory(programme__city=city, title="Ponti sul Reno")
    project.actions.add(actions[0])
    client.force_login(owner)
    url = f"/{city.slug}/gestione/fondi/progetti/{project.pk}/modifica/"

    html = client.get(url).content.decode()
    select = re.search(r'<select name="actions"(.*?)</select>', html, re.S).group(0)
    assert f'data-choices-url="/{city.slug}/gestione/scelte/plan.action/"' in select
    assert "Azione numero 0" in select  # the chosen one
    assert "Azione numero 5" not in select  # the others are searched, not listed

    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["actions"] = [actions[0].pk, actions[7].pk]  # one never written into the page
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert set(Project.objects.get(pk=project.pk).actions.all()) == {actions[0], actions[7]}


def test_a_short_list_of_actions_stays_whole_in_the_page(client, city, owner):
    ActionFactory(line=LineFactory(city=city), code="9.1", title="Azione sola")
    client.force_login(owner)
    html = client.get(f"/{city.slug}/gestione/fondi/progetti/nuovo/").content.decode()
    select = re.search(r'<select name="actions"(.*?)</select>', html, re.S).group(0)
    assert "data-choices-url" not in select
    assert "Azione sola" in select


def test_an_action_of_another_city_is_refused_though_searched_remotely(client, city, remote, owner):
    line = LineFactory(city=city)
    for i in range(8):
        ActionFactory(line=line, code=f"9.{i}")
    foreign = ActionFactory(line=LineFactory(city=CityFactory()), code="9.9", title="Altrove")
    project = ProjectFactory(programme__city=city)
    client.force_login(owner)
    url = f"/{city.slug}/gestione/fondi/progetti/{project.pk}/modifica/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["actions"] = [foreign.pk]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "actions" in response.context["form"].errors
    assert not Project.objects.get(pk=project.pk).actions.exists()


def test_the_search_answers_the_citys_matching_actions_to_its_staff(client, city):
    line = LineFactory(city=city)
    ActionFactory(line=line, code="4.2.1", title="Ponti europei")
    ActionFactory(line=line, code="4.2.2", title="Scuole aperte")
    ActionFactory(line=LineFactory(city=CityFactory()), code="4.2.3", title="Ponti altrui")
    url = f"/{city.slug}/gestione/scelte/plan.action/"

    assert client.get(url, {"q": "ponti"}).status_code == 302  # anonymous: sent to sign in
    client.force_login(MembershipFactory(user__username="altrove", city=CityFactory()).user)
    assert client.get(url, {"q": "ponti"}).status_code == 403  # staff of another city

    client.force_login(MembershipFactory(city=city, role=Membership.Role.VIEWER).user)
    found = client.get(url, {"q": "ponti"}).json()["results"]
    assert [row["text"] for row in found] == ["4.2.1 Ponti europei"]
    assert [row["text"] for row in client.get(url, {"q": "4.2 scuole"}).json()["results"]] == ["4.2.2 Scuole aperte"]
    assert client.get(f"/{city.slug}/gestione/scelte/auth.user/").status_code == 404  # only searched models


def test_the_overview_shows_a_lines_first_actions_and_links_to_all_of_them(client, city, owner):
    line = LineFactory(city=city)
    for i in range(7):
        ActionFactory(line=line, code=f"{line.code}.{i + 1}", title=f"Azione della linea {i + 1}")
    client.force_login(owner)
    html = client.get(f"/{city.slug}/gestione/piano/").content.decode()
    assert "Azione della linea 5" in html
    assert "Azione della linea 6" not in html  # in the action list, by line
    assert f'href="/{city.slug}/gestione/azioni/?line={line.pk}"' in html
    assert "Tutte le 7 azioni della linea" in html


def test_the_homes_deadlines_read_the_soonest_and_count_them_all(client, city, owner):
    line = LineFactory(city=city)
    soon = datetime.date.today() + datetime.timedelta(days=3)
    me = PersonFactory(city=city, user=owner)  # the actions' responsible: their deadlines are the owner's
    for i in range(15):
        MilestoneFactory(
            action=ActionFactory(line=line, code=f"7.{i}", responsible=me, status="completed"),  # no update due
            title=f"Traguardo {i}",
            due_date=soon + datetime.timedelta(i),
        )
    client.force_login(owner)
    response = client.get(f"/{city.slug}/gestione/")
    panel = next(p for p in response.context["panels"] if any("Traguardo" in row.label for row in p.rows))
    assert panel.count == 15
    assert [row.label for row in panel.rows] == [f"7.{i} · Traguardo {i}" for i in range(12)]
