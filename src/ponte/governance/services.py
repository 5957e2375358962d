"""Writes of governance bodies: meetings, attendance and decisions (follow-ups: core.services)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ponte.core import permissions
from ponte.core.services import acting_as, checked_save

from .models import Decision, Meeting


def _require(user, city):
    if not permissions.can_manage_governance(user, city):
        raise PermissionDenied(_("Only the governance secretariat and the plan owners manage governance bodies."))


def meeting_save(*, meeting: Meeting, user) -> Meeting:
    return checked_save(
        meeting,
        user=user,
        allowed=permissions.can_manage_governance(user, meeting.city),
        refusal=_("Only the governance secretariat and the plan owners manage governance bodies."),
    )


def decision_add(*, meeting: Meeting, user, text: str) -> Decision:
    _require(user, meeting.city)
    with acting_as(user):
        return Decision.objects.create(city=meeting.city, meeting=meeting, text=text)


def is_member(user, body) -> bool:
    """A staff account linked to a person who represents the body's members, or a plan owner."""
    if permissions.can_manage_governance(user, body.city):
        return True
    return user.is_authenticated and body.members.filter(person__user=user).exists()


def post_add(*, body, user, text: str):
    from .models import Post

    if not is_member(user, body):
        raise PermissionDenied(_("The discussion is for the members of the group."))
    return Post.objects.create(city=body.city, body=body, author=user, text=text.strip())


def position_paper_add(*, body, user, title: str, text: str):
    from .models import PositionPaper

    if not is_member(user, body):
        raise PermissionDenied(_("Position papers are written by the members of the group."))
    with acting_as(user):
        return PositionPaper.objects.create(city=body.city, body=body, title=title.strip(), text=text.strip())
