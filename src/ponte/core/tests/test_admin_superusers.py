"""The Django admin sees every city's rows, so only superusers may open it (issue 14): a city's
administrator, even with Django's staff flag and every model permission, is refused."""

import pytest
from django.contrib.auth.models import Permission

from ponte.core.models import Membership
from ponte.factories import CityFactory, MembershipFactory, UserFactory


@pytest.fixture
def city_administrator(city):
    user = MembershipFactory(city=city, role=Membership.Role.ADMINISTRATOR).user
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.mark.parametrize("url", ["/admin/", "/admin/core/membership/", "/admin/core/membership/add/"])
def test_a_city_administrator_cannot_open_the_admin(client, city_administrator, url):
    client.force_login(city_administrator)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_city_administrator_cannot_give_himself_a_role_in_another_city(client, city, city_administrator):
    modena = CityFactory(slug="modena", name="Modena")
    client.force_login(city_administrator)
    client.post(
        "/admin/core/membership/add/",
        {"user": city_administrator.pk, "city": modena.pk, "role": Membership.Role.ADMINISTRATOR},
    )
    assert not Membership.objects.filter(user=city_administrator, city=modena).exists()


def test_a_superuser_opens_the_admin(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/core/membership/").status_code == 200
