"""Who may do what, in one place. Views, exports, imports and the admin all ask here.

Roles (per city, see `Membership`); every role reads the whole back office of its city:
- administrator: everything, including staff accounts and roles;
- plan owner (the Europe & International office): everything in the plan (structure, weights,
  every action and indicator, imports) and every chapter's work below;
- office editor: only the actions and indicators its office owns;
- EU funds officer: the funding portfolio, calls, partner search, funding imports, partners;
- city diplomacy officer: relations, networks, missions, candidacies, consulates, cooperation;
- governance secretariat: governance bodies, meetings, minutes, decisions, follow-ups;
- events and communication officer: events, registrations, newsletter campaigns, news, training;
- Europe Direct desk: the citizens' questions and the FAQ;
- viewer: reads the back office, changes nothing.

Each `can_manage_<chapter>(user, city)` answers for one chapter; views name one of them as
their `permission`, and the back-office menu shows an entry only to the roles its view admits.
"""

from .models import Membership, Risk

Role = Membership.Role


def membership(user, city) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_ponte_memberships", {})
    if city.pk not in cache:
        cache[city.pk] = Membership.objects.filter(user=user, city=city).first()
    return cache[city.pk]


def role(user, city) -> str | None:
    if user.is_authenticated and user.is_superuser:
        return Role.ADMINISTRATOR
    found = membership(user, city)
    return found.role if found else None


def can_view(user, city) -> bool:
    return role(user, city) is not None


def can_manage_plan(user, city) -> bool:
    return role(user, city) in {Role.ADMINISTRATOR, Role.PLAN_OWNER}


# The roles that do each chapter's work, beside the administrator and the plan owner.
CHAPTER_ROLES = {
    "funds": {Role.FUNDS_OFFICER},
    "diplomacy": {Role.DIPLOMACY_OFFICER},
    "governance": {Role.GOVERNANCE_SECRETARIAT},
    "events": {Role.EVENTS_OFFICER},
    "desk": {Role.EUROPE_DIRECT},
    # Partner organisations and people are kept by whoever meets them.
    "organisations": {Role.FUNDS_OFFICER, Role.DIPLOMACY_OFFICER, Role.GOVERNANCE_SECRETARIAT, Role.EVENTS_OFFICER},
}


def _manages(chapter):
    allowed = {Role.ADMINISTRATOR, Role.PLAN_OWNER} | CHAPTER_ROLES[chapter]

    def check(user, city) -> bool:
        return role(user, city) in allowed

    check.__name__ = f"can_manage_{chapter}"
    check.__doc__ = f"May do the {chapter} chapter's work in `city`."
    return check


can_manage_funds = _manages("funds")
can_manage_diplomacy = _manages("diplomacy")
can_manage_governance = _manages("governance")
can_manage_events = _manages("events")
can_manage_desk = _manages("desk")
can_manage_organisations = _manages("organisations")

# The chapters' checks by name, for templates (`can_manage_funds`, …) and the permission matrices.
CHAPTER_CHECKS = {
    "funds": can_manage_funds,
    "diplomacy": can_manage_diplomacy,
    "governance": can_manage_governance,
    "events": can_manage_events,
    "desk": can_manage_desk,
    "organisations": can_manage_organisations,
}


# A follow-up belongs to the chapter of what it follows (a mission, a meeting); others to the plan.
FOLLOW_UP_CHAPTERS = {"diplomacy": can_manage_diplomacy, "governance": can_manage_governance}


def can_close_follow_up(user, task) -> bool:
    """The chapter of the task's origin, or the person the task is given to; a risk's mitigation,
    whoever keeps the risks of the risk's action or project."""
    if task.owner_id and task.owner.user_id and task.owner.user_id == user.pk:
        return True
    if task.content_type.model_class() is Risk:
        return task.origin is not None and can_keep_risks_of(user, task.origin.item)
    check = FOLLOW_UP_CHAPTERS.get(task.content_type.app_label, can_manage_plan)
    return check(user, task.city)


def can_manage_users(user, city) -> bool:
    """Invite staff, give and take away roles: the city's administrators only."""
    return role(user, city) == Role.ADMINISTRATOR


def _edits_office(user, city, office_id) -> bool:
    if can_manage_plan(user, city):
        return True
    found = membership(user, city)
    return bool(found and found.role == Role.OFFICE_EDITOR and office_id and found.office_id == office_id)


def can_edit_plan_items(user, city) -> bool:
    """May change some of the plan: plan owners and administrators, office editors (their office's
    actions and indicators). Pages that only change the plan (the workbook upload) ask this."""
    return can_manage_plan(user, city) or role(user, city) == Role.OFFICE_EDITOR


def can_edit_action(user, action) -> bool:
    return _edits_office(user, action.city, action.owner_office_id)


def can_edit_indicator(user, indicator) -> bool:
    return _edits_office(user, indicator.city, indicator.responsible_office_id)


def can_keep_risks(user, city) -> bool:
    """May keep some register of risks: whoever edits some of the plan's actions, or the funds."""
    return can_edit_plan_items(user, city) or can_manage_funds(user, city)


def can_keep_risks_of(user, item) -> bool:
    """The risks of an action: whoever may edit the action; of a funded project: the funds' officers."""
    if item is None:  # what it belonged to is gone
        return False
    label = item._meta.label_lower
    if label == "plan.action":
        return can_edit_action(user, item)
    if label == "funding.project":
        return can_manage_funds(user, item.city)
    return False
