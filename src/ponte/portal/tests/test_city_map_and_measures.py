"""The map of the funded projects on the portal's projects list (issue 15), drawn from the shapes of
the city's data set, and a page per PNRR measure reached from its mission."""

from decimal import Decimal

import pytest

from ponte.funding.models import Area, Programme
from ponte.funding.tests.factories import ProgrammeFactory, ProjectFactory

from .sitemap import sitemap_text

RING = [[11.23, 44.42], [11.43, 44.42], [11.43, 44.56], [11.23, 44.56], [11.23, 44.42]]
NAVILE = [[11.30, 44.50], [11.36, 44.50], [11.36, 44.55], [11.30, 44.50]]


@pytest.fixture
def programme(city):
    return ProgrammeFactory(city=city, slug="horizon", name="Horizon Europe")


@pytest.fixture
def comune(city):
    return Area.objects.create(city=city, level="comune", name="Testopoli", rings=[RING], source="ISTAT (CC BY 4.0)")


def located(programme, title, **fields):
    return ProjectFactory(programme=programme, title=title, acronym="", status="running", **fields)


def map_of(client, city):
    """The map's section and what follows it (the scripts that enhance it)."""
    text = client.get(f"/{city.slug}/progetti/").content.decode()
    start = text.index('<section class="city-map')
    return text[start : text.index("<table", start)]


def test_projects_of_the_whole_city_are_one_marker_on_the_boundary(client, city, programme, comune):
    located(programme, "Cloud per il Comune", location="comune")
    located(programme, "Servizi digitali", location="comune")
    located(programme, "Bozza SEGRETA", location="comune", publication="draft")
    located(programme, "Non localizzato")
    section = map_of(client, city)
    assert "<svg" in section and 'class="city-area city-area-comune"' in section
    assert "<title>Testopoli</title>" in section and "ISTAT (CC BY 4.0)" in section
    assert section.count('class="city-marker-link"') == 1
    assert 'href="#luogo-comune"' in section and 'aria-label="Tutta la città: 2 progetti"' in section
    assert 'id="luogo-comune"' in section and "Cloud per il Comune" in section
    assert "SEGRET" not in section and "Non localizzato" not in section


def test_a_project_with_coordinates_has_its_own_marker_linking_to_its_page(client, city, programme, comune):
    project = located(
        programme,
        "Casa di quartiere",
        location="address",
        place="Via Gorki 6",
        latitude=Decimal("44.5225"),
        longitude=Decimal("11.3601"),
    )
    section = map_of(client, city)
    assert f'href="{project.get_public_url()}" class="city-marker-link"' in section
    assert 'data-lat="44.5225"' in section and 'data-lon="11.3601"' in section
    assert "Testopoli – Via Gorki 6: 1 progetto" in section


def test_a_quartiere_is_drawn_when_the_data_set_has_its_shape_and_listed_otherwise(client, city, programme, comune):
    Area.objects.create(city=city, level="quartiere", name="Navile", rings=[NAVILE])
    located(programme, "Biblioteca Lame", location="quartiere", quartiere="navile")
    located(programme, "Parco Savena", location="quartiere", quartiere="Savena")
    section = map_of(client, city)
    assert 'class="city-area city-area-quartiere"' in section
    assert 'href="#luogo-quartiere-navile"' in section and "Quartiere navile: 1 progetto" in section
    # No shape of Savena: its project is named beside the map, not drawn anywhere.
    assert 'href="#luogo-quartiere-savena"' not in section
    assert 'id="luogo-altro"' in section and "Parco Savena" in section


def test_without_a_shape_the_city_is_a_marker_alone(client, city, programme):
    located(programme, "Cloud per il Comune", location="comune")
    section = map_of(client, city)
    assert "city-area" not in section and section.count('class="city-marker-link"') == 1
    assert "non ha la forma della città" in section


def test_no_located_project_no_map(client, city, programme, comune):
    located(programme, "Non localizzato")
    assert '<section class="city-map' not in client.get(f"/{city.slug}/progetti/").content.decode()


def test_the_map_follows_the_filters_of_the_list(client, city, programme, comune):
    other = ProgrammeFactory(city=city, slug="life", name="LIFE")
    located(programme, "Cloud per il Comune", location="comune")
    located(other, "Parco fluviale", location="comune")
    text = client.get(f"/{city.slug}/progetti/", {"programme": programme.pk}).content.decode()
    assert "Cloud per il Comune" in text and "Parco fluviale" not in text


def test_a_tile_server_enhances_the_map_and_its_origin_is_allowed(client, city, programme, comune, settings):
    located(programme, "Cloud per il Comune", location="comune")
    section = map_of(client, city)
    assert "data-tiles" not in section and "citymap.js" not in section  # offline: the SVG is all there is
    settings.PONTE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.PONTE_MAP_TILE_ATTRIBUTION = "© OpenStreetMap"
    section = map_of(client, city)
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in section
    assert 'data-attribution="© OpenStreetMap"' in section
    assert "vendor/leaflet/leaflet.js" in section and "ponte/citymap.js" in section


