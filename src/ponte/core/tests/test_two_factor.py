"""Two-factor authentication for staff (issue 14): a TOTP code after the password (django-otp),
required for administrators, plan owners and superusers, and for every role of a city that asks
for it; ten single-use recovery codes; a wrong code counts for the lockout; an administrator
resets a person's second factor. Sessions sign in through the login form, as people do."""

import re

from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ponte.browsing import PASSWORD, current_code, give_authenticator
from ponte.core import twofactor
from ponte.core.models import Membership
from ponte.factories import MembershipFactory, UserFactory


def staff_home(city):
    return f"/{city.slug}/gestione/"


def sign_in(client, user, next_url):
    """The password on the login form; returns where the sign-in lands: the redirect to the second
    factor's page, which the password's answer leads to at once, or the page opened after it."""
    response = client.post("/accesso/", {"username": user.get_username(), "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, "wrong password?"
    assert SESSION_KEY in client.session
    if response["Location"].startswith(("/accesso/codice/", "/accesso/attivazione-codice/")):
        return response
    return client.get(response["Location"])


def wrong(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def enrolled_with_codes(user) -> list[str]:
    device = twofactor.start_enrolment(user)
    return twofactor.confirm_enrolment(device, current_code_of(device))


def current_code_of(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_an_owner_must_enrol_before_the_back_office_and_gets_ten_recovery_codes(client, city, users):
    owner = users["owner"]
    response = sign_in(client, owner, staff_home(city))
    assert response.status_code == 302 and response["Location"].startswith("/accesso/attivazione-codice/")
    assert client.get(staff_home(city) + "utenti/").status_code == 302  # every back-office page waits

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=owner, confirmed=False)
    assert twofactor.readable_key(device) in html
    assert "Le 6 cifre che l&#x27;app mostra ora per Ponte." in html  # the enrolment's own hint

    refused = client.post(response["Location"], {"code": wrong(current_code_of(device)), "next": staff_home(city)})
    assert refused.status_code == 200 and "non è corretto" in refused.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the refusal slows the next try down; a person waits a second
    device.throttling_failure_timestamp = None
    device.save()

    done = client.post(response["Location"], {"code": current_code_of(device), "next": staff_home(city)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z0-9]{8})</li>", done.content.decode())
    assert len(codes) == 10 and set(codes) == set(
        StaticToken.objects.filter(device__user=owner).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=owner).confirmed
    assert client.get(staff_home(city)).status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, city, users, settings):
    settings.AXES_FAILURE_LIMIT = 2
    owner = users["owner"]
    give_authenticator(owner)
    response = sign_in(client, owner, staff_home(city))
    assert response["Location"].startswith("/accesso/codice/")

    refused = client.post("/accesso/codice/", {"code": wrong(current_code(owner)), "next": staff_home(city)})
    assert refused.status_code == 200 and "non è corretto" in refused.content.decode()
    assert client.get(staff_home(city)).status_code == 302
    assert AccessAttempt.objects.get(username=owner.username).failures_since_start == 1

    locked = client.post("/accesso/codice/", {"code": wrong(current_code(owner)), "next": staff_home(city)})
    assert locked.status_code == 429  # the lockout's page; the half-done sign-in is ended
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once(client, city, users):
    owner = users["owner"]
    codes = enrolled_with_codes(owner)
    sign_in(client, owner, staff_home(city))
    used = client.post("/accesso/codice/", {"code": codes[0].upper(), "next": staff_home(city)})
    assert used.status_code == 302 and used["Location"] == staff_home(city)
    assert client.get(staff_home(city)).status_code == 200
    assert twofactor.recovery_codes_left(owner) == 9

    client.post("/uscita/")
    sign_in(client, owner, staff_home(city))
    again = client.post("/accesso/codice/", {"code": codes[0], "next": staff_home(city)})
    assert again.status_code == 200 and "già stato usato" in again.content.decode()
    assert client.get(staff_home(city)).status_code == 302


def test_an_enrolled_viewer_is_asked_for_the_code_and_lands_where_they_were_going(client, city, users):
    viewer = users["viewer"]
    give_authenticator(viewer)
    wanted = staff_home(city) + "organizzazioni/"
    response = sign_in(client, viewer, wanted)
    assert response.status_code == 302 and response["Location"].startswith("/accesso/codice/")
    page = client.get(response["Location"])
    assert "Codice di verifica" in page.content.decode()
    done = client.post("/accesso/codice/", {"code": current_code(viewer), "next": wanted})
    assert done.status_code == 302 and done["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_a_viewer_not_enrolled_in_a_city_that_does_not_require_it_goes_straight_in(client, city, users):
    response = sign_in(client, users["viewer"], staff_home(city))
    assert response.status_code == 200


def test_the_city_setting_makes_it_required_for_every_staff_role(client, city, users):
    city.require_two_factor_for_all_staff = True
    city.save()
    response = sign_in(client, users["viewer"], staff_home(city))
    assert response.status_code == 302 and response["Location"].startswith("/accesso/attivazione-codice/")


def test_a_viewer_enrols_on_their_own_from_the_account_page(client, city, users):
    viewer = users["viewer"]
    sign_in(client, viewer, staff_home(city))
    page = client.get("/accesso/verifica-in-due-passaggi/").content.decode()
    assert "Non attiva" in page
    client.get("/accesso/attivazione-codice/")
    device = TOTPDevice.objects.get(user=viewer, confirmed=False)
    client.post("/accesso/attivazione-codice/", {"code": current_code_of(device)})
    assert twofactor.enrolled(viewer)


def test_the_admin_requires_the_second_factor(client, city):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": superuser.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302  # to the enrolment, not the admin
    assert client.get("/admin/core/city/").status_code == 302
    client.get("/accesso/attivazione-codice/")
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    client.post("/accesso/attivazione-codice/", {"code": current_code_of(device), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_a_persons_second_factor_and_it_is_audited(client, city, users):
    viewer = users["viewer"]
    enrolled_with_codes(viewer)
    membership = Membership.objects.get(user=viewer, city=city)
    client.force_login(users["admin"])
    page = client.get(staff_home(city) + "utenti/").content.decode()
    assert "Azzera l&#x27;autenticazione a due fattori" in page or "Azzera l'autenticazione a due fattori" in page
    assert client.post(staff_home(city) + f"utenti/{membership.pk}/secondo-fattore/").status_code == 302
    assert not twofactor.enrolled(viewer) and twofactor.recovery_codes_left(viewer) == 0
    entry = LogEntry.objects.get_for_model(TOTPDevice).get(action=LogEntry.Action.DELETE)
    assert entry.actor == users["admin"]
    # only administrators may
    other = MembershipFactory(city=city, role=Membership.Role.VIEWER).user
    give_authenticator(other)
    client.force_login(users["owner"])
    pk = Membership.objects.get(user=other).pk
    assert client.post(staff_home(city) + f"utenti/{pk}/secondo-fattore/").status_code == 403
    assert twofactor.enrolled(other)


def test_the_city_setting_comes_from_the_data_sets_city_yaml(db, tmp_path):
    import io

    from django.core.management import call_command

    from ponte.core.models import City

    (tmp_path / "city.yaml").write_text(
        "city: {slug: modena, name: Modena, require_two_factor_for_all_staff: true}\n"
        "plan: {slug: p, title: Piano di Modena, start_year: 2025, end_year: 2028}\n",
        encoding="utf-8",
    )
    (tmp_path / "plan.yaml").write_text("macro_areas: []\n", encoding="utf-8")
    call_command("load_plan", str(tmp_path), stdout=io.StringIO())
    assert City.objects.get(slug="modena").require_two_factor_for_all_staff
