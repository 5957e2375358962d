"""The back office's search (/<city>/gestione/cerca/, the header's box): everything of the city a
staff member may see, drafts included, by words and by meaning, each hit opening its staff page."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ponte.core.models import City, Organisation, Publication
from ponte.diplomacy.models import Relation
from ponte.factories import ActionFactory, LineFactory
from ponte.funding.models import Call
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory
from ponte.intelligence import search as semantic
from ponte.intelligence import services
from ponte.participation.models import Event


@pytest.fixture(autouse=True)
def _vectors_read_afresh():
    semantic.city_vectors.clear()
    yield
    semantic.city_vectors.clear()


@pytest.fixture
def content(city):
    line = LineFactory(city=city)
    draft = ActionFactory(
        line=line, code="9.1", title="Tram notturno", description="Corse di notte.", publication=Publication.DRAFT
    )
    partner = Organisation.objects.create(city=city, slug="lione", name="Lione", kind="city", country="FR")
    relation = Relation.objects.create(city=city, partner=partner, kind="twinning", description="Tram e scuole.")
    call = Call.objects.create(city=city, identifier="CIVITAS-2026", title="Clean urban mobility", description="Tram.")
    project = ProjectFactory(programme=ProgrammeFactory(city=city), title="Tram verde", acronym="", status="idea")
    event = Event.objects.create(
        city=city, title="Festa del tram", starts_at=timezone.now() + dt.timedelta(days=3), publication="draft"
    )
    services.vectors_for([draft])
    other = City.objects.create(slug="altrove", name="Altrove")
    ActionFactory(line=LineFactory(city=other), code="9.9", title="Tram di Altrove")
    return {"draft": draft, "relation": relation, "call": call, "project": project, "event": event, "lyon": partner}


def search(client, city, words):
    response = client.get(reverse("core:staff-search", kwargs={"city": city.slug}), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def links(page):
    """{title: (href, found only by meaning)}"""
    return {
        html.unescape(title.strip()): (html.unescape(href), bool(badge))
        for href, title, badge in re.findall(
            r'<li class="mb-3"><a href="([^"]+)" class="fw-semibold">([^<]+)</a>( <span class="badge[^"]*" '
            r'data-testid="by-meaning">)?',
            page,
        )
    }


def test_staff_find_drafts_and_every_kind_each_linking_to_its_staff_page(client, city, users, content):
    client.force_login(users["owner"])
    found = links(search(client, city, "tram"))
    c = city.slug
    assert found["9.1 Tram notturno"] == (reverse("plan:action-detail", kwargs={"city": c, "code": "9.1"}), False)
    assert found["Lione · Gemellaggio"][0] == content["relation"].get_absolute_url()
    assert found["Clean urban mobility"][0] == content["call"].get_absolute_url()
    assert found["Tram verde"][0] == content["project"].get_absolute_url()  # an idea: never public
    assert found["Festa del tram"][0] == reverse(
        "participation:event-edit", kwargs={"city": c, "pk": content["event"].pk}
    )
    assert "Tram di Altrove" not in found
    for href, _meaning in found.values():
        assert client.get(href).status_code == 200, href
    assert links(search(client, city, "lione"))["Lione"][0] == content["lyon"].get_absolute_url()


def test_staff_find_by_meaning_in_english(client, city, users, content):
    client.force_login(users["viewer"])
    found = links(search(client, city, "night public transport"))
    assert found == {
        "9.1 Tram notturno": (reverse("plan:action-detail", kwargs={"city": city.slug, "code": "9.1"}), True)
    }


def test_a_role_is_not_offered_pages_it_cannot_open(client, city, users, content):
    """A viewer reads the back office but not the events' and news' forms: those kinds are left
    out rather than linking to a 403."""
    client.force_login(users["viewer"])
    page = search(client, city, "tram")
    assert "Festa del tram" not in links(page)
    for href, _meaning in links(page).values():
        assert client.get(href).status_code == 200, href
    empty = search(client, city, "ornitorinco")
    assert "Eventi" not in empty.split('data-testid="search-empty"')[1]
    client.force_login(users["events"])
    assert "Festa del tram" in links(search(client, city, "tram"))


def test_only_the_citys_staff_may_search(client, city, users):
    url = reverse("core:staff-search", kwargs={"city": city.slug})
    assert client.get(url, {"q": "tram"}).status_code == 302  # to the sign-in page
    client.force_login(users["outsider"])
    assert client.get(url, {"q": "tram"}).status_code == 403


def test_the_header_of_every_staff_page_has_the_search_box(client, city, users):
    client.force_login(users["editor"])
    page = client.get(reverse("core:staff-home", kwargs={"city": city.slug})).content.decode()
    form = re.search(r'<form class="[^"]*ponte-staff-search" role="search" action="([^"]+)".*?</form>', page, re.S)
    assert form and form.group(1) == reverse("core:staff-search", kwargs={"city": city.slug})
    assert re.search(
        r'<label for="staff-header-q" class="visually-hidden">Cerca nell(\'|&#x27;)area riservata</label>',
        form.group(0),
    )
    page = search(client, city, "tram notturno")
    assert 'id="staff-header-q" name="q"' in page and 'value="tram notturno"' in page.split('id="staff-header-q"')[1]


def test_query_count_does_not_grow_with_the_data(client, city, users, content):
    client.force_login(users["admin"])
    url = reverse("core:staff-search", kwargs={"city": city.slug})
    client.get(url, {"q": "mobilità"})  # warm: content types, the model, the city's vectors
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"q": "tram"}).status_code == 200
    queries = len(few)
    line = content["draft"].line
    more = [ActionFactory(line=line, code=f"9.{10 + i}", title=f"Tram {i}") for i in range(4)]
    services.vectors_for(more[:2])
    for i in range(3):
        Relation.objects.create(
            city=city,
            partner=Organisation.objects.create(city=city, slug=f"p{i}", name=f"Città {i}", kind="city", country="FR"),
            kind="friendship",
            description="Tram.",
        )
    client.get(url, {"q": "mobilità"})
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"q": "tram"}).content.decode()
    assert len(many) <= queries, (queries, len(many))
    assert "Tram 3" in page
