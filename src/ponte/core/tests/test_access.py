"""Signing in: a revoked person's invitation link is refused and their login told why (only to
whoever typed the right password); a forgotten password is chosen again from a mailed link."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ponte.core import services
from ponte.core.models import Membership
from ponte.factories import UserFactory

User = get_user_model()
NO_ROLE = "non ha un ruolo nell'area riservata di nessuna città"
WRONG = "Inserisci nome utente e password corretti"  # Django's own answer to a wrong password


def link_of(account, name="password"):
    uid, token = urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)
    return f"/accesso/{name}/{uid}/{token}/"


def text(response):
    return unescape(response.content.decode())


def invited_then_revoked(city, admin):
    membership, _mailed = services.staff_invite(city=city, user=admin, email="luca.neri@example.org", role="viewer")
    link = link_of(membership.user)
    services.staff_revoke(membership=membership, user=admin)
    return User.objects.get(pk=membership.user.pk), link


def test_a_revoked_persons_invitation_link_is_refused_and_changes_nothing(client, users, city):
    account, link = invited_then_revoked(city, users["admin"])
    page = client.get(link, follow=True)
    assert not page.context["validlink"] and page.context["without_role"]
    assert "Questo link non vale più" in text(page) and "è stato revocato" in text(page)
    assert "Scegli la tua password" in text(page) and '<form method="post"' not in text(page).partition("<main")[2]
    posted = client.post(
        link.replace(link.rsplit("/", 2)[1], "imposta"),
        {"new_password1": "Bologna-2030!", "new_password2": "Bologna-2030!"},
    )
    assert "Questo link non vale più" in text(posted) or "già stato usato" in text(posted)
    account.refresh_from_db()
    assert not account.has_usable_password() and not account.is_active


def test_a_form_opened_before_the_revocation_sets_nothing(client, users, city):
    membership, _mailed = services.staff_invite(city=city, user=users["admin"], email="anna@example.org", role="funds")
    form = client.get(link_of(membership.user), follow=True)
    assert form.context["validlink"]
    services.staff_revoke(membership=membership, user=users["admin"])
    posted = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Bologna-2030!", "new_password2": "Bologna-2030!"}
    )
    assert "Questo link non vale più" in text(posted)
    membership.user.refresh_from_db()
    assert not membership.user.has_usable_password()


def test_a_made_up_link_of_a_revoked_account_says_only_that_it_does_not_work(client, users, city):
    account, _link = invited_then_revoked(city, users["admin"])
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    page = client.get(f"/accesso/password/{uid}/abc-123/", follow=True)
    assert not page.context["without_role"] and "Questo link non vale più" not in text(page)


@pytest.mark.parametrize("how", ["revoked", "never given"])
def test_login_without_a_role_says_so_to_the_right_password_only(client, users, city, how):
    if how == "revoked":
        services.staff_revoke(membership=Membership.objects.get(user=users["funds"]), user=users["admin"])
        account = users["funds"]
    else:
        account = users["outsider"]
    right = client.post("/accesso/", {"username": account.username, "password": "pw-for-tests"})
    assert right.status_code == 200 and NO_ROLE in text(right) and WRONG not in text(right)
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accesso/", {"username": account.username, "password": "not-the-password"})
    assert WRONG in text(wrong) and NO_ROLE not in text(wrong)
    stranger = client.post("/accesso/", {"username": "nobody@example.org", "password": "pw-for-tests"})
    assert WRONG in text(stranger) and NO_ROLE not in text(stranger)


def test_staff_and_superusers_still_sign_in(client, users):
    for account in (users["viewer"], UserFactory(is_superuser=True)):
        response = client.post("/accesso/", {"username": account.username, "password": "pw-for-tests"})
        assert response.status_code == 302, text(response)
        client.logout()


def test_login_page_offers_the_forgotten_password(client):
    page = text(client.get("/accesso/"))
    assert "Password dimenticata?" in page and 'href="/accesso/password-dimenticata/"' in page


def test_forgotten_password_mails_a_link_that_sets_it_and_signs_in(client, users, mailoutbox, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 86400
    asked = client.post("/accesso/password-dimenticata/", {"email": users["viewer"].email.upper()})
    assert asked.status_code == 302 and asked["Location"] == "/accesso/password-dimenticata/inviata/"
    sent = text(client.get(asked["Location"]))
    assert "Controlla la posta" in sent and "entro 2 giorni" in sent
    (mail,) = mailoutbox
    assert mail.to == [users["viewer"].email] and mail.subject == "Ponte: scegli una nuova password"
    assert "vale 2 giorni" in mail.body
    link = re.search(r"https?://\S+(/accesso/password-nuova/\S+/)", mail.body).group(1)

    form = client.get(link, follow=True)
    assert form.context["validlink"] and "Scegli una nuova password" in text(form)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Nuova-Bologna-2030", "new_password2": "Nuova-Bologna-2030"}
    )
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == users["viewer"].pk
    users["viewer"].refresh_from_db()
    assert users["viewer"].check_password("Nuova-Bologna-2030")
    # Used once: the page says so and points to a new request.
    client.logout()
    used = text(client.get(link, follow=True))
    assert "già stato usato o è scaduto" in used and 'href="/accesso/password-dimenticata/"' in used


def test_forgotten_password_says_the_same_for_any_address(client, users, mailoutbox):
    for email in ("nobody@example.org", users["outsider"].email):
        response = client.post("/accesso/password-dimenticata/", {"email": email})
        assert response.status_code == 302 and response["Location"] == "/accesso/password-dimenticata/inviata/"
    assert mailoutbox == []


def test_an_invited_person_who_lost_the_invitation_asks_for_a_link(client, users, city, mailoutbox):
    membership, _mailed = services.staff_invite(city=city, user=users["admin"], email="new@example.org", role="viewer")
    mailoutbox.clear()
    client.post("/accesso/password-dimenticata/", {"email": "new@example.org"})
    (mail,) = mailoutbox
    assert mail.to == ["new@example.org"] and not membership.user.has_usable_password()
