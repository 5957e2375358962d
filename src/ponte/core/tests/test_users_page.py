"""The users page as a new administrator reads it: the invitation's safe default, the roles'
log naming the role, superusers listed, the intro saying what each role may read."""

import re
from html import unescape

from django.urls import reverse

from ponte.core.models import Membership
from ponte.factories import CityFactory, UserFactory


def text(response):
    return unescape(response.content.decode())


def test_the_invite_form_offers_the_viewer_role_and_says_what_it_does(client, users, city):
    client.force_login(users["admin"])
    page = text(client.get(f"/{city.slug}/gestione/utenti/invita/"))
    role_field = re.search(r'<select name="role".*?</select>', page, re.S).group(0)
    selected = re.findall(r'<option value="(\w+)"[^>]*selected', role_field)
    assert selected == ["viewer"]
    assert re.search(r"<button[^>]*type=\"submit\"[^>]*>\s*Invia l'invito\s*</button>", page)


def test_the_roles_log_names_the_role(client, users, city):
    client.force_login(users["admin"])
    viewer = Membership.objects.get(user=users["viewer"])
    client.post(f"/{city.slug}/gestione/utenti/{viewer.pk}/ruolo/", {"role": "funds"})
    client.post(f"/{city.slug}/gestione/utenti/{viewer.pk}/revoca/")
    page = text(client.get(f"/{city.slug}/gestione/utenti/"))
    assert f"ruolo cambiato: {users['viewer'].username} → Referente fondi europei" in page
    assert f"ruolo revocato: {users['viewer'].username} (Referente fondi europei)" in page


def test_a_superuser_is_listed_as_the_administrator(client, db):
    city = CityFactory(slug="bologna", name="Bologna")
    root = UserFactory(username="admin", email="admin@comune.bologna.it", is_superuser=True, is_staff=True)
    client.force_login(root)
    page = text(client.get(f"/{city.slug}/gestione/utenti/"))
    assert "admin@comune.bologna.it" in page and "amministratore di sistema (superutente)" in page
    assert "1 voce" in page and "0 voci" not in page and "Nessun membro del personale" not in page
    # A filter on another role lists the city's memberships only.
    filtered = text(client.get(f"/{city.slug}/gestione/utenti/?role=viewer"))
    assert "admin@comune.bologna.it" not in filtered and "0 voci" in filtered


def test_the_intro_says_personal_data_is_not_for_every_role(client, users, city):
    client.force_login(users["admin"])
    page = text(client.get(f"/{city.slug}/gestione/utenti/"))
    assert "legge l'intero" not in page and "tutta l'area" not in page
    assert "dati personali" in page and "sportello Europe Direct" in page


def test_viewer_is_refused_the_personal_data_pages_the_intro_names(client, users, city):
    client.force_login(users["viewer"])
    for name in ("participation:desk", "participation:campaign-list"):
        assert client.get(reverse(name, kwargs={"city": city.slug})).status_code == 403
