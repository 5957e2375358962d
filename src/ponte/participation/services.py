"""Registrations: seats are counted under a lock on the event row, so the last seat is never
given twice; cancelling promotes the first person on the waiting list. Every step is harmless
to repeat (registering, cancelling twice)."""

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
    Registration.objects.filter(pk=registration.pk).update(mail_pending=registration.mail_pending)
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
    for registration in pending.select_related("event__city"):
        sent += _mail(registration, registration.mail_pending)
    return sent + retry_confirmations()


@task()
def retry_unsent_mail_task() -> int:
    return retry_unsent_mail()


def register(*, event: Event, name: str, email: str, answers: dict | None = None) -> Registration:
    email = email.strip().lower()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not locked.registration_open:
            raise ValidationError(_("Registration for this event is closed."))
        existing = Registration.objects.filter(event=locked, email=email).first()
        if existing and existing.status != Status.CANCELLED:
            return existing  # registering twice changes nothing
        taken = Registration.objects.filter(event=locked, status=Status.CONFIRMED).count()
        if locked.capacity is None or taken < locked.capacity:
            status = Status.CONFIRMED
        elif locked.waiting_list:
            status = Status.WAITLISTED
        else:
            raise EventFull(_("The event is full."))
        registration = existing or Registration(city=locked.city, event=locked, email=email)
        registration.name, registration.answers, registration.status = name.strip(), answers or {}, status
        registration.token = uuid.uuid4()
        registration.save()
    transaction.on_commit(lambda: _mail(registration, "registered"))
    return registration


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
