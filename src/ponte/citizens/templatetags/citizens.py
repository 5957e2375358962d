from django import template

from ponte.citizens import services

register = template.Library()


@register.inclusion_tag("citizens/_sign_in.html", takes_context=True)
def citizen_sign_in(context, purpose=""):
    """The "Entra con SPID" / "Entra con CIE" buttons of a public form (nothing when the city
    offers neither), or who is signed in, with their page and a way out."""
    request, city = context["request"], context.get("city")
    if city is None:
        return {"profiles": []}
    return {
        "city": city,
        "profiles": services.offered_profiles(city),
        "citizen": services.current(request, city),
        "next": request.get_full_path(),
        "purpose": purpose,
    }


@register.simple_tag(takes_context=True)
def citizen_current(context):
    """The person signed in with SPID/CIE in the page's city, or None (`{% citizen_current as who %}`):
    a form whose e-mail address the identity proves says nothing about confirmation links."""
    city = context.get("city")
    return services.current(context["request"], city) if city is not None else None
