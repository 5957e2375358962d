"""The portal as the Comune publishes it (issue 15): the header and footer show the Comune's own
identity from its data (region, name, logo, plan, contacts, social pages, AgID declaration), the
main menu folds behind Bootstrap Italia's hamburger button on a phone and opens by touch and by
keyboard, status badges differ in colour at AA contrast, and indicator charts carry the
indicator's name and dated axes. At 1366 and 375 px, with axe-core and the CSP watcher."""

import datetime as dt
import io
import re
import shutil
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.factories import ActionFactory, CityFactory, IndicatorFactory, IndicatorValueFactory
from ponte.participation.models import Question
from ponte.plan.models import IndicatorTarget, Plan

from .world import build_world

DOCS = settings.BASE_DIR / "docs" / "screenshots"
AGID = "https://form.agid.gov.it/view/00000000-0000-0000-0000-000000000000"


def square_png() -> bytes:
    """A plain square image standing for the Comune's logo (no real coat of arms is drawn)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 102, 204)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def comune(transactional_db):
    city = CityFactory(
        slug="testopoli",
        name="Testopoli",
        region="Regione Immaginaria",
        region_website="https://regione.example.org/",
        address="Piazza Grande 1, 00000 Testopoli",
        phone="+39 000 000000",
        pec="protocollo@pec.testopoli.example.org",
        email="urp@testopoli.example.org",
        social_links={"Facebook": "https://social.example.org/testopoli", "Bad": "javascript:alert(1)"},
        accessibility_declaration_url=AGID,
    )
    world = build_world(city, n=2)
    Plan.objects.filter(city=city).update(title="Piano per l'azione europea e internazionale")
    return city, world


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""

    def luminance(colour):
        channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_header_and_footer_are_the_comunes(visit, comune, width):
    city, _ = comune
    city.logo.save("testopoli-logo.png", ContentFile(square_png()))
    Question.objects.create(
        city=city,
        name="A",
        email="a@example.org",
        subject="Erasmus+",
        text="Come?",
        status="answered",
        faq_question="Come si partecipa a Erasmus+?",
        faq_answer="Con una candidatura.",
        in_faq=True,
    )
    page = visit(f"/{city.slug}/", width=width)
    header = page.locator("header")
    expect(header.get_by_role("link", name="Regione Immaginaria")).to_have_attribute(
        "href", "https://regione.example.org/"
    )
    expect(header.locator(".it-brand-title")).to_have_text("Comune di Testopoli")
    expect(header).not_to_contain_text("Ponte")
    logo = header.locator("img.ponte-city-logo")
    expect(logo).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", logo.element_handle()) == 64
    if width == "desktop":
        expect(header.locator(".it-brand-tagline")).to_have_text("Piano per l'azione europea e internazionale")
    assert axe_violations(page) == []

    footer = page.locator("footer")
    for text in ("Piazza Grande 1, 00000 Testopoli", "+39 000 000000", "protocollo@pec.testopoli.example.org"):
        expect(footer).to_contain_text(text)
    expect(footer.get_by_role("link", name="protocollo@pec.testopoli.example.org")).to_have_attribute(
        "href", "mailto:protocollo@pec.testopoli.example.org"
    )
    expect(footer.get_by_role("link", name="Facebook")).to_have_attribute(
        "href", "https://social.example.org/testopoli"
    )
    expect(footer.get_by_role("link", name="Bad")).to_have_count(0)  # never a javascript: link
    expect(footer.get_by_role("link", name="Dichiarazione di accessibilità")).to_have_attribute("href", AGID)
    expect(footer).to_contain_text("Pubblicato con Ponte, software libero e aperto.")

    for link, heading in (
        ("Informativa privacy", "Informativa privacy"),
        ("Note legali", "Note legali"),
        ("FAQ", "Domande frequenti"),
        ("Segnala un disservizio", "Segnala un disservizio"),
    ):
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        if link == "Note legali":  # the content licence, in the model's words
            expect(page.locator('[data-element="legal-notes-body"]')).to_contain_text("licenza CC-BY 4.0")


def test_without_a_logo_or_region_the_header_shows_the_name(visit, transactional_db):
    city = CityFactory(slug="senzalogo", name="Senzalogo", website="https://comune.example.org/")
    build_world(city)
    page = visit(f"/{city.slug}/")
    expect(page.locator(".it-brand-title")).to_have_text("Comune di Senzalogo")
    expect(page.locator("header img")).to_have_count(0)
    expect(page.locator(".it-header-slim-wrapper").get_by_role("link", name="Comune di Senzalogo")).to_have_attribute(
        "href", "https://comune.example.org/"
    )
    # no declaration on AgID's site yet: Ponte's own accessibility page
    page.get_by_role("link", name="Dichiarazione di accessibilità").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("accessibilità")
    # no FAQ published yet: the question form
    page.locator("footer").get_by_role("link", name="FAQ", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chiedi allo Sportello Europe Direct")


def test_on_a_phone_the_menu_folds_and_opens_by_touch_and_keyboard(visit, comune):
    city, _ = comune
    page = visit(f"/{city.slug}/", width="mobile")
    toggle = page.get_by_role("button", name="Menu", exact=True)
    plan_link = page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Il Piano")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(plan_link).to_be_hidden()
    box = page.get_by_role("heading", level=1).bounding_box()
    assert box["y"] + box["height"] <= 812, box  # the page's title on the first screen

    toggle.click()  # touch
    expect(plan_link).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(plan_link).to_be_focused()
    shoot(page, "portal-menu-open-mobile")
    assert axe_violations(page) == []
    page.keyboard.press("Shift+Tab")  # the focus stays in the menu: to its last control
    assert page.evaluate("() => document.activeElement.closest('#main-menu') !== null")
    page.keyboard.press("Tab")
    expect(plan_link).to_be_focused()
    page.keyboard.press("Escape")
    expect(plan_link).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")  # keyboard: the button has the focus
    expect(plan_link).to_be_visible()
    page.get_by_role("button", name="Chiudi il menu").click()
    expect(plan_link).to_be_hidden()
    toggle.focus()
    page.keyboard.press(" ")
    expect(plan_link).to_be_visible()
    plan_link.click()
    expect(page).to_have_url(re.compile(r"/piano/$"))
    expect(page.get_by_role("button", name="Menu", exact=True)).to_have_attribute("aria-expanded", "false")


def test_on_a_desktop_the_menu_is_a_bar(visit, comune):
    city, _ = comune
    page = visit(f"/{city.slug}/")
    expect(page.get_by_role("button", name="Menu", exact=True)).to_be_hidden()
    navigation = page.get_by_role("navigation", name="Menu principale")
    for name in ("Il piano", "Progetti finanziati", "Dati aperti"):
        expect(navigation.get_by_role("link", name=name)).to_be_visible()
    box = navigation.bounding_box()
    assert box["height"] < 100, box  # one row


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_status_badges_differ_in_colour_with_aa_contrast(visit, comune, width):
    city, world = comune
    line = world.shared["line"]
    ActionFactory(line=line, code="R.1", title="Azione in ritardo", status="delayed")
    ActionFactory(line=line, code="C.1", title="Azione completata", status="completed")
    page = visit(f"/{city.slug}/piano/aree/{line.macro_area.code}/", width=width)
    styles = {}
    for status in ("In corso", "In ritardo", "Conclusa"):
        badge = page.locator(".ponte-status", has_text=re.compile(f"^{status}$")).first
        expect(badge).to_be_visible()
        styles[status] = badge.evaluate("(b) => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    backgrounds = {background for _, background in styles.values()}
    assert len(backgrounds) == 3, styles
    for status, (colour, background) in styles.items():
        assert contrast(colour, background) >= 4.5, (status, colour, background)
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_indicator_chart_has_its_name_and_dated_axis(visit, comune, width):
    city, world = comune
    action = world.published["actions"][0]
    indicator = IndicatorFactory(
        action=action,
        code="IND-X9",
        name="Partecipanti ai bandi europei",
        unit="persone",
    )
    IndicatorValueFactory(indicator=indicator, reference_date=dt.date(2025, 6, 30), value=Decimal("12"))
    page = visit(action.get_public_url(), width=width)
    section = page.locator("figure.indicator-chart").filter(has_text="Partecipanti ai bandi europei")
    expect(page.get_by_role("heading", name="Partecipanti ai bandi europei", level=3)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("IND-X9")
    expect(section.locator("svg .chart-date")).to_have_text(["30/06/2025"])  # the one dot has its date

    IndicatorValueFactory(indicator=indicator, reference_date=dt.date(2026, 6, 30), value=Decimal("20"))
    IndicatorTarget.objects.create(
        city=city, indicator=indicator, target_date=dt.date(2027, 12, 31), value=Decimal("40")
    )
    page.reload()
    expect(section.locator("svg .chart-date")).to_have_text(["30/06/2025", "30/06/2026", "31/12/2027"])
    labels = section.locator("svg .chart-date").evaluate_all(
        "(texts) => texts.map((t) => { const b = t.getBoundingClientRect(); return [b.left, b.right]; })"
    )
    assert all(left_end < right_start for (_, left_end), (right_start, _) in zip(labels, labels[1:], strict=False)), (
        labels
    )
    # Legible on a phone too: the drawing shrinks to half its size there, its labels do not.
    sizes = section.locator("svg .chart-date, svg .chart-label").evaluate_all(
        "(texts) => texts.map((t) => t.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 11, sizes
    inside = section.locator("svg").evaluate(
        "(svg) => { const box = svg.getBoundingClientRect(); return [...svg.querySelectorAll('text')].every("
        "(t) => { const b = t.getBoundingClientRect(); return b.left >= box.left - 1 && b.right <= box.right + 1; }); }"
    )
    assert inside
    assert axe_violations(page) == []
    section.scroll_into_view_if_needed()
    shutil.copy(shoot(page, f"portal-action-{width}"), DOCS)
    page.goto(page.url.split("/piano/")[0] + "/")
    shutil.copy(shoot(page, f"portal-home-{width}"), DOCS)
