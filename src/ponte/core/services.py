"""Writes shared by every app: the audit actor, follow-up tasks and their reminders, staff
accounts and roles, the directory of organisations and people."""

import datetime
from collections import defaultdict
from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions, uploads
from .models import Attachment, FollowUp, Membership, Organisation, Person

User = get_user_model()


@contextmanager
def acting_as(user):
    """Record `user` as the actor of the audit entries written inside the block.

    django-auditlog's `set_actor` replaces the context its middleware set for the request and
    does not put it back on leaving: whatever the request wrote after the block (a form's
    `save_m2m()`, the many-to-many lists) was recorded with no actor ("sistema"). So the block
    is entered only when the request does not already name this actor, and the previous
    context is restored after it."""
    if user is None or not user.is_authenticated:
        yield
        return
    previous = auditlog_value.get(None)
    if previous is not None and previous.get("actor") == user:
        yield
        return
    try:
        with set_actor(user):
            yield
    finally:
        # set_actor leaves its context behind with its receiver gone: what was there before is
        # put back (nothing, outside a request), or a later block of the same thread acting as
        # the same user (a command's second write) would be taken as already recorded, actorless.
        auditlog_value.set(previous)


def checked_save(instance, *, user, allowed: bool, refusal: str = ""):
    """Validate and save an item the user may change, with the user as the audit actor."""
    if not allowed:
        raise PermissionDenied(refusal or _("You cannot change this item."))
    instance.full_clean()
    with acting_as(user):
        instance.save()
    return instance


def follow_up_add(*, origin, user, title: str, due_date: datetime.date, owner_office=None, owner=None) -> FollowUp:
    """A task that follows from `origin`; its `owner` is a person of the directory or a staff
    account of the city (which stands for its person, created on first use)."""
    if isinstance(owner, User):
        owner = staff_person(city=origin.city, account=owner)
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


def notify_follow_up_owner(task: FollowUp) -> bool:
    """Mail the task's owner that it is theirs (what, from where, by when, and the link to the
    page where it is marked done): once per owner, so saving the task again mails nobody, and
    giving it to someone else tells the new owner. Done tasks and owners with no address are
    skipped. Returns whether a mail was sent."""
    from .mail import mailer

    task = FollowUp.objects.select_related("owner", "city", "content_type").get(pk=task.pk)
    owner = task.owner
    if owner is None or task.notified_owner_id == owner.pk or task.done_date or not owner.email:
        return False
    origin = task.origin
    context = {
        "city": task.city,
        "task": task,
        "origin": origin,
        "origin_kind": task.content_type.name,
        "origin_url": origin.get_absolute_url() if hasattr(origin, "get_absolute_url") else "",
    }
    with mailer() as mail:
        sent = mail.send(to=owner.email, template="core/email/follow_up_assigned", context=context)
    if sent:
        FollowUp.objects.filter(pk=task.pk).update(notified_owner=owner)
    return sent


def staff_person(*, city, account) -> Person:
    """The person of the directory a staff account of `city` stands for (reminders go to its
    e-mail), created from the account the first time it is needed."""
    from django.utils.text import slugify

    person = Person.objects.for_city(city).filter(user=account).first()
    if person is None:
        membership = Membership.objects.for_city(city).filter(user=account).select_related("office").first()
        if membership is None:
            raise ValidationError(_("%(user)s has no role in this city.") % {"user": account})
        base = slugify(account.get_username())[:70] or "persona"
        slug, n = base, 1
        while Person.objects.for_city(city).filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        person = Person.objects.create(
            city=city,
            slug=slug,
            full_name=account.get_full_name() or account.get_username(),
            email=account.email,
            organisation=membership.office,
            user=account,
        )
    return person


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
    uploads.check(file, label=Attachment._meta.get_field("file").verbose_name)
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


# Staff accounts and roles: the city's administrators invite, assign and revoke.


def _require_user_manager(user, city):
    if not permissions.can_manage_users(user, city):
        raise PermissionDenied(_("Only the city's administrators manage staff accounts and roles."))


