"""The "Valuta questo sito" block every public page shows before the footer."""

from django import template
from django.template.loader import render_to_string

from ponte.portal.feedback import RATING_SESSION_KEY, RatingForm
from ponte.portal.models import POSITIVE_ABOVE

register = template.Library()


@register.simple_tag(takes_context=True)
def rating_block(context):
    """The rating form of this page; after its POST came back here, the thanks or what to correct."""
    request, city = context.get("request"), context.get("city")
    if request is None or not getattr(city, "slug", None) or context.get("no_rating"):
        return ""
    outcome = request.session.get(RATING_SESSION_KEY) if hasattr(request, "session") else None
    if outcome and outcome.get("path") == request.path:
        del request.session[RATING_SESSION_KEY]
    else:
        outcome = {}
    form = RatingForm(city=city)
    typed = outcome.get("data", {})
    return render_to_string(
        "portal/_rating.html",
        {
            "city": city,
            "page": request.path,
            "thanks": outcome.get("thanks", False),
            "errors": outcome.get("errors", {}),
            "typed": typed,
            "stars": range(1, 6),
            "positive": form.fields["positive_reason"],
            "negative": form.fields["negative_reason"],
            "comment_field": form.fields["comment"],
            "positive_above": POSITIVE_ABOVE,
        },
        request=request,
    )
