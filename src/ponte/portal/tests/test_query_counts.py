"""Public pages, downloads and API lists: the number of queries does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .world import add_published, build_world

PAGES = [
    "/{c}/",
    "/{c}/piano/",
    "/{c}/piano/aree/{macro}/",
    "/{c}/piano/azioni/P.0/",
    "/{c}/piano/allineamento/sdg/",
    "/{c}/progetti/",
    "/{c}/progetti/{project}/",
    "/{c}/relazioni-internazionali/",
    "/{c}/notizie/",
    "/{c}/notizie/rss/",
    "/{c}/cerca/?q=pubblic",
    "/{c}/dati/azioni.csv",
    "/{c}/dati/indicatori.json",
    "/{c}/dati/progetti.csv",
    "/{c}/dati/relazioni.json",
    "/{c}/dati/eventi.csv",
    "/{c}/dati/catalogo.ttl",
    "/{c}/eventi/",
    "/sitemap.xml",
    "/api/v1/{c}/actions/",
    "/api/v1/{c}/indicators/",
    "/api/v1/{c}/projects/",
    "/api/v1/{c}/relations/",
    "/api/v1/{c}/events/",
    "/api/v1/{c}/news/",
]


@pytest.mark.parametrize("page", PAGES)
def test_query_count_is_constant_as_published_items_grow(client, city, page, uncached):
    first = build_world(city, n=2)
    action = first.published["actions"][0]
    url = page.format(c=city.slug, macro=action.line.macro_area.code, project=first.published["projects"][0].pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        return len(captured)

    queries()  # a first request fills the per-process caches (content types), as any server's has

    few = queries()
    add_published(city, first, range(2, 20))  # tenfold: 2 → 20 published items of every kind
    assert queries() == few


MAP_AND_MEASURE_PAGES = [
    "/{c}/progetti/",
    "/{c}/progetti/pnrr/",
    "/{c}/progetti/pnrr/m1/",
    "/{c}/progetti/pnrr/m1/misure/m1c1i1.02/",
    "/{c}/progetti/{project}/",
]


@pytest.mark.parametrize("page", MAP_AND_MEASURE_PAGES)
def test_the_map_and_the_measure_pages_cost_the_same_with_ten_times_the_located_projects(client, city, page, uncached):
    """Issue 15: projects located at the comune, in quartieri and at addresses, filed under PNRR
    measures; the map of the projects list and a measure's page do not query per project."""
    from decimal import Decimal

    from ponte.funding.models import Area
    from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

    root = ProgrammeFactory(city=city, slug="pnrr", name="PNRR", kind="indirect")
    m1 = ProgrammeFactory(city=city, slug="pnrr-m1", name="M1 Digitalizzazione", parent=root)
    ring = [[11.2, 44.4], [11.4, 44.4], [11.4, 44.6], [11.2, 44.4]]
    Area.objects.create(city=city, level="comune", name=city.name, rings=[ring])
    Area.objects.create(city=city, level="quartiere", name="Navile", rings=[ring])

    def add(n):
        where = [
            {"location": "comune"},
            {"location": "quartiere", "quartiere": "Navile"},
            {"location": "address", "place": f"Via {n}", "latitude": Decimal("44.5"), "longitude": Decimal("11.3")},
        ][n % 3]
        return ProjectFactory(
            programme=m1,
            title=f"Intervento {n}",
            status="running",
            measure_code="M1C1I1.02",
            measure_name="Abilitazione al cloud",
            submeasure_name=f"Submisura {n}",
            eu_contribution=Decimal("1000"),
            **where,
        )

    first = [add(n) for n in range(3)]
    url = page.format(c=city.slug, project=first[0].pk)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(captured)

    queries()  # a first request fills the per-process caches (content types), as any server's has

    few = queries()
    for n in range(3, 30):
        add(n)
    assert queries() == few
