"""The public links and forms of events and newsletter (issue 14): the RFC 8058 one-click
unsubscribe works without a CSRF token (only that POST), token links work only under their own
city, and the registration rate limit is counted per event."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ponte.factories import CityFactory
from ponte.participation.models import Event, Registration, Subscriber
from ponte.participation.views import EventDetailView


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def subscriber(city, **fields):
    return Subscriber.objects.create(city=city, email="anna@example.org", status="active", **fields)


def test_one_click_unsubscribe_needs_no_csrf_token_but_any_other_post_does(city):
    anna = subscriber(city)
    mail_client = Client(enforce_csrf_checks=True)
    url = f"/{city.slug}/eventi/newsletter/disiscrizione/{anna.token}/"

    forged = mail_client.post(url, {"List-Unsubscribe": "No"})
    assert forged.status_code == 403
    anna.refresh_from_db()
    assert anna.status == "active"

    one_click = mail_client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert one_click.status_code == 204
    anna.refresh_from_db()
    assert anna.status == "unsubscribed"


def test_token_links_work_only_under_their_own_city(client, city):
    other = CityFactory(slug="altra", name="Altra")
    pending = Subscriber.objects.create(
        city=city, email="bruno@example.org", status="pending", confirmation_sent_at=timezone.now()
    )
    active = subscriber(city)
    event = Event.objects.create(
        city=city, publication="published", title="Caffè Europa", starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    registration = Registration.objects.create(
        city=city, event=event, name="Carla", email="carla@example.org", status="confirmed"
    )

    assert client.get(f"/{other.slug}/eventi/newsletter/conferma/{pending.token}/").context["outcome"] == "unknown"
    client.post(f"/{other.slug}/eventi/newsletter/disiscrizione/{active.token}/")
    client.post(f"/{other.slug}/eventi/disdetta/{registration.token}/")
    pending.refresh_from_db(), active.refresh_from_db(), registration.refresh_from_db()
    assert (pending.status, active.status, registration.status) == ("pending", "active", "confirmed")

    assert client.get(f"/{city.slug}/eventi/newsletter/conferma/{pending.token}/").context["outcome"] == "ok"
    client.post(f"/{city.slug}/eventi/disdetta/{registration.token}/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_the_registration_rate_limit_is_counted_per_event(client, city, monkeypatch):
    monkeypatch.setattr(EventDetailView, "rate_limit", 1)
    first, second = (
        Event.objects.create(
            city=city, publication="published", title=title, starts_at=timezone.now() + datetime.timedelta(days=3)
        )
        for title in ("Primo", "Secondo")
    )

    def register(event, email):
        return client.post(f"/{city.slug}/eventi/{event.pk}/", {"name": "Anna", "email": email, "consent": "on"})

    assert register(first, "a@example.org").status_code == 302
    assert register(first, "b@example.org").status_code == 429
    assert register(second, "c@example.org").status_code == 302
    assert Registration.objects.count() == 2
