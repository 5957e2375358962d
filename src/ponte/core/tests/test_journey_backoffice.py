"""Journeys through the back office's shell in Chromium at 1366 px and 375 px: a plan owner lands on
their work, finds newsletter campaigns and the Europe Direct desk by clicks in the menu (folded on
a phone), sees where they are; a viewer refused an edit page is told why in Italian; axe-core finds
no WCAG 2.1 AA violation in the staff layout."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.factories import ActionFactory, LineFactory, PlanFactory
from ponte.funding.models import Call
from ponte.participation.models import Question


@pytest.fixture
def work(city, users, office):
    plan = PlanFactory(city=city)
    line = LineFactory(city=city, macro_area__plan=plan)
    ActionFactory(line=line, code="1.1.1", title="Rete europea delle città", owner_office=office, status="in_progress")
    Question.objects.create(city=city, name="Anna", email="anna@example.org", subject="Erasmus per adulti", text="?")
    return city


def open_menu(page):
    """On a phone the menu is folded behind its button; on a desktop it is always open."""
    if page.width_name == "mobile":
        expect(page.get_by_role("link", name="Invii della newsletter")).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("link", name="Invii della newsletter")).to_be_visible()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_plan_owner_reaches_campaigns_and_the_desk_by_clicks(visit, work, users, width):
    owner = users["owner"]
    page = visit("/", user=owner, width=width)
    expect(page).to_have_url(re.compile(r"/testopoli/gestione/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio lavoro")
    expect(page.locator(".ponte-staff-role")).to_have_text("Responsabile del Piano")
    expect(page.get_by_role("heading", name=re.compile("Domande aperte a Europe Direct"))).to_be_visible()
    shoot(page, f"backoffice-home-{width}")

    open_menu(page)
    if width == "mobile":
        shoot(page, "backoffice-menu-mobile")
    page.get_by_role("link", name="Invii della newsletter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invii della newsletter")
    expect(page).to_have_title(re.compile(r"^Invii della newsletter · Ponte · Testopoli"))
    breadcrumbs = page.get_by_role("navigation", name="Percorso")
    expect(breadcrumbs).to_contain_text("Area riservata")
    expect(breadcrumbs).to_contain_text("Eventi e comunicazione")
    expect(page.locator('a[aria-current="page"]')).to_have_text("Invii della newsletter")
    shoot(page, f"backoffice-campaigns-{width}")

    open_menu(page)
    page.get_by_role("link", name="Sportello Europe Direct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sportello Europe Direct")
    expect(page.get_by_role("link", name="Erasmus per adulti")).to_be_visible()
    page.get_by_role("navigation", name="Percorso").get_by_role("link", name="Area riservata").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio lavoro")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_viewer_is_told_in_italian_why_an_edit_page_is_refused(visit, work, users, width):
    call = Call.objects.create(city=work, identifier="HORIZON-CL2-2025", title="Città in rete")
    page = visit(f"/testopoli/gestione/fondi/bandi/{call.pk}/modifica/", user=users["viewer"], width=width)
    expect(page.get_by_role("heading", level=1)).to_have_text("Non puoi aprire questa pagina")
    expect(page.get_by_text(re.compile("con il ruolo Lettore"))).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Referente fondi europei")).to_be_visible()
    shoot(page, f"backoffice-403-{width}")
    page.get_by_role("link", name="Torna alla pagina iniziale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Il mio lavoro")


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_staff_layout_has_no_axe_violation(visit, work, users, width):
    page = visit("/testopoli/gestione/", user=users["owner"], width=width)
    found = {}
    for path in (
        "/testopoli/gestione/",
        "/testopoli/eventi/newsletter/campagne/",
        "/testopoli/eventi/europe-direct/sportello/",
        "/testopoli/gestione/azioni/",
        "/testopoli/gestione/piano/",
        "/testopoli/gestione/fondi/bandi/",
        "/testopoli/gestione/fondi/progetti/nuovo/",  # searchable lists (Tom Select)
        "/testopoli/eventi/gestione/",
    ):
        page.goto(page.url.split("/testopoli/")[0] + path)
        if width == "mobile":
            page.get_by_text("Menu", exact=True).click()  # the open menu is checked too
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert not found, found
