"""Notifications by e-mail, as each person chose (`EmailChoice`).

- immediate: one mail per notification, queued for the worker when it is created
  (`send_notification`); a mail the relay refused is tried again by `send_notification_digests`;
- daily / weekly: one digest per person and period (`send_digests`, from cron through
  `manage.py send_notification_digests`) with every notification not mailed yet, grouped by kind;
- never: nothing is mailed; the notifications stay in the centre.

Each notification is mailed at most once: whoever sends it first claims it with a conditional
UPDATE of `emailed_at` (from empty), which only one sender wins; a send the relay refuses gives
it back. A digest's row (unique per person and period) is created before its mail leaves, so a
second run in the same period never sends it again, and one whose mail was refused is sent by
the next run.
"""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ponte.core.locks import held
from ponte.core.mail import mailer

from .models import Digest, EmailChoice, Notification, NotificationPreference

DIGEST_LOCK_SECONDS = 3600


def open_url(notification: Notification) -> str:
    """The notification's address in the centre (it marks it read, then goes to its item)."""
    return settings.SITE_URL + reverse(
        "collaboration:open", kwargs={"city": notification.city.slug, "pk": notification.pk}
    )


def _claim(ids) -> tuple[list[int], datetime.datetime]:
    """Claim the notifications of `ids` nobody has mailed: (the ones this caller won, the mark)."""
    mark = timezone.now()
    waiting = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
    won = []
    for pk in waiting.values_list("pk", flat=True):
        if Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=mark):
            won.append(pk)
    return won, mark


def _give_back(ids, mark) -> None:
    Notification.objects.filter(pk__in=ids, emailed_at=mark).update(emailed_at=None)


def send_notification(notification_id: int, *, mail=None) -> bool:
    """Mail one notification to its recipient who chose "immediate", once; True when it left."""
    notification = Notification.objects.select_related("recipient", "city", "actor").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email or not notification.recipient.is_active:
        return False
    if choice_of(notification.recipient) != EmailChoice.IMMEDIATE:
        return False
    won, mark = _claim([notification.pk])
    if not won:
        return False  # another sender has it
    context = {"notification": notification, "city": notification.city, "open_url": open_url(notification)}
    if mail is not None:
        sent = mail.send(to=notification.recipient.email, template="collaboration/email/notification", context=context)
    else:
        with mailer(relay_may_be_down=True) as opened:
            sent = opened.send(
                to=notification.recipient.email, template="collaboration/email/notification", context=context
            )
    if not sent:
        _give_back(won, mark)
    return sent


def choice_of(user) -> str:
    """How `user` wants their notifications mailed (a daily digest until they choose)."""
    choice = NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    return choice or EmailChoice.DAILY


def period_of(choice: str, today: datetime.date) -> str:
    """The digest period `today` falls in: "daily:2026-12-07" or "weekly:2026-W50"."""
    if choice == EmailChoice.WEEKLY:
        year, week, _day = today.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"daily:{today.isoformat()}"


@dataclass
class DigestRun:
    """What one run sent, and why it sent no more."""

    digests: int = 0
    notifications: int = 0
    immediate: int = 0
    failed: int = 0
    no_address: int = 0
    already_sent: int = 0
    busy: bool = False
    people: list = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.busy:
            return ["another run is sending the digests now: nothing sent by this one"]
        lines = [f"{self.digests} digest(s) sent with {self.notifications} notification(s)"]
        lines += [f"  {person}" for person in self.people]
        if self.immediate:
            lines.append(f"{self.immediate} immediate notification mail(s) sent again after a refusal")
        if self.already_sent:
            lines.append(f"{self.already_sent} person(s) already had this period's digest")
        if self.no_address:
            lines.append(f"{self.no_address} person(s) skipped: no e-mail address")
        if self.failed:
            lines.append(f"{self.failed} mail(s) refused by the relay: tried again on the next run")
        if not (self.digests or self.immediate or self.already_sent or self.no_address or self.failed):
            lines.append("nothing to send: no notification waits for a digest")
        return lines


def waiting_by_person():
    """Notifications not mailed yet of active people, with their recipient's choice."""
    choice = Subquery(NotificationPreference.objects.filter(user=OuterRef("recipient")).values("email")[:1])
    return (
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .annotate(choice=Coalesce(choice, Value(EmailChoice.DAILY)))
        .exclude(choice=EmailChoice.NEVER)
        .select_related("recipient", "city")
        .order_by("recipient_id", "kind", "-created_at", "-pk")
    )


def send_digests(*, today: datetime.date | None = None) -> DigestRun:
    """One digest per person who chose daily or weekly and has notifications not mailed yet, once
    per period; and again, one by one, the immediate mails the relay refused earlier."""
    today = today or timezone.localdate()
    run = DigestRun()
    with held("notification-digests", seconds=DIGEST_LOCK_SECONDS) as mine:
        if not mine:
            run.busy = True
            return run
        waiting = list(waiting_by_person())
        with mailer(relay_may_be_down=True) as mail:
            for _recipient, rows in groupby(waiting, key=lambda n: n.recipient_id):
                rows = list(rows)
                person, choice = rows[0].recipient, rows[0].choice
                if not person.email:
                    run.no_address += 1
                elif choice == EmailChoice.IMMEDIATE:
                    for notification in rows:
                        if send_notification(notification.pk, mail=mail):
                            run.immediate += 1
                        else:
                            run.failed += 1
                else:
                    _digest(mail, person, choice, rows, today, run)
    return run


def _digest(mail, person, choice, rows, today, run) -> None:
    period = period_of(choice, today)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=person, period=period)
    except IntegrityError:
        digest = Digest.objects.get(user=person, period=period)
        if digest.sent_at is not None:
            run.already_sent += 1
            return
        # Its mail was refused on an earlier run of this period: sent now.
    won, mark = _claim([notification.pk for notification in rows])
    if not won:
        return
    notifications = [notification for notification in rows if notification.pk in set(won)]
    groups = [
        (notifications_of_kind[0].get_kind_display(), notifications_of_kind)
        for _kind, group in groupby(notifications, key=lambda n: n.kind)
        for notifications_of_kind in [[_with_link(n) for n in group]]
    ]
    context = {"person": person, "groups": groups, "count": len(notifications), "weekly": choice == EmailChoice.WEEKLY}
    if mail.send(to=person.email, template="collaboration/email/digest", context=context):
        Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now(), count=len(notifications))
        run.digests += 1
        run.notifications += len(notifications)
        run.people.append(f"{person.get_username()} <{person.email}>: {len(notifications)} ({period})")
    else:
        _give_back(won, mark)
        run.failed += 1


def _with_link(notification):
    notification.open_url = open_url(notification)
    return notification
