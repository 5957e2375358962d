"""Journey in Chromium at 1366 px and 375 px (issue 14): single sign-on for staff. A plan owner
opens the sign-in page, presses "Accedi con l'account del Comune", signs in on the Comune's
provider (a real OpenID provider on loopback, `conftest.identity_provider`) that asked for a
second factor itself, and lands in the back office with the role Ponte gave; the link to the
provider's subject is stored and no role was added. Someone with no Ponte account signs in at the
provider and is told, clearly, to ask for an invitation; no account is made."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect

from ponte.browsing import axe_violations, shoot
from ponte.core import permissions
from ponte.core.models import Membership, SignOnLink


def sign_in_at_the_provider(page, username, password):
    expect(page.get_by_role("heading", name="Comune di Testopoli: accesso ai servizi")).to_be_visible()
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Entra").click()


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_staff_sign_in_with_the_city_account_and_a_stranger_is_refused(
    visit, live_server, identity_provider, users, city, width
):
    owner = users["owner"]
    password = identity_provider.add("paola", email=owner.email, sub="comune-7781", amr=["pwd", "otp", "mfa"])
    roles_before = sorted(Membership.objects.values_list("user", "city", "role"))

    page = visit(f"/accesso/?next=/{city.slug}/gestione/", width=width)
    button = page.get_by_role("link", name="Accedi con l'account del Comune")
    expect(button).to_be_visible()
    expect(page.get_by_label("Nome utente")).to_be_visible()  # the password form stays, below
    assert axe_violations(page) == []
    shoot(page, f"sso-login-{width}")
    button.click()

    sign_in_at_the_provider(page, "paola", password)

    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")
    with translation.override("it"):
        role = str(permissions.Role(Membership.Role.PLAN_OWNER).label)
    expect(page.locator(".ponte-staff-role")).to_have_text(role)
    shoot(page, f"sso-back-office-{width}")
    link = SignOnLink.objects.get(user=owner)
    assert (link.issuer, link.subject) == (identity_provider.issuer, "comune-7781")
    assert sorted(Membership.objects.values_list("user", "city", "role")) == roles_before

    # Someone the Comune knows but Ponte does not, in another browser.
    stranger_password = identity_provider.add("dario", email="dario.neri@comune.example")
    page = visit("/accesso/", width=width)
    page.get_by_role("link", name="Accedi con l'account del Comune").click()
    sign_in_at_the_provider(page, "dario", stranger_password)

    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso con l'account del Comune non completato")
    expect(page.get_by_role("alert")).to_contain_text(
        "Il tuo account del Comune non è ancora abilitato su Ponte: chiedi a un amministratore di Ponte"
    )
    assert axe_violations(page) == []
    shoot(page, f"sso-refused-{width}")
    assert not get_user_model().objects.filter(email="dario.neri@comune.example").exists()
    assert SignOnLink.objects.count() == 1
    page.get_by_role("link", name="Torna alla pagina di accesso").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso del personale")


def test_logging_out_of_ponte_ends_the_session_at_the_provider_when_configured(
    visit, live_server, identity_provider, users, city, settings
):
    settings.PONTE_OIDC_LOGOUT_AT_PROVIDER = True
    # What settings.py adds to the policy when the variable is set at start-up
    # (test_single_sign_on.py::test_logout_at_the_provider_lets_the_logout_form_go_there).
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(identity_provider.issuer)
    settings.CONTENT_SECURITY_POLICY = policy
    password = identity_provider.add("vera", email=users["viewer"].email)

    page = visit(f"/accesso/?next=/{city.slug}/gestione/")
    page.get_by_role("link", name="Accedi con l'account del Comune").click()
    sign_in_at_the_provider(page, "vera", password)
    expect(page).to_have_url(f"{live_server.url}/{city.slug}/gestione/")

    page.get_by_role("button", name="Esci").click()
    expect(page.get_by_role("heading", name="Vuoi uscire dal tuo account del Comune?")).to_be_visible()
    page.get_by_role("button", name="Sì, esci").click()
    expect(page).to_have_url(f"{live_server.url}/accesso/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accesso del personale")

    # The provider forgot the person too: the next sign-in asks for the password again.
    page.get_by_role("link", name="Accedi con l'account del Comune").click()
    expect(page.get_by_label("Password")).to_be_visible()
