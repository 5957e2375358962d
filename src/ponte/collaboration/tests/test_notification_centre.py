"""The notification centre (issue 17): the bell's count, the list, read and unread, opening a
notification (only to an address of this site), the e-mail preference."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ponte.collaboration.models import NotificationPreference
from ponte.collaboration.services import notify
from ponte.core.models import Membership
from ponte.factories import CityFactory, MembershipFactory, UserFactory


@pytest.fixture
def person(city):
    return MembershipFactory(city=city, role=Membership.Role.VIEWER, user__first_name="Anna").user


def tell(person, city, n, url="/testopoli/gestione/azioni/1.1.1/", **extra):
    return notify(
        recipient=person, city=city, kind="update_due", title=f"Aggiornamento {n}", key=f"k{n}", url=url, **extra
    )


def test_the_bell_counts_the_unread_with_one_query_whatever_their_number(client, city, person):
    client.force_login(person)
    home = f"/{city.slug}/gestione/"
    client.get(home)
    with CaptureQueriesContext(connection) as none:
        html = client.get(home).content.decode()
    assert "ponte-bell-count" not in html
    for n in range(30):
        tell(person, city, n)
    tell(MembershipFactory(city=city).user, city, 99)  # someone else's
    with CaptureQueriesContext(connection) as many:
        html = client.get(home).content.decode()
    assert '<span class="badge ponte-bell-count">30<span class="visually-hidden"> da leggere</span>' in html
    assert len(many) == len(none)


def test_the_centre_lists_only_ones_own_notifications_of_the_city_newest_first(client, city, person):
    for n in range(3):
        tell(person, city, n)
    tell(MembershipFactory(city=city).user, city, 7)  # a colleague's
    other_city = CityFactory()
    MembershipFactory(city=other_city, user=person)
    tell(person, other_city, 8)  # the same person's, in another city
    client.force_login(person)
    response = client.get(f"/{city.slug}/gestione/notifiche/")
    titles = [n.title for n in response.context["page_obj"]]
    assert titles == ["Aggiornamento 2", "Aggiornamento 1", "Aggiornamento 0"]


def test_another_persons_notification_is_not_found(client, city, person):
    theirs = tell(MembershipFactory(city=city).user, city, 1)
    client.force_login(person)
    base = f"/{city.slug}/gestione/notifiche/{theirs.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "letta/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_only_addresses_of_this_site(client, city, person):
    client.force_login(person)
    good = tell(person, city, 1, url="/testopoli/gestione/azioni/1.1.1/#commento-4")
    response = client.get(f"/{city.slug}/gestione/notifiche/{good.pk}/")
    assert response.status_code == 302 and response["Location"] == "/testopoli/gestione/azioni/1.1.1/#commento-4"
    good.refresh_from_db()
    assert good.is_read
    for n, url in enumerate(
        [
            "https://evil.example/x",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "/\t/evil.example",
            "/\n/evil.example",
            "http:/x",
            "",
        ],
        2,
    ):
        bad = tell(person, city, n, url=url)
        response = client.get(f"/{city.slug}/gestione/notifiche/{bad.pk}/")
        assert response["Location"] == f"/{city.slug}/gestione/notifiche/", url
        bad.refresh_from_db()
        assert bad.is_read


def test_unread_filter_mark_one_and_mark_all(client, city, person):
    first, second, third = (tell(person, city, n) for n in range(3))
    client.force_login(person)
    url = f"/{city.slug}/gestione/notifiche/"
    response = client.post(f"{url}{second.pk}/letta/", {"query": "mostra=da-leggere"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{url}?mostra=da-leggere"
    assert [n.title for n in response.context["page_obj"]] == ["Aggiornamento 2", "Aggiornamento 0"]
    assert "Segnata come letta: Aggiornamento 1." in response.content.decode()
    assert len(client.get(url).context["page_obj"]) == 3  # all, read ones included
    response = client.post(f"{url}tutte-lette/", follow=True)
    assert "2 notifiche segnate come lette." in response.content.decode()
    assert not client.get(url, {"mostra": "da-leggere"}).context["page_obj"]
    assert "Nessuna notifica da leggere." in client.get(url, {"mostra": "da-leggere"}).content.decode()


def test_the_centre_is_paginated(client, city, person):
    for n in range(30):
        tell(person, city, n)
    client.force_login(person)
    response = client.get(f"/{city.slug}/gestione/notifiche/", {"page": 2})
    assert len(response.context["page_obj"]) == 5 and response.context["paginator"].num_pages == 2


def test_the_centre_is_for_the_citys_staff(client, city):
    url = f"/{city.slug}/gestione/notifiche/"
    assert client.get(url).status_code == 302
    client.force_login(MembershipFactory(city=CityFactory()).user)
    assert client.get(url).status_code == 403


def test_the_email_preference_defaults_to_daily_and_is_saved(client, city, person):
    client.force_login(person)
    url = f"/{city.slug}/gestione/notifiche/preferenze/"
    assert client.get(url).context["form"]["email"].value() == "daily"
    response = client.post(url, {"email": "immediate"}, follow=True)
    assert NotificationPreference.objects.get(user=person).email == "immediate"
    assert "Notifiche per e-mail: Subito, una e-mail per ciascuna." in response.content.decode()
    response = client.post(url, {"email": "hourly"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert NotificationPreference.objects.get(user=person).email == "immediate"
    assert (
        'href="/testopoli/gestione/notifiche/preferenze/"'
        in client.get(f"/{city.slug}/gestione/notifiche/").content.decode()
    )


def test_the_centre_costs_the_same_queries_with_3_and_30_notifications(client, city, person):
    client.force_login(person)
    url = f"/{city.slug}/gestione/notifiche/"

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for n in range(3):
        tell(person, city, n, actor=MembershipFactory(city=city).user)
    few = queries()
    for n in range(3, 30):
        tell(person, city, n, actor=MembershipFactory(city=city).user)
    assert queries() == few


@pytest.mark.parametrize("model", ["comment", "notification", "notificationpreference", "digest"])
def test_superusers_see_them_in_the_django_admin(client, city, person, model):
    tell(person, city, 1)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/collaboration/{model}/").status_code == 200
