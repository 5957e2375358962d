"""The "Follow" box of an action's, a project's and a theme's public page."""

from django import template
from django.template.loader import render_to_string

from ponte.portal import follow
from ponte.portal.following import FollowForm

register = template.Library()


@register.simple_tag(takes_context=True)
def follow_box(context, thing):
    return render_to_string(
        "portal/_follow.html",
        {"thing": thing, "kind": follow.kind_of(thing), "key": follow.key_of(thing), "form": FollowForm()},
        request=context.get("request"),
    )
