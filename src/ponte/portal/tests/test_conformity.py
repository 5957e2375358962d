"""The Designers Italia municipal model's conformity criteria that apply to Ponte's portal, checked
the way the public checker (italia/pa-website-validator-ng, "App di valutazione dei modelli")
reads a site: in a real browser, from the home page, by the `data-element` attributes, following
each link it follows. The README's conformity table names each criterion and how it is met; the
criteria that concern the whole municipal site (service cards, booking, menu vocabulary, domain,
HTTPS) are listed there as not applying to this section of it.

Run on the real Bologna data set, at the desktop width (the checker's own)."""

import re
from urllib.parse import urlsplit

from ponte.browsing import axe_violations, shoot

# The wording of criterion C.SI.3.4, as the checker compares it (lower case, spaces collapsed).
LICENCE_TEXT = (
    "In applicazione del principio open by default ai sensi dell’articolo 52 del decreto legislativo 7 marzo "
    "2005, n. 82 (CAD) e salvo dove diversamente specificato (compresi i contenuti incorporati di terzi), i dati, "
    "i documenti e le informazioni pubblicati sul sito sono rilasciati con licenza CC-BY 4.0. Gli utenti sono "
    "quindi liberi di condividere (riprodurre, distribuire, comunicare al pubblico, esporre in pubblico), "
    "rappresentare, eseguire e recitare questo materiale con qualsiasi mezzo e formato e modificare (trasformare "
    "il materiale e utilizzarlo per opere derivate) per qualsiasi fine, anche commerciale con il solo onere di "
    "attribuzione, senza apporre restrizioni aggiuntive."
)
MODEL_FONTS = ("titillium web", "lora", "roboto mono")


def footer_link(page, element):
    """The href of the footer's link with that data-element (C.SI.2.3, 2.4, 3.2, 3.3, 3.4)."""
    link = page.locator(f'footer a[data-element="{element}"]')
    assert link.count() == 1, f'the footer has no link data-element="{element}"'
    href = link.get_attribute("href")
    assert href and href != "#", f'the footer\'s "{element}" link goes nowhere'
    return href


def opens(page, url):
    """The checker follows the link and wants a working page."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answers {response.status if response else 'nothing'}"
    return response


def first_families(page):
    """The first family of every heading and paragraph's computed font (C.SI.1.1), once the
    page's fonts are loaded; a family named but not loaded (the person would see the system's
    fallback) is reported as such."""
    page.evaluate("() => document.fonts.ready")
    loaded = page.evaluate(
        "() => [...document.fonts].filter((face) => face.status === 'loaded').map((face) => face.family.replace(/[\"']/g, '').toLowerCase())"
    )
    assert "titillium web" in loaded, f"the model's fonts are not loaded: {loaded}"
    return page.evaluate(
        """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, p')]
            .filter((element) => element.offsetParent !== null)
            .map((element) => [element.tagName, element.textContent.trim().slice(0, 40),
                getComputedStyle(element).fontFamily.split(',')[0].replace(/["']/g, '').trim().toLowerCase()])"""
    )


def test_the_portal_meets_the_municipal_model_criteria_that_apply(visit, bologna):
    page = visit(f"/{bologna.slug}/")
    base = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))

    # C.SI.1.2 Bootstrap Italia 2.0 or later, read from the CSS custom property.
    version = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--bootstrap-italia-version')"
    )
    major = re.search(r"(\d+)\.", version)
    assert major and int(major.group(1)) >= 2, f"Bootstrap Italia version {version!r}"

    # C.SI.1.6 the main navigation: a list of links with their labels.
    navigation = page.locator('ul[data-element="main-navigation"] li a')
    assert navigation.count() >= 5
    first_level = [navigation.nth(i).get_attribute("href") for i in range(navigation.count())]
    assert all(label.strip() for label in navigation.all_inner_texts())

    # The footer's links (C.SI.2.3 FAQ, C.SI.2.4 disservice, C.SI.3.2 accessibility, C.SI.3.3
    # privacy, C.SI.3.4 legal notes) go to working pages.
    links = {
        element: footer_link(page, element)
        for element in ("faq", "report-inefficiency", "accessibility-link", "privacy-policy-link", "legal-notes")
    }

    # C.SI.3.1 only the site's own (technical) cookies.
    for cookie in page.context.cookies():
        assert cookie["domain"].lstrip(".") in urlsplit(base).hostname, f"third-party cookie {cookie}"

    home_fonts = first_families(page)
    assert len(home_fonts) > 5, "the home's headings and paragraphs are read"
    for href in links.values():
        opens(page, href if href.startswith("http") else base + href)
    page.goto(base + links["report-inefficiency"])
    assert page.locator("main form textarea").count() == 1, "the disservice page has a report form"

    # C.SI.3.4 the legal notes: the section "Licenza dei contenuti" with the model's wording.
    page.goto(base + links["legal-notes"])
    section = page.locator('[data-element="legal-notes-section"]')
    assert section.inner_text().strip().lower() == "licenza dei contenuti"
    body = " ".join(page.locator('[data-element="legal-notes-body"]').all_inner_texts())
    body = re.sub(r"\s+", " ", body).strip().lower().replace("'", "’")
    assert body == LICENCE_TEXT.lower()
    assert axe_violations(page) == []
    shoot(page, "portal-legal-notes-desktop")

    # C.SI.2.5 the rating component on every first-level page and on a second-level one.
    action = page.url  # filled below with a second-level page
    for href in [*first_level, None]:
        if href is None:
            page.goto(base + first_level[0])  # the plan by macro area: a macro area, then an action
            page.locator("main a[href*='/piano/aree/']").first.click()
            page.locator("main a[href*='/piano/azioni/']").first.click()
            action = page.url
        else:
            opens(page, base + href)
        feedback = page.locator('[data-element="feedback"]')
        assert feedback.count() == 1, f"no rating component on {page.url}"
        assert feedback.locator('[data-element="feedback-title"]').count() == 1
        assert feedback.locator('[data-element^="feedback-rate-"]').count() == 5, page.url
        # C.SI.1.1 every heading and paragraph in the model's fonts.
        wrong = [entry for entry in first_families(page) if entry[2] not in MODEL_FONTS]
        assert wrong == [], f"{page.url}: {wrong[:5]}"
    assert "/piano/azioni/" in action
    assert [entry for entry in home_fonts if entry[2] not in MODEL_FONTS] == []
