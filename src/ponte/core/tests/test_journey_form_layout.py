"""No label lies over a control or another label, on any form of Ponte, at 1366 px and 375 px.

The pages come from the URL patterns (core/tests/form_pages.py): a new form page is measured
without being listed here. Boxes are measured in Chromium with getBoundingClientRect
(core/tests/overlaps.js); a label may overlap only its own control (Bootstrap Italia draws a
checkbox's box inside its label)."""

from pathlib import Path

import pytest
from django.urls import reverse

from ponte.browsing import shoot
from ponte.core.models import Membership
from ponte.factories import MembershipFactory

from .form_pages import build_items, form_pages, page_patterns

OVERLAPS = (Path(__file__).parent / "overlaps.js").read_text()


@pytest.fixture
def admin(city):
    return MembershipFactory(city=city, role=Membership.Role.ADMINISTRATOR).user


def test_every_pattern_of_a_page_is_filled(city, office, client, admin):
    """Every page pattern gets its kwargs from the items (a new pattern must be taught to
    form_pages.kwargs_for), and the list of form pages holds the known ones."""
    items = build_items(city, office)
    client.force_login(admin)
    paths = form_pages(client, city, items)
    assert len(list(page_patterns())) > 80
    for expected in (
        f"/{city.slug}/gestione/azioni/1.1.1/modifica/",
        f"/{city.slug}/eventi/{items['event'].pk}/",  # the public registration form
        f"/{city.slug}/eventi/newsletter/",
        f"/{city.slug}/segui/azione/1.1.1/",  # following an action (its box on the action's page)
        f"/{city.slug}/gestione/organismi/riunioni/{items['meeting'].pk}/modifica/",
        f"/{city.slug}/gestione/azioni/",  # a list's filter bar
        "/accesso/",
    ):
        assert expected in paths
    assert len(paths) > 50, paths


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_no_label_overlaps_a_control(visit, city, office, client, admin, width):
    items = build_items(city, office)
    client.force_login(admin)
    paths = form_pages(client, city, items)
    page = visit(paths[0], user=admin, width=width)
    visitor = visit("/", width=width)  # the sign-in page's form is shown to someone not signed in
    found, too_wide = {}, {}
    for path in paths:
        on = visitor if path == reverse("login") else page
        on.goto(visit.base_url + path, wait_until="domcontentloaded")
        if overlaps := on.evaluate(OVERLAPS):
            found[path] = overlaps
            shoot(on, f"overlap-{width}-{path}")
        # Nothing wider than the screen: a phone never scrolls a page sideways (wide tables
        # scroll inside their own box).
        scroll_width, screen_width = on.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > screen_width:
            too_wide[path] = scroll_width
            shoot(on, f"too-wide-{width}-{path}")
    assert not found, found
    assert not too_wide, f"pages wider than the {width} screen: {too_wide}"
