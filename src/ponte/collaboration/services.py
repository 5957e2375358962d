"""Writes of the collaboration app. Every part of Ponte tells staff something through `notify`."""

import datetime
import functools

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ponte.core import permissions

from .delivery import choice_of
from .mentions import resolve_mentions
from .models import Comment, EmailChoice, Notification, NotificationPreference

# The author of a comment may delete it this long after writing it (a slip, a wrong mention);
# afterwards the thread stays as its readers read it.
DELETE_WITHIN = datetime.timedelta(minutes=15)
EXCERPT_WORDS = 40


def notify(*, recipient, city, kind: str, title: str, key: str, url: str = "", body: str = "", actor=None):
    """Put a notification in `recipient`'s centre, once per `key` (a repeated event is ignored:
    returns None). Mail follows the recipient's preference (see `ponte.collaboration.delivery`):
    at once for "immediate", queued for the worker once the caller's transaction commits."""
    if recipient is None or not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None  # nobody is told of what they did themselves
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                city=city,
                recipient=recipient,
                kind=kind,
                title=title[:300],
                body=body,
                url=url[:500],
                key=key[:200],
                actor=actor,
            )
    except IntegrityError:
        return None
    if choice_of(recipient) == EmailChoice.IMMEDIATE:
        from .tasks import send_notification_task

        transaction.on_commit(functools.partial(send_notification_task.enqueue, notification.pk))
    return notification


def set_email_choice(*, user, email: str) -> NotificationPreference:
    if email not in EmailChoice.values:
        raise ValidationError({"email": _("Choose one of the options.")})
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})
    return preference


# Comments -------------------------------------------------------------------------------------


def comment_add(*, item, user, text: str) -> Comment:
    """Add `user`'s comment to `item` (an action, a project, an indicator, a meeting of the
    city) and notify each staff member of the city it mentions, once, with a link to it."""
    city = item.city
    if not permissions.can_view(user, city):
        raise PermissionDenied(_("Only the city's staff comment."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    comment = Comment(
        city=city,
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        author=user,
        text=text,
    )
    comment.full_clean()
    comment.save()
    mentioned = resolve_mentions(text, city)
    comment.mentions.set(mentioned)
    url = comment_url(comment, item)
    author = user.get_full_name() or user.get_username()
    for person in mentioned:
        notify(
            recipient=person,
            city=city,
            kind=Notification.Kind.MENTION,
            title=_("%(author)s mentioned you on %(item)s") % {"author": author, "item": item},
            key=f"mention:{comment.pk}",
            url=url,
            body=Truncator(text).words(EXCERPT_WORDS),
            actor=user,
        )
    return comment


def comment_url(comment: Comment, item=None) -> str:
    return f"{(item or comment.item).get_absolute_url()}#commento-{comment.pk}"


def may_delete(user, comment: Comment, now=None) -> bool:
    """The author, within `DELETE_WITHIN` of writing it."""
    now = now or timezone.now()
    return comment.author_id == user.pk and now - comment.created_at <= DELETE_WITHIN


def comment_delete(*, comment: Comment, user) -> None:
    if not may_delete(user, comment):
        raise PermissionDenied(
            _("Only its author deletes a comment, within %(minutes)d minutes of writing it.")
            % {"minutes": DELETE_WITHIN.seconds // 60}
        )
    # The mention it made is taken back too: nobody opens a notification of a deleted comment.
    Notification.objects.filter(key=f"mention:{comment.pk}", kind=Notification.Kind.MENTION).delete()
    comment.delete()


# The notification centre -----------------------------------------------------------------------


def mark_read(*, notification: Notification) -> bool:
    """True when it was unread."""
    return bool(Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now()))


def mark_done(*, city, kind: str, keys) -> int:
    """Mark read, for every recipient, the notifications of `kind` with one of `keys`: what they
    asked is done (a review decided by someone, a returned item resubmitted), so the bell stops
    counting them. Returns how many were unread."""
    keys = list(keys)
    if not keys:
        return 0
    return (
        Notification.objects.for_city(city)
        .filter(kind=kind, key__in=keys, read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def mark_all_read(*, user, city) -> int:
    return (
        Notification.objects.for_city(city).filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    )


# Background jobs --------------------------------------------------------------------------------


def job_finished(*, user, city, what: str, url: str, done: bool, key: str, errors=(), reason: str = ""):
    """Tell the person who started a background job (an import, a workbook upload, a report)
    that it ended, once per job (`key`): done, or failed with its reason (`reason`, or the first
    of the job's `errors`, dicts with a "message"); links to its page."""
    if not done and not reason and errors:
        reason = str(errors[0].get("message", ""))
        if len(errors) > 1:
            reason += " " + _("(and %(count)d more problems: see the page)") % {"count": len(errors) - 1}
    title = (_("%(job)s: done") if done else _("%(job)s: failed")) % {"job": what}
    return notify(
        recipient=user,
        city=city,
        kind=Notification.Kind.JOB_FINISHED,
        title=title,
        key=key,
        url=url,
        body=reason,
    )
