"""Following a public thing: a citizen leaves an address for an action, a funded project or a
theme of the plan (a macro area, the "aree" the public plan pages are organised by) and is mailed
when it changes in a way the public can see.

Like the newsletter: double opt-in (nothing is mailed before the link sent to the address is
opened, within `CONFIRMATION_VALID`), the consent's text and time recorded, a one-click
unsubscribe link and RFC 8058 headers in every mail. Following again mails the address again and
the page says the same whoever the address is, so nobody learns whether an address follows.

The services where a public change happens (plan: an action's status or dates, a period's
narrative update, a measured indicator value; funding: a project's step or published details)
call the `record_*` functions inside their transaction: one `Change` with one `Notice` per
confirmed follower (one per address: the follower of the thing itself before the follower of its
theme), mailed by the worker after the commit. Each notice is claimed before it is sent
(`send_once`), so it leaves once even when the task runs twice; `resume_stalled_changes`
(`manage.py resume_mail`) queues again what a stopped worker left."""

import datetime
import functools
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tasks import task

from ponte.core.mail import mailer, one_click_unsubscribe, send_once
from ponte.participation.newsletter import CONFIRMATION_VALID, confirm_token, plain_text, unsubscribe_token

from . import public
from .models import Change, Follower, Notice

logger = logging.getLogger(__name__)
Status = Follower.Status

# The URL's word for each kind of followable thing, and the Follower field it fills.
KINDS = {"azione": "action", "progetto": "project", "tema": "macro_area"}
# What a citizen reads on an action's and a project's page: a change to these is mailed.
ACTION_FIELDS = ["title", "status", "progress", "start_date", "end_date", "description"]
PROJECT_FIELDS = [
    "title",
    "acronym",
    "description",
    "start_date",
    "end_date",
    "total_budget",
    "eu_contribution",
    "place",
]
TEXT_FIELDS = {"description"}  # long texts: the mail says they changed and links the page
# How long a change's mails refused by the relay are tried again (`resume_stalled_changes`).
RETRY_FOR = datetime.timedelta(days=2)


def followable(city, kind: str, key: str):
    """The public thing behind a follow URL, or None (a draft is never followable)."""
    if kind == "azione":
        return public.actions(city).filter(code=key).first()
    if kind == "progetto":
        return public.projects(city).filter(pk=key).first() if key.isdigit() else None
    if kind == "tema":
        return public.macro_areas(city).filter(code=key).first()
    return None


def kind_of(thing) -> str:
    field = {"Action": "action", "Project": "project", "MacroArea": "macro_area"}[type(thing).__name__]
    return next(word for word, name in KINDS.items() if name == field)


def key_of(thing) -> str:
    return str(thing.pk) if kind_of(thing) == "progetto" else thing.code


def page_of(thing) -> str:
    if kind_of(thing) == "tema":
        return reverse("portal:macro-area", kwargs={"city": thing.city.slug, "code": thing.code})
    return thing.get_public_url()


def follow(*, city, thing, email: str, language: str, consent_text: str) -> Follower:
    """Record the request and consent and mail the confirmation link; an address that already
    follows the thing is mailed that it does (nothing else changes), so the answer is the same."""
    email = email.strip().lower()
    with transaction.atomic():
        follower, _created = Follower.objects.select_for_update().get_or_create(
            city=city, email=email, **{KINDS[kind_of(thing)]: thing}
        )
        if follower.status != Status.ACTIVE:
            follower.status, follower.language = Status.PENDING, language
            follower.consent_text, follower.consent_at = consent_text, timezone.now()
            follower.save()
    _mail_confirmation(follower)
    return follower


