"""Writes shared by every app: the audit actor, follow-up tasks and their reminders."""

import datetime
from collections import defaultdict
from contextlib import nullcontext

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import Attachment, FollowUp


def acting_as(user):
    """Record `user` as the actor of the audit entries written inside the block."""
    return set_actor(user) if user is not None and user.is_authenticated else nullcontext()


def checked_save(instance, *, user, allowed: bool, refusal: str = ""):
    """Validate and save an item the user may change, with the user as the audit actor."""
    if not allowed:
        raise PermissionDenied(refusal or _("You cannot change this item."))
    instance.full_clean()
    with acting_as(user):
        instance.save()
    return instance


def follow_up_add(*, origin, user, title: str, due_date: datetime.date, owner_office=None, owner=None) -> FollowUp:
    task = FollowUp(
        city=origin.city,
        content_type=ContentType.objects.get_for_model(origin),
        object_id=origin.pk,
        title=title,
        due_date=due_date,
        owner_office=owner_office,
        owner=owner,
    )
    task.full_clean()
    with acting_as(user):
        task.save()
    return task


def follow_up_done(*, task: FollowUp, user, date: datetime.date | None = None) -> FollowUp:
    if not permissions.can_close_follow_up(user, task):
        raise PermissionDenied(_("This task belongs to another chapter of the plan."))
    task.done_date = date or timezone.localdate()
    with acting_as(user):
        task.save()
    return task


def send_follow_up_reminders(*, city, today: datetime.date | None = None) -> int:
    """Mail the owners of overdue follow-ups (the person, else the office's editors, else the plan
    owners), once per task; returns the mails sent."""
    from .mail import mailer, staff_addresses

    today = today or timezone.localdate()
    overdue = list(
        FollowUp.objects.for_city(city)
        .filter(done_date__isnull=True, reminded_at__isnull=True, due_date__lt=today)
        .select_related("owner", "content_type")
        .prefetch_related("origin")
    )
    editors, owners = staff_addresses(city)
    by_address = defaultdict(list)
    for task in overdue:
        addresses = (
            {task.owner.email} if task.owner and task.owner.email else editors.get(task.owner_office_id) or owners
        )
        for address in addresses:
            by_address[address].append(task)
    sent, reminded = 0, set()
    with mailer() as mail:
        for address, tasks in sorted(by_address.items()):
            if mail.send(to=address, template="core/email/follow_up", context={"city": city, "tasks": tasks}):
                sent += 1
                reminded.update(task.pk for task in tasks)
    FollowUp.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return sent


def attachment_add(*, item, user, title: str, file) -> Attachment:
    attachment = Attachment(
        city=item.city,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        title=title,
        file=file,
        uploaded_by=user if user.is_authenticated else None,
    )
    with acting_as(user):
        attachment.save()
    return attachment
