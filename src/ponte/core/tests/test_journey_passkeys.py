"""Journeys in Chromium at 1366 px and 375 px (issue 14): passkeys as the second factor, with
Chromium's virtual authenticator standing in for a security key or a phone's screen lock (through
DevTools: WebAuthn.addVirtualAuthenticator, as WebAuthn's own browser tests do).

A plan owner signing in for the first time sets up two-factor authentication with a passkey
instead of the app, names it, keeps the recovery codes, reaches the back office; the two-factor
page lists it and will not let the only second factor go; the same key cannot be added twice;
at the next sign-in the passkey replaces the code; a second passkey on another device lets the
first be removed. A person whose device has no passkey for them is told so, and types the code.

The site runs on http://localhost: browsers refuse passkeys on a bare IP address such as
127.0.0.1 (its relying party id must be a domain), and treat localhost as a secure origin."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from ponte.browsing import axe_violations, current_code, log_in, shoot

DANGER = re.compile(r"\balert-danger\b")  # the status box looks like an error


def plug_in_authenticator(page):
    """A passkey device on this page's browser: a platform authenticator (fingerprint or PIN)
    that always verifies its person. Returns (DevTools session, authenticator id)."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return devtools, added["authenticatorId"]


def unplug(devtools, authenticator):
    devtools.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator})


def keys_on(devtools, authenticator) -> int:
    return len(devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"])


def open_two_factor_page(page, live_server):
    page.goto(live_server.url + "/accesso/verifica-in-due-passaggi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autenticazione a due fattori")


def listed(page, name):
    """The passkey called `name` in the list of the two-factor page."""
    return page.get_by_role("list", name="Le tue passkey").get_by_role("listitem").filter(has_text=name)


def add_passkey(page, name):
    page.get_by_label("Nome della passkey").fill(name)
    page.get_by_role("button", name="Aggiungi una passkey").click()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_an_owner_enrols_with_a_passkey_and_signs_in_with_it(visit, live_server, users, city, width):
    owner = users["owner"]
    page = visit("/accesso/", width=width)
    devtools, office_key = plug_in_authenticator(page)
    log_in(page, live_server.url, owner, second_factor=False)

    # First sign-in: the role requires a second factor; the passkey instead of the app.
    expect(page.get_by_role("heading", level=1)).to_have_text("Attiva l'autenticazione a due fattori")
    expect(page.get_by_role("heading", name="Oppure usa una passkey")).to_be_visible()
    assert axe_violations(page) == []
    shoot(page, f"two-factor-enrol-passkey-{width}")
    add_passkey(page, "Chiavetta dell'ufficio")
    expect(page.get_by_role("heading", name="I tuoi codici di recupero")).to_be_visible()
    expect(page.get_by_text("dopo la password ti verrà chiesta la passkey «Chiavetta dell'ufficio»")).to_be_visible()
    codes = page.get_by_role("list", name="Codici di recupero").get_by_role("listitem").all_inner_texts()
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=owner).count() == 10
    key = WebAuthnCredential.objects.get(user=owner)
    assert key.name == "Chiavetta dell'ufficio" and key.confirmed and keys_on(devtools, office_key) == 1
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    page.get_by_role("link", name="Li ho salvati: continua").click()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")

    # The two-factor page lists it; as the only second factor of a plan owner it stays.
    open_two_factor_page(page, live_server)
    row = listed(page, "Chiavetta dell'ufficio")
    expect(row).to_contain_text("mai usata per accedere")
    expect(row).to_contain_text("È il tuo unico secondo fattore: non si può rimuovere.")
    expect(row.get_by_role("link", name="Rimuovi")).to_have_count(0)
    add_passkey(page, "Di nuovo la stessa")  # the same device again: refused, and said so
    status = page.locator("#passkey-register-status-message")
    expect(status).to_have_text("Questa passkey è già registrata per il tuo account.")
    expect(status).to_have_class(DANGER)
    assert WebAuthnCredential.objects.filter(user=owner).count() == 1
    assert axe_violations(page) == []
    shoot(page, f"two-factor-passkeys-{width}")

    # Next sign-in: the passkey replaces the code.
    page.get_by_role("button", name="Esci").click()
    log_in(page, live_server.url, owner, second_factor=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Codice di verifica")
    expect(page.get_by_role("heading", name="Con un codice di recupero")).to_be_visible()  # no app
    assert axe_violations(page) == []
    shoot(page, f"two-factor-verify-passkey-{width}")
    page.get_by_role("button", name="Usa una passkey").click()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")
    key.refresh_from_db()
    assert key.last_used_at is not None

    # A second passkey, on the phone, lets the office key go.
    unplug(devtools, office_key)
    plug_in_authenticator(page)
    open_two_factor_page(page, live_server)
    expect(listed(page, "Chiavetta dell'ufficio")).to_contain_text("usata l'ultima volta il")
    add_passkey(page, "Telefono")
    expect(page.get_by_text("La passkey «Telefono» è stata aggiunta.")).to_be_visible()
    expect(listed(page, "Telefono")).to_be_visible()
    listed(page, "Chiavetta dell'ufficio").get_by_role("link", name="Rimuovi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rimuovi una passkey")
    expect(page.get_by_text("Vuoi rimuovere la passkey «Chiavetta dell'ufficio»?")).to_be_visible()
    page.get_by_role("button", name="Rimuovi la passkey").click()
    expect(page.get_by_text("La passkey «Chiavetta dell'ufficio» è stata rimossa.")).to_be_visible()
    expect(listed(page, "Chiavetta dell'ufficio")).to_have_count(0)
    assert list(WebAuthnCredential.objects.filter(user=owner).values_list("name", flat=True)) == ["Telefono"]


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_a_device_without_the_passkey_is_told_so_and_the_code_still_works(visit, live_server, users, city, width):
    owner = users["owner"]
    page = visit("/accesso/", width=width)
    devtools, office_key = plug_in_authenticator(page)
    log_in(page, live_server.url, owner)  # with the app's code: already enrolled

    open_two_factor_page(page, live_server)
    expect(page.get_by_text("Non hai ancora nessuna passkey.")).to_be_visible()
    add_passkey(page, "Chiavetta")
    expect(page.get_by_text("La passkey «Chiavetta» è stata aggiunta.")).to_be_visible()
    assert WebAuthnCredential.objects.get(user=owner).name == "Chiavetta"
    expect(listed(page, "Chiavetta").get_by_role("link", name="Rimuovi")).to_be_visible()  # the app stays

    # At another computer, whose screen lock holds no passkey of theirs.
    page.get_by_role("button", name="Esci").click()
    unplug(devtools, office_key)
    plug_in_authenticator(page)
    log_in(page, live_server.url, owner, second_factor=False)
    expect(page.get_by_role("heading", name="Con un codice")).to_be_visible()
    page.get_by_role("button", name="Usa una passkey").click()
    status = page.locator("#passkey-verification-status-message")
    expect(status).to_contain_text("La passkey non è stata usata")
    expect(status).to_contain_text("su questo dispositivo non c'è una passkey del tuo account")
    expect(status).to_have_class(DANGER)
    expect(page.get_by_role("button", name="Usa una passkey")).to_be_enabled()  # may try again
    assert WebAuthnCredential.objects.get(user=owner).last_used_at is None
    shoot(page, f"two-factor-verify-passkey-failed-{width}")

    page.get_by_label("Codice").fill(current_code(owner))
    page.get_by_role("button", name="Conferma").click()
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")
