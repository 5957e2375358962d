from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.services import checked_save


def _save(item, user):
    refusal = _(
        "Only the city diplomacy officers and the plan owners manage cooperation initiatives and good practices."
    )
    return checked_save(item, user=user, allowed=permissions.can_manage_diplomacy(user, item.city), refusal=refusal)


def initiative_save(*, initiative, user):
    return _save(initiative, user)


def goodpractice_save(*, goodpractice, user):
    return _save(goodpractice, user)
