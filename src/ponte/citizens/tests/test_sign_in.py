"""SPID/CIE sign-in over HTTP (issue 14): off by default, clear errors on a bad or old state,
and a signed-in person is nobody to the back office and the Django admin."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from ponte.citizens import services
from ponte.citizens.models import Citizen, IdentitySettings, SignInRequest
from ponte.core.models import Membership
from ponte.participation.models import Event, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(city):
    return Event.objects.create(
        city=city,
        publication="published",
        title="Caffè Europa",
        capacity=10,
        starts_at=timezone.now() + datetime.timedelta(days=10),
    )


@pytest.fixture
def spid_on(city, tmp_path):
    call_command(
        "identity_setup",
        city=city.slug,
        trust_anchor="https://127.0.0.1:9/ta",
        spid=True,
        spid_provider=["https://127.0.0.1:9/op=Gestore di prova"],
        base="http://127.0.0.1:8000",
        jwks_out=str(tmp_path / "rp.json"),
        stdout=open(tmp_path / "out.txt", "w"),  # noqa: SIM115
    )
    return IdentitySettings.objects.get(city=city)


def signed_in(client, city, **attributes):
    """A browser holding a SPID session, as the callback leaves it."""
    citizen = Citizen.objects.create(
        city=city,
        fiscal_number=attributes.get("fiscal_number", "RSSNTN80A01H501U"),
        given_name="Antonio",
        family_name="Rossi",
        email=attributes.get("email", "antonio.rossi@example.org"),
        profile="spid",
        provider="https://127.0.0.1:9/op",
    )
    session = client.session
    until = (timezone.now() + services.SIGNED_IN_FOR).timestamp()
    session[services.SESSION_KEY] = {"id": citizen.pk, "city": city.slug, "until": until}
    session.save()
    return citizen


def test_a_sign_in_lasts_a_visit_not_the_sessions_weeks(client, city, spid_on):
    signed_in(client, city)
    assert client.get(f"/{city.slug}/identita/le-mie-pratiche/").context["citizen"] is not None
    session = client.session
    session[services.SESSION_KEY] = session[services.SESSION_KEY] | {"until": timezone.now().timestamp() - 1}
    session.save()
    page = client.get(f"/{city.slug}/identita/le-mie-pratiche/")
    assert "Entra con SPID" in page.content.decode()  # asked to sign in again


def test_off_by_default_no_button_and_every_sign_in_address_is_a_404(client, city, event):
    page = client.get(f"/{city.slug}/eventi/{event.pk}/")
    assert page.status_code == 200
    assert 'id="registration-how"' in page.content.decode()
    assert "Entra con SPID" not in page.content.decode()
    assert "Entra con CIE" not in page.content.decode()
    for path in ("accedi/spid/", "accedi/cie/", "accedi/spid/avvia/", "ritorno/?state=x&code=y", "le-mie-pratiche/"):
        assert client.get(f"/{city.slug}/identita/{path}").status_code == 404, path
    assert client.get(f"/{city.slug}/identita/.well-known/openid-federation").status_code == 404


def test_turned_on_the_buttons_show_and_the_entity_configuration_is_signed(client, city, event, spid_on, tmp_path):
    page = client.get(f"/{city.slug}/eventi/{event.pk}/").content.decode()
    assert "Entra con SPID" in page and "Entra con CIE" not in page  # only what the city offers
    assert "Entra con SPID" in client.get(f"/{city.slug}/eventi/europe-direct/").content.decode()
    assert client.get(f"/{city.slug}/identita/accedi/cie/").status_code == 404
    answer = client.get(f"/{city.slug}/identita/.well-known/openid-federation")
    assert answer["Content-Type"] == "application/entity-statement+jwt"
    assert answer.content.decode().count(".") == 2  # a compact JWS
    # The keys are generated, stored in the database, never printed in full (only the public part).
    entity = spid_on.entity
    assert "d" in entity.jwks_fed[0] and "d" in entity.jwks_core[0]
    assert '"d"' not in (tmp_path / "out.txt").read_text()
    assert entity.metadata["openid_relying_party"]["client_id"] == "http://127.0.0.1:8000/testopoli/identita"


def test_turning_it_off_hides_the_buttons_and_ends_the_sessions(client, city, event, spid_on):
    signed_in(client, city)
    call_command("identity_setup", city=city.slug, off=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert "Entra con SPID" not in client.get(f"/{city.slug}/eventi/{event.pk}/").content.decode()
    assert client.get(f"/{city.slug}/identita/le-mie-pratiche/").status_code == 404


@pytest.mark.parametrize("state", ["", "unknown-state"])
def test_a_bad_state_is_a_clear_error_page(client, city, spid_on, state):
    answer = client.get(f"/{city.slug}/identita/ritorno/", {"state": state, "code": "abc"})
    assert answer.status_code == 400
    assert "Accesso non completato" in answer.content.decode()
    assert "accedi di nuovo" in answer.content.decode()
    assert services.SESSION_KEY not in client.session


def test_an_expired_or_reused_state_is_refused(client, city, spid_on):
    old = SignInRequest.objects.create(
        city=city,
        state="s" * 32,
        nonce="n",
        code_verifier="v",
        profile="spid",
        provider="https://127.0.0.1:9/op",
        redirect_uri="http://127.0.0.1:8000/testopoli/identita/ritorno/",
    )
    SignInRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    session = client.session
    session["ponte_citizen_states"] = [old.state]
    session.save()
    answer = client.get(f"/{city.slug}/identita/ritorno/", {"state": old.state, "code": "abc"})
    assert answer.status_code == 400
    assert "è scaduto" in answer.content.decode()
    session = client.session
    session["ponte_citizen_states"] = [old.state]
    session.save()
    again = client.get(f"/{city.slug}/identita/ritorno/", {"state": old.state, "code": "abc"})
    assert again.status_code == 400
    assert "già stato usato" in again.content.decode()


def test_a_state_started_in_another_browser_is_refused(client, city, spid_on):
    """Login CSRF: a callback URL made in the attacker's browser does not sign the victim in."""
    SignInRequest.objects.create(
        city=city,
        state="a" * 32,
        nonce="n",
        code_verifier="v",
        profile="spid",
        provider="https://127.0.0.1:9/op",
        redirect_uri="http://127.0.0.1:8000/testopoli/identita/ritorno/",
    )
    answer = client.get(f"/{city.slug}/identita/ritorno/", {"state": "a" * 32, "code": "abc"})
    assert answer.status_code == 400
    assert "in un altro browser" in answer.content.decode()
    assert SignInRequest.objects.get(state="a" * 32).used_at is None


