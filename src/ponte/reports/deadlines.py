"""Deadlines in one place (issue 17): every dated thing someone must do, for the dashboard of a
city and for one person (their page "My deadlines", their home's card and their calendar feed).

Kinds of deadline, each read by one source in a query or two whatever the data's size:

- the periodic update an action owes for its reporting cycle (`ponte.plan.cycles`), due a few
  days after its period ends;
- the action milestones not done;
- the follow-ups (`core.FollowUp`) of any origin: missions, meetings, risks' mitigations, …;
- the projects' reports, payment requests, deadlines and audits (`funding.ProjectMilestone`);
- the deadlines of the calls still open or forthcoming;
- the deadlines of the candidacies still planned or in preparation.

Past due and not done is *overdue*: listed and flagged however old, never dropped. Calls and
candidacies have no "done": only their coming deadlines are listed.

Whose is what (`for_user`): the actions whose responsible person is the user's or whose owning
office is the user's office, their milestones and updates; the follow-ups given to the user's
person or to their office; the deadlines of the projects their office manages; calls and
candidacies for the roles that handle them (EU funds officer, city diplomacy officer; plan owners
and administrators see every one), and the calls of their office.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ponte.core import permissions
from ponte.core.models import FollowUp
from ponte.core.queries import with_origins
from ponte.diplomacy.models import Candidacy
from ponte.funding.models import Call, ProjectMilestone
from ponte.plan import cycles
from ponte.plan.models import Action, Milestone
from ponte.plan.queries import updates_owed

Role = permissions.Role

# The kinds, in the order of the filter; the codes are those of the page's `?tipo=` filter.
KINDS = {
    "update": _("Update due"),
    "milestone": _("Milestone"),
    "follow_up": _("Follow-up"),
    "project": _("Project deadline"),
    "call": _("Call"),
    "candidacy": _("Candidacy"),
}
# How far ahead the dashboard and a person's list look (overdue items are listed however old).
CITY_DAYS = 90
PERSON_DAYS = 365


@dataclass(frozen=True)
class Deadline:
    day: datetime.date
    kind: str  # a key of KINDS
    title: str
    url: str  # the staff page where it is done, without the site's address
    uid: str  # stable across requests: a calendar keeps one event per deadline
    overdue: bool = False
    owner: str = ""  # who answers for it: a person or an office
    label: str = ""  # the kind as people read it ("Report", "Follow-up", …); KINDS' label by default
    note: str = ""  # what it belongs to ("Mission: Brussels")

    @property
    def kind_label(self) -> str:
        return self.label or str(KINDS[self.kind])


@dataclass
class Scope:
    """Whose deadlines: the whole city (`user` None), or what one person answers for."""

    city: object
    user: object = None
    role: str | None = None
    office_id: int | None = None
    limit: int | None = None  # city-wide: at most this many overdue and this many coming per kind
    kinds: set = field(default_factory=lambda: set(KINDS))

    @property
    def sees_all_calls(self) -> bool:
        return self.user is None or self.role in {Role.ADMINISTRATOR, Role.PLAN_OWNER, Role.FUNDS_OFFICER}

    @property
    def sees_candidacies(self) -> bool:
        return self.user is None or self.role in {Role.ADMINISTRATOR, Role.PLAN_OWNER, Role.DIPLOMACY_OFFICER}

    @property
    def sees_all_projects(self) -> bool:
        return self.sees_all_calls


def for_city(city, today: datetime.date, *, days: int = CITY_DAYS, limit: int | None = 50) -> list[Deadline]:
    """The city's deadlines, overdue ones and those of the coming `days`, soonest first; at most
    `limit` overdue (the latest) and `limit` coming ones of each kind, so the dashboard reads a
    bounded number of rows. Updates due are one row per period and due date, with how many actions
    owe it (the dashboard's list of them is the plan's "Updates to write")."""
    return _collect(Scope(city, limit=limit), today, today + datetime.timedelta(days=days))


def for_user(user, city, today: datetime.date, *, days: int = PERSON_DAYS, kinds=None) -> list[Deadline]:
    """What `user` answers for in `city` (see the module's rules), overdue and coming in `days`;
    nothing for an account without a role in the city (or inactive)."""
    role = permissions.role(user, city) if user.is_active else None
    if role is None:
        return []
    membership = permissions.membership(user, city)
    scope = Scope(
        city,
        user=user,
        role=role,
        office_id=membership.office_id if membership else None,
        kinds=set(kinds or KINDS) & set(KINDS),
    )
    return _collect(scope, today, today + datetime.timedelta(days=days))


def _collect(scope: Scope, today, until) -> list[Deadline]:
    found = []
    for kind, source in SOURCES.items():
        if kind in scope.kinds:
            found += source(scope, today, until)
    return sorted(found, key=lambda d: (d.day, list(KINDS).index(d.kind), d.title))


def absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


# --- the sources ---------------------------------------------------------------------------


def _bounded(scope, queryset, today, date_field="due_date"):
    """The rows of `queryset` to show: all of them for a person; city-wide the latest `limit`
    overdue and the soonest `limit` coming."""
    if scope.limit is None:
        return list(queryset.order_by(date_field, "pk"))
    past = queryset.filter(**{f"{date_field}__lt": today}).order_by(f"-{date_field}", "-pk")[: scope.limit]
    coming = queryset.filter(**{f"{date_field}__gte": today}).order_by(date_field, "pk")[: scope.limit]
    return list(reversed(past)) + list(coming)


def _actions(scope):
    actions = Action.objects.for_city(scope.city)
    return actions.owned_by(scope.user) if scope.user is not None else actions


def _owner_of_action(action) -> str:
    return str(action.responsible or action.owner_office or "")


def _uid(scope, *parts) -> str:
    return "-".join(str(part) for part in parts) + f"@{scope.city.slug}.ponte"


def updates(scope, today, until) -> list[Deadline]:
    """The update each running action owes for its reporting cycle: the last ended period not yet
    reported (overdue once its due date passed), else the current one. An update sent back by
    the reviewer is still owed."""
    running = _actions(scope).exclude(status__in=[Action.Status.COMPLETED, Action.Status.SUSPENDED]).with_tree()
    actions = list(running)
    if not actions:
        return []
    # The rule of "Updates to write" (`plan.queries.updates_owed`), so the two never disagree.
    owing = updates_owed(actions, today)
    owed = [(a, *owing[a.pk]) for a in actions if a.pk in owing and owing[a.pk][1] <= until]
    if scope.user is None:
        return _updates_by_period(scope, owed, today)
    return [
        Deadline(
            due,
            "update",
            gettext("%(action)s · update for %(period)s")
            % {"action": f"{action.code} {action.title}", "period": period},
            reverse(
                "plan:update-edit",
                kwargs={"city": scope.city.slug, "code": action.code} | cycles.period_url_kwargs(period),
            ),
            _uid(scope, "update", action.pk, period.cadence, period.year, period.number),
            overdue=due < today,
            owner=_owner_of_action(action),
        )
        for action, period, due in owed
    ]


def _updates_by_period(scope, owed, today) -> list[Deadline]:
    """City-wide, the updates owed as one row per period and due date: "12 actions, H1 2026"."""
    groups = defaultdict(int)
    for _action, period, due in owed:
        groups[period, due] += 1
    url = reverse("plan:due", kwargs={"city": scope.city.slug})
    return [
        Deadline(
            due,
            "update",
            ngettext("Update for %(period)s: %(count)s action", "Update for %(period)s: %(count)s actions", count)
            % {"period": period, "count": count},
            url,
            _uid(scope, "updates", period.cadence, period.year, period.number),
            overdue=due < today,
        )
        for (period, due), count in groups.items()
    ]


def milestones(scope, today, until) -> list[Deadline]:
    found = Milestone.objects.filter(
        action__in=_actions(scope).values("pk"), done_date__isnull=True, due_date__lte=until
    ).select_related("action__city", "action__responsible", "action__owner_office")
    return [
        Deadline(
            m.due_date,
            "milestone",
            f"{m.action.code} · {m.title}",
            m.action.get_absolute_url(),
            _uid(scope, "milestone", m.pk),
            overdue=m.due_date < today,
            owner=_owner_of_action(m.action),
        )
        for m in _bounded(scope, found, today)
    ]


def follow_ups(scope, today, until) -> list[Deadline]:
    """Follow-ups of any origin; each origin kind is read in one query (its link and name)."""
    found = FollowUp.objects.for_city(scope.city).filter(done_date__isnull=True, due_date__lte=until)
    if scope.user is not None:
        mine = Q(owner__user=scope.user)
        if scope.office_id:
            mine |= Q(owner_office_id=scope.office_id)
        found = found.filter(mine)
    tasks = with_origins(_bounded(scope, found.select_related("owner", "owner_office"), today))
    deadlines = []
    for task in tasks:
        origin = task.origin
        kind_name = capfirst(ContentType.objects.get_for_id(task.content_type_id).name)
        name = getattr(origin, "title", "") or str(origin or "")
        deadlines.append(
            Deadline(
                task.due_date,
                "follow_up",
                task.title,
                origin.get_absolute_url() if hasattr(origin, "get_absolute_url") else "",
                _uid(scope, "follow-up", task.pk),
                overdue=task.due_date < today,
                owner=str(task.owner or task.owner_office or ""),
                note=f"{kind_name}: {name}" if origin is not None else "",
            )
        )
    return deadlines


def project_deadlines(scope, today, until) -> list[Deadline]:
    found = ProjectMilestone.objects.for_city(scope.city).filter(done_date__isnull=True, due_date__lte=until)
    if not scope.sees_all_projects:
        if not scope.office_id:
            return []
        found = found.filter(project__responsible_office_id=scope.office_id)
    found = found.select_related("project__city", "project__responsible_office")
    return [
        Deadline(
            m.due_date,
            "project",
            f"{m.project} · {m.title}",
            m.project.get_absolute_url(),
            _uid(scope, "project-deadline", m.pk),
            overdue=m.due_date < today,
            owner=str(m.project.responsible_office or ""),
            label=m.get_kind_display(),
        )
        for m in _bounded(scope, found, today)
    ]


def calls(scope, today, until) -> list[Deadline]:
    found = Call.objects.for_city(scope.city).filter(
        status__in=[Call.Status.OPEN, Call.Status.FORTHCOMING], deadline__gte=today, deadline__lte=until
    )
    if not scope.sees_all_calls:
        if not scope.office_id:
            return []
        found = found.filter(responsible_office_id=scope.office_id)
    found = found.select_related("city", "responsible_office")
    return [
        Deadline(
            c.deadline,
            "call",
            f"{c.identifier} · {c.title}",
            c.get_absolute_url(),
            _uid(scope, "call", c.pk, c.deadline.isoformat()),
            owner=str(c.responsible_office or ""),
        )
        for c in _bounded(scope, found, today, "deadline")
    ]


def candidacies(scope, today, until) -> list[Deadline]:
    if not scope.sees_candidacies:
        return []
    found = Candidacy.objects.for_city(scope.city).filter(
        status__in=[Candidacy.Status.PLANNED, Candidacy.Status.PREPARING], deadline__gte=today, deadline__lte=until
    )
    listed = reverse("diplomacy:candidacy-list", kwargs={"city": scope.city.slug})
    return [
        Deadline(c.deadline, "candidacy", c.title, listed, _uid(scope, "candidacy", c.pk, c.deadline.isoformat()))
        for c in _bounded(scope, found, today, "deadline")
    ]


SOURCES = {
    "update": updates,
    "milestone": milestones,
    "follow_up": follow_ups,
    "project": project_deadlines,
    "call": calls,
    "candidacy": candidacies,
}
