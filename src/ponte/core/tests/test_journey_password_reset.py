"""Journey in Chromium at 1366 px and 375 px: a viewer who forgot the password follows
"Password dimenticata?" on the login page, the mail arrives over SMTP, its link opens the page
to choose a new password, and the person lands signed in; the link then works no more."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_forgotten_password_chosen_again_from_the_mailed_link(visit, live_server, settings, smtp_server, users, width):
    settings.SITE_URL = live_server.url
    viewer = users["viewer"]
    page = visit("/accesso/", width=width)
    page.get_by_role("link", name="Password dimenticata?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password dimenticata?")
    page.get_by_label("Email").fill(viewer.email)
    shoot(page, f"password-reset-ask-{width}")
    page.get_by_role("button", name="Invia il link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controlla la posta")
    expect(page.get_by_text("Si può usare una volta sola, entro 3 giorni.", exact=False)).to_be_visible()

    (mail,) = smtp_server.messages
    assert mail["To"] == viewer.email and mail["Subject"] == "Ponte: scegli una nuova password"
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://\S+/accesso/password-nuova/\S+/", body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Scegli una nuova password")
    page.get_by_label(re.compile(r"^Nuova password")).fill("Piano-Europa-2030")
    page.get_by_label("Conferma nuova password").fill("Piano-Europa-2030")
    shoot(page, f"password-reset-choose-{width}")
    page.get_by_role("button", name="Imposta la password").click()
    expect(page.get_by_text("La nuova password è impostata: hai effettuato l'accesso.")).to_be_visible()
    expect(page).to_have_url(re.compile("/gestione/"))
    viewer.refresh_from_db()
    assert viewer.check_password("Piano-Europa-2030")

    # Used once: the link says so and leads to a new request.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("Questo link è già stato usato o è scaduto.")
    page.get_by_role("link", name="Chiedi un nuovo link con il tuo indirizzo email.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password dimenticata?")
    shoot(page, f"password-reset-used-link-{width}")
