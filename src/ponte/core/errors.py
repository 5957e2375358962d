"""Error pages that say why and where to go (templates 403.html, 404.html, 500.html).

403 and 404 are rendered in the layout the person was in (the back office's for the city's staff,
the portal's otherwise); 403 names the person's role and the roles the page admits. 500 is
Django's own handler: its template renders without a request.
"""

from django.http import HttpResponseForbidden, HttpResponseNotFound
from django.template import loader
from django.urls import Resolver404, resolve, reverse

from . import permissions
from .models import Membership


class _RoleProbe:
    """A stand-in account holding one role in one city, to ask a permission which roles it admits."""

    is_authenticated = True
    is_superuser = False

    def __init__(self, city, role):
        self._ponte_memberships = {city.pk: Membership(city=city, role=role)}


def roles_admitted(check, city) -> list[str]:
    """The names of the roles `check(user, city)` lets in."""
    return [role.label for role in permissions.Role if check(_RoleProbe(city, role), city)]


def _view_permission(request):
    try:
        view_class = getattr(resolve(request.path_info).func, "view_class", None)
    except Resolver404:
        return None
    return getattr(view_class, "permission", None)


def _context(request):
    city = getattr(request, "city", None)
    staff = city is not None and permissions.can_view(request.user, city)
    if staff:
        home = reverse("core:staff-home", kwargs={"city": city.slug})
    elif city is not None:
        home = city.get_absolute_url()
    else:
        home = "/"
    return {
        "error_layout": "backoffice/base.html" if staff else "base.html",
        "home_url": home,
        "title": "",
    }


def permission_denied(request, exception):
    context = _context(request)
    city = getattr(request, "city", None)
    check = _view_permission(request)
    if city is not None and check is not None:
        admitted = roles_admitted(check, city)
        # The view admits the person's role, so the refusal is about this item (another office's).
        context["item_level"] = permissions.role(request.user, city) in {
            role for role in permissions.Role if role.label in admitted
        }
        context["roles_admitted"] = admitted
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render(context, request))


def page_not_found(request, exception):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render(_context(request), request))
