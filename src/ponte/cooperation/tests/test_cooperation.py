"""Cooperation and peace initiatives and the good-practice library."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.cooperation.models import GoodPractice, Initiative
from ponte.core.models import City
from ponte.diplomacy.models import Representation
from ponte.factories import OrganisationFactory
from ponte.testing import DIPLOMACY, READ

PAGES = [
    ("/{c}/gestione/cooperazione/", READ),
    ("/{c}/gestione/cooperazione/?export=csv", READ),
    ("/{c}/gestione/cooperazione/nuova/", DIPLOMACY),
    ("/{c}/gestione/buone-pratiche/", READ),
    ("/{c}/gestione/buone-pratiche/nuova/", DIPLOMACY),
    ("/{c}/gestione/diplomazia/rappresentanze/", READ),
    ("/{c}/gestione/diplomazia/rappresentanze/?export=xlsx", READ),
]


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_permission_matrix(client, users, city, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug)).status_code == expected[role]


def test_initiatives_filter_by_kind_and_country(client, users, city):
    Initiative.objects.create(
        city=city, kind="humanitarian", title="Emergenza a Kharkiv", countries="UA", beneficiaries=290
    )
    Initiative.objects.create(city=city, kind="co_development", title="Diaspora", countries="PE, MA, SN")
    client.force_login(users["viewer"])

    def titles(query):
        return [i.title for i in client.get(f"/{city.slug}/gestione/cooperazione/?{query}").context["object_list"]]

    assert titles("kind=humanitarian") == ["Emergenza a Kharkiv"]
    assert titles("country=ma") == ["Diaspora"]


def test_plan_owner_adds_a_searchable_good_practice(client, users, city):
    client.force_login(users["owner"])
    origin = OrganisationFactory(city=city, kind="city", name="Casalecchio di Reno")
    response = client.post(
        f"/{city.slug}/gestione/buone-pratiche/nuova/",
        {
            "title": "Sportello unico per i bandi",
            "theme": "Fondi europei",
            "source_organisation": origin.pk,
            "description": "Uno sportello condiviso tra comuni per la ricerca di bandi.",
        },
    )
    assert response.status_code == 302 and GoodPractice.objects.get().source_organisation == origin
    client.force_login(users["viewer"])
    found = client.get(f"/{city.slug}/gestione/buone-pratiche/?q=sportello").context["object_list"]
    assert [p.title for p in found] == ["Sportello unico per i bandi"]
    assert not client.get(f"/{city.slug}/gestione/buone-pratiche/?q=assente").context["object_list"]


@pytest.mark.parametrize(
    "url", ["/{c}/gestione/cooperazione/", "/{c}/gestione/buone-pratiche/", "/{c}/gestione/diplomazia/rappresentanze/"]
)
def test_query_counts_do_not_grow(client, users, city, url):
    client.force_login(users["viewer"])

    def grow(n):
        for _ in range(n):
            i = Initiative.objects.create(city=city, kind="peace", title=f"I{Initiative.objects.count()}")
            i.partners.add(OrganisationFactory(city=city))
            GoodPractice.objects.create(
                city=city,
                title=f"P{GoodPractice.objects.count()}",
                theme="t",
                description="d",
                source_organisation=OrganisationFactory(city=city),
            )
            Representation.objects.create(
                city=city,
                kind="honorary_consulate",
                country=f"{chr(65 + Representation.objects.count() // 26)}"
                f"{chr(65 + Representation.objects.count() % 26)}",
                organisation=OrganisationFactory(city=city),
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(c=city.slug)).status_code == 200
        return len(queries)

    grow(3)
    count()  # a first request fills the per-process caches (content types), as any server's has
    few = count()
    grow(27)
    assert count() == few


def test_bologna_cooperation_from_the_plan(db):
    call_command("load_plan", str(Path(__file__).resolve().parents[4] / "data" / "bologna"), stdout=io.StringIO())
    bologna = City.objects.get(slug="bologna")
    kharkiv = Initiative.objects.for_city(bologna).get(title="Emergenza Umanitaria a Kharkiv")
    assert (kharkiv.kind, kharkiv.beneficiaries, kharkiv.country_list) == ("humanitarian", 290, ["UA"])
    diaspora = Initiative.objects.for_city(bologna).get(kind="co_development")
    assert diaspora.country_list == ["PE", "MA", "SN", "CM", "CI"]
    assert Initiative.objects.for_city(bologna).filter(kind="peace").count() == 3
    assert GoodPractice.objects.for_city(bologna).count() == 2
