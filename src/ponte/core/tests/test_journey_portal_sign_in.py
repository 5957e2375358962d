"""Journey in Chromium at 1366 px and 375 px: an administrator on the public portal clicks
"Accesso del personale", types the password and is asked for the code at once; wandering back to
the portal before typing it, they are not shown as signed in, and the same link takes them back to
the code; after the code they land on the back office; back on the portal, the header shows them
signed in with "Area riservata", which (like the footer's) leads to the back office."""

import pytest
from playwright.sync_api import expect

from ponte.browsing import PASSWORD, axe_violations, current_code, fits_the_screen, give_authenticator, shoot


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_staff_sign_in_from_the_portal_asks_the_code_at_once_and_leads_to_the_back_office(
    visit, live_server, users, city, width
):
    admin = users["admin"]
    give_authenticator(admin)
    portal = f"{live_server.url}/{city.slug}/"
    back_office = f"{live_server.url}/{city.slug}/gestione/"
    header = "header .it-header-slim-wrapper"

    page = visit(f"/{city.slug}/", width=width)
    page.locator(header).get_by_role("link", name="Accesso del personale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso del personale")
    page.locator("#id_username").fill(admin.get_username())
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()

    # The code, straight after the password.
    expect(page.get_by_role("heading", level=1)).to_have_text("Codice di verifica")
    assert "/accesso/codice/" in page.url
    shoot(page, f"portal-sign-in-code-{width}")

    # Half signed in: the portal shows a visitor; its link leads back to the code.
    page.goto(portal)
    slim = page.locator(header)
    expect(slim).not_to_contain_text(admin.get_username())
    expect(slim.get_by_role("button", name="Esci")).to_have_count(0)
    shoot(page, f"portal-sign-in-half-{width}")
    slim.get_by_role("link", name="Accesso del personale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Codice di verifica")

    page.get_by_label("Codice").fill(current_code(admin))
    with page.expect_navigation():
        page.get_by_role("button", name="Conferma").click()
    expect(page).to_have_url(back_office)

    # Back on the portal: signed in, with the way back to the back office in the header.
    page.goto(portal)
    slim = page.locator(header)
    expect(slim).to_contain_text(admin.get_username())
    staff_area = slim.get_by_role("link", name="Area riservata")
    expect(staff_area).to_be_visible()
    fits_the_screen(page)
    assert axe_violations(page) == []
    shoot(page, f"portal-sign-in-signed-in-{width}")
    staff_area.click()
    expect(page).to_have_url(back_office)

    # The footer's "Area riservata" leads there too, not to an empty sign-in form.
    page.goto(portal)
    page.locator("footer").get_by_role("link", name="Area riservata").click()
    expect(page).to_have_url(back_office)
