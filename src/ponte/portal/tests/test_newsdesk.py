"""Plan owners write the portal's news in the back office; a draft appears nowhere public
until they publish it."""

import pytest

from ponte.portal.models import News
from ponte.testing import EVENTS, READ

PAGES = [
    ("/{c}/gestione/notizie/", READ),
    ("/{c}/gestione/notizie/?export=csv", READ),
    ("/{c}/gestione/notizie/nuova/", EVENTS),
]


@pytest.mark.parametrize("role", list(READ))
@pytest.mark.parametrize(("url", "expected"), PAGES, ids=[page[0] for page in PAGES])
def test_permission_matrix(client, users, city, role, url, expected):
    if role != "anonymous":
        client.force_login(users[role])
    assert client.get(url.format(c=city.slug)).status_code == expected[role]


def test_draft_then_published(client, users, city, line):
    client.force_login(users["owner"])
    form = {
        "title": "Bologna capitale europea dei giovani",
        "slug": "capitale-giovani",
        "summary": "La candidatura è stata presentata.",
        "body": "Il **dossier** è online.",
        "published_on": "2026-11-20T10:00",
        "publication": "draft",
    }
    response = client.post(f"/{city.slug}/gestione/notizie/nuova/", form)
    assert response.status_code == 302
    news = News.objects.get(slug="capitale-giovani")
    assert news.author == users["owner"] and not news.is_published
    client.logout()
    assert client.get(f"/{city.slug}/notizie/capitale-giovani/").status_code == 404
    assert b"capitale europea" not in client.get(f"/{city.slug}/notizie/rss/").content

    client.force_login(users["owner"])
    client.post(f"/{city.slug}/gestione/notizie/{news.pk}/modifica/", form | {"publication": "published"})
    client.logout()
    page = client.get(f"/{city.slug}/notizie/capitale-giovani/").content.decode()
    assert "<strong>dossier</strong>" in page  # Markdown rendered (and sanitised)
    assert b"capitale europea" in client.get(f"/{city.slug}/notizie/rss/").content
    assert b"capitale europea" in client.get(f"/{city.slug}/notizie/atom/").content


def test_a_duplicate_address_is_explained(client, users, city):
    client.force_login(users["owner"])
    News.objects.create(city=city, title="Prima", slug="stessa", body="x")
    response = client.post(
        f"/{city.slug}/gestione/notizie/nuova/",
        {"title": "Seconda", "slug": "stessa", "body": "y", "published_on": "2026-11-20T10:00"},
    )
    assert response.status_code == 200 and News.objects.filter(slug="stessa").count() == 1
    assert response.context["form"].errors


def test_the_page_address_is_made_from_the_title_and_kept_unique(client, users, city):
    """No technical "slug" to fill: an empty address comes from the title, -2, -3 when taken."""
    client.force_login(users["events"])
    form = client.get(f"/{city.slug}/gestione/notizie/nuova/").context["form"]
    assert not form.fields["slug"].required and form.fields["slug"].label == "Indirizzo della pagina"
    assert form.fields["slug"].help_text.startswith("Indirizzo della pagina, creato dal titolo se vuoto")
    data = {"title": "Caffè Europa: il Green Deal", "slug": "", "body": "Testo", "published_on": "2026-11-20T10:00"}
    for _n in range(3):
        assert client.post(f"/{city.slug}/gestione/notizie/nuova/", data).status_code == 302
    slugs = list(News.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs == ["caffe-europa-il-green-deal", "caffe-europa-il-green-deal-2", "caffe-europa-il-green-deal-3"]
    # Editing keeps an address it already has; another city's news never counts.
    first = News.objects.order_by("pk").first()
    data_first = data | {"slug": first.slug, "summary": "Aggiornata"}
    assert client.post(f"/{city.slug}/gestione/notizie/{first.pk}/modifica/", data_first).status_code == 302


def test_address_errors_are_in_plain_words(client, users, city):
    client.force_login(users["events"])
    News.objects.create(city=city, title="Prima", slug="stessa", body="x")
    url = f"/{city.slug}/gestione/notizie/nuova/"
    base = {"title": "Seconda", "body": "y", "published_on": "2026-11-20T10:00"}
    taken = client.post(url, base | {"slug": "stessa"}).context["form"].errors["slug"]
    assert taken == [
        "Un'altra notizia ha già questo indirizzo della pagina: scegline un altro o lascia il campo vuoto."
    ]
    invalid = client.post(url, base | {"slug": "con spazi è"}).context["form"].errors["slug"]
    assert invalid == ["Usa solo lettere minuscole senza accenti, numeri e trattini (niente spazi)."]
    page = client.post(url, base | {"slug": "stessa"}).content.decode().lower()
    assert "slug" not in page.replace('name="slug"', "").replace('id="id_slug"', "").replace("id_slug", "")
