"""Single sign-on for staff through OpenID Connect (issue 14), against a real provider
(oidc-provider in Node on loopback, `conftest.identity_provider`): who gets in, who is refused
and how, the link kept between the provider's subject and the account, the second factor."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ponte.browsing import give_authenticator
from ponte.core import sso, twofactor
from ponte.core.models import Membership, SignOnLink
from ponte.factories import UserFactory

User = get_user_model()
REFUSED = "Accesso con l'account del Comune non completato"


def start(client, next_url=""):
    response = client.get("/accesso/comune/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def back_to_ponte(client, location):
    parts = urlsplit(location)
    assert parts.path == "/accesso/comune/ritorno/", location
    return client.get(f"{parts.path}?{parts.query}")


def single_sign_on(client, provider, username, password, next_url=""):
    """A person presses the button, signs in at the provider and comes back to Ponte."""
    location = provider.sign_in(start(client, next_url), username, password)
    assert location, "the provider refused the password"
    return back_to_ponte(client, location)


def signed_in_user(client):
    request = HttpRequest()
    request.session = client.session
    return get_user(request)


def test_without_configuration_there_is_no_button_and_the_addresses_answer_404(client, db):
    page = client.get("/accesso/")
    assert page.status_code == 200
    assert "account del Comune" not in page.content.decode()
    assert client.get("/accesso/comune/").status_code == 404
    assert client.get("/accesso/comune/ritorno/?code=x&state=y").status_code == 404


def test_the_sign_in_page_shows_the_button_when_configured(client, identity_provider, settings):
    page = client.get("/accesso/?next=/testopoli/gestione/")
    assert "Accedi con l&#x27;account del Comune" in page.content.decode()
    assert 'href="/accesso/comune/?next=/testopoli/gestione/"' in page.content.decode()
    settings.PONTE_OIDC_LABEL = "Entra con MyComune"
    assert "Entra con MyComune" in client.get("/accesso/").content.decode()


def test_the_button_starts_the_code_flow_with_state_nonce_and_pkce(client, identity_provider, db):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["ponte"]
    assert query["redirect_uri"] == ["http://testserver/accesso/comune/ritorno/"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] in client.session["oidc_states"]
    assert query["nonce"]


def test_staff_sign_in_links_the_subject_and_grants_no_role(client, identity_provider, users, city):
    viewer = users["viewer"]
    password = identity_provider.add("vera", email=viewer.email.upper(), sub="comune-0042")
    roles_before = list(Membership.objects.values_list("user", "city", "role").order_by("pk"))

    response = single_sign_on(client, identity_provider, "vera", password, next_url=f"/{city.slug}/gestione/")

    assert response.status_code == 302 and response["Location"] == f"/{city.slug}/gestione/"
    assert signed_in_user(client) == viewer
    link = SignOnLink.objects.get()
    assert (link.user, link.issuer, link.subject) == (viewer, identity_provider.issuer, "comune-0042")
    assert link.last_sign_in_at is not None
    assert list(Membership.objects.values_list("user", "city", "role").order_by("pk")) == roles_before
    assert client.get(f"/{city.slug}/gestione/").status_code == 200


def test_a_changed_address_at_the_provider_still_reaches_the_linked_account(client, identity_provider, users):
    viewer = users["viewer"]
    password = identity_provider.add("vera", email=viewer.email, sub="comune-0042")
    single_sign_on(client, identity_provider, "vera", password)
    client.logout()
    password = identity_provider.add("vera", email="vera.nuova@comune.example", sub="comune-0042")

    single_sign_on(client, identity_provider, "vera", password)

    assert signed_in_user(client) == viewer
    assert not User.objects.filter(email="vera.nuova@comune.example").exists()
    assert SignOnLink.objects.count() == 1


def test_an_address_reassigned_to_someone_else_at_the_provider_does_not_reach_the_account(
    client, identity_provider, users
):
    viewer = users["viewer"]
    single_sign_on(client, identity_provider, "vera", identity_provider.add("vera", email=viewer.email, sub="s-1"))
    client.logout()
    password = identity_provider.add("newcomer", email=viewer.email, sub="s-2")

    response = single_sign_on(client, identity_provider, "newcomer", password)

    assert response.status_code == 403
    assert "già collegato a un altro account del Comune" in response.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)
    assert list(SignOnLink.objects.values_list("subject", flat=True)) == ["s-1"]


def test_two_subjects_linking_one_account_at_once_refuse_the_second_clearly(
    client, identity_provider, users, monkeypatch
):
    """Two provider accounts with the address of one Ponte account sign in at the same instant:
    the one whose link is stored second is refused as if it had come later, never a 500."""
    viewer = users["viewer"]
    password = identity_provider.add("newcomer", email=viewer.email, sub="s-2")
    has_a_role = sso.queries.has_a_role

    def the_other_sign_in_links_first(account):
        # Between this sign-in's "not linked yet" check and its own link: the other one's link.
        SignOnLink.objects.get_or_create(user=account, issuer=identity_provider.issuer, subject="s-1")
        return has_a_role(account)

    monkeypatch.setattr(sso.queries, "has_a_role", the_other_sign_in_links_first)

    response = single_sign_on(client, identity_provider, "newcomer", password)

    assert response.status_code == 403
    assert "già collegato a un altro account del Comune" in response.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)
    # (The other link, made inside this request here, went with its rollback; in life it stays.)
    assert not SignOnLink.objects.filter(subject="s-2").exists()


def test_a_person_without_a_ponte_account_is_refused_and_nothing_is_created(client, identity_provider, users):
    accounts = User.objects.count()
    password = identity_provider.add("dario", email="dario.neri@comune.example")

    response = single_sign_on(client, identity_provider, "dario", password)

    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSED in page
    assert "non è ancora abilitato su Ponte" in page and "dario.neri@comune.example" in page
    assert User.objects.count() == accounts
    assert not SignOnLink.objects.exists()
    assert isinstance(signed_in_user(client), AnonymousUser)
    # Recorded like a failed sign-in (django-axes), under the address the provider gave.
    assert AccessAttempt.objects.filter(username="dario.neri@comune.example", failures_since_start=1).exists()


def test_an_address_the_provider_has_not_verified_is_refused(client, identity_provider, users):
    password = identity_provider.add("vera", email=users["viewer"].email, email_verified=False)

    response = single_sign_on(client, identity_provider, "vera", password)

    assert response.status_code == 403
    assert "non è verificato" in response.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)
    assert not SignOnLink.objects.exists()


def test_an_account_without_a_role_is_refused(client, identity_provider, users):
    password = identity_provider.add("olga", email=users["outsider"].email)
    response = single_sign_on(client, identity_provider, "olga", password)
    assert response.status_code == 403
    assert "non ha un ruolo" in response.content.decode()
    assert not SignOnLink.objects.exists()


def test_superusers_do_not_sign_in_through_the_provider(client, identity_provider, db):
    root = UserFactory(is_superuser=True, is_staff=True)
    response = single_sign_on(client, identity_provider, "root", identity_provider.add("root", email=root.email))
    assert response.status_code == 403
    assert "amministratori dell&#x27;installazione" in response.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)


def test_a_state_that_this_browser_did_not_start_is_a_clear_error(client, identity_provider, users):
    password = identity_provider.add("vera", email=users["viewer"].email)
    location = identity_provider.sign_in(start(client), "vera", password)
    other_browser = type(client)()

    response = back_to_ponte(other_browser, location)

    assert response.status_code == 400
    assert "è stato avviato in un altro browser" in response.content.decode()
    assert isinstance(signed_in_user(other_browser), AnonymousUser)
    # Nor twice in the browser that started it: a state is used once.
    assert back_to_ponte(client, location).status_code == 302
    assert back_to_ponte(client, location).status_code == 400


def test_a_forged_state_is_refused(client, identity_provider, users):
    start(client)
    response = client.get("/accesso/comune/ritorno/?code=made-up&state=made-up")
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_the_provider_refusing_or_the_person_cancelling_is_a_clear_page(client, identity_provider, db):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/accesso/comune/ritorno/?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "Il servizio di accesso del Comune non ti ha fatto entrare" in response.content.decode()
    assert state not in client.session["oidc_states"]


def test_an_unreachable_provider_is_a_clear_page(client, identity_provider, settings):
    from .oidc import free_port

    settings.PONTE_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = client.get("/accesso/comune/")
    assert response.status_code == 502
    assert "non risponde" in response.content.decode()


def test_an_administrator_still_owes_the_second_factor_when_the_provider_asserts_none(
    client, identity_provider, users, city
):
    admin = users["admin"]
    password = identity_provider.add("ada", email=admin.email, amr=["pwd"])

    single_sign_on(client, identity_provider, "ada", password)

    assert client.session[twofactor.SESSION_KEY] == twofactor.ENROL
    response = client.get(f"/{city.slug}/gestione/")
    assert response.status_code == 302 and response["Location"].startswith("/accesso/attivazione-codice/")


@pytest.mark.parametrize(
    "asserted, configured",
    [({"amr": ["pwd", "otp", "mfa"]}, None), ({"amr": ["hwk"]}, ["mfa", "hwk"]), ({"acr": "livello-alto"}, None)],
)
def test_the_second_factor_is_skipped_when_the_provider_asserts_one(
    client, identity_provider, users, city, settings, asserted, configured
):
    settings.PONTE_OIDC_MFA_ACR = ["livello-alto"]
    if configured:
        settings.PONTE_OIDC_MFA_AMR = configured
    admin = users["admin"]
    password = identity_provider.add("ada", email=admin.email, **{"amr": ["pwd"], **asserted})

    single_sign_on(client, identity_provider, "ada", password)

    assert client.session[twofactor.SESSION_KEY] == ""
    assert client.get(f"/{city.slug}/gestione/").status_code == 200


@pytest.mark.parametrize("amr", [["pwd", "otp"], ["hwk"]])
def test_by_default_one_factor_named_otp_or_hwk_is_not_a_second_one(client, identity_provider, users, city, amr):
    """RFC 8176: "otp" or "hwk" alone may be the only factor used (an e-mailed code, a key):
    only "mfa" says two were, unless the city configures otherwise."""
    admin = users["admin"]
    password = identity_provider.add("ada", email=admin.email, amr=amr)

    single_sign_on(client, identity_provider, "ada", password)

    assert client.session[twofactor.SESSION_KEY] == twofactor.ENROL


def test_after_the_providers_second_factor_an_enrolled_person_adds_a_passkey(client, identity_provider, users, city):
    admin = users["admin"]
    give_authenticator(admin)
    password = identity_provider.add("ada", email=admin.email, amr=["pwd", "mfa"])
    single_sign_on(client, identity_provider, "ada", password)
    assert client.get(f"/{city.slug}/gestione/").status_code == 200  # the provider's factor was enough here…

    options = client.post("/accesso/passkey/registrazione/inizio/")  # … and is for adding a passkey too
    assert options.status_code == 200 and options.json()["rp"]["id"] == "testserver"


def test_the_two_factor_page_says_the_providers_second_factor_was_asked(client, identity_provider, users):
    viewer = users["viewer"]
    password = identity_provider.add("vera", email=viewer.email, amr=["pwd", "mfa"])
    single_sign_on(client, identity_provider, "vera", password)
    page = client.get("/accesso/verifica-in-due-passaggi/").content.decode()
    assert "l'accesso del Comune ti ha già chiesto un secondo fattore" in page


def test_after_a_sign_on_without_the_second_factor_no_passkey_is_added_before_it(
    client, identity_provider, users, city
):
    admin = users["admin"]
    give_authenticator(admin)
    password = identity_provider.add("ada", email=admin.email, amr=["pwd"])
    single_sign_on(client, identity_provider, "ada", password)
    assert client.post("/accesso/passkey/registrazione/inizio/").status_code == 403


def test_an_acr_that_is_not_configured_does_not_count(client, identity_provider, users, city):
    password = identity_provider.add("ada", email=users["admin"].email, acr="livello-alto")
    single_sign_on(client, identity_provider, "ada", password)
    assert client.get(f"/{city.slug}/gestione/").status_code == 302


def test_logout_is_local_unless_the_provider_logout_is_switched_on(client, identity_provider, users, settings):
    password = identity_provider.add("vera", email=users["viewer"].email)
    single_sign_on(client, identity_provider, "vera", password)
    response = client.post("/uscita/")
    assert response.status_code == 302 and response["Location"] == "/accesso/"
    assert isinstance(signed_in_user(client), AnonymousUser)

    settings.PONTE_OIDC_LOGOUT_AT_PROVIDER = True
    single_sign_on(client, identity_provider, "vera", password)
    response = client.post("/uscita/")
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{identity_provider.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/accesso/"] and query["id_token_hint"]
    assert isinstance(signed_in_user(client), AnonymousUser)


def test_logout_at_the_provider_lets_the_logout_form_go_there():
    """The logout form's redirect to the provider is held to the policy's form-action."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings as current

    script = "import json; from django.conf import settings; "
    script += "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ponte.settings_test",
        "PYTHONPATH": str(Path(current.BASE_DIR) / "src"),
        "PONTE_OIDC_ISSUER": "https://login.comune.example/realms/staff",
        "PONTE_OIDC_LOGOUT_AT_PROVIDER": "1",
    }
    run = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == ["'self'", "https://login.comune.example"]
    assert current.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'"]


