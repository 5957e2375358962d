"""`{% if task|closable_by:user %}`: whether the person may mark a follow-up done (the chapter
of its origin, or the person it is given to)."""

from django import template

from .. import permissions

register = template.Library()


@register.filter
def closable_by(task, user) -> bool:
    return permissions.can_close_follow_up(user, task)