def _mail_confirmation(follower: Follower) -> bool:
    """The link to confirm (or, to an address that follows already, a reminder that it does);
    refused by the relay, it is kept (`confirmation_pending`) for `retry_confirmations`."""
    already = follower.status == Status.ACTIVE
    with mailer(relay_may_be_down=True) as mail, translation.override(follower.language):
        sent = mail.send(
            to=follower.email,
            template="portal/email/follow_already" if already else "portal/email/follow_confirm",
            context={"city": follower.city, "follower": follower, **_links(follower)},
            headers=one_click_unsubscribe(_links(follower)["unsubscribe_url"]) if already else None,
        )
    changes = {"confirmation_pending": not sent} | ({"confirmation_sent_at": timezone.now()} if sent else {})
    Follower.objects.filter(pk=follower.pk).update(**changes)
    follower.confirmation_pending = not sent
    return sent


def retry_confirmations() -> int:
    pending = Follower.objects.filter(confirmation_pending=True).exclude(status=Status.UNSUBSCRIBED)
    return sum(_mail_confirmation(follower) for follower in pending.select_related("city"))


def _links(follower: Follower) -> dict:
    def url(name):
        return settings.SITE_URL + reverse(name, kwargs={"city": follower.city.slug, "token": follower.token})

    return {
        "confirm_url": url("following:confirm"),
        "unsubscribe_url": url("following:unfollow"),
        "page_url": settings.SITE_URL + page_of(follower.followed),
    }


def confirm(*, city, token) -> tuple[Follower | None, str]:
    """("ok" | "already" | "expired" | "unknown"), like the newsletter's confirmation link."""
    return confirm_token(Follower.objects.for_city(city), token)


def unfollow(*, city, token) -> Follower | None:
    return unsubscribe_token(Follower.objects.for_city(city), token)


def forget_unconfirmed() -> int:
    """Delete the requests whose address was never confirmed once their link expired (or, never
    sent, after a week): personal data kept for nothing. How many."""
    now = timezone.now()
    stale = Follower.objects.filter(status=Status.PENDING, confirmed_at__isnull=True).filter(
        Q(confirmation_sent_at__lt=now - CONFIRMATION_VALID)
        | Q(confirmation_sent_at__isnull=True, consent_at__lt=now - datetime.timedelta(days=7))
    )
    return stale.delete()[0]


def follower_counts(city) -> dict:
    """{(field, pk): confirmed followers} of the city's followed things: numbers, never addresses."""
    counts = {}
    active = Follower.objects.for_city(city).filter(status=Status.ACTIVE)
    for field in KINDS.values():
        rows = active.filter(**{f"{field}__isnull": False}).values_list(field).annotate(n=Count("pk")).order_by()
        counts.update({(field, pk): n for pk, n in rows})
    return counts


# Recording the changes (called by the plan's and the funding's services) ---------------------


def _values(instance, fields) -> dict:
    """The fields as JSON values: what a change compares and the mail shows."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value if value is None or isinstance(value, (int, str, bool)) else str(value)


def snapshot(model, pk, fields) -> dict | None:
    """The stored values of a row before a service changes it (None for a new row)."""
    if pk is None:
        return None
    row = model.objects.filter(pk=pk).values(*fields).first()
    return {name: _jsonable(value) for name, value in row.items()} if row else None


def _differences(before: dict | None, instance, fields) -> dict:
    if before is None:
        return {}
    after = _values(instance, fields)
    return {name: [before[name], after[name]] for name in fields if before[name] != after[name]}


def record_action_change(*, action, before: dict | None) -> Change | None:
    """An action's public details changed (status, progress, dates, title, description)."""
    fields = _differences(before, action, ACTION_FIELDS)
    if fields and public.actions(action.city).filter(pk=action.pk).exists():
        return _record(Change.Kind.ACTION, action=action, details={"fields": fields})
    return None


def record_update(*, update) -> Change | None:
    """A period's update written or rewritten on a public action."""
    action = update.action
    if not public.actions(action.city).filter(pk=action.pk).exists():
        return None
    details = {
        "cadence": update.cadence,
        "year": update.year,
        "period": update.period,
        "text": plain_text(update.text)[:1000],
    }
    return _record(Change.Kind.UPDATE, action=action, details=details)