def test_without_an_email_verified_claim_the_comunes_directory_is_trusted(client, identity_provider, users):
    viewer = users["viewer"]
    password = identity_provider.add("vera", email=viewer.email, email_verified=None)
    single_sign_on(client, identity_provider, "vera", password)
    assert signed_in_user(client) == viewer


def test_two_accounts_with_the_address_are_refused_rather_than_guessed(client, identity_provider, users):
    UserFactory(email=users["viewer"].email.upper())
    password = identity_provider.add("vera", email=users["viewer"].email)
    response = single_sign_on(client, identity_provider, "vera", password)
    assert response.status_code == 403
    assert "Più di un account di Ponte" in response.content.decode()
    assert not SignOnLink.objects.exists()


@pytest.mark.parametrize(
    "changed",
    [
        {"iss": "http://127.0.0.1:1"},
        {"aud": "another-client"},
        {"aud": ["ponte", "another-client"]},  # several audiences and no azp naming Ponte
        {"aud": ["ponte", "another-client"], "azp": "another-client"},
        {"exp": None},
    ],
)
def test_an_id_token_for_another_issuer_client_or_without_expiry_is_refused(identity_provider, changed):
    token = {"iss": identity_provider.issuer, "aud": "ponte", "exp": 2_000_000_000, "sub": "s"}
    sso.check_id_token(token)  # as the provider issues it
    sso.check_id_token({**token, "aud": ["ponte", "another-client"], "azp": "ponte"})
    with pytest.raises(sso.Refused):
        sso.check_id_token({key: value for key, value in {**token, **changed}.items() if value is not None})


