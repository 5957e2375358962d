"""Bounces of the newsletter, read back from the return mailbox with `manage.py process_bounces`."""

import mailbox

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ponte.participation import newsletter
from ponte.participation.models import Campaign, Delivery, Subscriber

DSN = """From: MAILER-DAEMON@mx.example.org
To: newsletter@comune.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Tue, 24 Nov 2026 10:00:00 +0100

Final-Recipient: rfc822; {recipient}
Action: failed
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--BOUNDARY
Content-Type: text/rfc822-headers

{headers}
--BOUNDARY--
"""

AUTO_REPLY = """From: anna@example.org
To: newsletter@comune.example
Subject: Fuori ufficio

Sono in ferie fino al 2 dicembre.
"""


def subscriber(city, email):
    return Subscriber.objects.create(city=city, email=email, status="active", confirmed_at=timezone.now())


def bounce_of(received, status="5.1.1", diagnostic="550 5.1.1 <anna@example.org>: user unknown"):
    headers = "".join(f"{name}: {value}\n" for name, value in received.items())
    return DSN.format(recipient=received["To"], status=status, diagnostic=diagnostic, headers=headers)


@pytest.fixture
def sent(city, smtp_server):
    anna, bruno = subscriber(city, "anna@example.org"), subscriber(city, "bruno@example.org")
    campaign = Campaign.objects.create(city=city, subject="Notizie", body="Tre bandi.")
    newsletter.send_campaign(campaign)
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    return campaign, anna, bruno, by_recipient


def test_permanent_bounce_stops_mailing_the_address(tmp_path, client, users, city, sent, smtp_server, capsys):
    campaign, anna, bruno, received = sent
    box = mailbox.Maildir(tmp_path / "bounces")
    box.add(bounce_of(received["anna@example.org"]))
    box.add(AUTO_REPLY)
    call_command("process_bounces", str(tmp_path / "bounces"), city=city.slug)
    assert (
        "1 bounce(s) recorded, 0 for unknown recipients, 1 message(s) that are not bounces" in capsys.readouterr().out
    )
    statuses = dict(campaign.deliveries.values_list("subscriber__email", "status"))
    assert statuses == {"anna@example.org": "bounced", "bruno@example.org": "sent"}
    assert "user unknown" in Delivery.objects.get(subscriber=anna).error
    anna.refresh_from_db()
    assert anna.status == "bounced"

    call_command("process_bounces", str(tmp_path / "bounces"), city=city.slug)  # the same mailbox again
    assert Delivery.objects.filter(status="bounced").count() == 1
    client.force_login(users["owner"])
    listed = client.get(f"/{city.slug}/eventi/newsletter/campagne/").context["object_list"].get()
    assert (listed.sent, listed.failed, listed.bounced, listed.total) == (1, 0, 1, 2)

    smtp_server.messages.clear()
    newsletter.send_campaign(Campaign.objects.create(city=city, subject="Dicembre", body="Eventi."))
    assert [message["To"] for message in smtp_server.messages] == ["bruno@example.org"]


def test_temporary_bounce_marks_the_delivery_and_keeps_the_subscriber(tmp_path, city, sent):
    campaign, anna, bruno, received = sent
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(bounce_of(received["bruno@example.org"], status="4.2.2", diagnostic="452 4.2.2 mailbox full"))
    box.flush()
    call_command("process_bounces", str(tmp_path / "bounces.mbox"), city=city.slug)
    delivery = Delivery.objects.get(subscriber=bruno)
    assert delivery.status == "bounced" and delivery.error == "4.2.2 452 4.2.2 mailbox full"
    bruno.refresh_from_db()
    assert bruno.status == "active"


def test_the_returned_header_picks_the_campaign_that_bounced(tmp_path, city, sent, smtp_server):
    first, anna, bruno, received = sent
    newsletter.send_campaign(Campaign.objects.create(city=city, subject="Dicembre", body="Eventi."))
    box = mailbox.Maildir(tmp_path / "bounces")
    box.add(bounce_of(received["anna@example.org"]))  # the bounce of the first campaign, arriving late
    call_command("process_bounces", str(tmp_path / "bounces"), city=city.slug)
    bounced = Delivery.objects.get(status="bounced")
    assert bounced.campaign == first and bounced.subscriber == anna


def test_bounces_for_strangers_are_reported_and_bad_arguments_refused(tmp_path, city, sent, capsys):
    campaign, anna, bruno, received = sent
    box = mailbox.Maildir(tmp_path / "bounces")
    box.add(DSN.format(recipient="nessuno@example.org", status="5.1.1", diagnostic="550 unknown", headers="X: y"))
    call_command("process_bounces", str(tmp_path / "bounces"), city=city.slug)
    output = capsys.readouterr()
    assert "0 bounce(s) recorded, 1 for unknown recipients" in output.out
    assert "nessuno@example.org received no campaign" in output.err
    assert not Delivery.objects.filter(status="bounced").exists()
    with pytest.raises(CommandError, match="neither a Maildir directory nor an mbox file"):
        call_command("process_bounces", str(tmp_path / "missing"), city=city.slug)
    with pytest.raises(CommandError, match="no city with slug 'atlantide'"):
        call_command("process_bounces", str(tmp_path / "bounces"), city="atlantide")
