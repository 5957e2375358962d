from django import template

from .. import suggestions

register = template.Library()


@register.inclusion_tag("intelligence/_panel.html", takes_context=True)
def sdg_suggestions(context, obj):
    """The panel of an object's suggested goals, for whoever may decide on them."""
    request = context["request"]
    return {
        "panel": suggestions.panel(obj, request.user),
        "city": obj.city,
        "csrf_token": context.get("csrf_token"),
        "next": f"{request.path}#sdg-suggestions",
    }
