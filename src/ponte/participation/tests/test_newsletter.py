"""Newsletter over real SMTP: double opt-in, consent, one-click unsubscribe, preferences, and
campaigns that resume after an interruption without sending anything twice."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone

from ponte.participation import newsletter
from ponte.participation.models import Campaign, Delivery, Segment, Subscriber


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.NEWSLETTER_THROTTLE = 0
    cache.clear()


@pytest.fixture
def segments(city):
    return {slug: Segment.objects.create(city=city, slug=slug, name=slug.title()) for slug in ("fondi", "eventi")}


def link(message, kind):
    return (
        re.search(rf"http://[^\s]+/newsletter/{kind}/[0-9a-f-]+/", message.get_payload())
        .group(0)
        .replace("http://127.0.0.1:8000", "")
    )


def test_double_opt_in_with_consent_and_expiry(client, city, segments, smtp_server):
    response = client.post(
        f"/{city.slug}/eventi/newsletter/",
        {"email": "Anna@Example.org", "segments": [segments["fondi"].pk], "language": "it", "consent": "on"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status, subscriber.consent_from) == (
        "anna@example.org",
        "pending",
        "192.0.2.10",
    )
    assert "newsletter" in subscriber.consent_text.lower() and subscriber.consent_at is not None
    confirm = link(smtp_server.messages[0], "conferma")
    assert client.get(confirm).context["outcome"] == "ok"
    assert client.get(confirm).context["outcome"] == "already"  # twice is harmless
    subscriber.refresh_from_db()
    assert subscriber.status == "active" and list(subscriber.segments.all()) == [segments["fondi"]]

    client.post(f"/{city.slug}/eventi/newsletter/", {"email": "bruno@example.org", "language": "en", "consent": "on"})
    late = Subscriber.objects.get(email="bruno@example.org")
    # Mailed in the language the person chose, not the site's.
    assert smtp_server.messages[1]["Subject"].startswith("Confirm your subscription")
    assert smtp_server.messages[0]["Subject"].startswith("Conferma")
    Subscriber.objects.filter(pk=late.pk).update(confirmation_sent_at=timezone.now() - datetime.timedelta(days=3))
    assert client.get(link(smtp_server.messages[1], "conferma")).context["outcome"] == "expired"
    late.refresh_from_db()
    assert late.status == "pending"


def test_subscription_needs_consent_and_refuses_bots(client, city, smtp_server):
    response = client.post(f"/{city.slug}/eventi/newsletter/", {"email": "anna@example.org", "language": "it"})
    assert "consent" in response.context["form"].errors
    client.post(
        f"/{city.slug}/eventi/newsletter/",
        {"email": "bot@example.org", "language": "it", "consent": "on", "website": "x"},
    )
    assert not Subscriber.objects.exists() and not smtp_server.messages


def active(city, email, *segments):
    subscriber = Subscriber.objects.create(city=city, email=email, status="active", confirmed_at=timezone.now())
    subscriber.segments.set(segments)
    return subscriber


def test_campaign_to_a_segment_with_unsubscribe_headers(client, city, segments, smtp_server):
    anna = active(city, "anna@example.org", segments["fondi"])
    active(city, "bruno@example.org", segments["eventi"])
    campaign = Campaign.objects.create(
        city=city, subject="Bandi aperti", body="Tre bandi per la città.", segment=segments["fondi"]
    )
    counts = newsletter.send_campaign(campaign)
    assert counts["sent"] == 1 and [m["To"] for m in smtp_server.messages] == ["anna@example.org"]
    message = smtp_server.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = "".join(message["List-Unsubscribe"].split()).strip("<>").replace("http://127.0.0.1:8000", "")
    assert client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"}).status_code == 204
    assert client.post(unsubscribe_url, {"List-Unsubscribe": "One-Click"}).status_code == 204  # twice: harmless
    anna.refresh_from_db()
    assert anna.status == "unsubscribed"
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_interrupted_campaign_resumes_without_duplicates(city, segments, smtp_server, monkeypatch):
    for n in range(6):
        active(city, f"p{n}@example.org")
    campaign = Campaign.objects.create(city=city, subject="Notizie", body="…")
    original, calls = EmailMessage.send, {"n": 0}

    def crash_after_three(message, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # the worker is stopped mid-send
        return original(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", crash_after_three)
    with pytest.raises(KeyboardInterrupt):
        newsletter.send_campaign(campaign)
    assert len(smtp_server.messages) == 3
    monkeypatch.setattr(EmailMessage, "send", original)
    counts = newsletter.send_campaign(campaign)
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted(f"p{n}@example.org" for n in range(6))  # each exactly once
    assert counts["sent"] == 6 and Delivery.objects.count() == 6


def test_failed_deliveries_are_retried_alone(city, smtp_server, settings):
    active(city, "anna@example.org")
    campaign = Campaign.objects.create(city=city, subject="Notizie", body="…")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # relay down
    with pytest.raises(OSError):
        newsletter.send_campaign(campaign)
    settings.EMAIL_PORT = port
    counts = newsletter.send_campaign(campaign)
    assert counts["sent"] == 1 and len(smtp_server.messages) == 1


def test_preferences_page_changes_interests(client, city, segments):
    anna = active(city, "anna@example.org", segments["fondi"])
    client.post(
        f"/{city.slug}/eventi/newsletter/preferenze/{anna.token}/",
        {"segments": [segments["eventi"].pk], "language": "en"},
    )
    anna.refresh_from_db()
    assert list(anna.segments.all()) == [segments["eventi"]] and anna.language == "en"


def test_campaign_pages_are_for_plan_owners(client, users, city):
    for role, code in (("viewer", 403), ("owner", 200)):
        client.force_login(users[role])
        assert client.get(f"/{city.slug}/eventi/newsletter/campagne/").status_code == code


def parts(message) -> dict:
    """The decoded text parts of a received message, by content type."""
    return {
        part.get_content_type(): part.get_payload(decode=True).decode(part.get_content_charset())
        for part in message.walk()
        if not part.is_multipart()
    }


def test_new_campaign_pulls_in_plan_news_and_events_and_previews(client, users, city, segments, smtp_server):
    import datetime as dt

    from ponte.factories import ActionFactory
    from ponte.participation.models import Event
    from ponte.plan.models import ActionUpdate

    action = ActionFactory(line__city=city, code="3.2.1", title="Giramondo")
    ActionUpdate.objects.create(city=city, action=action, year=2026, period=2, text="Partiti 40 studenti.")
    Event.objects.create(
        city=city,
        publication="published",
        title="Caffè Europa di dicembre",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )
    Event.objects.create(
        city=city, publication="published", title="Festa passata", starts_at=timezone.now() - dt.timedelta(days=7)
    )
    active(city, "anna@example.org", segments["fondi"])
    client.force_login(users["owner"])
    body = client.get(f"/{city.slug}/eventi/newsletter/campagne/nuova/").context["form"].initial["body"]
    assert "Caffè Europa di dicembre" in body and "Festa passata" not in body
    assert "Giramondo" in body and "Partiti 40 studenti." in body and "/azioni/3.2.1/" in body
    client.post(
        f"/{city.slug}/eventi/newsletter/campagne/nuova/",
        {"subject": "Dicembre", "body": body, "segment": segments["fondi"].pk},
    )
    campaign = Campaign.objects.get()
    page = client.get(f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/")
    html = page.content.decode()
    assert page.context["recipients"] == 1 and "Caffè Europa di dicembre" in html and "disiscrizione" in html
    assert "<h2>Notizie dal piano</h2>" in html and "<strong><a href=" in html  # rendered, not raw Markdown
    assert page.context["unsubscribe_header"].startswith("<http")
    newsletter.send_campaign(campaign)
    received = parts(smtp_server.messages[0])
    assert "**[3.2.1 Giramondo]" in received["text/plain"]  # the Markdown source is the plain version
    assert '<strong><a href="http://127.0.0.1:8000/' in received["text/html"]


def test_campaign_html_keeps_formatting_and_drops_anything_active(city, smtp_server):
    active(city, "anna@example.org")
    body = (
        "Ciao *tutti*\n\n<script>alert(1)</script>\n\n"
        '[sito](javascript:alert(2)) <img src=x onerror="alert(3)"> [bandi](https://example.org/bandi)'
    )
    newsletter.send_campaign(Campaign.objects.create(city=city, subject="Notizie", body=body))
    html = parts(smtp_server.messages[0])["text/html"]
    assert "<em>tutti</em>" in html and '<a href="https://example.org/bandi"' in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_test_send_goes_to_the_address_typed_and_refuses_none(client, city, smtp_server):
    from ponte.core.models import Membership
    from ponte.factories import MembershipFactory

    officer = MembershipFactory(city=city, role=Membership.Role.EVENTS_OFFICER, user__email="").user
    campaign = Campaign.objects.create(city=city, subject="Bandi aperti", body="Tre *bandi*.")
    client.force_login(officer)
    url = f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/"
    assert client.get(url).context["form"].initial["email"] == ""
    refused = client.post(url, {"email": ""})
    assert refused.status_code == 200 and "email" in refused.context["form"].errors
    assert not smtp_server.messages and "Prova inviata a ." not in refused.content.decode()
    sent = client.post(url, {"email": "prova@example.org"}, follow=True)
    assert "prova@example.org" in sent.content.decode()
    assert [m["To"] for m in smtp_server.messages] == ["prova@example.org"]
    # A test says so in its subject, and is no delivery: no delivery header ("1.None" before).
    assert smtp_server.messages[0]["Subject"] == "[PROVA] Bandi aperti"
    assert smtp_server.messages[0]["X-Ponte-Delivery"] is None
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)  # the send is queued on commit
def test_send_asks_for_confirmation_with_the_numbers_then_sends_once(client, users, city, segments, smtp_server):
    active(city, "anna@example.org", segments["fondi"])
    english = active(city, "bob@example.org", segments["fondi"])
    english.language = "en"
    english.save()
    active(city, "carla@example.org", segments["eventi"])
    Subscriber.objects.create(city=city, email="dario@example.org", status="unsubscribed").segments.set(
        [segments["fondi"]]
    )
    campaign = Campaign.objects.create(city=city, subject="Bandi", body="…", segment=segments["fondi"])
    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/invio/"
    confirmation = client.get(url)
    audience = confirmation.context["audience"]
    assert audience.total == 2 and sorted(n for _language, n in audience.by_language) == [1, 1]
    assert not smtp_server.messages and Campaign.objects.get().status == "draft"  # nothing sent by looking
    page = confirmation.content.decode()
    assert "Fondi" in page and "2" in page

    stale = client.post(url, {"expected": "5"})
    assert stale.status_code == 302 and not smtp_server.messages  # the numbers changed: confirm again

    done = client.post(url, {"expected": "2"}, follow=True)
    assert sorted(m["To"] for m in smtp_server.messages) == ["anna@example.org", "bob@example.org"]
    assert done.context["counts"]["sent"] == 2 and done.context["progress"] == 100
    assert Campaign.objects.get().status == "sent"
    client.post(url, {"expected": "0"})  # nothing left to send: nobody mailed twice
    assert len(smtp_server.messages) == 2


def test_campaign_footer_links_read_as_links_and_real_sends_carry_their_delivery(city, smtp_server):
    """In the HTML mail the footer's links are words ("Cambia i tuoi interessi", "Disiscriviti"),
    without the colons of the plain text, where the address follows the label."""
    anna = active(city, "anna@example.org")
    campaign = Campaign.objects.create(city=city, subject="Notizie", body="Testo")
    newsletter.send_campaign(campaign)
    (message,) = smtp_server.messages
    html, text = parts(message)["text/html"], parts(message)["text/plain"]
    assert re.search(r">\s*Cambia i tuoi interessi\s*</a>", html) and re.search(r">\s*Disiscriviti\s*</a>", html)
    assert "interessi:" not in html and "Disiscriviti:" not in html
    assert "Cambia i tuoi interessi: http" in text and "Disiscriviti: http" in text
    assert message["X-Ponte-Delivery"] == f"{campaign.pk}.{anna.pk}"


def test_send_confirmation_agrees_with_the_number(client, users, city, segments):
    """ "Andrà a 1 iscritto interessato a …" / "a 2 iscritti interessati a …": one sentence,
    counted as a whole; those left out are counted in words too."""
    campaign = Campaign.objects.create(city=city, subject="Bandi", body="…", segment=segments["fondi"])
    client.force_login(users["owner"])
    url = f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/invio/"
    active(city, "anna@example.org", segments["fondi"])
    Subscriber.objects.create(city=city, email="dario@example.org", status="unsubscribed").segments.set(
        [segments["fondi"]]
    )
    page = " ".join(client.get(url).content.decode().split())
    assert "Andrà a 1 iscritto interessato a “Fondi”." in page
    assert "Esclusi: 1 disiscritto" in page
    active(city, "bruno@example.org", segments["fondi"])
    page = " ".join(client.get(url).content.decode().split())
    assert "Andrà a 2 iscritti interessati a “Fondi”." in page
    everyone = Campaign.objects.create(city=city, subject="Tutti", body="…")
    page = " ".join(
        client.get(f"/{city.slug}/eventi/newsletter/campagne/{everyone.pk}/invio/").content.decode().split()
    )
    assert "Andrà a 2 iscritti (tutti gli interessi)." in page


def test_preview_wraps_the_plain_text_and_the_desk_statuses_agree_with_domanda(client, users, city):
    campaign = Campaign.objects.create(city=city, subject="Link", body="https://example.org/" + "a" * 200)
    client.force_login(users["owner"])
    page = client.get(f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/").content.decode()
    assert '<pre class="border p-3 ponte-plain-text">' in page  # wrapped (backoffice.css), not cut off
    from ponte.participation.models import Question

    assert [label for _value, label in Question.Status.choices] == ["Nuova", "Assegnata", "Con risposta", "Chiusa"]