def record_indicator_value(*, value) -> Change | None:
    """A measured value of a public indicator: mailed to the followers of its action, or of its
    theme for an indicator of a macro area or a line."""
    indicator = value.indicator
    if not public.indicators(indicator.city).filter(pk=indicator.pk).exists():
        return None
    details = {"indicator": indicator.pk, "date": value.reference_date.isoformat(), "value": str(value.value)}
    macro_area = indicator.macro_area or (indicator.line.macro_area if indicator.line_id else None)
    if indicator.action_id:
        return _record(Change.Kind.INDICATOR, action=indicator.action, details=details)
    return _record(Change.Kind.INDICATOR, macro_area=macro_area, details=details) if macro_area else None


def record_project_transition(*, transition) -> Change | None:
    project = transition.project
    if not public.projects(project.city).filter(pk=project.pk).exists():
        return None
    details = {"from": transition.from_status, "to": transition.to_status, "date": transition.date.isoformat()}
    return _record(Change.Kind.PROJECT_STATUS, project=project, details=details)


def record_project_change(*, project, before: dict | None) -> Change | None:
    fields = _differences(before, project, PROJECT_FIELDS)
    if fields and public.projects(project.city).filter(pk=project.pk).exists():
        return _record(Change.Kind.PROJECT, project=project, details={"fields": fields})
    return None


def _audience(*, action=None, project=None, macro_area=None) -> list[int]:
    """The confirmed followers to mail, one per address: of the thing itself first, then of its
    theme (the macro area of the action, of the project's actions)."""
    if action is not None:
        themes = [action.line.macro_area_id]
        own = Q(action=action)
    elif project is not None:
        themes = list(project.actions.values_list("line__macro_area", flat=True).distinct())
        own = Q(project=project)
    else:
        themes, own = [], Q(macro_area=macro_area)
    city = (action or project or macro_area).city
    followers = (
        Follower.objects.for_city(city)
        .filter(status=Status.ACTIVE)
        .filter(own | Q(macro_area__in=themes))
        .values_list("pk", "email", "macro_area")
    )
    chosen = {}
    for pk, email, _theme in sorted(followers, key=lambda row: (row[2] is not None, row[0])):
        chosen.setdefault(email, pk)
    return list(chosen.values())


def _record(kind, *, details, **thing) -> Change | None:
    """One change and its notices, queued for the worker once the service's transaction commits;
    nothing at all when nobody follows."""
    audience = _audience(**thing)
    if not audience:
        return None
    city = next(item for item in thing.values() if item is not None).city
    change = Change.objects.create(city=city, kind=kind, details=details, **thing)
    Notice.objects.bulk_create(Notice(city=city, change=change, follower_id=pk) for pk in audience)
    transaction.on_commit(functools.partial(send_change_task.enqueue, change.pk))
    return change


# Sending ---------------------------------------------------------------------------------------


def _stall_cutoff():
    return timezone.now() - datetime.timedelta(minutes=settings.NEWSLETTER_STALL_MINUTES)


def send_change(change: Change) -> dict:
    """Mail the change to each of its followers once. A notice whose follower stopped following
    meanwhile is dropped; one left "sending" by a worker that died may have left: never resent."""
    notices = change.notices.all()
    notices.filter(status=Notice.Status.SENDING, claimed_at__lt=_stall_cutoff()).update(status=Notice.Status.UNKNOWN)
    notices.filter(status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]).exclude(
        follower__status=Status.ACTIVE
    ).delete()
    waiting = notices.filter(status__in=[Notice.Status.QUEUED, Notice.Status.FAILED]).select_related("follower")
    with get_connection() as connection:
        for notice in waiting.iterator():
            send_once(
                Notice.objects,
                notice.pk,
                claimed_from=notice.status,
                send=functools.partial(_message(change, notice.follower, connection).send),
                claimed_at=timezone.now(),
            )
    return dict(notices.values_list("status").annotate(n=Count("pk")).order_by())


