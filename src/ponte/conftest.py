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
        "outsider": UserFactory(),
    }


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
