"""Passkeys as a second factor (issue 14), over HTTP: a passkey counts as enrolment, the last
second factor of someone who must have one cannot be removed, an administrator's reset removes
passkeys too, a refused passkey counts for the lockout, and the relying party comes from the
settings. The ceremonies themselves run in a real browser: test_journey_passkeys.py."""

import base64
import json
import secrets

from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django_otp_webauthn.models import WebAuthnCredential

from ponte.browsing import give_authenticator
from ponte.core import twofactor
from ponte.core.models import Membership
from ponte.core.tests.test_two_factor import sign_in, staff_home

ACCOUNT = "/accesso/verifica-in-due-passaggi/"


def give_passkey(user, name="Chiavetta") -> WebAuthnCredential:
    """A registered passkey (its key material is not used by these tests)."""
    return WebAuthnCredential.objects.create(
        user=user, name=name, confirmed=True, credential_id=secrets.token_bytes(32), public_key=b"\xa5"
    )


def verified_with_recovery_code(client, user, next_url):
    """Sign in with the password and one of the person's recovery codes."""
    code = twofactor.new_recovery_codes(user)[0]
    response = sign_in(client, user, next_url)
    assert response["Location"].startswith("/accesso/codice/")
    assert client.post("/accesso/codice/", {"code": code, "next": next_url}).status_code == 302


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_assertion() -> str:
    """An answer from a key that was never registered here."""
    raw = secrets.token_bytes(32)
    client_data = json.dumps({"type": "webauthn.get", "challenge": "x", "origin": "http://testserver"}).encode()
    response = {"clientDataJSON": b64(client_data), "authenticatorData": b64(b"\0" * 37), "signature": b64(b"\1" * 8)}
    return json.dumps({"id": b64(raw), "rawId": b64(raw), "type": "public-key", "response": response})


def test_a_passkey_counts_as_enrolment_and_the_code_page_offers_it(client, city, users):
    owner = users["owner"]
    give_passkey(owner)
    assert twofactor.enrolled(owner)
    response = sign_in(client, owner, staff_home(city))
    assert response.status_code == 302 and response["Location"].startswith("/accesso/codice/")  # not the enrolment
    page = client.get(response["Location"]).content.decode()
    assert "Usa una passkey" in page and 'id="otp_webauthn_config"' in page
    assert "django_otp_webauthn/otp_webauthn_auth.js" in page
    assert "Senza la tua passkey, digita uno dei tuoi codici di recupero." in page  # no app: codes only
    # The field's own hint says the same, not the app's six digits.
    assert "Uno dei tuoi codici di recupero" in page and "Le 6 cifre" not in page


def test_the_last_second_factor_of_someone_who_must_have_one_cannot_be_removed(client, city, users):
    owner = users["owner"]
    key = give_passkey(owner)
    verified_with_recovery_code(client, owner, staff_home(city))
    account = client.get(ACCOUNT).content.decode()
    assert "Chiavetta" in account and "È il tuo unico secondo fattore: non si può rimuovere." in account
    assert f"/accesso/passkey/{key.pk}/rimuovi/" not in account

    confirm = client.get(f"/accesso/passkey/{key.pk}/rimuovi/").content.decode()
    assert "è il tuo unico secondo fattore" in confirm
    refused = client.post(f"/accesso/passkey/{key.pk}/rimuovi/", follow=True)
    assert "non può essere rimossa" in refused.content.decode()
    assert WebAuthnCredential.objects.filter(pk=key.pk).exists()

    give_passkey(owner, name="Telefono")  # with a second one, the first may go
    removed = client.post(f"/accesso/passkey/{key.pk}/rimuovi/", follow=True)
    assert "La passkey «Chiavetta» è stata rimossa." in removed.content.decode()
    assert list(twofactor.passkeys(owner).values_list("name", flat=True)) == ["Telefono"]
    assert twofactor.recovery_codes_left(owner) == 9  # still enrolled: the codes stay


def test_an_app_is_enough_to_remove_every_passkey(client, city, users):
    owner = users["owner"]
    key = give_passkey(owner)
    give_authenticator(owner)
    verified_with_recovery_code(client, owner, staff_home(city))
    assert client.post(f"/accesso/passkey/{key.pk}/rimuovi/").status_code == 302
    assert not WebAuthnCredential.objects.filter(user=owner).exists() and twofactor.enrolled(owner)


def test_someone_who_may_do_without_removes_their_only_passkey_and_its_recovery_codes(client, city, users):
    viewer = users["viewer"]
    key = give_passkey(viewer)
    verified_with_recovery_code(client, viewer, staff_home(city))
    assert client.post(f"/accesso/passkey/{key.pk}/rimuovi/").status_code == 302
    assert not twofactor.enrolled(viewer) and not twofactor.has_recovery_codes(viewer)