def test_a_spid_session_is_refused_by_the_back_office_and_the_admin(client, city, spid_on):
    signed_in(client, city)
    back_office = client.get(f"/{city.slug}/gestione/")
    assert back_office.status_code == 302 and back_office["Location"].startswith("/accesso/")
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    assert client.get(f"/{city.slug}/gestione/eventi/").status_code in (302, 404)
    assert get_user_model().objects.count() == 0
    assert not Membership.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_form_is_prefilled_the_email_locked_and_the_place_taken_without_a_mail_link(client, city, event, spid_on):
    citizen = signed_in(client, city)
    page = client.get(f"/{city.slug}/eventi/{event.pk}/").content.decode()
    assert 'value="Antonio Rossi"' in page
    assert 'value="antonio.rossi@example.org"' in page and "disabled" in page
    assert 'id="registration-how"' not in page  # no confirmation link to wait for
    # A posted e-mail cannot replace the proved one.
    answer = client.post(
        f"/{city.slug}/eventi/{event.pk}/",
        {"name": "Antonio Rossi", "email": "someone.else@example.org", "consent": "on"},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/{city.slug}/identita/le-mie-pratiche/"
    registration = Registration.objects.get(event=event)
    assert registration.email == "antonio.rossi@example.org"
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.citizen_link.citizen == citizen
    mine = client.get(f"/{city.slug}/identita/le-mie-pratiche/").content.decode()
    assert "Caffè Europa" in mine


def test_a_question_asked_signed_in_is_on_the_persons_page(client, city, spid_on):
    signed_in(client, city)
    client.post(
        f"/{city.slug}/eventi/europe-direct/",
        {"name": "Antonio Rossi", "subject": "Erasmus+", "text": "Come partecipo?", "consent": "on"},
    )
    mine = client.get(f"/{city.slug}/identita/le-mie-pratiche/").content.decode()
    assert "Erasmus+" in mine


def test_another_city_does_not_see_the_session(client, city, spid_on):
    from ponte.factories import CityFactory

    other = CityFactory(slug="altrove", name="Altrove")
    signed_in(client, city)
    assert services.current(type("R", (), {"session": client.session})(), other) is None


def test_superusers_manage_the_settings_in_the_admin(client, city, spid_on):
    from ponte.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    page = client.get(f"/admin/citizens/identitysettings/{spid_on.pk}/change/")
    assert page.status_code == 200
    assert "Testopoli" in page.content.decode()
    assert client.get("/admin/citizens/citizen/").status_code == 200
