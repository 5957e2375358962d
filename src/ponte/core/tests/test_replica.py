"""Reads on a replica (`DATABASE_REPLICA_URL`, ponte.core.dbrouting): where each request's queries go.

On PostgreSQL the test settings add a `replica` alias, a second connection to the test database
(a test mirror); the data are committed (`transaction=True`) so that connection sees them, as a
streaming replica would. Each test captures the queries of both connections.
"""

import json
from contextlib import ExitStack

import pytest
from django.conf import settings as django_settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from ponte.core.dbrouting import PIN_COOKIE, replica_reads
from ponte.core.models import City, Membership
from ponte.core.tests.test_settings_and_health import settings_in_subprocess
from ponte.core.tokens import create_api_token
from ponte.factories import ActionFactory, CityFactory, MembershipFactory
from ponte.portal.models import PageRating

ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="the replica alias is a second PostgreSQL connection"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture
def replica_on(settings, uncached):
    """Reads routed as with DATABASE_REPLICA_URL set, and the public cache off: a page the cache
    may store is computed on the primary (ponte.core.publiccache), so without the cache each
    request shows where its own reads go."""
    settings.PONTE_READ_REPLICA = True


class Queries:
    """The queries run on the primary and on the replica within the block."""

    def __enter__(self):
        self._stack = ExitStack()
        self.primary = self._stack.enter_context(CaptureQueriesContext(connections["default"]))
        self.replica = self._stack.enter_context(CaptureQueriesContext(connections["replica"]))
        return self

    def __exit__(self, *exc):
        self._stack.close()


@pytest.fixture
def published(transactional_db):
    city = CityFactory(slug="testopoli", name="Testopoli")
    action = ActionFactory(line__city=city, code="1.1.1", title="Gemellaggi per il clima")
    return city, action


@pytest.mark.usefixtures("replica_on")
class TestWithAReplica:
    pytestmark = postgres_only

    @pytest.mark.parametrize("path", ["/testopoli/", "/testopoli/piano/azioni/1.1.1/"])
    def test_a_visitors_page_is_read_on_the_replica(self, client, published, path):
        with Queries() as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert "Testopoli" in response.content.decode()
        assert len(queries.replica) > 0
        assert len(queries.primary) == 0, [q["sql"] for q in queries.primary]

    def test_a_public_api_list_is_read_on_the_replica_and_a_token_reads_the_primary(self, client, published):
        city, _action = published
        with Queries() as queries:
            response = client.get("/api/v1/testopoli/actions/")
        assert response.status_code == 200 and response.json()["results"][0]["code"] == "1.1.1"
        assert len(queries.replica) > 0 and len(queries.primary) == 0

        staff = MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {create_api_token(user=staff)[1]}"
        with Queries() as queries:
            response = client.get("/api/v1/testopoli/actions/")
        assert response.status_code == 200
        assert len(queries.primary) > 0 and len(queries.replica) == 0

    def test_a_visitors_write_goes_to_the_primary_and_they_read_it_there_next(self, client, published):
        with Queries() as queries:
            response = client.post(
                "/testopoli/valuta-pagina/", {"page": "/testopoli/", "stars": "5", "positive_reason": "clear"}
            )
        assert response.status_code == 302
        assert PageRating.objects.get().stars == 5
        assert len(queries.primary) > 0 and len(queries.replica) == 0
        pin = response.cookies[PIN_COOKIE]
        assert pin["max-age"] == django_settings.PONTE_REPLICA_PIN_SECONDS and pin["httponly"]

        # The page the form goes back to is read where the write went, whatever the replica's lag.
        with Queries() as queries:
            page = client.get("/testopoli/")
        assert "Grazie per il tuo suggerimento!" in page.content.decode()
        assert len(queries.replica) == 0

        # Once the pin has expired, the visitor reads from the replica again (their session,
        # which the thanks were kept in, is still read where it is written).
        client.cookies.pop(PIN_COOKIE)
        with Queries() as queries:
            client.get("/testopoli/")
        assert len(queries.replica) > 0
        assert all("django_session" in query["sql"] for query in queries.primary), queries.primary

    def test_the_back_office_reads_the_primary(self, client, published):
        city, _action = published
        owner = MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user
        client.force_login(owner)
        for path in ("/testopoli/gestione/", "/testopoli/"):  # signed in, the portal too
            with Queries() as queries:
                response = client.get(path)
            assert response.status_code == 200
            assert len(queries.primary) > 0 and len(queries.replica) == 0, path

    def test_outside_a_request_and_inside_a_transaction_reads_stay_on_the_primary(self, published):
        # The worker, management commands, shells: no request, so the primary.
        assert router.db_for_read(City) == "default"
        with replica_reads():
            assert router.db_for_read(City) == "replica"
            with transaction.atomic():  # a transaction reads its own writes
                assert router.db_for_read(City) == "default"
        assert router.db_for_write(City) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "core")
    assert not router.allow_migrate("replica", "core")


@pytest.mark.django_db
def test_without_a_replica_everything_reads_the_primary(client, settings, monkeypatch):
    """DATABASE_REPLICA_URL unset (SQLite, or PostgreSQL alone): the public pages and the router
    keep to the one database."""
    settings.PONTE_READ_REPLICA = True  # even asked for, there is no replica alias to read
    monkeypatch.delitem(django_settings.DATABASES, "replica", raising=False)  # the PostgreSQL run's mirror
    ActionFactory(line__city=CityFactory(slug="testopoli", name="Testopoli"), code="1.1.1")
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get("/testopoli/piano/azioni/1.1.1/")
    assert response.status_code == 200 and "Testopoli" in response.content.decode()
    assert len(queries) > 0
    with replica_reads():
        assert router.db_for_read(City) == "default"
    assert PIN_COOKIE not in client.post("/testopoli/valuta-pagina/", {"page": "/testopoli/"}).cookies


def test_the_replica_comes_from_its_own_url():
    base = {"DEBUG": "1", "DATABASE_URL": "postgres://ponte@db.example:5432/ponte"}
    expression = "[sorted(s.DATABASES), s.PONTE_READ_REPLICA, s.DATABASES.get('replica', {}).get('HOST')]"
    assert json.loads(settings_in_subprocess(base, expression).stdout) == [["default"], False, None]
    with_replica = {**base, "DATABASE_REPLICA_URL": "postgres://ponte_ro@replica.example:5432/ponte"}
    assert json.loads(settings_in_subprocess(with_replica, expression).stdout) == [
        ["default", "replica"],
        True,
        "replica.example",
    ]


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRESQL, reason="the replica alias is a second PostgreSQL connection")
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_with_the_public_cache_a_page_to_store_is_read_on_the_primary(client, settings):
    """The public cache computes a page it will store on the primary (a replica's lag could put
    pre-publish data under the publish's version); the next visitor gets it with no query at all."""
    settings.PONTE_READ_REPLICA = True
    ActionFactory(line__city=CityFactory(slug="testopoli", name="Testopoli"), code="1.1.1")
    with Queries() as queries:
        assert client.get("/testopoli/piano/azioni/1.1.1/").status_code == 200
    assert any("plan_action" in query["sql"] for query in queries.primary)
    assert not any("plan_action" in query["sql"] for query in queries.replica)
    with Queries() as queries:
        assert client.get("/testopoli/piano/azioni/1.1.1/").status_code == 200
    assert len(queries.primary) == 0 and len(queries.replica) == 0
