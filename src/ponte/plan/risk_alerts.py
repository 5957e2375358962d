"""The alert of issue 17: an action that is behind (its computed RAG, `ponte.plan.schedule`) and
that nobody is mitigating — no open risk of its register has an open mitigation (a follow-up not
done yet) — is flagged on the staff's home, on its page, and once a week to the people who answer
for it (`send_risk_alerts`, run daily by `manage.py check_risk_alerts`)."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from ponte.core import permissions
from ponte.core.locks import REMINDER_LOCK_SECONDS, held
from ponte.core.menu import Panel, Row
from ponte.core.models import Membership, Risk
from ponte.core.risks import open_mitigation

from . import schedule
from .models import Action


def mitigated():
    """`Exists` of an open risk with an open mitigation, for the action of the outer query."""
    return Exists(
        Risk.objects.filter(
            content_type=ContentType.objects.get_for_model(Action),
            object_id=OuterRef("pk"),
            status=Risk.Status.OPEN,
        ).filter(open_mitigation())
    )


def behind_without_mitigation(actions, today: datetime.date):
    """The actions of `actions` (a queryset) that are behind and that nobody is mitigating."""
    unmitigated = actions.exclude(status=Action.Status.COMPLETED).filter(~mitigated())
    return schedule.filter_by_rag(unmitigated, today, schedule.Rag.BEHIND)


def is_flagged(action, today: datetime.date) -> bool:
    """Whether `action` is behind with no open mitigation (its page's alert)."""
    if action.status == Action.Status.COMPLETED or schedule.rag(action, today) != schedule.Rag.BEHIND:
        return False
    return not Action.objects.filter(pk=action.pk).filter(mitigated()).exists()


def week_of(today: datetime.date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def recipients(action, owners: list, editors: dict) -> list:
    """The action's responsible person's account, or else its office's editors; and the plan
    owners."""
    people = []
    responsible = action.responsible
    if responsible is not None and responsible.user is not None and responsible.user.is_active:
        people.append(responsible.user)
    else:
        people += editors.get(action.owner_office_id, [])
    people += owners
    return list({user.pk: user for user in people}.values())


def send_risk_alerts(*, city, today: datetime.date | None = None) -> tuple[int, int]:
    """Notify (kind RISK_ALERT) the people who answer for each action that is behind without an
    open mitigation, at most once per action and ISO week. Returns (actions flagged,
    notifications created)."""
    from ponte.collaboration.models import Notification
    from ponte.collaboration.services import notify

    today = today or timezone.localdate()
    flagged = list(
        behind_without_mitigation(Action.objects.for_city(city).with_tree(), today).select_related(
            "responsible__user", "city"
        )
    )
    if not flagged:
        return 0, 0
    assessments = schedule.assess_actions(flagged, today)
    staff = Membership.objects.for_city(city).filter(
        user__is_active=True, role__in=[Membership.Role.PLAN_OWNER, Membership.Role.OFFICE_EDITOR]
    )
    owners, editors = [], {}
    for membership in staff.select_related("user"):
        if membership.role == Membership.Role.PLAN_OWNER:
            owners.append(membership.user)
        else:
            editors.setdefault(membership.office_id, []).append(membership.user)
    week, created = week_of(today), 0
    with translation.override(settings.LANGUAGE_CODE):
        for action in flagged:
            title = gettext("%(action)s is behind and nobody is mitigating it") % {"action": action}
            body = gettext(
                "Computed status: behind (%(reason)s). Record its risks and a mitigation with an owner "
                "and a due date, or update its progress."
            ) % {"reason": assessments[action.pk].reason}
            for user in recipients(action, owners, editors):
                sent = notify(
                    recipient=user,
                    city=city,
                    kind=Notification.Kind.RISK_ALERT,
                    title=title,
                    body=body,
                    url=f"{action.get_absolute_url()}#rischi",
                    key=f"risk-alert:{action.pk}:{week}",
                )
                created += sent is not None
    return len(flagged), created


@task()
def check_risk_alerts_task(city_slug: str) -> str:
    from ponte.core.models import City

    with held(f"risk-alerts:{city_slug}", seconds=REMINDER_LOCK_SECONDS) as mine:
        if not mine:
            return "another run holds the lock"
        flagged, created = send_risk_alerts(city=City.objects.get(slug=city_slug))
        return f"{flagged} action(s) behind without mitigation, {created} notification(s) created"


# The staff's home (see `ponte.core.menu`).


def behind_without_mitigation_panel(request, city, *, shown: int = 8) -> Panel | None:
    """ "In ritardo senza mitigazione": for whoever edits the plan (an office editor, their office's
    actions)."""
    if not permissions.can_edit_plan_items(request.user, city):
        return None
    actions = Action.objects.for_city(city).with_tree()
    if permissions.role(request.user, city) == permissions.Role.OFFICE_EDITOR:
        actions = actions.owned_by(request.user)
    flagged = behind_without_mitigation(actions, timezone.localdate())
    rows = [
        Row(f"{a.code} {a.title}", a.get_absolute_url(), gettext("behind"), alert=gettext("no mitigation"))
        for a in flagged[:shown]
    ]
    return Panel(
        gettext("Behind without mitigation"),
        rows,
        reverse("core:risk-list", kwargs={"city": city.slug}),
        gettext("Risk register"),
        gettext("No action is behind without a mitigation."),
        count=flagged.count(),
        order=15,
    )
