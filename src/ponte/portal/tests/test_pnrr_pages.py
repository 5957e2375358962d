"""The city's PNRR projects by mission: published funded projects only, amounts in Italian
format, the city's own funds (never a consortium's total), a page per mission linked from each
project, at a query cost that does not grow with the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.factories import CityFactory
from ponte.funding.models import Programme
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

from .sitemap import sitemap_text


@pytest.fixture
def missions(city):
    root = ProgrammeFactory(city=city, slug="pnrr", name="PNRR", kind=Programme.Kind.INDIRECT)
    return {
        "m1": ProgrammeFactory(city=city, slug="pnrr-m1", name="M1 Digitalizzazione e cultura", parent=root),
        "m2": ProgrammeFactory(city=city, slug="pnrr-m2", name="M2 Rivoluzione verde", parent=root),
    }


def pnrr_project(programme, n, **fields):
    defaults = {
        "title": f"Intervento {n}",
        "status": "running",
        "eu_contribution": Decimal("1234567.50"),
        "total_budget": Decimal("2000000"),
    }
    return ProjectFactory(programme=programme, **defaults | fields)


def test_the_pnrr_page_lists_missions_with_published_funded_projects_and_amounts(client, city, missions):
    tram = pnrr_project(missions["m2"], 1, title="Linea rossa del tram")
    pnrr_project(missions["m2"], 2, title="Bozza SEGRETA", publication="draft")
    pnrr_project(missions["m1"], 3, title="Idea SEGRETA", status="idea")
    other = ProgrammeFactory(city=city, slug="horizon", name="Horizon Europe")
    pnrr_project(other, 4, title="Progetto Horizon")
    text = client.get(f"/{city.slug}/progetti/pnrr/").content.decode()
    assert "Linea rossa del tram" in text and f'href="{tram.get_public_url()}"' in text
    assert "SEGRET" not in text and "Horizon" not in text
    assert "Missione M2" in text and "Rivoluzione verde" in text
    assert "Missione M1" not in text  # no public project: no section
    assert "1.234.567,50" in text  # Italian amounts
    assert f'href="/{city.slug}/progetti/pnrr/m2/"' in text


def test_a_mission_page_and_the_project_page_that_links_back_to_it(client, city, missions):
    project = pnrr_project(missions["m1"], 1, title="Abilitazione al cloud")
    page = client.get(f"/{city.slug}/progetti/pnrr/m1/")
    assert page.status_code == 200
    assert "Abilitazione al cloud" in page.content.decode()
    back = client.get(project.get_public_url()).content.decode()
    assert f'href="/{city.slug}/progetti/pnrr/m1/"' in back
    assert client.get(f"/{city.slug}/progetti/pnrr/m6/").status_code == 404  # no project there


def test_the_city_funds_are_its_share_not_the_consortium_total(client, city, missions):
    pnrr_project(missions["m1"], 1, eu_contribution=Decimal("900000"), city_share=Decimal("300000"))
    text = client.get(f"/{city.slug}/progetti/pnrr/m1/").content.decode()
    assert "300.000,00" in text


def test_other_cities_do_not_see_the_pnrr_pages_of_a_city(client, city, missions):
    pnrr_project(missions["m1"], 1, title="Abilitazione al cloud")
    other = CityFactory(slug="altrove", name="Altrove")
    assert client.get(f"/{other.slug}/progetti/pnrr/m1/").status_code == 404
    assert "Abilitazione al cloud" not in client.get(f"/{other.slug}/progetti/pnrr/").content.decode()


def test_the_sitemap_lists_the_pnrr_pages(client, city, missions):
    pnrr_project(missions["m2"], 1)
    sitemap = sitemap_text(client)
    assert f"/{city.slug}/progetti/pnrr/</loc>" in sitemap
    assert f"/{city.slug}/progetti/pnrr/m2/</loc>" in sitemap


@pytest.mark.parametrize("path", ["progetti/pnrr/", "progetti/pnrr/m1/"])
def test_pnrr_pages_cost_the_same_queries_with_ten_times_the_projects(
    client, city, missions, path, django_assert_max_num_queries, uncached
):
    for n in range(2):
        pnrr_project(missions["m1"], n)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/{city.slug}/{path}").status_code == 200
    for n in range(2, 20):
        pnrr_project(missions["m1" if n % 2 else "m2"], n)
    with django_assert_max_num_queries(len(few)):
        assert client.get(f"/{city.slug}/{path}").status_code == 200
