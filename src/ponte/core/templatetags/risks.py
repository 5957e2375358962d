"""`{% risk_register item %}`: the "Rischi e criticità" section of an action's or a project's page;
`{{ risk|risk_level_badge }}`: a risk's level as a coloured badge that also says it in words."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html

from .. import permissions, risks
from ..models import Risk

register = template.Library()

# Colour backs up the words, never replaces them (WCAG 1.4.1).
LEVEL_CLASSES = {
    Risk.Level.LOW: "bg-success",
    Risk.Level.MEDIUM: "bg-warning text-dark",
    Risk.Level.HIGH: "bg-danger",
}
ITEM_KINDS = {"plan.action": "azione", "funding.project": "progetto"}


@register.filter
def risk_level_badge(risk):
    # The score is written beside it (likelihood × impact = score): the badge says the level.
    return format_html(
        '<span class="badge ponte-risk-level {}">{}</span>', LEVEL_CLASSES[risk.level], risk.get_level_display()
    )


@register.inclusion_tag("core/_risks.html", takes_context=True)
def risk_register(context, item):
    request = context["request"]
    may_keep = permissions.can_keep_risks_of(request.user, item)
    kind = ITEM_KINDS[item._meta.label_lower]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "city": item.city,
        "item": item,
        "risks": list(risks.risks_of(item)),
        "may_keep": may_keep,
        "add_url": reverse("core:risk-add", kwargs={"city": item.city.slug, "kind": kind, "pk": item.pk}),
        "item_type": ContentType.objects.get_for_model(item),
    }
