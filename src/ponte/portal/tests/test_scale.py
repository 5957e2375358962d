"""Issue 16: with the cache off, a public page that shows one item or one page of items costs the
same queries with ten times the data; the plan is read by macro area, an axis by item, the
sitemap through an index of paginated sections, and the downloads stream every row."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.factories import ActionFactory, LineFactory
from ponte.portal import opendata, sitemaps, views

from .sitemap import LOCATION, sitemap_text
from .world import SECRET, add_published, build_world

PAGE = 5  # a page of actions or of sitemap addresses, small so that ten times the data fills several


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views.MacroAreaView, "paginate_by", PAGE)
    monkeypatch.setattr(views.AxisItemView, "paginate_by", PAGE)
    monkeypatch.setattr(sitemaps.CitySitemap, "limit", PAGE)


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    return len(captured)


PAGES = [
    "/{c}/",
    "/{c}/piano/",
    "/{c}/piano/aree/{macro}/",
    "/{c}/piano/aree/{macro}/?linea={line}",
    "/{c}/piano/azioni/P.1/",
    "/{c}/piano/allineamento/sdg/",
    "/{c}/piano/allineamento/sdg/11/",
    "/{c}/progetti/",
    "/{c}/cerca/?q=europa",
    "/{c}/dati/azioni.csv",
    "/{c}/dati/azioni.json",
    "/{c}/dati/indicatori.csv",
    "/{c}/dati/progetti.json",
    "/sitemap.xml",
    "/sitemap-{c}-pages.xml",
    "/sitemap-{c}-actions.xml",
    "/sitemap-{c}-projects.xml",
    "/sitemap-{c}-axis-items.xml",
    "/api/v1/{c}/actions/",
    "/api/v1/{c}/projects/",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_queries_with_ten_times_the_data(client, city, uncached, small_pages, page):
    world = build_world(city, n=3)
    line = world.shared["line"]
    url = page.format(c=city.slug, macro=line.macro_area.code, line=line.code)
    fetch(client, url)  # a first request fills the per-process caches (content types), as any server's has
    few = queries(client, url)
    add_published(city, world, range(3, 30))  # tenfold: 3 → 30 published items of every kind
    assert queries(client, url) == few


@pytest.mark.parametrize(
    "page",
    ["/{c}/piano/aree/{macro}/?page=2", "/{c}/piano/allineamento/sdg/11/?page=2", "/sitemap-{c}-actions.xml?p=2"],
)
def test_a_later_page_costs_what_the_first_costs(client, city, uncached, small_pages, page):
    world = build_world(city, n=30)
    url = page.format(c=city.slug, macro=world.shared["line"].macro_area.code)
    first = url.replace("?page=2", "").replace("?p=2", "")
    fetch(client, first)
    assert queries(client, url) == queries(client, first)


def action_links(html) -> list[str]:
    return re.findall(r'href="/[^"]+/piano/azioni/([^"/]+)/"', html)


def test_the_plan_page_shows_macro_areas_and_lines_with_counts_not_every_action(client, city, uncached):
    world = build_world(city, n=12)
    line = world.shared["line"]
    html = fetch(client, f"/{city.slug}/piano/")
    assert f'href="/{city.slug}/piano/aree/{line.macro_area.code}/"' in html
    assert f"?linea={line.code}" in html
    assert "12 azioni pubblicate" in html  # the macro area's and the line's count: drafts left out
    assert action_links(html) == []


def test_the_macro_area_lists_its_actions_a_page_at_a_time(client, city, uncached, small_pages):
    world = build_world(city, n=12)
    line = world.shared["line"]
    other = ActionFactory(line=LineFactory(city=city, macro_area=line.macro_area), code="Q.1", title="Altra linea")
    url = f"/{city.slug}/piano/aree/{line.macro_area.code}/"
    pages = [fetch(client, f"{url}?page={number}") for number in (1, 2, 3)]
    seen = [code for html in pages for code in action_links(html)]
    assert len(seen) == 13 and len(set(seen)) == 13  # every published action once, none of the drafts
    assert "S.1" not in seen and SECRET not in "".join(pages)
    assert "page=2" in pages[0] and "1–5 di 13 azioni pubblicate" in pages[0]
    one_line = fetch(client, f"{url}?linea={line.code}")
    assert "Q.1" not in action_links(one_line) and len(action_links(one_line)) == PAGE
    assert other.code in action_links(fetch(client, f"{url}?linea={other.line.code}"))


def test_the_axis_page_counts_each_item_and_links_to_its_page(client, city, uncached, small_pages):
    world = build_world(city, n=7)
    item = world.shared["item"]
    axis_page = fetch(client, f"/{city.slug}/piano/allineamento/sdg/")
    assert f'href="/{city.slug}/piano/allineamento/sdg/11/"' in axis_page
    assert "<td>7</td>" in axis_page  # seven published actions, the draft left out
    assert action_links(axis_page) == []
    # an action serves the item through its line too, and shows on the item's page
    through_line = ActionFactory(line=LineFactory(city=city, macro_area=world.shared["line"].macro_area), code="L.1")
    through_line.line.alignments.add(item)
    first, second = (fetch(client, f"/{city.slug}/piano/allineamento/sdg/11/?page={n}") for n in (1, 2))
    assert "8 azioni pubblicate" in first
    assert sorted(action_links(first) + action_links(second)) == sorted([f"P.{i}" for i in range(7)] + ["L.1"])
    assert SECRET not in first + second


def test_the_sitemap_is_an_index_of_paginated_sections(client, city, uncached, small_pages):
    world = build_world(city, n=12)
    index = fetch(client, "/sitemap.xml")
    assert "<sitemapindex" in index
    sections = LOCATION.findall(index)
    assert f"/sitemap-{city.slug}-actions.xml" in sections
    assert f"/sitemap-{city.slug}-actions.xml?p=3" in sections  # 12 actions, 5 to a page
    assert f"/sitemap-{city.slug}-actions.xml?p=4" not in sections
    locations = set(LOCATION.findall(sitemap_text(client)))
    for action in world.published["actions"]:
        assert action.get_public_url() in locations
    assert f"/{city.slug}/piano/allineamento/sdg/11/" in locations
    assert not [location for location in locations if "S.1" in location]
    assert client.get("/sitemap-nowhere-actions.xml").status_code == 404


def test_the_streamed_csv_has_every_row_and_neutralises_formulas(client, city, uncached, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK", 5)  # rows read five at a time: 13 rows come in three chunks
    world = build_world(city, n=13)
    formula = world.published["actions"][0]
    formula.title = '=HYPERLINK("http://example.com","x")'
    formula.save()
    response = client.get(f"/{city.slug}/dati/azioni.csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 13
    assert {row["codice"] for row in rows} == {f"P.{i}" for i in range(13)}
    assert next(row for row in rows if row["codice"] == formula.code)["titolo"] == "'" + formula.title
    document = client.get(f"/{city.slug}/dati/azioni.json")
    assert document.streaming
    data = json.loads(b"".join(document.streaming_content))["data"]
    assert len(data) == 13 and SECRET not in json.dumps(data)


RING = [[11.2, 44.4], [11.4, 44.4], [11.4, 44.6], [11.2, 44.6], [11.2, 44.4]]


@pytest.fixture
def small_map(monkeypatch):
    """Two projects named per place and two drawn at their own point, so thirty fill every cap."""
    from ponte.portal import citymap

    monkeypatch.setattr(citymap, "MAX_LISTED", 2)
    monkeypatch.setattr(citymap, "MAX_POINTS", 2)


def located_project(programme, n, **where):
    from ponte.funding.tests.factories import ProjectFactory

    return ProjectFactory(programme=programme, title=f"Intervento {n:02d}", acronym="", status="running", **where)


def test_the_projects_map_costs_the_same_queries_with_ten_times_the_located_projects(client, city, uncached, small_map):
    from decimal import Decimal

    from ponte.funding.models import Area
    from ponte.funding.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(city=city, name="Horizon Europe")
    Area.objects.create(city=city, level="comune", name=city.name, rings=[RING])
    Area.objects.create(city=city, level="quartiere", name="Navile", rings=[RING])
    places = [
        {"location": "comune"},
        {"location": "quartiere", "quartiere": "Navile"},
        {"location": "quartiere", "quartiere": "Savena"},  # no shape: beside the map
        {"location": "address", "place": "Via Gorki", "latitude": Decimal("44.5"), "longitude": Decimal("11.3")},
    ]
    for n in range(4):
        located_project(programme, n, **places[n % 4])
    url = f"/{city.slug}/progetti/"
    fetch(client, url)
    few = queries(client, url)
    for n in range(4, 40):
        located_project(programme, n, **places[n % 4])
    assert queries(client, url) == few
    html = fetch(client, url)
    assert html.count('class="city-marker-link"') == 4  # the whole city, Navile and two points of ten


def test_a_place_with_many_projects_names_a_few_and_links_the_rest(client, city, uncached, small_map):
    from decimal import Decimal

    from ponte.funding.models import Area
    from ponte.funding.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(city=city, name="Horizon Europe")
    Area.objects.create(city=city, level="comune", name=city.name, rings=[RING])
    Area.objects.create(city=city, level="quartiere", name="Navile", rings=[RING])
    for n in range(12):
        located_project(programme, n, location="quartiere", quartiere="Navile")
    for n in range(12, 17):
        point = {"latitude": Decimal("44.5"), "longitude": Decimal(f"11.3{n}")}
        located_project(programme, n, location="address", place=f"Via {n}", **point)
    located_project(programme, 17, location="comune")
    html = fetch(client, f"/{city.slug}/progetti/?programme={programme.pk}")
    start = html.index('<section class="city-map')
    section = html[start : html.index("</section>", start)]
    assert 'aria-label="Quartiere Navile: 12 progetti"' in section
    heading = section.index('id="luogo-quartiere-navile"')
    navile = section[heading : section.index("</ul>", heading)]
    assert re.findall(r">(Intervento \d+)</a>", navile) == ["Intervento 00", "Intervento 01"]
    assert "e altri 10 progetti: elencali" in navile
    more = re.search(r'<a href="([^"]+)">e altri 10 progetti', navile).group(1).replace("&amp;", "&")
    assert f"programme={programme.pk}" in more and "located=quartiere" in more and "place=Navile" in more
    # Two of the five projects with coordinates are drawn; the other three are counted and linked.
    assert section.count('class="city-marker-link"') == 2 + 2  # two points, the whole city, Navile
    assert 'id="luogo-punti"' in section and "e altri 3 progetti: elencali" in section
    listed = fetch(client, more)
    assert "12 progetti" in listed and "Intervento 12" not in listed and "Intervento 17" not in listed
    points = fetch(client, f"/{city.slug}/progetti/?located=point")
    assert "5 progetti" in points and "Intervento 00" not in points
