"""Journey in Chromium at 1366 px and 375 px (issue 14): a plan owner signs in for the first time
since two-factor authentication is required of the role, is sent to set it up, sees the QR code
(an image drawn on the server, allowed by the Content-Security-Policy) and the key, types a wrong
code and is refused, types the app's code, is shown ten recovery codes once, continues to the
back office; at the next sign-in the code is asked, and a recovery code works in its place."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from ponte.browsing import axe_violations, current_code, log_in, shoot


def app_code(device) -> str:
    """What the app that scanned the QR code shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_owner_sets_up_two_factor_authentication_and_signs_in_with_it(visit, live_server, users, city, width):
    owner = users["owner"]
    page = visit("/accesso/", width=width)
    log_in(page, live_server.url, owner, second_factor=False)

    expect(page.get_by_role("heading", level=1)).to_have_text("Attiva l'autenticazione a due fattori")
    expect(page.get_by_text("Il tuo ruolo richiede l'autenticazione a due fattori")).to_be_visible()
    qr = page.get_by_role("img", name="Codice QR da inquadrare con l'app di autenticazione")
    expect(qr).to_be_visible()
    assert qr.evaluate("(img) => img.complete && img.naturalWidth > 0")  # drawn, not refused by the CSP
    device = TOTPDevice.objects.get(user=owner, confirmed=False)
    key = page.locator("#two-factor-key").inner_text()
    assert key.replace(" ", "") in device.config_url
    assert axe_violations(page) == []
    shoot(page, f"two-factor-enrol-{width}")

    code = app_code(device)
    page.get_by_label("Codice").fill(f"{(int(code) + 500_000) % 1_000_000:06d}")
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_text("Il codice non è corretto.")).to_be_visible()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # instead of waiting a second

    page.get_by_label("Codice").fill(app_code(device))
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_role("heading", name="I tuoi codici di recupero")).to_be_visible()
    codes = page.get_by_role("list", name="Codici di recupero").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10
    shoot(page, f"two-factor-recovery-codes-{width}")
    page.get_by_role("link", name="Li ho salvati: continua").click()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")

    # Next sign-in: the code is asked, then a recovery code in its place.
    page.get_by_role("button", name="Esci").click()
    log_in(page, live_server.url, owner, second_factor=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Codice di verifica")
    assert axe_violations(page) == []
    shoot(page, f"two-factor-code-{width}")
    page.get_by_label("Codice").fill(codes[0])
    page.get_by_role("button", name="Conferma").click()
    expect(page.get_by_text("Hai effettuato l'accesso con un codice di recupero; ne restano 9.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")
    assert current_code(owner)  # the app's code still works for the next time
