from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.services import acting_as


def _save(item, user):
    if not permissions.can_manage_plan(user, item.city):
        raise PermissionDenied(_("Only plan owners manage cooperation initiatives and good practices."))
    item.full_clean()
    with acting_as(user):
        item.save()
    return item


def initiative_save(*, initiative, user):
    return _save(initiative, user)


def goodpractice_save(*, goodpractice, user):
    return _save(goodpractice, user)
