"""Journeys in Chromium at 1366 px and 375 px (issue 15) on the real Bologna data set: a citizen
finds the funded projects on the city's map (drawn offline from the data set's boundary) and
reaches them by keyboard; a citizen goes from the PNRR page to one measure's page."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, fits_the_screen, shoot


def tab_to(page, selector, limit=300):
    """Press Tab until the focus is on an element matching `selector`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} is not reachable with Tab")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_finds_the_projects_on_the_map_and_reaches_them_by_keyboard(visit, bologna, width):
    page = visit(f"/{bologna.slug}/progetti/", width=width)
    expect(page.get_by_role("heading", level=2, name="Dove sono i progetti")).to_be_visible()
    figure = page.locator("figure.city-map-figure")
    expect(figure.locator("svg")).to_be_visible()
    box = figure.locator("svg").bounding_box()
    assert box["width"] > 250 and box["height"] > 200  # a map one can read, on a phone too
    expect(figure.locator("path.city-area-comune")).to_have_count(1)  # Bologna's boundary, shipped
    expect(figure).to_contain_text("ISTAT")
    marker = figure.get_by_role("link", name="Tutta la città: 9 progetti")
    expect(marker).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    marker.scroll_into_view_if_needed()
    shoot(page, f"portal-projects-map-{width}")

    tab_to(page, "a.city-marker-link")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Tutta la città: 9 progetti"
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#luogo-comune")
    places = page.locator("#luogo-comune + ul")
    expect(places.get_by_role("link")).to_have_count(9)
    first = places.get_by_role("link").first
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("dl")).to_contain_text("Bologna (tutto il comune)")
    fits_the_screen(page)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_citizen_goes_from_the_pnrr_page_to_a_measure(visit, bologna, width):
    page = visit(f"/{bologna.slug}/progetti/pnrr/", width=width)
    measure = "Sviluppo trasporto rapido di massa"
    page.get_by_role("link", name=measure, exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(measure)
    expect(page.get_by_text("Missione M2", exact=False).first).to_be_visible()
    # The data set's two projects of measure M2C2I4.02: a table on a wide screen, cards on a phone.
    projects = page.locator("table tbody tr" if width == "desktop" else "main li h3")
    expect(projects).to_have_count(2)
    listing = page.locator("table" if width == "desktop" else "main ul.row")
    expect(listing).to_contain_text("Finanziamento PNRR")
    expect(listing).to_contain_text("€")
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-pnrr-measure-{width}")

    project = projects.first.get_by_role("link")
    title = project.inner_text()
    project.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.get_by_role("link", name=measure, exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(measure)
    page.get_by_role("link", name="Tutte le misure della missione M2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missione M2")
    expect(page.get_by_role("heading", level=2, name="Misure")).to_be_visible()


def test_with_a_tile_server_the_map_becomes_interactive_and_stays_keyboard_reachable(
    visit, bologna, settings, live_server
):
    # Tiles from the app itself (no internet in tests): they are missing, the markers are not.
    settings.PONTE_MAP_TILE_URL = f"{live_server.url}/static/tiles/{{z}}/{{x}}/{{y}}.png"
    settings.PONTE_MAP_TILE_ATTRIBUTION = "Tiles of the test"
    page = visit(f"/{bologna.slug}/progetti/", width="desktop")
    interactive = page.locator(".city-map-interactive")
    expect(interactive).to_be_visible()
    expect(page.locator("svg.city-map-svg")).to_be_hidden()
    expect(interactive).to_contain_text("Tiles of the test")
    marker = interactive.locator(".city-leaflet-marker")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("title", "Tutta la città: 9 progetti")
    tab_to(page, ".city-leaflet-marker")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#luogo-comune")
    fits_the_screen(page)
