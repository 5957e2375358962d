"""Writes of governance bodies: meetings, attendance and decisions (follow-ups: core.services)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.services import acting_as

from .models import Decision, Meeting


def _require(user, city):
    if not permissions.can_manage_plan(user, city):
        raise PermissionDenied(_("Only plan owners manage governance bodies."))


def meeting_save(*, meeting: Meeting, user) -> Meeting:
    _require(user, meeting.city)
    meeting.full_clean()
    with acting_as(user):
        meeting.save()
    return meeting


def decision_add(*, meeting: Meeting, user, text: str) -> Decision:
    _require(user, meeting.city)
    with acting_as(user):
        return Decision.objects.create(city=meeting.city, meeting=meeting, text=text)