def test_nobody_removes_or_names_someone_elses_passkey(client, city, users):
    theirs = give_passkey(users["viewer"])
    client.force_login(users["editor"])
    assert client.get(f"/accesso/passkey/{theirs.pk}/rimuovi/").status_code == 404
    assert client.post(f"/accesso/passkey/{theirs.pk}/rimuovi/").status_code == 404
    assert client.post("/accesso/passkey/nome/", {"credential": theirs.pk, "name": "Mia"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Chiavetta"


def test_an_administrators_reset_removes_passkeys_too_and_is_audited(client, city, users):
    viewer = users["viewer"]
    give_passkey(viewer)
    give_authenticator(viewer)
    twofactor.new_recovery_codes(viewer)
    membership = Membership.objects.get(user=viewer, city=city)
    client.force_login(users["admin"])
    assert "Azzera" in client.get(staff_home(city) + "utenti/").content.decode()
    assert client.post(staff_home(city) + f"utenti/{membership.pk}/secondo-fattore/").status_code == 302
    assert not WebAuthnCredential.objects.filter(user=viewer).exists()
    assert not twofactor.enrolled(viewer) and not twofactor.has_recovery_codes(viewer)
    entry = LogEntry.objects.get_for_model(WebAuthnCredential).get(action=LogEntry.Action.DELETE)
    assert entry.actor == users["admin"]


def test_a_person_with_only_a_passkey_can_be_reset(client, city, users):
    viewer = users["viewer"]
    give_passkey(viewer)
    client.force_login(users["admin"])
    page = client.get(staff_home(city) + "utenti/").content.decode()
    membership = Membership.objects.get(user=viewer, city=city)
    assert f"utenti/{membership.pk}/secondo-fattore/" in page  # the button is there for them


def test_a_refused_passkey_counts_as_a_failed_sign_in(client, city, users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    owner = users["owner"]
    give_passkey(owner)
    sign_in(client, owner, staff_home(city))

    def attempt():
        assert client.post("/accesso/passkey/verifica/inizio/").status_code == 200
        return client.post("/accesso/passkey/verifica/fine/", forged_assertion(), content_type="application/json")

    refused = attempt()
    assert refused.status_code == 404
    assert refused.json()["detail"].startswith("Questa passkey non è registrata per il tuo account.")
    assert AccessAttempt.objects.get(username=owner.username).failures_since_start == 1
    assert client.get(staff_home(city)).status_code == 302  # still owes the second factor

    locked = attempt()
    assert locked.status_code == 429 and "Troppi tentativi" in locked.json()["detail"]
    assert SESSION_KEY not in client.session  # the half-done sign-in is ended


def test_passkeys_are_only_a_second_factor(client, city, users):
    give_passkey(users["owner"])
    response = client.post("/accesso/passkey/verifica/inizio/")  # nobody signed in: no passwordless sign-in
    assert response.status_code == 403


def test_the_relying_party_comes_from_the_settings(client, city, users, settings):
    client.force_login(users["viewer"])
    options = client.post("/accesso/passkey/registrazione/inizio/").json()
    assert options["rp"] == {"id": "testserver", "name": "Ponte"}  # the request's host by default
    settings.PONTE_WEBAUTHN_RP_ID = "ponte.comune.example.it"
    settings.OTP_WEBAUTHN_RP_NAME = "Ponte del Comune"
    options = client.post("/accesso/passkey/registrazione/inizio/").json()
    assert options["rp"] == {"id": "ponte.comune.example.it", "name": "Ponte del Comune"}


def test_someone_enrolled_who_has_not_given_the_second_factor_cannot_add_a_passkey(client, city, users):
    owner = users["owner"]
    give_authenticator(owner)
    sign_in(client, owner, staff_home(city))
    refused = client.post("/accesso/passkey/registrazione/inizio/")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Accedi con il secondo fattore prima di aggiungere una passkey."


def test_naming_a_passkey_again_does_not_make_new_recovery_codes(client, city, users):
    owner = users["owner"]
    key = give_passkey(owner)
    verified_with_recovery_code(client, owner, staff_home(city))
    named = client.post("/accesso/passkey/nome/", {"credential": key.pk, "name": "Ufficio", "next": ACCOUNT})
    assert named.status_code == 302 and named["Location"] == ACCOUNT
    key.refresh_from_db()
    assert key.name == "Ufficio" and twofactor.recovery_codes_left(owner) == 9  # the same codes


def test_the_passkey_endpoints_refuse_a_request_without_the_csrf_token(city, users):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["viewer"])
    for ceremony in ("registrazione/inizio/", "registrazione/fine/", "verifica/inizio/", "verifica/fine/"):
        response = browser.post(f"/accesso/passkey/{ceremony}", "{}", content_type="application/json")
        assert response.status_code == 403 and b"CSRF" in response.content, ceremony