def _message(change: Change, follower: Follower, connection) -> EmailMessage:
    links = _links(follower)
    thing = change.action or change.project or change.macro_area
    with translation.override(follower.language):
        context = {
            "city": change.city,
            "follower": follower,
            "thing": thing,
            "thing_url": settings.SITE_URL + page_of(thing),
            "through_theme": follower.macro_area_id is not None and change.macro_area_id is None,
            "lines": describe(change),
            **links,
        }
        subject = " ".join(render_to_string("portal/email/follow_change_subject.txt", context).split())
        body = render_to_string("portal/email/follow_change.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[follower.email],
        connection=connection,
        headers=one_click_unsubscribe(links["unsubscribe_url"]),
    )


def describe(change: Change) -> list[str]:
    """What changed, line by line, in the active language."""
    from django.utils.translation import gettext as _

    from ponte.funding.models import Project
    from ponte.plan.cycles import period_label
    from ponte.plan.models import Action, Indicator

    details = change.details
    if change.kind == Change.Kind.UPDATE:
        # Changes recorded before issue 17 hold a "semester" instead of a cadence and a period.
        number = details.get("period", details.get("semester"))
        period = period_label(details.get("cadence", "semester"), details["year"], number)
        return [_("New narrative update, %(period)s:") % {"period": period}, details["text"]]
    if change.kind == Change.Kind.INDICATOR:
        indicator = Indicator.objects.filter(pk=details["indicator"]).first()
        return [
            _("New measured value of “%(indicator)s” on %(date)s: %(value)s")
            % {
                "indicator": indicator.localized_name if indicator else "—",
                "date": _date(details["date"]),
                "value": details["value"].rstrip("0").rstrip(".") if "." in details["value"] else details["value"],
            }
        ]
    if change.kind == Change.Kind.PROJECT_STATUS:
        return [
            _("Status: %(from)s → %(to)s (%(date)s)")
            % {
                "from": _label(Project, "status", details["from"]),
                "to": _label(Project, "status", details["to"]),
                "date": _date(details["date"]),
            }
        ]
    model = Action if change.kind == Change.Kind.ACTION else Project
    lines = []
    for name, (old, new) in details["fields"].items():
        label = str(model._meta.get_field(name).verbose_name)
        if name in TEXT_FIELDS:
            lines.append(_("%(field)s: updated") % {"field": label.capitalize()})
        else:
            old, new = _label(model, name, old), _label(model, name, new)
            lines.append(f"{label.capitalize()}: {old} → {new}")
    return lines


def _date(iso: str) -> str:
    return date_format(datetime.date.fromisoformat(iso), "DATE_FORMAT")


def _label(model, name: str, value) -> str:
    field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateField":
        return _date(value)
    return str(value)


def resumable_changes():
    """Changes with notices still to send that no worker took for NEWSLETTER_STALL_MINUTES; a
    notice the relay keeps refusing is tried again for `RETRY_FOR`, then left failed."""
    waiting = Notice.objects.filter(
        status__in=[Notice.Status.QUEUED, Notice.Status.FAILED, Notice.Status.SENDING],
        change__created_at__lt=_stall_cutoff(),
        change__created_at__gte=timezone.now() - RETRY_FOR,
    )
    return Change.objects.filter(pk__in=waiting.values("change"))


def resume_stalled_changes() -> list[int]:
    resumed = list(resumable_changes().values_list("pk", flat=True))
    for change_id in resumed:
        transaction.on_commit(functools.partial(send_change_task.enqueue, change_id))
    return resumed


@task()
def send_change_task(change_id: int) -> dict:
    change = Change.objects.select_related("city", "action__city", "project__city", "macro_area__city").get(
        pk=change_id
    )
    return send_change(change)
