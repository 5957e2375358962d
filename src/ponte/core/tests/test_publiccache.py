"""The cache of public pages (issue 16): a hit costs no query, a publish is visible on the next
request, conditional requests get 304, staff never see nor store a cached page, a form on a cached
page still submits."""

import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ponte.core import publiccache
from ponte.core.models import Publication
from ponte.factories import ActionFactory
from ponte.plan import services as plan_services


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode()


def counted(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response, body = get(client, url, **headers)
    return response, body, len(captured)


@pytest.fixture
def page(action):
    action.title = "Porto di Testopoli in Europa"
    action.save()
    return f"/{action.city.slug}/piano/azioni/{action.code}/"


PAGES = [
    "/{c}/",
    "/{c}/piano/",
    "/{c}/piano/azioni/1.1.1/",
    "/{c}/progetti/",
    "/{c}/cerca/?q=porto",
    "/{c}/dati/azioni.csv",
    "/{c}/dati/azioni.json",
    "/{c}/notizie/rss/",
    "/{c}/eventi/",
    "/sitemap.xml",
    "/sitemap-{c}-actions.xml",
    "/api/v1/{c}/actions/",
    "/api/v1/{c}/actions/1.1.1/",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_second_visit_is_served_from_the_cache_without_a_query(client, page, city, url):
    url = url.format(c=city.slug)
    first, first_body, _ = counted(client, url)
    assert first.status_code == 200 and first["X-Ponte-Cache"] == "miss"
    second, second_body, queries = counted(Client(), url)  # another visitor
    assert second.status_code == 200 and second["X-Ponte-Cache"] == "hit"
    assert queries == 0
    assert second["Content-Type"] == first["Content-Type"]
    # The same page, but for the CSRF token each visitor gets in the forms.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", second_body) == token.sub("", first_body)


def test_an_action_changed_through_the_service_is_visible_on_the_next_request(client, page, action, users):
    assert "Porto di Testopoli in Europa" in get(client, page)[1]
    assert get(client, page)[0]["X-Ponte-Cache"] == "hit"
    action.title = "Porto di Testopoli nel mondo"
    plan_services.action_save(action=action, user=users["owner"])
    response, body = get(client, page)
    assert response["X-Ponte-Cache"] == "miss"
    assert "Porto di Testopoli nel mondo" in body and "Porto di Testopoli in Europa" not in body


def test_unpublishing_removes_the_action_from_every_cached_page_at_once(client, page, action, users, city):
    macro_area = f"/{city.slug}/piano/aree/{action.line.macro_area.code}/"  # the plan page counts, this one lists
    pages = [page, macro_area, f"/api/v1/{city.slug}/actions/", f"/{city.slug}/dati/azioni.csv"]
    for url in pages:
        assert "Porto di Testopoli in Europa" in get(client, url)[1]
    action.publication = Publication.DRAFT
    plan_services.action_save(action=action, user=users["owner"])
    assert get(client, page)[0].status_code == 404
    for url in pages[1:]:
        assert "Porto di Testopoli in Europa" not in get(client, url)[1], url


def test_a_publish_bumps_again_when_its_transaction_commits(city, django_capture_on_commit_callbacks):
    """Another request may read the old rows between the write and the commit and store them
    under the version the write set: the commit replaces the version once more."""
    key = publiccache._city_key(city.pk)
    # The fixtures' own writes owe their flush already: this test's transaction starts afresh.
    connection.run_on_commit = [e for e in connection.run_on_commit if not isinstance(e[1], publiccache._Flush)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ActionFactory(line__city=city, code="9.9.9")
        written = cache.get(key)
        ActionFactory(line__city=city, code="9.9.8")
    assert len([c for c in callbacks if isinstance(c, publiccache._Flush)]) == 1  # one per transaction
    assert cache.get(key) != written


def test_a_project_import_is_visible_on_the_next_request(client, city):
    """The importers write with COPY and bulk_create (no signals): they bump the city themselves."""
    from django.core.management import call_command

    from ponte.funding.tests.factories import ProgrammeFactory
    from ponte.funding.tests.test_importers import FIXTURES

    city.name, city.istat_code, city.tax_code = "Bologna", "037006", "01232710374"
    city.save()
    for slug, kind in (("diretti", "direct"), ("indiretti", "indirect")):
        ProgrammeFactory(city=city, slug=slug, kind=kind)
    url = f"/api/v1/{city.slug}/projects/"
    assert get(client, url)[1].count('"external_id"') == 0 or '"count":0' in get(client, url)[1]
    assert get(client, url)[0]["X-Ponte-Cache"] == "hit"
    call_command(
        "import_funding",
        "opencoesione",
        str(FIXTURES / "progetti_esteso_sample.csv"),
        "--city",
        city.slug,
        stdout=io.StringIO(),
    )
    response, body = get(client, url)
    assert response["X-Ponte-Cache"] == "miss"
    assert '"count":2' in body.replace(" ", "")


def test_a_workbook_applied_is_visible_on_the_next_request(client, users, action, city, page):
    from ponte.plan.tests.test_workbook import upload, workbook_bytes

    assert "In corso" not in get(client, page)[1]
    assert get(client, page)[0]["X-Ponte-Cache"] == "hit"
    staff = Client()
    staff.force_login(users["owner"])
    upload(staff, city, workbook_bytes(actions=[["1.1.1", "", "", "in_progress", 60]]))
    response, body = get(client, page)
    assert response["X-Ponte-Cache"] == "miss" and "In corso" in body


def test_if_none_match_and_if_modified_since_get_304(client, city, page):
    url = f"/api/v1/{city.slug}/actions/"
    first, _ = get(client, url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and "public" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"another"'}).status_code == 200
    # The page's own ETag also holds with the cache off (the page computed again).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publiccache, "seconds", lambda: 0)
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_page_with_a_form_revalidates_per_visitor(client, page):
    first, _ = get(client, page)
    assert first["ETag"].startswith('W/"') and "private" in first["Cache-Control"]
    assert client.get(page, headers={"if-none-match": first["ETag"]}).status_code == 304
    # Another visitor (another CSRF secret) never gets a 304 for the first one's copy.
    assert Client().get(page, headers={"if-none-match": first["ETag"]}).status_code == 200


def test_a_change_answers_the_old_etag_with_the_new_page(client, page, action, users):
    etag = get(client, page)[0]["ETag"]
    action.title = "Porto rinnovato"
    plan_services.action_save(action=action, user=users["owner"])
    response = client.get(page, headers={"if-none-match": etag})
    assert response.status_code == 200 and "Porto rinnovato" in response.content.decode()


def test_staff_never_get_a_cached_page_nor_store_one(client, page, users):
    staff = Client()
    staff.force_login(users["owner"])
    response, staff_body = get(staff, page)
    assert "X-Ponte-Cache" not in response and "public" not in response.get("Cache-Control", "")
    assert get(client, page)[0]["X-Ponte-Cache"] == "miss"  # the staff's visit stored nothing
    assert get(client, page)[0]["X-Ponte-Cache"] == "hit"
    response = staff.get(page)
    assert "X-Ponte-Cache" not in response and "public" not in response.get("Cache-Control", "")


def test_an_api_token_is_never_answered_from_the_cache(client, page, city):
    url = f"/api/v1/{city.slug}/actions/"
    get(client, url)
    assert get(client, url)[0]["X-Ponte-Cache"] == "hit"
    assert "X-Ponte-Cache" not in client.get(url, headers={"authorization": "Token nope"})


def test_each_language_has_its_own_entry(client, city, page):
    from django.conf import settings

    italian, _ = get(client, page)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, body = get(english, page)
    assert response["X-Ponte-Cache"] == "miss" and 'lang="en"' in body
    assert 'lang="it"' in get(client, page)[1]
    assert get(english, page)[0]["X-Ponte-Cache"] == "hit" and 'lang="en"' in get(english, page)[1]
    assert "Cookie" in response["Vary"]


def test_a_form_on_a_cached_page_submits_with_the_visitors_own_token(page, city):
    """The rating form of a page stored for another visitor: this visitor's token, which Django's
    CSRF check accepts, and the csrftoken cookie set as on a computed page."""
    from ponte.portal.models import PageRating

    get(Client(), page)
    visitor = Client(enforce_csrf_checks=True)
    response, body = get(visitor, page)
    assert response["X-Ponte-Cache"] == "hit"
    assert "csrftoken" in response.cookies
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))
    assert tokens and publiccache.PLACEHOLDER.decode() not in body
    rated = visitor.post(
        f"/{city.slug}/valuta-pagina/",
        {"csrfmiddlewaretoken": tokens.pop(), "page": page, "stars": "5"},
        REMOTE_ADDR="192.0.2.77",
    )
    assert rated.status_code == 302
    assert PageRating.objects.filter(path=page, stars=5).exists()
    # Back on the page, the visitor has a session (the thanks): a page computed for them.
    back = visitor.get(page)
    assert "X-Ponte-Cache" not in back


def test_a_streamed_download_is_stored_at_its_end_and_not_above_the_limit(client, city, page, settings):
    url = f"/{city.slug}/dati/azioni.csv"
    first, first_body = get(client, url)
    second, second_body = get(client, url)
    assert second["X-Ponte-Cache"] == "hit" and second_body == first_body
    assert second["Content-Type"] == first["Content-Type"]
    assert second.get("Content-Disposition") == first.get("Content-Disposition")
    cache.clear()
    settings.PONTE_PUBLIC_CACHE_MAX_BYTES = 10
    get(client, url)
    assert get(client, url)[0]["X-Ponte-Cache"] == "miss"


def test_a_flushed_cache_never_serves_an_old_entry(client, page, action):
    get(client, page)
    old = {key: cache.get(key) for key in (publiccache.EPOCH, publiccache._city_key(action.city_id))}
    cache.delete_many(list(old))  # versions evicted, entries still there
    assert get(client, page)[0]["X-Ponte-Cache"] == "miss"


def test_a_write_the_public_never_sees_keeps_the_cache(client, page, city):
    from ponte.portal.models import PageRating

    get(client, page)
    PageRating.objects.create(city=city, path=page, stars=4)
    assert get(client, page)[0]["X-Ponte-Cache"] == "hit"


def test_the_cache_off_computes_every_page(client, page, uncached):
    assert "X-Ponte-Cache" not in get(client, page)[0]
    response, _, queries = counted(client, page)
    assert "X-Ponte-Cache" not in response and queries > 0


def test_a_city_changed_in_another_process_makes_every_process_look_its_slug_up_again(client, page, city):
    get(client, page)
    epoch = cache.get(publiccache.EPOCH)
    publiccache._city_ids[city.slug] = (epoch, city.pk + 1000)  # what this process would still believe
    publiccache.bump_all()  # another process saved a City: the epoch moves everywhere
    assert get(client, page)[0]["X-Ponte-Cache"] == "miss"
    assert publiccache._city_ids[city.slug][1] == city.pk


def test_a_hit_answered_304_still_says_it_came_from_the_cache(client, page):
    etag = get(client, page)[0]["ETag"]
    response = client.get(page, headers={"if-none-match": etag})
    assert response.status_code == 304 and response["X-Ponte-Cache"] == "hit"


def test_a_changed_configuration_never_gets_a_page_stored_under_another(client, page, settings):
    get(client, page)
    assert get(client, page)[0]["X-Ponte-Cache"] == "hit"
    settings.PONTE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"  # a redeploy's environment
    assert get(client, page)[0]["X-Ponte-Cache"] == "miss"
