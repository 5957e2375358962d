"""Notifications by e-mail (issue 17): immediate mails claimed once, one digest per person and
period (never twice), nothing for "never", refused mails tried again, people without address."""

import datetime
import threading
from email.header import decode_header, make_header
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections

from ponte.collaboration.delivery import send_notification
from ponte.collaboration.models import Digest, Notification
from ponte.collaboration.services import notify, set_email_choice
from ponte.factories import MembershipFactory

MONDAY = datetime.date(2026, 12, 7)


def subject(mail) -> str:
    return str(make_header(decode_header(mail["Subject"])))


def staff(city, username, choice=None, **fields):
    user = MembershipFactory(city=city, user__username=username, **{f"user__{k}": v for k, v in fields.items()}).user
    if choice:
        set_email_choice(user=user, email=choice)
    return user


def tell(person, city, key, kind="update_due", title=None):
    return notify(recipient=person, city=city, kind=kind, title=title or f"Avviso {key}", key=key, url="/x/")


def digests(today=MONDAY) -> str:
    """Run the cron command for `today` and return what it printed."""
    out = StringIO()
    call_command("send_notification_digests", f"--date={today.isoformat()}", stdout=out)
    return out.getvalue()


def test_one_daily_digest_per_person_grouped_by_kind_and_never_twice(city, smtp_server):
    anna, ugo = staff(city, "anna"), staff(city, "ugo", "daily")
    tell(anna, city, "a1", title="Aggiornamento dell'azione 1.1.1 in scadenza")
    tell(anna, city, "a2", kind="mention", title="Marco ti ha menzionato")
    tell(anna, city, "a3")
    tell(ugo, city, "u1")

    output = digests()

    assert "2 digest(s) sent with 4 notification(s)" in output
    assert sorted(m["To"] for m in smtp_server.messages) == ["anna@example.org", "ugo@example.org"]
    mail = next(m for m in smtp_server.messages if m["To"] == "anna@example.org")
    assert subject(mail) == "Ponte: la tua giornata, 3 notifiche"
    body = mail.get_payload(decode=True).decode()
    assert "MENZIONE" in body and "AGGIORNAMENTO IN SCADENZA" in body
    assert "Aggiornamento dell'azione 1.1.1 in scadenza" in body  # not escaped: plain text
    first = Notification.objects.get(key="a1")
    assert (
        f"http://testserver/{city.slug}/gestione/notifiche/{first.pk}/" in body
        or f"/{city.slug}/gestione/notifiche/{first.pk}/" in body
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    again = digests()
    assert len(smtp_server.messages) == 2
    assert "0 digest(s) sent" in again and "nothing to send" in again

    tell(anna, city, "a4")  # later the same day: waits for tomorrow's digest
    assert "1 person(s) already had this period's digest" in digests()
    assert len(smtp_server.messages) == 2
    digests(MONDAY + datetime.timedelta(days=1))
    assert len(smtp_server.messages) == 3
    assert Digest.objects.filter(user=anna).count() == 2


def test_a_weekly_digest_once_a_week(city, smtp_server):
    paola = staff(city, "paola", "weekly")
    tell(paola, city, "p1")
    digests(MONDAY)
    tell(paola, city, "p2")
    digests(MONDAY + datetime.timedelta(days=3))  # same ISO week
    assert len(smtp_server.messages) == 1
    assert subject(smtp_server.messages[0]) == "Ponte: la tua settimana, 1 notifica"
    digests(MONDAY + datetime.timedelta(days=7))
    assert len(smtp_server.messages) == 2
    assert list(Digest.objects.values_list("period", flat=True).order_by("period")) == [
        "weekly:2026-W50",
        "weekly:2026-W51",
    ]


def test_never_mails_nothing_and_no_address_is_skipped_and_counted(city, smtp_server):
    tell(staff(city, "muto", "never"), city, "m1")
    tell(staff(city, "senza", "daily", email=""), city, "s1")
    output = digests()
    assert smtp_server.messages == []
    assert "1 person(s) skipped: no e-mail address" in output
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2  # still in their centre


def test_a_digest_the_relay_refused_is_sent_by_the_next_run(city, smtp_server, settings):
    anna = staff(city, "anna")
    tell(anna, city, "a1")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens: the relay is down
    output = digests()
    assert "1 mail(s) refused by the relay" in output
    assert Digest.objects.get().sent_at is None
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_PORT = port
    assert "1 digest(s) sent with 1 notification(s)" in digests()
    assert len(smtp_server.messages) == 1 and Digest.objects.get().sent_at is not None


def test_immediate_mails_each_notification_once_after_the_commit(city, smtp_server, django_capture_on_commit_callbacks):
    anna = staff(city, "anna", "immediate", first_name="Anna")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(
            recipient=anna,
            city=city,
            kind="mention",
            title="Marco ti ha menzionato in 1.1.1",
            key="m",
            url="/x/",
            body="@anna guarda",
        )
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert subject(mail) == f"Ponte · {city.name}: Marco ti ha menzionato in 1.1.1"
    assert f"/{city.slug}/gestione/notifiche/{notification.pk}/" in mail.get_payload(decode=True).decode()
    assert send_notification(notification.pk) is False  # claimed already
    assert "0 digest(s) sent" in digests() and len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_an_immediate_mail_is_claimed_once_by_two_senders_at_the_same_moment(city, smtp_server):
    if connection.vendor != "postgresql":
        # The test database on SQLite is shared in-memory: a second writer gets "table is locked"
        # at once instead of waiting, so the race is only meaningful on PostgreSQL.
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole database)")
    anna = staff(city, "anna", "immediate")
    notification = tell(anna, city, "once")  # no commit hook here: the two senders below are the only ones
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
    smtp_server.messages.clear()
    barrier, outcomes = threading.Barrier(2), []

    def sender():
        barrier.wait()
        try:
            outcomes.append(send_notification(notification.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert len(smtp_server.messages) == 1


def test_an_immediate_mail_the_relay_refused_goes_with_the_next_run(
    city, smtp_server, settings, django_capture_on_commit_callbacks
):
    anna = staff(city, "anna", "immediate")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1
    with django_capture_on_commit_callbacks(execute=True):
        tell(anna, city, "a1")
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_PORT = port
    output = digests()
    assert "1 immediate notification mail(s) sent again" in output
    assert len(smtp_server.messages) == 1 and not Digest.objects.exists()
