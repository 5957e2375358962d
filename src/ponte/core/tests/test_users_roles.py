"""Users and roles from the back office: invite by e-mail, change a role, revoke; the city's
administrators only, never the last administrator removed, every change in the audit trail."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from ponte.core import services
from ponte.core.models import Membership
from ponte.factories import CityFactory, MembershipFactory
from ponte.testing import ROLES, USERS

User = get_user_model()

PAGES = [
    ("/{c}/gestione/utenti/", USERS),
    ("/{c}/gestione/utenti/?q=example&role=viewer", USERS),
    ("/{c}/gestione/utenti/invita/", USERS),
    ("/{c}/gestione/utenti/{m}/ruolo/", USERS),
    ("/{c}/gestione/utenti/{m}/revoca/", USERS),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_matrix(client, users, city, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    viewer = Membership.objects.get(user=users["viewer"])
    assert client.get(url.format(c=city.slug, m=viewer.pk)).status_code == expected[role]


def test_list_shows_roles_by_name_and_filters(client, users, city, office):
    client.force_login(users["admin"])
    page = client.get(f"/{city.slug}/gestione/utenti/").content.decode()
    assert "Referente fondi europei" in page or "EU funds officer" in page
    assert users["editor"].email in page and "Ufficio A" in page
    filtered = client.get(f"/{city.slug}/gestione/utenti/?role=funds").content.decode()
    assert users["funds"].email in filtered and users["editor"].email not in filtered
    searched = client.get(f"/{city.slug}/gestione/utenti/?q={users['viewer'].username}").content.decode()
    assert users["viewer"].email in searched and users["funds"].email not in searched


@pytest.mark.django_db(transaction=True)
def test_invite_mails_a_link_that_sets_the_password(client, users, city, smtp_server, settings):
    client.force_login(users["admin"])
    response = client.post(
        f"/{city.slug}/gestione/utenti/invita/",
        {"email": "Giulia.Verdi@Example.org", "first_name": "Giulia", "last_name": "Verdi", "role": "funds"},
    )
    assert response.status_code == 302
    account = User.objects.get(email="giulia.verdi@example.org")
    assert not account.has_usable_password() and account.is_active
    assert Membership.objects.get(user=account, city=city).role == "funds"
    (mail,) = smtp_server.messages
    assert mail["To"] == "giulia.verdi@example.org"
    body = mail.get_payload(decode=True).decode()
    assert "si può usare una sola volta e vale 3 giorni" in body  # PASSWORD_RESET_TIMEOUT, in days
    link = re.search(r"https?://\S+/accesso/password/\S+/", mail.get_payload()).group(0)
    client.logout()
    form_page = client.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert form_page.context["validlink"]
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Bologna-2030!", "new_password2": "Bologna-2030!"})
    account.refresh_from_db()
    assert account.check_password("Bologna-2030!")
    assert client.login(username="giulia.verdi@example.org", password="Bologna-2030!")
    # The link is single use.
    assert not client.get(link.removeprefix(settings.SITE_URL), follow=True).context["validlink"]


def test_invite_refuses_a_person_who_already_has_a_role(users, city):
    with pytest.raises(ValidationError):
        services.staff_invite(city=city, user=users["admin"], email=users["viewer"].email, role="funds")


def test_invite_gives_an_existing_account_a_role_in_another_city(users, city, mailoutbox):
    other = CityFactory(slug="altrove")
    admin_elsewhere = MembershipFactory(city=other, role="admin").user
    membership, mailed = services.staff_invite(
        city=other, user=admin_elsewhere, email=users["viewer"].email, role="events"
    )
    assert membership.user == users["viewer"] and mailed and len(mailoutbox) == 1
    assert users["viewer"].check_password("pw-for-tests")  # the password it had stays


@pytest.mark.parametrize("role", ["owner", "funds", "viewer"])
def test_only_administrators_manage_staff(users, city, role):
    viewer = Membership.objects.get(user=users["viewer"])
    with pytest.raises(PermissionDenied):
        services.staff_invite(city=city, user=users[role], email="x@example.org", role="viewer")
    with pytest.raises(PermissionDenied):
        services.staff_role_change(membership=viewer, user=users[role], role="owner")
    with pytest.raises(PermissionDenied):
        services.staff_revoke(membership=viewer, user=users[role])


def test_office_editor_needs_an_office(client, users, city, office):
    client.force_login(users["admin"])
    viewer = Membership.objects.get(user=users["viewer"])
    response = client.post(f"/{city.slug}/gestione/utenti/{viewer.pk}/ruolo/", {"role": "editor"})
    assert response.status_code == 200 and response.context["form"].errors["office"]
    client.post(f"/{city.slug}/gestione/utenti/{viewer.pk}/ruolo/", {"role": "editor", "office": office.pk})
    viewer.refresh_from_db()
    assert (viewer.role, viewer.office) == ("editor", office)


def test_last_administrator_cannot_be_removed_or_demoted(client, users, city):
    admin = Membership.objects.get(user=users["admin"])
    with pytest.raises(ValidationError):
        services.staff_revoke(membership=admin, user=users["admin"])
    with pytest.raises(ValidationError):
        services.staff_role_change(membership=admin, user=users["admin"], role="viewer")
    client.force_login(users["admin"])
    page = client.post(f"/{city.slug}/gestione/utenti/{admin.pk}/revoca/")
    assert page.status_code == 200 and "ultimo amministratore" in page.content.decode()
    assert Membership.objects.filter(pk=admin.pk).exists()
    # With a second administrator, the first may go.
    second = Membership.objects.get(user=users["owner"])
    services.staff_role_change(membership=second, user=users["admin"], role="admin")
    services.staff_revoke(membership=admin, user=users["owner"])
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_revoke_removes_the_role_and_is_in_the_history(client, users, city):
    client.force_login(users["admin"])
    funds = Membership.objects.get(user=users["funds"])
    response = client.post(f"/{city.slug}/gestione/utenti/{funds.pk}/revoca/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=funds.pk).exists()
    users["funds"].refresh_from_db()
    assert not users["funds"].is_active  # no city left: cannot sign in
    page = client.get(f"/{city.slug}/gestione/utenti/")
    assert "non ha più un ruolo" in page.content.decode()  # the message after the write
    assert users["funds"] not in [membership.user for membership in page.context["object_list"]]
    history = page.context["history"]
    assert history[0].action == history[0].Action.DELETE and history[0].actor == users["admin"]
    assert history[0].additional_data["user"] == users["funds"].username


def test_list_query_count_does_not_grow_with_staff(client, users, city, django_assert_max_num_queries):
    client.force_login(users["admin"])
    for _ in range(15):
        MembershipFactory(city=city, role="viewer")
    with django_assert_max_num_queries(12):
        client.get(f"/{city.slug}/gestione/utenti/")