def test_an_id_token_signed_otherwise_than_configured_is_refused(client, identity_provider, users, settings):
    settings.PONTE_OIDC_SIGN_ALGO = "ES256"  # the provider signs with RS256
    password = identity_provider.add("vera", email=users["viewer"].email)
    response = single_sign_on(client, identity_provider, "vera", password)
    assert response.status_code == 403
    assert "non è risultata attendibile" in response.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)
    assert not SignOnLink.objects.exists()


def test_with_sso_only_a_linked_account_no_longer_signs_in_with_its_password(
    client, identity_provider, users, settings
):
    viewer = users["viewer"]
    single_sign_on(client, identity_provider, "vera", identity_provider.add("vera", email=viewer.email))
    client.logout()
    credentials = {"username": viewer.username, "password": "pw-for-tests"}

    settings.PONTE_OIDC_ONLY = True
    page = client.post("/accesso/", credentials)
    assert page.status_code == 200
    assert "Il tuo account accede con l&#x27;account del Comune" in page.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)
    other = users["editor"]  # not linked: the password still works
    assert client.post("/accesso/", {"username": other.username, "password": "pw-for-tests"}).status_code == 302

    client.logout()
    settings.PONTE_OIDC_ONLY = False
    assert client.post("/accesso/", credentials).status_code == 302
    assert signed_in_user(client) == viewer


