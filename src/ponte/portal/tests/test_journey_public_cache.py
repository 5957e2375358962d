"""Journey (issue 16): an action's page is served from the cache of public pages; a citizen rates it
with the form of the cached copy and reads the thanks; the plan owner changes the action's title in
the back office, and the citizens' next load shows the new title. Chromium at 1366 and 375 px."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.portal.models import PageRating


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_cached_page_takes_a_rating_and_shows_a_publish_at_once(visit, city, users, action, width):
    action.title = "Porto di Testopoli in Europa"
    action.save()
    path = f"/{city.slug}/piano/azioni/{action.code}/"
    first = visit(path, width=width)  # the first visitor's load stores the page
    expect(first.get_by_role("heading", name="Porto di Testopoli in Europa", level=1)).to_be_visible()

    citizen = visit(path, width=width)
    loaded = citizen.reload()
    assert loaded.headers.get("x-ponte-cache") == "hit"
    expect(citizen.get_by_role("heading", name="Porto di Testopoli in Europa", level=1)).to_be_visible()
    block = citizen.locator("#valuta")
    block.get_by_text("★ 4").click()
    block.get_by_text("Le indicazioni erano complete").click()
    block.get_by_role("button", name="Invia").click()
    expect(citizen.get_by_text("Grazie per il tuo suggerimento!")).to_be_visible()  # the CSRF check passed
    assert PageRating.objects.filter(path=path, stars=4).exists()
    shoot(citizen, f"public-cache-rated-{width}")

    staff = visit(f"/{city.slug}/gestione/azioni/{action.code}/modifica/", user=users["owner"], width=width)
    staff.locator("#id_title").fill("Porto di Testopoli nel mondo")
    staff.get_by_role("button", name="Salva").click()
    expect(staff.get_by_role("status").filter(has_text="Salvato")).to_be_visible()

    again = first.reload()
    assert again.headers.get("x-ponte-cache") == "miss"  # computed afresh after the publish
    expect(first.get_by_role("heading", name="Porto di Testopoli nel mondo", level=1)).to_be_visible()
    assert first.reload().headers.get("x-ponte-cache") == "hit"
    expect(first.get_by_role("heading", name="Porto di Testopoli nel mondo", level=1)).to_be_visible()
    shoot(first, f"public-cache-published-{width}")