def test_the_project_page_shows_its_place(client, city, programme):
    project = located(programme, "Casa di quartiere", location="quartiere", quartiere="Navile", place="Via Gorki 6")
    text = client.get(project.get_public_url()).content.decode()
    assert "Testopoli – quartiere Navile – Via Gorki 6" in text and "un quartiere" in text


@pytest.fixture
def missions(city):
    root = ProgrammeFactory(city=city, slug="pnrr", name="PNRR", kind=Programme.Kind.INDIRECT)
    return {
        "m1": ProgrammeFactory(city=city, slug="pnrr-m1", name="M1 Digitalizzazione", parent=root),
        "m2": ProgrammeFactory(city=city, slug="pnrr-m2", name="M2 Rivoluzione verde", parent=root),
    }


def measure_project(programme, title, code, name, **fields):
    return ProjectFactory(
        programme=programme,
        title=title,
        status="running",
        measure_code=code,
        measure_name=name,
        eu_contribution=Decimal("1000000"),
        total_budget=Decimal("1500000"),
        **fields,
    )


def test_a_measure_page_lists_its_projects_with_amounts(client, city, missions):
    cloud = measure_project(missions["m1"], "Cloud", "M1C1I1.02", "Abilitazione al cloud per le PA locali")
    measure_project(
        missions["m1"], "App IO", "M1C1I1.04", "Servizi digitali", submeasure_name="Adozione di app IO", cup=""
    )
    measure_project(missions["m1"], "Bozza SEGRETA", "M1C1I1.02", "Abilitazione al cloud", publication="draft")
    page = client.get(f"/{city.slug}/progetti/pnrr/m1/misure/m1c1i1.02/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Abilitazione al cloud per le PA locali</h1>" in text
    assert f'href="{cloud.get_public_url()}"' in text and "1.000.000,00" in text
    assert "App IO" not in text and "SEGRET" not in text
    assert f'href="/{city.slug}/progetti/pnrr/m1/"' in text  # back to its mission


def test_the_mission_and_pnrr_pages_link_each_measure_and_the_project_links_its_own(client, city, missions):
    cloud = measure_project(missions["m1"], "Cloud", "M1C1I1.02", "Abilitazione al cloud")
    measure_project(missions["m1"], "App IO", "M1C1I1.04", "Servizi digitali")
    link = f'href="/{city.slug}/progetti/pnrr/m1/misure/m1c1i1.02/"'
    mission = client.get(f"/{city.slug}/progetti/pnrr/m1/").content.decode()
    assert link in mission and f'href="/{city.slug}/progetti/pnrr/m1/misure/m1c1i1.04/"' in mission
    assert link in client.get(f"/{city.slug}/progetti/pnrr/").content.decode()
    assert link in client.get(cloud.get_public_url()).content.decode()


def test_an_unknown_measure_or_one_of_another_mission_is_not_found(client, city, missions):
    measure_project(missions["m1"], "Cloud", "M1C1I1.02", "Abilitazione al cloud")
    assert client.get(f"/{city.slug}/progetti/pnrr/m1/misure/m9c9i9.99/").status_code == 404
    assert client.get(f"/{city.slug}/progetti/pnrr/m2/misure/m1c1i1.02/").status_code == 404


def test_the_place_filter_finds_a_quartiere_and_an_address(client, city, programme):
    located(programme, "Biblioteca Lame", location="quartiere", quartiere="Navile")
    located(programme, "Casa Gorki", location="address", place="Via Gorki 6")
    located(programme, "Parco Savena", location="quartiere", quartiere="Savena")
    navile = client.get(f"/{city.slug}/progetti/", {"place": "navile"}).content.decode()
    assert "Biblioteca Lame" in navile and "Parco Savena" not in navile and "Casa Gorki" not in navile
    gorki = client.get(f"/{city.slug}/progetti/", {"place": "gorki"}).content.decode()
    assert "Casa Gorki" in gorki and "Biblioteca Lame" not in gorki


def test_the_sitemap_lists_the_measure_pages(client, city, missions):
    measure_project(missions["m1"], "Cloud", "M1C1I1.02", "Abilitazione al cloud")
    sitemap = sitemap_text(client)
    assert f"/{city.slug}/progetti/pnrr/m1/</loc>" in sitemap
    assert f"/{city.slug}/progetti/pnrr/m1/misure/m1c1i1.02/</loc>" in sitemap


def test_the_partners_world_map_shows_only_when_a_listed_project_has_a_partner_abroad(client, city, programme):
    from ponte.funding.tests.factories import ParticipationFactory

    project = located(programme, "Rete europea", location="comune")
    page = client.get(f"/{city.slug}/progetti/").content.decode()
    assert "Paesi dei partner dei progetti" not in page and "map-partner-country" not in page
    ParticipationFactory(project=project, country="ES")
    page = client.get(f"/{city.slug}/progetti/").content.decode()
    assert "Paesi dei partner dei progetti" in page and "map-partner-country" in page