def _check_role(role: str, office):
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Membership.Role.OFFICE_EDITOR and office is None:
        raise ValidationError({"office": _("An office editor needs the office whose items they edit.")})


def _keeps_an_administrator(membership: Membership):
    """Refuse to leave a city without administrators (nobody could manage its staff any more)."""
    others = Membership.objects.for_city(membership.city).filter(role=Membership.Role.ADMINISTRATOR)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError(
            _("%(user)s is the city's last administrator: name another one first.")
            % {"user": membership.user.get_full_name() or membership.user.email or membership.user.get_username()}
        )


def staff_invite(*, city, user, email: str, role: str, office=None, first_name: str = "", last_name: str = ""):
    """Give `email` a role in `city` and mail a link to choose a password.

    A new account gets an unusable password, so it can sign in only after following the link
    (Django's password-reset token: single use, it expires, it dies when the password changes).
    An existing account (staff of another city) keeps its password and gets the role.
    Returns (membership, mailed)."""
    _require_user_manager(user, city)
    email = User.objects.normalize_email(email.strip()).lower()
    _check_role(role, office)
    with acting_as(user), transaction.atomic():
        account = User.objects.filter(email__iexact=email).order_by("pk").first()
        if account is None:
            account = User(username=email[:150], email=email, first_name=first_name, last_name=last_name)
            account.set_unusable_password()
            account.save()
        elif Membership.objects.for_city(city).filter(user=account).exists():
            raise ValidationError({"email": _("%(email)s already has a role in this city.") % {"email": email}})
        elif not account.is_active:
            account.is_active = True
            account.save(update_fields=["is_active"])
        membership = Membership(city=city, user=account, role=role, office=office)
        membership.full_clean()
        membership.save()
    return membership, staff_invitation_send(membership=membership, user=user)


def staff_invitation_send(*, membership: Membership, user) -> bool:
    """Mail the invitation (again): a link to choose a password, then sign in."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .mail import mailer

    _require_user_manager(user, membership.city)
    account = membership.user
    link = reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    with mailer() as mail:
        return mail.send(
            to=account.email,
            template="core/email/invitation",
            context={
                "membership": membership,
                "city": membership.city,
                "link": link,
                "inviter": user,
                "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
        )


def password_reset_send(*, email: str) -> int:
    """Mail a link to choose a new password to the accounts of `email` that may sign in (a role
    in some city, or a superuser); an invited person who never chose one gets it too. Returns
    how many mails left; the caller says the same whatever the count, so that nobody learns
    from the page whether an address has an account."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .mail import mailer
    from .queries import accounts_with_a_role

    accounts = accounts_with_a_role().filter(email__iexact=email.strip()).exclude(email="")
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    sent = 0
    with mailer() as mail:
        for account in accounts:
            uid, token = urlsafe_base64_encode(force_bytes(account.pk)), default_token_generator.make_token(account)
            link = reverse("password-reset-set", kwargs={"uidb64": uid, "token": token})
            context = {"account": account, "link": link, "days": days}
            sent += mail.send(to=account.email, template="core/email/password_reset", context=context)
    return sent


def staff_role_change(*, membership: Membership, user, role: str, office=None) -> Membership:
    _require_user_manager(user, membership.city)
    _check_role(role, office)
    if membership.role == Membership.Role.ADMINISTRATOR and role != Membership.Role.ADMINISTRATOR:
        _keeps_an_administrator(membership)
    membership.role = role
    membership.office = office
    membership.full_clean()
    with acting_as(user):
        membership.save()
    return membership


def staff_revoke(*, membership: Membership, user) -> Membership:
    """Take the role away; an account left without any city cannot sign in any more."""
    _require_user_manager(user, membership.city)
    if membership.role == Membership.Role.ADMINISTRATOR:
        _keeps_an_administrator(membership)
    account = membership.user
    with acting_as(user), transaction.atomic():
        membership.delete()
        if not account.is_superuser and not account.memberships.exists():
            account.is_active = False
            account.save(update_fields=["is_active"])
    return membership


