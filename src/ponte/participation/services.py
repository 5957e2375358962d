"""Registrations: seats are counted under a lock on the event row, so the last seat is never
given twice; cancelling promotes the first person on the waiting list. Every step is harmless
to repeat (registering, confirming, cancelling twice).

A registration from the public form first proves its address: it is saved `UNVERIFIED`, holds
no place and counts nowhere; the link mailed to the address (`confirm_address`) takes the place
then, or a place on the waiting list if the event filled up meanwhile. The link works for
`VERIFICATION_VALID`; later the registration is ignored, and `forget_unconfirmed` (run by
`manage.py resume_mail`) deletes it."""

import datetime
import uuid

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ponte.core.mail import mailer

from .models import Event, Registration

Status = Registration.Status
VERIFICATION_VALID = datetime.timedelta(hours=48)
VERIFICATION_MAIL = "confirm_registration"


class EventFull(ValidationError):
    pass


MAIL_RETRY_AFTER = datetime.timedelta(minutes=10)


def _mail(registration, template) -> bool:
    """Mail a registrant; a refused mail is kept on the registration (`mail_pending`) and sent
    again by the worker (`retry_unsent_mail`), and the person is told so on the page."""
    event = registration.event
    with mailer(relay_may_be_down=True) as mail:
        sent = mail.send(
            to=registration.email,
            template=f"participation/email/{template}",
            context={"registration": registration, "event": event, "city": event.city},
        )
    registration.mail_pending = "" if sent else template
    changes = {"mail_pending": registration.mail_pending}
    if sent and template == VERIFICATION_MAIL:
        # The link's hours start when it is really sent, also when the relay refused it first.
        registration.verification_sent_at = changes["verification_sent_at"] = timezone.now()
    Registration.objects.filter(pk=registration.pk).update(**changes)
    if not sent:
        retry_unsent_mail_later()
    return sent


def retry_unsent_mail_later() -> None:
    """Ask the worker to try the refused mails again in a while, once however many were refused
    (`manage.py resume_mail` from cron does it too, and with a queue that cannot wait)."""
    if not retry_unsent_mail_task.get_backend().supports_defer:
        return
    if cache.add("ponte:participation:mail-retry", 1, int(MAIL_RETRY_AFTER.total_seconds())):
        retry_unsent_mail_task.using(run_after=timezone.now() + MAIL_RETRY_AFTER).enqueue()


def retry_unsent_mail() -> int:
    """Send again the registration and subscription mails the relay refused; how many went."""
    from .newsletter import retry_confirmations

    sent = 0
    pending = Registration.objects.exclude(mail_pending="").exclude(status=Status.CANCELLED)
    pending = pending.exclude(status=Status.UNVERIFIED, created_at__lt=timezone.now() - VERIFICATION_VALID)
    for registration in pending.select_related("event__city"):
        sent += _mail(registration, registration.mail_pending)
    return sent + retry_confirmations()


@task()
def retry_unsent_mail_task() -> int:
    return retry_unsent_mail()


def register(
    *, event: Event, name: str, email: str, answers: dict | None = None, email_verified: bool = False
) -> Registration:
    """Register `email` for `event`.

    By default the address is not proved yet: the registration waits for the person to open the
    link mailed to it (`confirm_address`) and holds no place meanwhile. Registering again with the
    same address mails again what that address needs (the link, or the confirmation of the place
    it already has) and changes nothing else, so the page says the same whoever the address is.

    `email_verified=True` is for a sign-in that has proved the address already (SPID/CIE): the
    place is taken at once, confirmed or on the waiting list (`EventFull` when neither is left),
    and registering twice changes nothing.
    """
    email = email.strip().lower()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not locked.registration_open:
            raise ValidationError(_("Registration for this event is closed."))
        existing = Registration.objects.filter(event=locked, email=email).first()
        if existing and existing.status in (Status.CONFIRMED, Status.WAITLISTED):
            if not email_verified:
                transaction.on_commit(lambda: _mail(existing, "registered"))
            return existing  # registering twice changes nothing
        if email_verified:
            status = _free_place(locked)
        else:
            _free_place(locked)  # a full event without a waiting list says so before any mail
            status = Status.UNVERIFIED
        registration = existing or Registration(city=locked.city, event=locked, email=email)
        link_still_valid = registration.status == Status.UNVERIFIED and not verification_expired(registration)
        registration.name, registration.answers, registration.status = name.strip(), answers or {}, status
        if not link_still_valid:
            registration.token, registration.verification_sent_at = uuid.uuid4(), None
        if registration.pk and status != Status.UNVERIFIED:
            registration.created_at = timezone.now()  # the waiting list goes by when the place was taken
        registration.save()
    transaction.on_commit(lambda: _mail(registration, "registered" if email_verified else VERIFICATION_MAIL))
    return registration