def test_with_sso_only_the_admins_login_does_not_sign_a_linked_account_in(client, identity_provider, users, settings):
    admin = users["admin"]
    admin.is_staff = True  # a city's administrator may hold the flag (ponte.core.admin_site)
    admin.save(update_fields=["is_staff"])
    single_sign_on(client, identity_provider, "ada", identity_provider.add("ada", email=admin.email))
    client.logout()
    settings.PONTE_OIDC_ONLY = True

    page = client.post("/admin/login/", {"username": admin.username, "password": "pw-for-tests"})

    assert page.status_code == 200
    assert "Il tuo account accede con l&#x27;account del Comune" in page.content.decode()
    assert isinstance(signed_in_user(client), AnonymousUser)


def test_with_sso_only_a_forgotten_password_link_does_not_sign_a_linked_account_in(
    client, identity_provider, users, settings, mailoutbox
):
    viewer = users["viewer"]
    single_sign_on(client, identity_provider, "vera", identity_provider.add("vera", email=viewer.email))
    client.logout()
    settings.PONTE_OIDC_ONLY = True

    client.post("/accesso/password-dimenticata/", {"email": viewer.email})
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+(/accesso/password-nuova/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    chosen = {"new_password1": "Nuova-Bologna-2030", "new_password2": "Nuova-Bologna-2030"}
    done = client.post(form.redirect_chain[-1][0], chosen, follow=True)

    assert isinstance(signed_in_user(client), AnonymousUser)  # the rule of the password form holds here too
    assert done.redirect_chain[-1][0] == "/accesso/"
    assert "il tuo account accede con l&#x27;account del Comune" in done.content.decode()


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/gestione/", "/\\evil.example/"])
def test_a_next_address_on_another_site_is_not_followed_after_sign_in(client, identity_provider, users, elsewhere):
    password = identity_provider.add("vera", email=users["viewer"].email)
    response = single_sign_on(client, identity_provider, "vera", password, next_url=elsewhere)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user(client) == users["viewer"]