# Organisations and people of the directory.


def organisation_save(*, organisation: Organisation, user) -> Organisation:
    return checked_save(
        organisation,
        user=user,
        allowed=permissions.can_manage_organisations(user, organisation.city),
        refusal=_("You cannot change the directory of organisations."),
    )


def person_save(*, person: Person, user) -> Person:
    return checked_save(
        person,
        user=user,
        allowed=permissions.can_manage_organisations(user, person.city),
        refusal=_("You cannot change the directory of people."),
    )


# Fields of the kept item that the merged one may fill when they are empty.
MERGE_FILLS = {
    Organisation: [
        "pic",
        "tax_code",
        "name_en",
        "short_name",
        "country",
        "locality",
        "latitude",
        "longitude",
        "website",
        "email",
        "description",
        "source",
    ],
    Person: ["role", "organisation", "email", "phone", "user"],
}


def merge(*, kept, removed, user):
    """Merge two organisations (or two people) of one city: every row that points at `removed`
    points at `kept` instead, `kept` fills its empty fields from `removed`, `removed` is deleted;
    all in one transaction, recorded in `kept`'s history. Returns the number of rows re-pointed."""
    from auditlog.models import LogEntry

    model = type(kept)
    if type(removed) is not model or model not in MERGE_FILLS:
        raise ValidationError(_("Only two organisations or two people can be merged."))
    if not permissions.can_manage_organisations(user, kept.city):
        raise PermissionDenied(_("You cannot change the directory of organisations."))
    if kept.city_id != removed.city_id:
        raise ValidationError(_("Items of two different cities cannot be merged."))
    if kept.pk == removed.pk:
        raise ValidationError(_("Choose two different items to merge."))
    moved = 0
    with acting_as(user), transaction.atomic():
        for relation in model._meta.related_objects:
            moved += _repoint(relation, kept, removed)
        moved += _repoint_generic(kept, removed)
        for name in MERGE_FILLS[model]:
            if getattr(kept, name) in (None, "") and getattr(removed, name) not in (None, ""):
                setattr(kept, name, getattr(removed, name))
        if model is Organisation:
            kept.refresh_from_db(fields=["parent"])
            if kept.parent_id == kept.pk:  # `removed` was the parent of `kept`
                kept.parent_id = removed.parent_id if removed.parent_id != kept.pk else None
        description = str(removed)
        removed.delete()
        kept.full_clean()
        kept.save()
        LogEntry.objects.log_create(
            kept,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            # Not a field: the label is written in the installation's language, as the history shows it.
            changes={_("Merged duplicate"): [description, str(kept)]},
        )
    return moved


def _repoint(relation, kept, removed) -> int:
    """Point the rows of one relation at `kept`; refuse when a uniqueness rule forbids it."""
    from django.db import IntegrityError

    related, name = relation.related_model, relation.field.name
    if relation.many_to_many:
        rows = list(related.objects.filter(**{name: removed}))
        for row in rows:
            getattr(row, name).add(kept)
            getattr(row, name).remove(removed)
        return len(rows)
    rows = related.objects.filter(**{name: removed})
    if relation.one_to_one and rows.exists() and related.objects.filter(**{name: kept}).exists():
        raise ValidationError(
            _("Both are linked to a %(kind)s: merge or remove one of them first.")
            % {"kind": related._meta.verbose_name}
        )
    try:
        with transaction.atomic():
            return rows.update(**{name: kept})
    except IntegrityError:
        raise ValidationError(
            _("Both appear in the same %(kind)s: remove one of the two entries first.")
            % {"kind": related._meta.verbose_name}
        ) from None


def _repoint_generic(kept, removed) -> int:
    """Follow-ups and documents attached to `removed` (generic relations)."""
    content_type = ContentType.objects.get_for_model(kept)
    moved = 0
    for model in (FollowUp, Attachment):
        moved += model.objects.filter(content_type=content_type, object_id=removed.pk).update(object_id=kept.pk)
    return moved
