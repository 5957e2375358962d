"""Fixtures shared by every app's tests: factories, a city with users in every role."""

import socket

import pytest

from ponte.core.models import Membership
from ponte.factories import (
    ActionFactory,
    CityFactory,
    LineFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def city(db):
    return CityFactory(slug="testopoli", name="Testopoli")


@pytest.fixture
def office(city):
    return OrganisationFactory(city=city, kind="office", slug="ufficio-a", name="Ufficio A")


@pytest.fixture
def other_office(city):
    return OrganisationFactory(city=city, kind="office", slug="ufficio-b", name="Ufficio B")


@pytest.fixture
def line(city):
    return LineFactory(city=city)


@pytest.fixture
def action(line, office):
    return ActionFactory(line=line, owner_office=office, code="1.1.1")


@pytest.fixture
def users(city, office):
    """One user per role in `city`, plus an outsider with no role; keyed by role name."""
    return {
        "admin": MembershipFactory(city=city, role=Membership.Role.ADMINISTRATOR).user,
        "owner": MembershipFactory(city=city, role=Membership.Role.PLAN_OWNER).user,
        "editor": MembershipFactory(city=city, role=Membership.Role.OFFICE_EDITOR, office=office).user,
        "viewer": MembershipFactory(city=city, role=Membership.Role.VIEWER).user,
        **{
            role: MembershipFactory(city=city, role=role).user
            for role in ("funds", "diplomacy", "governance", "events", "desk")
        },
        "outsider": UserFactory(),
    }


@pytest.fixture(autouse=True)
def _public_cache_starts_empty():
    """The cache of public pages is on in tests, as in production, and empty at each test's start
    (ponte.core.publiccache): a test sees its own data, never a page cached by an earlier test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def uncached(settings):
    """Public pages computed at every request (the cache off): for tests that count a page's
    queries, which a page from the cache would not make."""
    settings.PONTE_PUBLIC_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _test_client_sign_in_passes_second_factor(monkeypatch):
    """The test client's `login`/`force_login` stand for a finished sign-in, second factor
    included (issue 14): tests about two-factor authentication sign in through the login form
    (`client.post("/accesso/", ...)`), which asks for it as it asks people."""
    from django.test.client import ClientMixin

    from ponte.core import twofactor

    signed_in = ClientMixin._login

    def _login(self, user, backend=None):
        signed_in(self, user, backend)
        session = self.session
        session[twofactor.SESSION_KEY] = ""
        session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run (each test opens its own context)."""
    import os
    from pathlib import Path

    from playwright.sync_api import expect, sync_playwright

    from ponte.browsing import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests
    # themselves (fixtures, assertions) are synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium package"
    # A loaded two-core machine can take seconds to answer a form; waiting is free when it is fast.
    expect.set_options(timeout=15_000)
    with sync_playwright() as driver:
        # The browser of an Italian office: its own texts (file picker, date fields) in Italian,
        # from Debian's chromium-l10n.
        environment = {**os.environ, "LANGUAGE": "it"}
        launched = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env=environment)
        yield launched
        launched.close()


@pytest.fixture
def visit(browser, live_server, transactional_db, settings):
    """`visit(path, user=..., width="desktop"|"mobile")` → a Playwright page at that width,
    signed in as `user` through the login form when one is given. The test fails at teardown if
    the Content-Security-Policy refused anything on one of its pages (`visit.allow_csp_violations(page)`
    for a page that provokes refusals on purpose)."""
    from ponte.browsing import Visitor

    settings.ALLOWED_HOSTS = ["*"]
    visitor = Visitor(browser, live_server.url)
    yield visitor
    visitor.close()
    # Issue 14: a journey fails on anything the Content-Security-Policy refused on any of its pages.
    if report := visitor.csp_report():
        pytest.fail(report, pytrace=False)


def pytest_collection_modifyitems(config, items):
    """A browser journey that fails is run once more before it counts as failed: a safety net
    against a machine so loaded that a page misses Playwright's 15 s, never a cover for a race.
    The two races once seen (a throttled Tom Select refresh taking the focus back, a screenshot
    leaving the page scrolled) were found and fixed, and every journey passes without reruns on
    SQLite and PostgreSQL, with both cores busy. A rerun is reported in the summary ("R")."""
    if not config.pluginmanager.hasplugin("rerunfailures"):  # `-p no:rerunfailures`: no safety net
        return
    for item in items:
        if "visit" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=1))


@pytest.fixture
def migrations_back_to_latest():
    """For a test that migrates an app back to test a data migration: whatever happens, every
    app is migrated forward again afterwards (later migrations of other apps, which the way
    back unapplied, included), so the tests after it find the whole schema."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
