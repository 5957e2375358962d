"""The authorisation matrix of the whole back office, generated from the URL conf: every staff
route (a view behind a login under /<city>/gestione/ or /<city>/eventi/), every role, two cities.
A new route is covered the day it is added, and one that changes data with no rule of its own
fails here.

- Pages addressed by the city alone answer each role as the view's own `permission` rule says
  (the page or a redirect for a role it admits, 403 for one it does not, the login page for an
  anonymous visitor), and 403 to every staff member of another city.
- Pages of one item, given an item that does not exist, answer 404 to the roles admitted and
  never 200 nor 500 to anyone.
- A POST from a role the rule does not admit is refused (403, or the login page) and changes
  nothing.
- A view that takes a POST (a form) must declare its rule: the default rule, "any staff member
  of the city", is not accepted silently for a form, only for those listed in READ_FORMS."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import get_resolver

from ponte.core import permissions
from ponte.core.tests.test_menu import walk
from ponte.core.views import CityMixin
from ponte.factories import CityFactory, MembershipFactory, PlanFactory
from ponte.testing import ROLES, STAFF

STAFF_PREFIXES = ("<slug:city>/gestione/", "<slug:city>/eventi/")
# Forms every staff member of the city may open, whose rule is the item's own, checked by the
# service on every post and tested with it (an office editor edits the actions of their office).
READ_FORMS = {
    "collaboration:comment-add",  # any staff member of the city comments (collaboration.services)
    "collaboration:comment-delete",  # its author, within 15 minutes (collaboration.services.may_delete)
    "collaboration:preferences",  # one's own e-mail choice
    "collaboration:read",  # one's own notification (another's is a 404)
    "collaboration:read-all",  # one's own notifications
    "core:follow-up-done",  # permissions.can_close_follow_up: its owner, or who manages its chapter
    "core:review-detail",  # its author reads it; review.approve / send_back admit only plan owners
    "governance:body-document",  # the body's secretariat or members (governance.permissions)
    "governance:discussion",  # the body's members
    "governance:position-paper-add",  # the body's members
    "plan:action-edit",  # permissions.can_edit_action: plan owners, or the action's office
    "plan:document-add",  # can_edit_action
    "plan:indicator-target-add",  # permissions.can_edit_indicator
    "plan:indicator-value-add",  # can_edit_indicator
    "plan:milestone-add",  # can_edit_action
    "plan:milestone-done",  # can_edit_action
    "plan:milestone-edit",  # can_edit_action
    "plan:update-add",  # can_edit_action
    "plan:update-edit",  # can_edit_action
    "reports:calendar-link",  # one's own calendar address (reports.services.calendar_link_renew)
}


def staff_routes():
    found = []
    for route, name, view_class in walk(get_resolver().url_patterns):
        if not route.startswith(STAFF_PREFIXES) or view_class is None or not issubclass(view_class, CityMixin):
            continue
        if view_class.login_required:
            found.append((route, name, view_class))
    return found


ROUTES = staff_routes()


def address(route, city_slug):
    """The route with the city and a missing item for every other argument."""

    def fill(match):
        converter, _sep, name = match.group(1).rpartition(":")
        if name == "city":
            return city_slug
        return "999999" if converter in ("int", "") else "non-esiste"

    return "/" + re.sub(r"<([^>]+)>", fill, route)


def logs_in(response):
    return response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.fixture
def planned(city):
    PlanFactory(city=city)  # the plan's pages need a plan
    return city


@pytest.fixture
def other_city_staff(db):
    other = CityFactory()
    return {role: MembershipFactory(city=other, role=role).user for role in ("admin", "owner", "funds")}


def test_the_walk_finds_the_back_office():
    names = {name for _route, name, _view in ROUTES}
    assert len(ROUTES) > 60
    assert {"plan:action-edit", "core:import-list", "participation:campaign-list", "core:organisation-merge"} <= names


def test_every_form_declares_who_may_post_it():
    lax = sorted(
        name
        for _route, name, view_class in ROUTES
        if hasattr(view_class, "post") and view_class.permission is permissions.can_view and name not in READ_FORMS
    )
    assert not lax, f"forms any staff member may post without a rule of their own: {lax}"


@pytest.mark.parametrize(("route", "name", "view_class"), ROUTES, ids=[name for _r, name, _v in ROUTES])
def test_each_role_and_city(client, planned, users, other_city_staff, route, name, view_class):
    city = planned
    url = address(route, city.slug)
    city_only = route.count("<") == 1
    # Every role the rule refuses, and one it admits (the pages are costly to render; the rule
    # is the view's own, so the other admitted roles would meet the same code).
    admitted_roles = [role for role in STAFF if view_class.permission(users[role], city)]
    tried = [role for role in ROLES if role not in admitted_roles] + admitted_roles[-1:]
    for role in tried:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.get(url)
        status = response.status_code
        assert status != 500, f"{role} GET {url}: 500"
        if role == "anonymous":
            assert logs_in(response), f"anonymous GET {url}: {status}, not the login page"
            continue
        admitted = view_class.permission(users[role], city)
        if not admitted:
            assert status == 403, f"{role} GET {url}: {status}, expected 403"
        elif city_only:
            assert status in (200, 302, 405), f"{role} GET {url}: {status}"
            assert not logs_in(response)
        else:
            assert status in (404, 405), f"{role} GET {url} (an item that does not exist): {status}"
        if not admitted and hasattr(view_class, "post"):
            posted = client.post(url, {"title": "x", "name": "x"})
            assert posted.status_code == 403, f"{role} POST {url}: {posted.status_code}, expected 403"
    for role, user in other_city_staff.items():
        client.force_login(user)
        status = client.get(url).status_code
        assert status in (403, 404), f"{role} of another city GET {url}: {status}"
