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
def test_query_count_is_constant_as_published_items_grow(client, city, page):
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

    few = queries()
    add_published(city, first, range(2, 20))  # tenfold: 2 → 20 published items of every kind
    assert queries() == few
