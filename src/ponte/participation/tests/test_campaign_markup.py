"""Issue 14: markup written by an office (a semester update, a campaign's text) never runs in the
campaign preview and never reaches the plain-text part of the mail."""

import pytest
from django.core.cache import cache

from ponte.factories import ActionFactory
from ponte.participation import newsletter
from ponte.participation.models import Campaign, Subscriber
from ponte.plan.models import ActionUpdate

ATTACK = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def no_throttle(settings):
    settings.NEWSLETTER_THROTTLE = 0
    cache.clear()


def text_part(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def test_markup_in_an_update_is_quoted_as_text_by_the_starter_preview_and_mail(client, users, city, smtp_server):
    action = ActionFactory(line__city=city, code="3.2.1", title="Giramondo")
    ActionUpdate.objects.create(
        city=city, action=action, year=2026, period=2, text=f"Partiti 40 studenti. {ATTACK} &lt;b&gt;"
    )
    Subscriber.objects.create(city=city, email="anna@example.org", status="active")
    client.force_login(users["owner"])
    body = client.get(f"/{city.slug}/eventi/newsletter/campagne/nuova/").context["form"].initial["body"]
    assert "Partiti 40 studenti." in body and "<img" not in body and "onerror" not in body
    client.post(f"/{city.slug}/eventi/newsletter/campagne/nuova/", {"subject": "Dicembre", "body": body})
    campaign = Campaign.objects.get()
    page = client.get(f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/").content.decode()
    assert "Partiti 40 studenti." in page and "<img" not in page and "onerror" not in page
    newsletter.send_campaign(campaign)
    text = text_part(smtp_server.messages[0])
    assert "Partiti 40 studenti." in text and "<img" not in text and "<b>" not in text


def test_markup_typed_in_a_campaign_is_escaped_in_the_preview_and_stripped_from_the_plain_text(
    client, users, city, smtp_server
):
    body = f"Ciao *tutti* & a < b\n\n{ATTACK}<script>alert(2)</script>"
    campaign = Campaign.objects.create(city=city, subject="Notizie", body=body)
    Subscriber.objects.create(city=city, email="anna@example.org", status="active")
    client.force_login(users["owner"])
    page = client.get(f"/{city.slug}/eventi/newsletter/campagne/{campaign.pk}/anteprima/").content.decode()
    plain = page.split('class="border p-3 ponte-plain-text">')[1].split("</pre>")[0]
    assert plain.startswith("Ciao *tutti* &amp; a &lt; b") and "alert" not in plain
    assert "onerror" not in page and "<script>alert" not in page  # the formatted part is sanitised
    newsletter.send_campaign(campaign)
    text = text_part(smtp_server.messages[0])
    assert text.startswith("Ciao *tutti* & a < b") and "<img" not in text and "alert" not in text