def _free_place(locked: Event) -> str:
    """The status a new place takes at the event (its row locked by the caller)."""
    taken = Registration.objects.filter(event=locked, status=Status.CONFIRMED).count()
    if locked.capacity is None or taken < locked.capacity:
        return Status.CONFIRMED
    if locked.waiting_list:
        return Status.WAITLISTED
    raise EventFull(_("The event is full."))


def verification_expired(registration: Registration) -> bool:
    sent_at = registration.verification_sent_at
    return sent_at is not None and timezone.now() - sent_at > VERIFICATION_VALID


def confirm_address(*, city, token) -> tuple[Registration | None, str]:
    """The link mailed to a new registration, opened: the place is taken now, confirmed or on the
    waiting list. Outcome "ok", "already" (opened before: single use), "expired", "closed",
    "full" (neither a place nor a waiting list left: the registration keeps waiting, the link
    works again if a place frees up within its hours) or "unknown"; only under its own city."""
    with transaction.atomic():
        registration = Registration.objects.for_city(city).select_related("event").filter(token=token).first()
        if registration is None:
            return None, "unknown"
        locked = Event.objects.select_for_update().get(pk=registration.event_id)
        registration.refresh_from_db(fields=["status", "verification_sent_at"])
        if registration.status in (Status.CONFIRMED, Status.WAITLISTED):
            return registration, "already"
        if registration.status != Status.UNVERIFIED or verification_expired(registration):
            return registration, "expired"
        if not locked.registration_open:
            return registration, "closed"
        try:
            registration.status = _free_place(locked)
        except EventFull:
            return registration, "full"
        registration.created_at = timezone.now()  # the waiting list goes by when the place was taken
        registration.save(update_fields=["status", "created_at"])
    transaction.on_commit(lambda: _mail(registration, "registered"))
    return registration, "ok"


def forget_unconfirmed() -> int:
    """Delete the registrations whose address was never proved, once their link has expired
    (or, never sent, after a week): personal data kept for nothing. How many."""
    now = timezone.now()
    stale = Registration.objects.filter(status=Status.UNVERIFIED).filter(
        Q(verification_sent_at__lt=now - VERIFICATION_VALID)
        | Q(verification_sent_at__isnull=True, created_at__lt=now - datetime.timedelta(days=7))
    )
    return stale.delete()[0]


def cancel(*, city, token) -> Registration | None:
    """Cancel by the link in the confirmation mail (only under its own city's address); a freed
    seat goes to the waiting list."""
    with transaction.atomic():
        registration = Registration.objects.for_city(city).select_related("event").filter(token=token).first()
        if registration is None or registration.status == Status.CANCELLED:
            return registration
        Event.objects.select_for_update().get(pk=registration.event_id)
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.save(update_fields=["status"])
        promoted = None
        if was_confirmed:
            promoted = (
                Registration.objects.select_for_update()
                .filter(event_id=registration.event_id, status=Status.WAITLISTED)
                .order_by("created_at", "pk")
                .first()
            )
            if promoted:
                promoted.status, promoted.promoted_at = Status.CONFIRMED, timezone.now()
                promoted.save(update_fields=["status", "promoted_at"])
    if promoted:
        transaction.on_commit(lambda: _mail(promoted, "promoted"))
    return registration


def waiting_position(registration: Registration) -> int:
    """1 for the first person on the waiting list, who gets the next freed seat."""
    ahead = Registration.objects.filter(event_id=registration.event_id, status=Status.WAITLISTED).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def check_in(*, registration: Registration, attended: bool = True) -> Registration:
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


def event_save(*, event: Event, user) -> Event:
    from ponte.core import permissions
    from ponte.core.services import checked_save

    return checked_save(event, user=user, allowed=permissions.can_manage_events(user, event.city))


def campaign_save(*, campaign, user):
    from ponte.core import permissions
    from ponte.core.services import checked_save

    return checked_save(campaign, user=user, allowed=permissions.can_manage_events(user, campaign.city))
