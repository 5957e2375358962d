"""Journey in Chromium at 1366 px and 375 px: the city's administrator invites a new EU funds
officer by e-mail; the mail arrives over SMTP, the person follows its link, chooses a password,
signs in, works on the funding pages and is refused a plan edit page; the administrator then
revokes the role."""

import re

import pytest
from playwright.sync_api import expect

from ponte.browsing import shoot
from ponte.core.models import Membership


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_administrator_invites_a_funds_officer_then_revokes_the_role(
    visit, live_server, settings, smtp_server, users, city, line, width
):
    settings.SITE_URL = live_server.url
    admin_page = visit(f"/{city.slug}/gestione/utenti/", user=users["admin"], width=width)
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Utenti e ruoli")
    admin_page.get_by_role("link", name="Invita una persona").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Invita una persona")
    admin_page.get_by_label("Email").fill("giulia.verdi@example.org")
    admin_page.get_by_label("Nome", exact=True).fill("Giulia")
    admin_page.get_by_label("Cognome").fill("Verdi")
    role = admin_page.get_by_label("Ruolo")
    expect(role.locator("option:checked")).to_have_text("Lettore")  # the least a person may do, by default
    role.select_option(label="Referente fondi europei")
    shoot(admin_page, f"users-invite-{width}")
    admin_page.get_by_role("button", name="Invia l'invito").click()
    expect(admin_page.get_by_text("Invito inviato a giulia.verdi@example.org.")).to_be_visible()
    row = admin_page.get_by_role("row").filter(has_text="giulia.verdi@example.org")
    expect(row).to_contain_text("Referente fondi europei")
    expect(row).to_contain_text("Ultimo accesso: mai")
    shoot(admin_page, f"users-list-{width}")

    membership = Membership.objects.get(city=city, user__email="giulia.verdi@example.org")
    assert membership.role == "funds" and not membership.user.has_usable_password()
    (mail,) = smtp_server.messages
    assert mail["To"] == "giulia.verdi@example.org" and "Testopoli" in mail["Subject"]
    body = mail.get_payload(decode=True).decode()
    assert "Referente fondi europei" in body
    link = re.search(r"http://\S+/accesso/password/\S+/", body).group(0)

    person = visit(link.removeprefix(live_server.url), width=width)
    expect(person.get_by_role("heading", level=1)).to_have_text("Scegli la tua password")
    person.get_by_label(re.compile(r"^Nuova password")).fill("Fondi-Europei-2030")
    person.get_by_label("Conferma nuova password").fill("Fondi-Europei-2030")
    shoot(person, f"users-password-{width}")
    person.get_by_role("button", name="Imposta la password").click()
    expect(person.get_by_text("La password è impostata: ora puoi accedere.")).to_be_visible()
    person.get_by_label("Nome utente").fill("giulia.verdi@example.org")
    person.get_by_label("Password").fill("Fondi-Europei-2030")
    person.get_by_role("button", name="Accedi").click()
    expect(person).not_to_have_url(re.compile("/accesso/"))

    response = person.goto(f"{live_server.url}/{city.slug}/gestione/fondi/progetti/")
    assert response.status == 200
    expect(person.get_by_role("link", name="Nuovo progetto")).to_be_visible()
    refused = person.goto(f"{live_server.url}/{city.slug}/gestione/aree/{line.macro_area.pk}/modifica/")
    assert refused.status == 403
    expect(person.get_by_role("heading", level=1)).not_to_have_text("Modifica")
    shoot(person, f"users-funds-officer-refused-{width}")

    admin_page.reload()
    admin_page.get_by_role("row").filter(has_text="giulia.verdi@example.org").get_by_role(
        "link", name=re.compile("Revoca")
    ).click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Revoca il ruolo di Giulia Verdi")
    admin_page.get_by_role("button", name="Revoca il ruolo").click()
    expect(admin_page.get_by_text("Giulia Verdi non ha più un ruolo.")).to_be_visible()
    expect(admin_page.get_by_role("row").filter(has_text="giulia.verdi@example.org")).to_have_count(0)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    membership.user.refresh_from_db()
    assert not membership.user.is_active
    expect(admin_page.get_by_text("ruolo revocato: giulia.verdi@example.org (Referente fondi europei)")).to_be_visible()

    # Signing in again, the person is told the role is gone (the password is right).
    person.goto(f"{live_server.url}/accesso/")
    person.get_by_label("Nome utente").fill("giulia.verdi@example.org")
    person.get_by_label("Password").fill("Fondi-Europei-2030")
    person.get_by_role("button", name="Accedi").click()
    expect(person.get_by_role("alert")).to_contain_text("non ha un ruolo nell'area riservata di nessuna città")
    shoot(person, f"users-login-revoked-{width}")
