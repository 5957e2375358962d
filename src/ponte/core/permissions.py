"""Who may do what, in one place. Views, exports, imports and the admin all ask here.

Roles (per city, see `Membership`):
- administrator: everything, including staff accounts and taxonomies;
- plan owner: everything in the plan (structure, weights, every action and indicator, imports);
- office editor: only the actions and indicators its office owns;
- viewer: reads the back office, changes nothing.
"""

from .models import Membership

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


def _edits_office(user, city, office_id) -> bool:
    if can_manage_plan(user, city):
        return True
    found = membership(user, city)
    return bool(found and found.role == Role.OFFICE_EDITOR and office_id and found.office_id == office_id)


def can_edit_action(user, action) -> bool:
    return _edits_office(user, action.city, action.owner_office_id)


def can_edit_indicator(user, indicator) -> bool:
    return _edits_office(user, indicator.city, indicator.responsible_office_id)
