"""A campaign reaches each subscriber exactly once, over a real SMTP server: two senders at once
(two workers, two clicks), a sender stopped half-way and one killed with its claim held, both
resumed by `manage.py resume_mail` without anyone pressing "send" again (issue 14)."""

import collections
import datetime

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.utils import timezone

from ponte.participation import newsletter
from ponte.participation.models import Campaign, Delivery, Subscriber

ADDRESSES = [f"p{n}@example.org" for n in range(6)]


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.NEWSLETTER_THROTTLE = 0
    cache.clear()


@pytest.fixture
def campaign(city):
    for address in ADDRESSES:
        Subscriber.objects.create(city=city, email=address, status="active", confirmed_at=timezone.now())
    return Campaign.objects.create(city=city, subject="Notizie", body="…")


def received(inbox) -> collections.Counter:
    return collections.Counter(message["To"] for message in inbox.messages)


def test_a_second_sender_while_the_first_holds_the_claim_sends_nothing(campaign, smtp_server, monkeypatch):
    original, second = EmailMessage.send, {}

    def second_worker_starts_meanwhile(message, *args, **kwargs):
        if not second:  # while the first sender is on its first message
            second["counts"] = None
            second["counts"] = newsletter.send_campaign(Campaign.objects.get(pk=campaign.pk))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", second_worker_starts_meanwhile)
    counts = newsletter.send_campaign(campaign)
    assert received(smtp_server) == collections.Counter(ADDRESSES)  # each subscriber exactly once
    assert second["counts"]["sent"] == 0 and counts["sent"] == 6
    assert Delivery.objects.filter(status="sent").count() == 6 and Campaign.objects.get().status == "sent"
    assert newsletter.claim_send(campaign) and newsletter.claim_send(campaign) is None  # one claim at a time


def test_a_sender_taken_over_stops_and_no_message_leaves_twice(campaign, smtp_server, monkeypatch):
    """A sender that looked dead (no sign of life for NEWSLETTER_STALL_MINUTES) is taken over:
    it stops at its next message, and the message it was handing over is not sent again."""
    original, taken_over = EmailMessage.send, []

    def looked_dead_on_the_third(message, *args, **kwargs):
        if len(smtp_server.messages) == 2 and not taken_over:
            taken_over.append(True)
            Campaign.objects.update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
            newsletter.send_campaign(Campaign.objects.get(pk=campaign.pk))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", looked_dead_on_the_third)
    newsletter.send_campaign(campaign)
    assert received(smtp_server) == collections.Counter(ADDRESSES)
    assert Delivery.objects.filter(status="sending").count() == 0


def test_a_second_click_says_the_send_is_under_way(client, users, campaign, smtp_server):
    assert newsletter.queue_campaign(campaign=campaign) and not newsletter.queue_campaign(campaign=campaign)
    client.force_login(users["owner"])
    page = client.post(
        f"/{campaign.city.slug}/eventi/newsletter/campagne/{campaign.pk}/invio/", {"expected": "6"}, follow=True
    )
    assert "già in corso" in page.content.decode() and not smtp_server.messages


def crash_after(monkeypatch, k: int, error: type[BaseException]):
    original, calls = EmailMessage.send, {"n": 0}

    def send(message, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == k + 1:
            raise error
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    return original


def test_a_send_stopped_half_way_is_resumed_without_a_click(
    campaign, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    original = crash_after(monkeypatch, 3, RuntimeError)
    with pytest.raises(RuntimeError):
        newsletter.send_campaign_task.call(campaign.pk)
    assert len(smtp_server.messages) == 3
    monkeypatch.setattr(EmailMessage, "send", original)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_mail")
    assert received(smtp_server) == collections.Counter(ADDRESSES)
    assert Campaign.objects.get().status == "sent"


def test_a_killed_sender_is_resumed_once_its_claim_is_old(
    campaign, smtp_server, monkeypatch, django_capture_on_commit_callbacks
):
    """Killed (no exception handler ran) right after handing over its fourth message: the claim
    stays held and that delivery stays "sending". Nothing resumes before the claim is old; then
    the rest goes, and the fourth subscriber is not mailed again."""

    class Killed(BaseException):
        pass

    original, calls = EmailMessage.send, {"n": 0}

    def killed_after_the_fourth(message, *args, **kwargs):
        calls["n"] += 1
        sent = original(message, *args, **kwargs)
        if calls["n"] == 4:
            raise Killed
        return sent

    monkeypatch.setattr(EmailMessage, "send", killed_after_the_fourth)
    with pytest.raises(Killed):
        newsletter.send_campaign(campaign)
    monkeypatch.undo()
    # What SIGKILL leaves (no handler runs): the claim held, the fourth delivery still "sending".
    Campaign.objects.update(claimed_by="killed-worker", claimed_at=timezone.now())
    in_flight = Delivery.objects.get(subscriber__email=smtp_server.messages[3]["To"])
    Delivery.objects.filter(pk=in_flight.pk).update(status="sending")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_mail")
    assert len(smtp_server.messages) == 4  # the claim is fresh: the sender may still be alive

    Campaign.objects.update(claimed_at=timezone.now() - datetime.timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resume_mail")
    assert received(smtp_server) == collections.Counter(ADDRESSES)  # each exactly once
    in_flight.refresh_from_db()
    assert in_flight.status == "unknown" and Campaign.objects.get().status == "sent"
